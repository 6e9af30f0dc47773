"""MLflow runs named after what they did, instead of kedro-mlflow's ``__default__``.

A training run reads "segmentation_data.csv · 3,030 rows · 4 features · k=4"; a monitoring run
"monitoring april.parquet · 900 rows · alert watch". The feature names are also a tag
(``customer_segmentation.features``) so runs on the same feature set can be compared together.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from kedro.framework.hooks import hook_impl

FEATURES_TAG = "customer_segmentation.features"
KIND_TAG = "customer_segmentation.kind"
INPUT_TAG = "customer_segmentation.input"


def run_name(kind: str, source: str | None, facts: dict[str, Any]) -> str:
    """``"<file> · <rows> rows · <n> features · k=<k>"`` (the parts that are known)."""
    parts = [f"monitoring {source}" if kind == "monitoring" else (source or "kedro run")]
    if facts.get("rows") is not None:
        parts.append(f"{facts['rows']:,} rows")
    if facts.get("features"):
        parts.append(f"{len(facts['features'])} features")
    if facts.get("k") is not None:
        parts.append(f"k={facts['k']}")
    if facts.get("alert"):
        parts.append(f"alert {facts['alert']}")
    return " · ".join(parts)


def _source(catalog: Any, name: str) -> str | None:
    try:
        described = catalog[name]._describe()
    except Exception:  # noqa: BLE001 - not in this catalog
        return None
    path = described.get("filepath") or described.get("path")
    return PurePath(str(path)).name if path else None


class RunNameHooks:
    """Names the MLflow run from its input, rows, features and k (or the monitoring alert)."""

    def __init__(self) -> None:
        self._kind, self._source, self._facts = "training", None, {}

    @hook_impl(trylast=True)  # after kedro-mlflow opened the MLflow run
    def before_pipeline_run(self, pipeline: Any, catalog: Any) -> None:
        import mlflow

        inputs = pipeline.inputs()
        self._kind = "monitoring" if "batch_customers" in inputs else "training"
        self._source = _source(catalog, "batch_customers" if self._kind == "monitoring" else "customers")
        self._facts = {}
        if "params:features" in inputs:
            from customer_segmentation.features import FeatureTable

            self._facts["features"] = FeatureTable.from_config(catalog.load("params:features")).names
        if mlflow.active_run() is not None:
            tags = {KIND_TAG: self._kind, "mlflow.runName": run_name(self._kind, self._source, self._facts)}
            if self._source:
                tags[INPUT_TAG] = self._source
            if self._facts.get("features"):
                tags[FEATURES_TAG] = ",".join(self._facts["features"])
            mlflow.set_tags(tags)

    @hook_impl
    def after_node_run(self, inputs: dict[str, Any], outputs: dict[str, Any]) -> None:
        if "deduplication_summary" in outputs:
            self._facts["rows"] = outputs["deduplication_summary"]["rows_read"]
        if "clustering_metrics" in outputs:
            self._facts["k"] = outputs["clustering_metrics"]["k"]
        if "batch_summary" in outputs:
            self._facts["rows"] = outputs["batch_summary"]["rows"]
        if "drift_report" in outputs:
            self._facts["alert"] = outputs["drift_report"]["alert"]
        if "served_model" in inputs and "features" not in self._facts:
            self._facts["features"] = [str(name) for name in inputs["served_model"].feature_names_in_]

    @hook_impl(tryfirst=True)  # before kedro-mlflow ends the MLflow run
    def after_pipeline_run(self) -> None:
        import mlflow

        if mlflow.active_run() is not None:
            tags = {"mlflow.runName": run_name(self._kind, self._source, self._facts)}
            if self._facts.get("features"):
                tags[FEATURES_TAG] = ",".join(self._facts["features"])
            mlflow.set_tags(tags)
