"""The MLflow tracking store checked before kedro-mlflow connects to it (a hook: it must run before the plugin's own)."""

from __future__ import annotations

import logging
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl

from customer_segmentation.errors import MlflowStoreUnavailableError

logger = logging.getLogger(__name__)

_HEALTH_TIMEOUT_S = 5


def check_tracking_uri(uri: str | None, config_hint: str = "conf/base/mlflow.yml") -> None:
    """Raises a clear error when the MLflow tracking store at ``uri`` cannot be reached or written.

    Checked before anything is trained, so a wrong setting costs seconds, not a whole run.
    """
    if not uri:
        return
    fix = f"fix 'server.mlflow_tracking_uri' in {config_hint} (or conf/local/mlflow.yml)"
    parsed = urlparse(uri)
    if parsed.scheme in ("http", "https"):
        try:
            with urllib.request.urlopen(uri.rstrip("/") + "/health", timeout=_HEALTH_TIMEOUT_S) as response:
                if response.status != 200:
                    raise MlflowStoreUnavailableError(f"MLflow server at {uri} answered HTTP {response.status}")
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise MlflowStoreUnavailableError(
                f"MLflow tracking server at {uri} is unreachable ({getattr(error, 'reason', error)}). "
                f"Start it, or {fix}; nothing was trained."
            ) from error
    elif parsed.scheme == "sqlite":
        path = Path(uri.removeprefix("sqlite:///"))
        if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
            raise MlflowStoreUnavailableError(
                f"MLflow store {uri}: folder {path.parent} does not exist or is not writable; {fix}"
            )
    elif parsed.scheme not in ("", "file", "databricks", "postgresql", "mysql", "mssql"):
        raise MlflowStoreUnavailableError(f"MLflow tracking URI '{uri}' has an unknown scheme '{parsed.scheme}'; {fix}")


def load_mlflow_config(loader: Any) -> dict[str, Any] | None:
    """The merged ``mlflow.yml`` of the active environments, read as kedro-mlflow reads it; None if absent."""
    if "mlflow" not in loader.config_patterns:
        loader.config_patterns.update({"mlflow": ["mlflow*", "mlflow*/**", "**/mlflow*"]})
    try:
        return loader["mlflow"]
    except Exception:  # no mlflow.yml: kedro-mlflow falls back to its defaults
        return None


class MlflowStoreCheckHooks:
    """Checks the tracking store before kedro-mlflow connects to it (which retries for minutes)."""

    @hook_impl(tryfirst=True)
    def after_context_created(self, context: KedroContext) -> None:
        config = load_mlflow_config(context.config_loader)
        if config is not None:
            check_tracking_uri(config.get("server", {}).get("mlflow_tracking_uri"))
