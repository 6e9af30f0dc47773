"""What an MLflow run is about, as tags and a readable name (a hook: only hooks see the MLflow run kedro-mlflow opens).

A training run is named "demo · segmentation_data.csv · 3,030 rows · 4 features · k=4 · 2026-12-06 09:41:07"
(the data set, i.e. the Kedro environment, its input, rows, features, k and the start time in UTC: unique and
readable in the MLflow UI and the app); a monitoring run "demo · monitoring april.parquet · 900 rows · alert
watch · ...", a refresh "demo · refresh 2026-12.csv · 3,000 rows · ...".
Tags: the input file and its fingerprint, the
feature names (runs on the same feature set can be compared), the kind of run, and the project, process
and host running it, by which the next run finds a run that a killed process left RUNNING
(``run_guard.py``).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path, PurePath
from typing import Any

from kedro.framework.hooks import hook_impl

from customer_segmentation.catalog_paths import dataset_path
from customer_segmentation.names import (
    FEATURES_TAG,
    HOST_TAG,
    INPUT_ROWS_TAG,
    INPUT_SHA256_TAG,
    INPUT_TAG,
    KIND_TAG,
    PID_TAG,
    PROJECT_TAG,
)


BATCH_KINDS = ("monitoring", "refresh")  # runs that score a batch (batch_customers) with the served model
BATCH_INPUTS = ("batch_customers", "batch_transactions")  # a customer file, or an order log (pipelines/orders)


def run_name(kind: str, source: str | None, facts: dict[str, Any]) -> str:
    """``"<data set> · <file> · <rows> rows · <n> features · k=<k> · <start time>"`` (the parts that are known)."""
    parts = [facts["data_set"]] if facts.get("data_set") else []
    parts.append(f"{kind} {source}" if kind in BATCH_KINDS else (source or "kedro run"))
    if facts.get("rows") is not None:
        parts.append(f"{facts['rows']:,} rows")
    if facts.get("features"):
        parts.append(f"{len(facts['features'])} features")
    if facts.get("k") is not None:
        parts.append(f"k={facts['k']}")
    if facts.get("alert"):
        parts.append(f"alert {facts['alert']}")
    if facts.get("started"):
        parts.append(facts["started"])
    return " · ".join(parts)


class RunRecordHooks:
    """Names and tags the MLflow run from its input, rows, features and k (or the monitoring alert)."""

    def __init__(self) -> None:
        self._kind, self._source, self._facts = "training", None, {}
        self._data_set = "demo"

    @hook_impl
    def after_context_created(self, context: Any) -> None:
        try:  # the loader's globals name the data set (config/loader.py)
            self._data_set = str(context.config_loader["globals"].get("data_set") or context.env or "demo")
        except Exception:  # noqa: BLE001 - no globals: the environment's name, or the demo
            self._data_set = context.env or "demo"

    @hook_impl(trylast=True)  # after kedro-mlflow opened the MLflow run
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        import mlflow

        inputs = pipeline.inputs()
        batch = next((name for name in BATCH_INPUTS if name in inputs), None)
        self._kind = "training" if batch is None else (
            "refresh" if "refresh_report" in pipeline.all_outputs() else "monitoring")
        path = dataset_path(catalog, batch or "customers")
        self._source = PurePath(path).name if path else None
        self._facts = {"data_set": self._data_set,
                       "started": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}
        if "params:features" in inputs:
            from customer_segmentation.features import FeatureTable

            self._facts["features"] = FeatureTable.from_config(catalog.load("params:features")).names
        if mlflow.active_run() is None:
            return
        tags = {KIND_TAG: self._kind, PROJECT_TAG: Path(run_params["project_path"]).as_posix(),
                PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}
        if self._source:
            tags[INPUT_TAG] = self._source
        mlflow.set_tags(tags)
        self._name_run()

    @hook_impl
    def after_node_run(self, inputs: dict[str, Any], outputs: dict[str, Any]) -> None:
        summary = outputs.get("deduplication_summary")
        if summary is not None:
            self._facts["rows"] = summary["rows_read"]
            self._tag({INPUT_ROWS_TAG: summary["rows_read"], INPUT_SHA256_TAG: summary["input_sha256"]})
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
        self._name_run()

    def _name_run(self) -> None:
        tags = {"mlflow.runName": run_name(self._kind, self._source, self._facts)}
        if self._facts.get("features"):
            tags[FEATURES_TAG] = ",".join(self._facts["features"])
        self._tag(tags)

    @staticmethod
    def _tag(tags: dict[str, Any]) -> None:
        import mlflow

        if mlflow.active_run() is not None:
            mlflow.set_tags(tags)
