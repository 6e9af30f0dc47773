"""Project hooks: fail fast on a bad MLflow store, tag runs with a fingerprint of their data."""

from __future__ import annotations

import atexit
import gc
import logging
import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.pipeline import Node

logger = logging.getLogger(__name__)

_HEALTH_TIMEOUT_S = 5


class MlflowStoreUnavailableError(RuntimeError):
    """The configured MLflow tracking store cannot be used."""


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


def _process_age_s() -> float | None:
    """Seconds since this process started (Linux), for the start-up figure; None elsewhere."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


class NodeTimingHooks:
    """Logs how long each node, each dataset load and save, and start-up took, so slow steps are easy to find."""

    def __init__(self) -> None:
        self._started: dict[str, float] = {}
        self._durations: dict[str, float] = {}
        self._io: dict[str, float] = {}

    @hook_impl
    def before_pipeline_run(self) -> None:
        self._durations.clear()
        self._io.clear()
        age = _process_age_s()
        if age is not None:
            logger.info("start-up (imports, configuration, MLflow run) took %.2f s", age)

    @hook_impl
    def before_node_run(self, node: Node) -> None:
        self._started[node.name] = time.perf_counter()

    @hook_impl
    def after_node_run(self, node: Node) -> None:
        seconds = time.perf_counter() - self._started.pop(node.name, time.perf_counter())
        self._durations[node.name] = seconds
        logger.info("node %s took %.2f s", node.name, seconds)

    def _start_io(self, key: str) -> None:
        self._started[key] = time.perf_counter()

    def _stop_io(self, key: str) -> None:
        if key in self._started:
            self._io[key] = self._io.get(key, 0.0) + time.perf_counter() - self._started.pop(key)

    @hook_impl
    def before_dataset_loaded(self, dataset_name: str) -> None:
        self._start_io(f"load {dataset_name}")

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str) -> None:
        self._stop_io(f"load {dataset_name}")

    @hook_impl
    def before_dataset_saved(self, dataset_name: str) -> None:
        self._start_io(f"save {dataset_name}")

    @hook_impl
    def after_dataset_saved(self, dataset_name: str) -> None:
        self._stop_io(f"save {dataset_name}")

    @hook_impl
    def after_pipeline_run(self) -> None:
        if self._durations:
            slowest = sorted(self._durations.items(), key=lambda item: -item[1])
            logger.info(
                "node timings (s): %s; total %.2f s",
                ", ".join(f"{name}={seconds:.2f}" for name, seconds in slowest),
                sum(self._durations.values()),
            )
        slow_io = sorted(((k, v) for k, v in self._io.items() if v >= 0.05), key=lambda item: -item[1])
        if self._io:
            logger.info(
                "dataset timings (s): %s; total %.2f s",
                ", ".join(f"{name}={seconds:.2f}" for name, seconds in slow_io) or "none above 0.05",
                sum(self._io.values()),
            )


class BackgroundWriteHooks:
    """Ends a run only when its background writes (``BackgroundWriteDataset``) are on disk."""

    @hook_impl(tryfirst=True)  # before kedro-mlflow closes the MLflow run: a failed write fails the run
    def after_pipeline_run(self) -> None:
        from customer_segmentation.datasets.background import wait_for_background_writes

        try:
            wait_for_background_writes()
        except Exception:
            import mlflow

            if mlflow.active_run() is not None:
                mlflow.end_run(status="FAILED")
            raise

    @hook_impl
    def on_pipeline_error(self) -> None:
        from customer_segmentation.datasets.background import wait_for_background_writes

        try:  # the run's own error is the one to report; a write that also failed is logged
            wait_for_background_writes()
        except Exception as error:  # noqa: BLE001
            logger.error("%s", error)


def use_jemalloc_for_arrow() -> str:
    """Arrow's jemalloc memory pool instead of its default, unless ``ARROW_DEFAULT_MEMORY_POOL`` is set.

    jemalloc keeps freed memory for the next allocation; the default pool hands fresh pages to
    every large one, and on this project's 2-core VM the page faults made reading and filtering
    10M rows 2-3x slower (README, "Millions of customers"). Returns the pool in use.
    """
    import pyarrow as pa

    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:  # a pyarrow built without jemalloc keeps its default
            pass
    return pa.default_memory_pool().backend_name


class ProcessTuningHooks:
    """Process-wide settings for speed, made once the project is loaded and before any data is read."""

    _exit_registered = False

    @hook_impl
    def after_context_created(self) -> None:
        logger.debug("Arrow memory pool: %s", use_jemalloc_for_arrow())
        if not ProcessTuningHooks._exit_registered:
            # At exit the interpreter garbage-collects every object of MLflow, SQLAlchemy, scikit-learn...:
            # ~1 s of each `kedro run`. Frozen objects are skipped; memory goes back to the OS anyway.
            # Registered first, so it runs last, after MLflow's own exit handlers.
            atexit.register(gc.freeze)
            ProcessTuningHooks._exit_registered = True


class DataFingerprintHooks:
    """Tags the active MLflow run with the input's row count and content hash."""

    @hook_impl
    def after_node_run(self, node: Node, outputs: dict[str, Any]) -> None:
        summary = outputs.get("deduplication_summary")
        if summary is None:
            return
        import mlflow  # only when a run is under way: keeps `kedro` start-up fast

        if mlflow.active_run() is not None:
            mlflow.set_tags({"input_rows": summary["rows_read"], "input_sha256": summary["input_sha256"]})
