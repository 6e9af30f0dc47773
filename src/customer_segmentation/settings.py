"""Project settings.

``${project_root:}`` is a config resolver that anchors paths (the SQLite MLflow store)
to the project folder, so a session opened from another working directory (the
Streamlit app, the tests) uses the same store instead of creating a stray one.
"""

from pathlib import Path

from customer_segmentation.hooks import (
    BackgroundWriteHooks,
    DataFingerprintHooks,
    MlflowStoreCheckHooks,
    NodeTimingHooks,
    ProcessTuningHooks,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]

HOOKS = (MlflowStoreCheckHooks(), ProcessTuningHooks(), DataFingerprintHooks(), NodeTimingHooks(), BackgroundWriteHooks())

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "custom_resolvers": {"project_root": lambda: PROJECT_ROOT.as_posix()},
}
