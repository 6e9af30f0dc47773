"""Process-wide settings and background writes: a run ends only when its outputs are on disk."""

from __future__ import annotations

import atexit
import gc
import logging
import os
from typing import Any

from kedro.framework.hooks import hook_impl

logger = logging.getLogger(__name__)


class BackgroundWriteHooks:
    """Starts the helper processes a run's datasets write with, and ends a run only when its writes are done.

    The helpers (``datasets/helper.py``) are started when the pipeline has a dataset that uses them
    (``helper_warm_up``: report figures, model files) and stopped when the run ends; the writes waited
    for are those of ``BackgroundWriteDataset`` threads and of the helpers (``datasets/background.py``).
    """

    @hook_impl(trylast=True)  # once every check has passed and the MLflow run is open
    def before_pipeline_run(self, pipeline: Any, catalog: Any) -> None:
        from customer_segmentation.datasets import helper

        each, once = [], []
        for name in sorted(pipeline.datasets()):
            dataset = catalog.get(name)
            for warm_ups, attribute in ((each, "helper_warm_up"), (once, "helper_warm_up_once")):
                warm_up = getattr(dataset, attribute, None)
                if warm_up is not None and warm_up not in warm_ups:
                    warm_ups.append(warm_up)
        if each or once:
            helper.start(each, once)  # unless `kedro run` started them already (start_helpers_early)

    @hook_impl(tryfirst=True)  # before kedro-mlflow closes the MLflow run: a failed write fails the run
    def after_pipeline_run(self) -> None:
        from customer_segmentation.datasets import helper
        from customer_segmentation.datasets.background import wait_for_background_writes

        try:
            wait_for_background_writes()
        except Exception:
            import mlflow

            from customer_segmentation.datasets.mlflow_model import take_pending_registrations

            take_pending_registrations()  # the run failed: nothing it logged is registered
            if mlflow.active_run() is not None:
                mlflow.end_run(status="FAILED")
            raise
        finally:
            helper.stop()

    @hook_impl
    def on_pipeline_error(self) -> None:
        from customer_segmentation.datasets import helper
        from customer_segmentation.datasets.background import wait_for_background_writes

        try:  # the run's own error is the one to report; a write that also failed is logged
            wait_for_background_writes(follow_up=False)
        except Exception as error:  # noqa: BLE001
            logger.error("%s", error)
        finally:
            helper.stop()


def start_helpers_early(pipeline_names: list[str]) -> None:
    """Starts the helper processes as `kedro run` begins (``cli.py``), before Kedro loads the project.

    Their warm-up (matplotlib's backend and fonts, skops) then overlaps the run's own start-up, on the
    core it leaves idle, instead of its first nodes. Only for runs that write report figures or model
    files: every pipeline but data_processing does. What the helpers inherit is imported first (the
    settings, whose umask makes their files owner-only; scikit-learn and matplotlib, which the run
    imports anyway), so they do not import it again.
    """
    if pipeline_names and set(pipeline_names) <= {"data_processing"}:
        return
    import matplotlib.figure  # noqa: F401

    import customer_segmentation.settings  # noqa: F401
    from customer_segmentation.datasets import helper
    from customer_segmentation.datasets.figure import warm_up as figures
    from customer_segmentation.segmentation.persistence import warm_up as models

    helper.start([figures], [models])


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
