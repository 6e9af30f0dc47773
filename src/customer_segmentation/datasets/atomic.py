"""Any file dataset, written so that readers only ever see a complete file: the old one or the new one.

``AtomicDataset`` wraps a dataset with a ``filepath`` (as ``CachedDataset`` wraps one): ``save`` writes
through a copy of it pointed at a temporary name in the same folder, then renames that over the
target (``os.replace``, atomic on one file system). A run killed half-way, a full disk or a
read-only folder therefore leave the previous file untouched; the temporary file is removed. Files
are created readable by their owner only: they hold customer rows. A write that fails for lack of
space or permission stops the run with a message naming the file and what to do.

Example ``catalog.yml`` entry::

    customer_segments:
      type: customer_segmentation.datasets.AtomicDataset
      dataset:
        type: pandas.ParquetDataset
        filepath: data/07_model_output/customer_segments.parquet
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io import AbstractDataset
from kedro.io.core import parse_dataset_definition

from customer_segmentation.errors import write_error
from customer_segmentation.processes import is_alive


class AtomicDataset(AbstractDataset):
    """Loads through ``dataset``; saves to a temporary file beside its target, then renames it into place."""

    def __init__(self, dataset: dict[str, Any], metadata: dict[str, Any] | None = None) -> None:
        self._dataset_class, self._config = parse_dataset_definition(dict(dataset))
        if "filepath" not in self._config:
            raise ValueError(f"AtomicDataset wraps datasets with a 'filepath'; got {dataset!r}")
        self._filepath = PurePosixPath(self._config["filepath"])
        self._dataset = self._dataset_class(**self._config)
        self.metadata = metadata

    def load(self) -> Any:
        return self._dataset.load()

    def save(self, data: Any) -> None:
        try:
            with written_in_place(Path(str(self._filepath))) as temporary:
                self._dataset_class(**{**self._config, "filepath": str(temporary)}).save(data)
        finally:
            self._dataset.release()

    def _exists(self) -> bool:
        return self._dataset.exists()

    def _release(self) -> None:
        self._dataset.release()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "dataset": self._dataset_class.__name__}


@contextmanager
def written_in_place(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write; renamed over ``target`` (owner-only) when the block ends
    well, removed when it does not. A full disk or a missing permission raises ``OutputWriteError``."""
    temporary = target.with_name(f".{target.stem}.{os.getpid()}.tmp{target.suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_path(temporary)
        _remove_stale(target)
        yield temporary
        owner_only(temporary)
        replace_path(temporary, target)
    except BaseException as error:
        remove_path(temporary)
        failure = write_error(error, target)
        if failure is not None:
            raise failure from error
        raise


def owner_only(path: Path) -> None:
    if path.is_dir():
        for child in path.rglob("*"):
            os.chmod(child, 0o700 if child.is_dir() else 0o600)
        os.chmod(path, 0o700)
    else:
        os.chmod(path, 0o600)


def replace_path(temporary: Path, target: Path) -> None:
    """Renames ``temporary`` over ``target``; a folder (a Parquet dataset written by Spark) is swapped whole, and
    so is a file that replaces one (the pandas path writing where the spark environment wrote a folder)."""
    if (temporary.is_dir() and target.exists()) or target.is_dir():
        previous = target.with_name(f".{target.name}.{os.getpid()}.old")
        os.replace(target, previous)
        os.replace(temporary, target)
        remove_path(previous)
    else:
        os.replace(temporary, target)


def _remove_stale(target: Path) -> None:
    """Removes what a killed process left beside ``target`` (a Parquet folder from Spark can take gigabytes)."""
    left = [(stale, f".{target.stem}.") for stale in target.parent.glob(f".{target.stem}.*.tmp{target.suffix}")]
    left += [(stale, f".{target.name}.") for stale in target.parent.glob(f".{target.name}.*.old")]
    for stale, prefix in left:
        pid = stale.name.removeprefix(prefix).split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not is_alive(int(pid)):
            remove_path(stale)


def remove_path(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
