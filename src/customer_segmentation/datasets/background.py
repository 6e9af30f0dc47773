"""Write a large output in a background thread while the next nodes run on it in memory.

At 10 million customers writing a Parquet file takes seconds on one core while the other is
idle. ``BackgroundWriteDataset`` wraps any dataset (as ``CachedDataset`` does): ``save`` keeps
the data in memory for the nodes that load it next and hands the write to a thread. The
run waits for every write before it ends (``BackgroundWriteHooks`` in ``hooks.py``); a failed
write fails the run, naming the dataset. Threads are not daemons, so the interpreter also
waits for them if the run stops some other way.

Example ``catalog.yml`` entry::

    model_input_customers:
      type: customer_segmentation.datasets.BackgroundWriteDataset
      dataset:
        type: pandas.ParquetDataset
        filepath: data/05_model_input/model_input_customers.parquet
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Protocol

import pandas as pd
from kedro.io import AbstractDataset, DatasetError
from kedro.io.core import parse_dataset_definition

logger = logging.getLogger(__name__)



class PendingWrite(Protocol):
    """A write under way that the run waits for before it ends (here, and in ``figure.py``, ``model_file.py``...)."""

    def is_writing(self) -> bool: ...

    def wait(self, follow_up: bool = True) -> None:
        """Blocks until the write is done; raises ``DatasetError`` naming the file if it failed.

        ``follow_up=False`` (the run failed): only the write, not what was to follow it (logging to MLflow).
        """


_pending_lock = threading.Lock()
_pending: list[PendingWrite] = []


def register(write: PendingWrite) -> None:
    """Adds ``write`` to those :func:`wait_for_background_writes` waits for."""
    with _pending_lock:
        _pending.append(write)


class BackgroundWriteDataset(AbstractDataset):
    """Saves through ``dataset`` in a background thread; loads from memory until released."""

    def __init__(self, dataset: dict[str, Any] | AbstractDataset, metadata: dict[str, Any] | None = None) -> None:
        if isinstance(dataset, dict):
            dataset_class, config = parse_dataset_definition(dataset)
            dataset = dataset_class(**config)
        self._dataset = dataset
        described = dataset._describe()
        self._target = str(described.get("filepath") or described.get("path") or type(dataset).__name__)
        self.metadata = metadata
        self._data: Any = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._background = True

    def __getstate__(self) -> dict[str, Any]:
        # Pickled for another process (ParallelRunner): there, nothing would wait for the thread before a
        # node in a third process reads the file, so the copy writes synchronously and carries no data.
        self.wait()
        return {**self.__dict__, "_data": None, "_thread": None, "_error": None, "_background": False}

    def _describe(self) -> dict[str, Any]:
        return {"dataset": self._dataset._describe(), "writing": self.is_writing()}

    def is_writing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def save(self, data: Any) -> None:
        self.wait()  # a second save of the same dataset in one run would race the first
        if not self._background:
            self._dataset.save(data)
            return
        # The thread gets its own frame object over the same (copy-on-write, so never modified) columns:
        # whatever the next nodes do to theirs, the writer's is left alone.
        frame = data.copy(deep=False) if isinstance(data, pd.DataFrame) else data
        self._data, self._error = data, None
        self._thread = threading.Thread(target=self._write, args=(frame,), name=f"write {self._target}")
        register(self)
        self._thread.start()

    def _write(self, data: Any) -> None:
        started = time.perf_counter()
        try:
            self._dataset.save(data)
        except BaseException as error:  # re-raised in the run's thread by wait()
            self._error = error
        else:
            logger.info("wrote %s (in the background) in %.2f s", self._target, time.perf_counter() - started)

    def wait(self, follow_up: bool = True) -> None:
        """Blocks until the pending write (if any) is done; raises if it failed."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise DatasetError(f"writing {self._target} failed: {error}") from error

    def load(self) -> Any:
        if self._data is not None:
            return self._data
        self.wait()
        return self._dataset.load()

    def _exists(self) -> bool:
        return self._data is not None or self._dataset.exists()

    def _release(self) -> None:
        # The memory copy is dropped; a write under way keeps its own reference until it is done.
        self._data = None


class HelperWrite:
    """A write handed to a helper process (``helper.submit``), then ``then(result)`` here once it succeeded.

    ``then`` is what must happen in the run's own process, such as logging the file to MLflow.
    """

    def __init__(self, future: Future, target: str, then: Callable[[Any], None] | None = None) -> None:
        self._future, self._target, self._then = future, target, then
        self._done = False

    def is_writing(self) -> bool:
        return not self._future.done()

    def wait(self, follow_up: bool = True) -> None:
        if self._done:
            return
        self._done = True
        try:
            result = self._future.result()
        except Exception as error:
            raise DatasetError(f"writing {self._target} failed: {error}") from error
        if self._then is not None and follow_up:
            try:
                self._then(result)
            except Exception as error:
                raise DatasetError(f"{self._target} was written, but what follows failed: {error}") from error


def wait_for_background_writes(follow_up: bool = True) -> None:
    """Waits for every pending write of this process, in the order they began; raises the first failure
    after all have ended. ``follow_up=False`` when the run failed (see :meth:`PendingWrite.wait`)."""
    with _pending_lock:
        pending = list(_pending)
        _pending.clear()
    writing = sum(write.is_writing() for write in pending)
    if writing:
        logger.info("waiting for %d background write(s) to finish", writing)
    started = time.perf_counter()
    errors = []
    for write in pending:
        try:
            write.wait(follow_up)
        except DatasetError as error:
            errors.append(error)
    if pending:
        logger.info("background writes done: waited %.2f s for %d write(s) and what follows them",
                    time.perf_counter() - started, len(pending))
    if errors:
        raise errors[0]
