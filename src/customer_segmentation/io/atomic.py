"""Files and folders written so that readers only ever see a complete one: the old one or the new one.

The one atomic-write routine of the project: catalog outputs (``datasets/atomic.py``), model files
(``segmentation/persistence.py``) and the last complete run's folder (``hooks/snapshot.py``) all use
:func:`written_in_place`. It hands out a temporary path in the target's folder and renames it over the
target (``os.replace``, atomic on one file system) only when the write succeeded; a killed run, a full
disk or a read-only folder leave the previous file untouched. Files are readable by their owner only:
they hold customer rows. A write that fails for lack of space or permission raises ``OutputWriteError``
naming the file and what to do.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from customer_segmentation.errors import write_error
from customer_segmentation.processes import is_alive


@contextmanager
def written_in_place(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write; renamed over ``target`` (owner-only) when the block ends
    well, removed when it does not. A full disk or a missing permission raises ``OutputWriteError``."""
    temporary = target.with_name(f".{target.stem}.{os.getpid()}.tmp{target.suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_path(temporary)
        remove_stale(target)
        yield temporary
        owner_only(temporary)
        replace_path(temporary, target)
    except BaseException as error:
        try:
            remove_path(temporary)
        except Exception:  # noqa: BLE001 - a read-only folder: the write's own error is the one to report
            pass
        failure = write_error(error, target)
        if failure is not None:
            raise failure from error
        raise


def owner_only(path: Path) -> None:
    """Readable and writable by the owner only (a folder: every file in it too)."""
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


def remove_stale(target: Path) -> None:
    """Removes what a killed process left beside ``target`` (a Parquet folder from Spark can take gigabytes)."""
    left = [(stale, f".{target.stem}.") for stale in target.parent.glob(f".{target.stem}.*.tmp{target.suffix}")]
    left += [(stale, f".{target.name}.") for stale in target.parent.glob(f".{target.name}.*.old")]
    for stale, prefix in left:
        pid = stale.name.removeprefix(prefix).split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not is_alive(int(pid)):
            remove_path(stale)


def remove_path(path: Path) -> None:
    """Removes a file or a folder; nothing when there is none."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
