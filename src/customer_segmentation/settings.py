"""Project settings.

``${project_root:}`` is a config resolver that anchors paths (the SQLite MLflow store)
to the project folder, so a session opened from another working directory (the
Streamlit app, the tests) uses the same store instead of creating a stray one.

MLflow tracking is kedro-mlflow's own hook (registered by the plugin, configured by ``conf/*/mlflow.yml``).
The project's hooks are only what Kedro offers no other place for; each module says why it is a hook.
"""

import os
from contextlib import suppress
from pathlib import Path

from customer_segmentation.config.loader import ProjectConfigLoader
from customer_segmentation.context import ProjectContext
from customer_segmentation.hooks.config_check import ConfigCheckHooks
from customer_segmentation.hooks.failed_run import FailedRunHooks
from customer_segmentation.hooks.mlflow_store import MlflowStoreCheckHooks
from customer_segmentation.hooks.registry import ModelRegistryHooks
from customer_segmentation.hooks.run_guard import RunGuardHooks
from customer_segmentation.hooks.run_record import RunRecordHooks
from customer_segmentation.hooks.snapshot import CompleteRunSnapshotHooks
from customer_segmentation.hooks.spark_session import SparkSessionHooks

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Outputs, reports, model files, logs and the MLflow store hold customer data: whatever this process creates
# (a run, the app, a notebook) is readable by its user only.
os.umask(0o077)


def _keep_private(root: Path) -> None:
    """The folders a clone brings (``data/``, ``logs/``) and a log file made before this module ran are the
    user's only, like everything created from here on: others can list or read none of it."""
    for folder in (root / "data", *sorted((root / "data").glob("*/")), root / "logs"):
        if folder.is_dir() and not folder.is_symlink():
            with suppress(OSError):  # a folder of another user's: left as it is
                folder.chmod(0o700)
    for log in (root / "logs").glob("*.log*"):
        with suppress(OSError):
            log.chmod(0o600)


_keep_private(PROJECT_ROOT)

# pluggy calls `trylast` implementations in the order they were registered: at the end of a run the model is
# registered (ModelRegistryHooks), then its outputs are kept as the last complete set (CompleteRunSnapshotHooks),
# then the run lock is released (RunGuardHooks).
HOOKS = (ModelRegistryHooks(), CompleteRunSnapshotHooks(), RunGuardHooks(), MlflowStoreCheckHooks(),
         ConfigCheckHooks(), RunRecordHooks(), SparkSessionHooks(), FailedRunHooks())

# The project's context also picks the pipelines' engine (pandas, or Spark for conf/spark): context.py.
CONTEXT_CLASS = ProjectContext

# One data set per environment (config/loader.py): an environment's feature table replaces base's, its other
# parameters merge key by key, and its outputs, MLflow experiment and registered model are its own.
CONFIG_LOADER_CLASS = ProjectConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "custom_resolvers": {"project_root": lambda: PROJECT_ROOT.as_posix()},
    # The default environment (local) sets only the nested parameters it changes; the rest come from base.
    "merge_strategy": {"parameters": "soft"},
}
