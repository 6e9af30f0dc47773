"""Project hooks, one module per concern (registered in ``settings.py``).

* :mod:`.config_check`: the feature table and the input's headers checked before any node runs.
* :mod:`.mlflow_store`: the MLflow store checked before kedro-mlflow connects; the input's fingerprint as tags.
* :mod:`.run_guard`: one run at a time per project, owner-only files, runs a killed process left marked FAILED.
* :mod:`.registry`: the trained model registered (and aliased) only when the whole run succeeded.
* :mod:`.snapshot`: the outputs of the last complete run kept aside for the app.
* :mod:`.spark_session`: the SparkSession of `conf/spark/spark.yml`, for runs that use Spark datasets.
* :mod:`.timing`: start-up, node and dataset timings in the log.
* :mod:`.process`: background writes finished before a run ends; process tuning.
"""

from customer_segmentation.errors import MlflowStoreUnavailableError
from customer_segmentation.hooks.config_check import ConfigCheckHooks
from customer_segmentation.hooks.mlflow_store import (
    DataFingerprintHooks,
    MlflowStoreCheckHooks,
    check_tracking_uri,
    load_mlflow_config,
)
from customer_segmentation.hooks.registry import ModelRegistryHooks
from customer_segmentation.hooks.run_guard import RunGuardHooks, RunTagHooks
from customer_segmentation.hooks.snapshot import CompleteRunSnapshotHooks
from customer_segmentation.hooks.process import BackgroundWriteHooks, ProcessTuningHooks, use_jemalloc_for_arrow
from customer_segmentation.hooks.timing import NodeTimingHooks

__all__ = [
    "BackgroundWriteHooks",
    "CompleteRunSnapshotHooks",
    "ConfigCheckHooks",
    "DataFingerprintHooks",
    "MlflowStoreCheckHooks",
    "MlflowStoreUnavailableError",
    "ModelRegistryHooks",
    "NodeTimingHooks",
    "ProcessTuningHooks",
    "RunGuardHooks",
    "RunTagHooks",
    "check_tracking_uri",
    "load_mlflow_config",
    "use_jemalloc_for_arrow",
]
