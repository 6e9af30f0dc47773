"""Process-wide settings and background writes: a run ends only when its outputs are on disk."""

from __future__ import annotations

import atexit
import gc
import logging
import os

from kedro.framework.hooks import hook_impl

logger = logging.getLogger(__name__)


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
