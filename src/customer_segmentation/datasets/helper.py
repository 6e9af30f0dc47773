"""A helper process for the writes that need not hold up a run: report figures and model files.

Rendering a figure with matplotlib and serialising a model with skops are Python work that holds the
GIL: a thread cannot take them to the second core, which a run on two cores leaves idle most of the
time; a process can. When a run starts, ``BackgroundWriteHooks`` calls :func:`start`, which forks the
helper processes (before any data is read, so they stay small) and has each import what it will
need (``warm_ups``: the Agg backend and its fonts, skops) while the run reads and validates its data.
:func:`submit` hands a function and its arguments (pickled: a figure, a model, a file path) to a
helper and returns a future; the datasets that use it (``figure.py``, ``model_file.py``,
``mlflow_model.py``) wait for their futures before the run ends (``background.py``), so a run still
ends only when its files are complete, and a write that failed fails it.

Without a helper (a dataset saved outside a run, in a test, or in a ParallelRunner's worker)
:func:`submit` runs the function at once in the calling process, so every dataset works anywhere.

A helper never touches MLflow (its store connection belongs to the run's process): it writes files,
and the run's process logs them. It dies with the run (``PR_SET_PDEATHSIG``), ignores Ctrl-C (the
run handles it and stops its helpers) and leaves through ``os._exit`` like every multiprocessing
child, so no exit handler of the run (MLflow's ``end_run``) runs in it.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

logger = logging.getLogger(__name__)

# Two: while the run computes, one helper renders beside it, and when it waits for its reports at the
# end, both cores render. A warm-up that only one helper needs (skops) runs in one of them.
WORKERS = 2
_PR_SET_PDEATHSIG = 1

_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None
_owner = 0  # the process that started the helpers: a forked child (a ParallelRunner worker) has none of its own


def _die_with(parent: int) -> None:
    """Asks Linux to kill this process when ``parent`` ends, however it ends (kill -9 included)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the run's process group is stopped with it anyway
        pass
    if os.getppid() != parent:  # the run ended before the request was made
        os._exit(1)


def _initialise_once(warm_up: Callable[[], None]) -> None:
    try:
        warm_up()
    except Exception:  # noqa: BLE001 - warming up only saves time; the real task reports its errors
        pass


def _initialise(parent: int, warm_ups: Sequence[Callable[[], None]]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)
    for warm_up in warm_ups:
        _initialise_once(warm_up)


def _ready() -> None:
    """Nothing: submitted by :func:`start` so that the helpers are forked now."""


def start(each: Sequence[Callable[[], None]] = (), once: Sequence[Callable[[], None]] = (),
          workers: int = WORKERS) -> None:
    """Forks the helper processes, each running every warm-up of ``each`` first, and one of them the warm-ups
    of ``once``; does nothing if they are running."""
    global _executor, _owner
    workers = max(1, min(workers, os.cpu_count() or 1))
    with _lock:
        if running():
            return
        _owner = os.getpid()
        _executor = ProcessPoolExecutor(max_workers=workers,
                                        mp_context=multiprocessing.get_context("fork"),
                                        initializer=_initialise, initargs=(os.getpid(), tuple(each)))
        # With the fork context the pool forks all its processes at the first submit: now, while this
        # process has no other thread whose locks a child could inherit taken.
        _executor.submit(_ready)
        for warm_up in once:
            _executor.submit(_initialise_once, warm_up)
    logger.debug("started %d helper process(es) for figures and model files", workers)


def submit(function: Callable[..., Any], *args: Any) -> Future:
    """``function(*args)`` in a helper process, or here and now when none is running; its future."""
    with _lock:
        executor = _executor if running() else None
    if executor is not None:
        return executor.submit(function, *args)
    future: Future = Future()
    try:
        future.set_result(function(*args))
    except BaseException as error:  # noqa: BLE001 - delivered to whoever waits, as a helper's would be
        future.set_exception(error)
    return future


def stop() -> None:
    """Waits for the helpers' tasks and stops them."""
    global _executor
    with _lock:
        executor, _executor = (_executor, None) if running() else (None, _executor)
    if executor is not None:
        executor.shutdown(wait=True)


def running() -> bool:
    """Whether this process has started helpers (a forked child sees its parent's, which are not its own)."""
    return _executor is not None and _owner == os.getpid()
