"""Project hooks, one module per concern (registered in ``settings.py``).

* :mod:`.config_check`: the feature table and the input's headers checked before any node runs.
* :mod:`.mlflow_store`: the MLflow store checked before kedro-mlflow connects; the input's fingerprint as tags.
* :mod:`.run_guard`: one run at a time per project, owner-only files, runs a killed process left marked FAILED.
* :mod:`.registry`: the trained model registered (and aliased) only when the whole run succeeded.
* :mod:`.run_name`: MLflow runs named from their input, rows, features and k.
* :mod:`.snapshot`: the outputs of the last complete run kept aside for the app.
* :mod:`.spark_session`: the SparkSession of `conf/spark/spark.yml`, for runs that use Spark datasets.
* :mod:`.timing`: start-up, node and dataset timings in the log.
* :mod:`.process`: background writes finished before a run ends; process tuning.
* :mod:`.tracking`: kedro-mlflow's tracking hook, with parameters logged in batches (:mod:`.mlflow_tracking`).

Names are imported from their module when first asked for (PEP 562), so the app, which needs one
constant of :mod:`.snapshot`, does not import every hook and what they import.
"""

from __future__ import annotations

from customer_segmentation.lazy import lazy_exports

_MODULES = {
    "BackgroundWriteHooks": "process",
    "CompleteRunSnapshotHooks": "snapshot",
    "ConfigCheckHooks": "config_check",
    "DataFingerprintHooks": "mlflow_store",
    "MlflowStoreCheckHooks": "mlflow_store",
    "MlflowTrackingHooks": "tracking",
    "ModelRegistryHooks": "registry",
    "NodeTimingHooks": "timing",
    "ProcessTuningHooks": "process",
    "RunGuardHooks": "run_guard",
    "RunTagHooks": "run_guard",
    "RunNameHooks": "run_name",
    "MlflowStoreUnavailableError": "mlflow_store",  # defined in errors.py, imported there
    "check_tracking_uri": "mlflow_store",
    "load_mlflow_config": "mlflow_store",
    "use_jemalloc_for_arrow": "process",
}

__all__ = sorted(_MODULES)
__getattr__, __dir__ = lazy_exports(__name__, _MODULES)
