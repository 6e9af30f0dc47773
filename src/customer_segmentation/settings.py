"""Project settings.

``${project_root:}`` is a config resolver that anchors paths (the SQLite MLflow store)
to the project folder, so a session opened from another working directory (the
Streamlit app, the tests) uses the same store instead of creating a stray one.
"""

import os
import sys
from pathlib import Path

from customer_segmentation.context import ProjectContext
from customer_segmentation.hooks import (
    BackgroundWriteHooks,
    CompleteRunSnapshotHooks,
    ConfigCheckHooks,
    DataFingerprintHooks,
    MlflowStoreCheckHooks,
    MlflowTrackingHooks,
    ModelRegistryHooks,
    NodeTimingHooks,
    ProcessTuningHooks,
    RunGuardHooks,
    RunNameHooks,
    RunTagHooks,
)
from customer_segmentation.hooks.spark_session import SparkSessionHooks

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# No usage data leaves the machine however the project is started (a bare `kedro run`, the app, a
# notebook), unless the user sets these variables themselves. Kedro's own telemetry reads `.telemetry`
# at the project root; MLflow decides when it is imported (kedro-mlflow imports it before this file),
# so its client is set up again once the variable is there.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
if "mlflow.telemetry" in sys.modules:
    from mlflow.telemetry import set_telemetry_client

    set_telemetry_client()

# Outputs, reports, model files and the MLflow store hold customer data: whatever this process creates
# (a run, the app, a notebook) is readable by its user only.
os.umask(0o077)

# MlflowTrackingHooks is kedro-mlflow's tracking hook with batched parameter logging; it replaces the
# plugin's own instance (disabled below). Registered last, so among hooks without tryfirst/trylast it runs
# first, where the plugin's entry point put it. SparkSessionHooks starts the SparkSession of
# conf/spark/spark.yml (`kedro run --env spark`), only for runs that use Spark datasets.
HOOKS = (RunGuardHooks(), MlflowStoreCheckHooks(), ConfigCheckHooks(), RunTagHooks(), RunNameHooks(), ProcessTuningHooks(), DataFingerprintHooks(), NodeTimingHooks(), BackgroundWriteHooks(),
         ModelRegistryHooks(), CompleteRunSnapshotHooks(), SparkSessionHooks(), MlflowTrackingHooks())

# Kedro compares the distribution's name as its metadata spells it.
DISABLE_HOOKS_FOR_PLUGINS = ("kedro_mlflow", "kedro-mlflow")

# The project's context also picks the pipelines' engine (pandas, or Spark for conf/spark): context.py.
CONTEXT_CLASS = ProjectContext

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "custom_resolvers": {"project_root": lambda: PROJECT_ROOT.as_posix()},
    # An environment (conf/scale/) sets only the nested parameters it changes; the rest come from base.
    "merge_strategy": {"parameters": "soft"},
}
