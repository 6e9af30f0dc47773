"""The SparkSession of a run: built from ``spark.yml`` when the run's pipelines read or write Spark datasets.

``conf/spark/spark.yml`` holds ``spark.*`` settings (``spark.master``, memory, shuffle partitions...).
The session is started before the first node (and before kedro-mlflow opens an MLflow run, so a
master that cannot be reached costs seconds, not a run) and stopped when the run ends. A run whose
pipelines use no Spark dataset (``--pipelines`` of pandas nodes only, or another environment) starts
no JVM.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.pipeline import Pipeline

logger = logging.getLogger(__name__)

CONFIG_KEY = "spark"
TRANSCODED = "@spark"  # the Spark side of a transcoded dataset (kedro's `<name>@<format>` convention)
_SPARK_DATASET_MODULES = ("kedro_datasets.spark", "customer_segmentation.datasets.spark_")


def load_spark_settings(loader: Any) -> dict[str, Any] | None:
    """The merged ``spark.yml`` of the active environments, or None when they have none."""
    if CONFIG_KEY not in loader.config_patterns:
        loader.config_patterns.update({CONFIG_KEY: ["spark*", "spark*/**"]})
    try:
        settings = loader[CONFIG_KEY]
    except Exception:  # noqa: BLE001 - no spark.yml: this environment does not use Spark
        return None
    return dict(settings) or None


def is_spark_dataset(dataset: Any) -> bool:
    """True for kedro-datasets' Spark datasets and the project's own (``datasets/spark_*.py``)."""
    return any(cls.__module__.startswith(_SPARK_DATASET_MODULES) for cls in type(dataset).__mro__)


def uses_spark(pipeline: Pipeline, catalog: Any) -> bool:
    """Whether ``pipeline`` reads or writes a Spark dataset of ``catalog``, or the ``@spark`` side of one."""
    return any(name.endswith(TRANSCODED) or is_spark_dataset(catalog.get(name)) for name in sorted(pipeline.datasets())
               if not name.startswith("params:") and name != "parameters")


class SparkSessionHooks:
    """Starts the SparkSession that ``spark.yml`` describes for runs that need one, and stops it."""

    def __init__(self) -> None:
        self._settings: dict[str, Any] | None = None
        self._where = "spark.yml"
        self._spark: Any = None

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        self._settings = load_spark_settings(context.config_loader)
        env = context.env or "local"
        project_file = Path(context.project_path) / "conf" / env / "spark.yml"
        self._where = f"conf/{env}/spark.yml" if project_file.exists() else "spark.yml"

    @hook_impl(tryfirst=True)  # before kedro-mlflow opens an MLflow run for a run that cannot start
    def before_pipeline_run(self, pipeline: Pipeline, catalog: Any) -> None:
        if self._settings is None or not uses_spark(pipeline, catalog):
            return
        from customer_segmentation.spark.session import start_session

        self._spark = start_session(self._settings, self._where)

    @hook_impl
    def after_pipeline_run(self) -> None:
        self._stop()

    @hook_impl
    def on_pipeline_error(self) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._spark is not None:
            from customer_segmentation.spark.session import stop_session

            stop_session(self._spark)
            self._spark = None
