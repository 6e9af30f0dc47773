"""One run at a time per project, and no MLflow run left RUNNING by a dead process (a hook: it must hold the
lock from before the first node until the run has ended, however it ends).

* Two ``kedro run`` on one project would interleave their outputs (one run's k beside the other's
  model). The first takes ``.kedro_run.lock`` at the project root (an OS file lock, released when its
  process ends, however it ends); a second stops at once, naming the running one (pid, start time,
  command).
* A run killed with ``kill -9`` leaves its MLflow run RUNNING. The next run of the project marks
  such runs FAILED (``run_record.py`` tags each run with the project and the process that ran it).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl

from customer_segmentation.errors import RunInProgressError
from customer_segmentation.names import ENDED_BY_TAG, HOST_TAG, PID_TAG, PROJECT_TAG
from customer_segmentation.processes import is_alive

logger = logging.getLogger(__name__)

LOCK_FILE = ".kedro_run.lock"


def acquire_run_lock(project: Path) -> Any:
    """The open, locked lock file of ``project``; raises :class:`RunInProgressError` when another run holds it."""
    path = project / LOCK_FILE
    handle = open(path, "a+")  # noqa: SIM115 - held open for the whole run: closing it releases the lock
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = _holder(handle.read())
        handle.close()
        raise RunInProgressError(
            f"another run of this project is under way (pid {holder.get('pid', '?')}, started "
            f"{holder.get('started', '?')}: {holder.get('command', 'kedro run')}). Running both would mix their "
            f"outputs: wait for it to finish, or stop it (kill {holder.get('pid', '<pid>')}) and run again"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                             "command": " ".join(["kedro", *sys.argv[1:]]) if sys.argv else "kedro run"}))
    handle.flush()
    return handle


def _holder(text: str) -> dict[str, Any]:
    try:
        return json.loads(text)
    except ValueError:
        return {}


def fail_abandoned_runs(project: Path, experiment_name: str | None) -> list[str]:
    """Marks FAILED the MLflow runs of ``project`` left RUNNING by a process that is gone; returns their ids."""
    import mlflow

    experiment = mlflow.get_experiment_by_name(experiment_name) if experiment_name else None
    if experiment is None:
        return []
    client = mlflow.MlflowClient()
    runs = client.search_runs([experiment.experiment_id], filter_string=(
        f"attributes.status = 'RUNNING' and tags.`{PROJECT_TAG}` = '{project.as_posix()}'"))
    failed = []
    for run in runs:
        pid = int(run.data.tags.get(PID_TAG, "0") or 0)
        same_host = run.data.tags.get(HOST_TAG) == socket.gethostname()
        if same_host and pid and pid != os.getpid() and not is_alive(pid):
            client.set_tag(run.info.run_id, ENDED_BY_TAG, "the next run: its process was gone")
            client.set_terminated(run.info.run_id, status="FAILED")
            failed.append(run.info.run_id)
    if failed:
        logger.warning("marked %d MLflow run(s) FAILED whose process ended without finishing them: %s",
                       len(failed), ", ".join(failed))
    return failed


class RunGuardHooks:
    """Takes the project's run lock before anything is written, and fails the runs a killed process left."""

    def __init__(self) -> None:
        self._lock: Any = None
        self._experiment: str | None = None

    @hook_impl
    def after_context_created(self, context: Any) -> None:
        from customer_segmentation.hooks.mlflow_store import load_mlflow_config

        config = load_mlflow_config(context.config_loader) or {}
        self._experiment = config.get("tracking", {}).get("experiment", {}).get("name")

    @hook_impl(tryfirst=True)  # before kedro-mlflow opens the MLflow run
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        project = Path(run_params["project_path"])
        self._lock = acquire_run_lock(project)
        try:
            fail_abandoned_runs(project, self._experiment)
        except Exception as error:  # noqa: BLE001 - a store that cannot be searched must not stop the run
            logger.debug("could not look for abandoned MLflow runs: %s", error)

    @hook_impl(trylast=True)
    def after_pipeline_run(self) -> None:
        self._release()

    @hook_impl(trylast=True)
    def on_pipeline_error(self) -> None:
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
