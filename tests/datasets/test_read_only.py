"""A read-only (or full) data/ folder (issue 23, case 21): the project's message naming the file and what to do
comes first; the report figures are written like every other output, and a cleanup that fails in the error path
(or rejected rows that cannot be kept aside) never hides the write's own error."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

import pytest
import yaml
from kedro.io import AbstractDataset
from matplotlib.figure import Figure

from customer_segmentation.errors import OutputWriteError, user_error
from customer_segmentation.hooks.failed_run import FAILED_RUN_DATASET, FailedRunHooks
from customer_segmentation.io import atomic
from tests.conftest import PROJECT_ROOT


def _figure_dataset(folder: Path, logged: bool = True) -> AbstractDataset:
    """The catalog's ``{name}_plot`` factory entry for ``elbow_plot``, written under ``folder`` (``logged=False``:
    the file dataset inside it, without the MLflow logging)."""
    entry = yaml.safe_load((PROJECT_ROOT / "conf/base/catalog_reports.yml").read_text())["{name}_plot"]
    text = yaml.safe_dump(entry if logged else entry["dataset"])
    config = yaml.safe_load(text.replace("{name}", "elbow").replace("${globals:data_root}", str(folder)))
    return AbstractDataset.from_config("elbow_plot", config)


def test_a_report_figure_on_a_read_only_folder_says_which_file_and_what_to_do(tmp_path, monkeypatch):
    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(Figure, "savefig", read_only)
    with pytest.raises(Exception) as caught:
        _figure_dataset(tmp_path).save(Figure())
    cause = user_error(caught.value)
    assert isinstance(cause, OutputWriteError)
    assert str(cause) == (f"could not write {tmp_path}/08_reporting/elbow.png: Read-only file system; the folder is "
                          "on a read-only file system: point the catalog entry at a writable folder. The previous "
                          "file, if any, is unchanged")


def test_a_report_figure_is_written_whole(tmp_path):
    figure = Figure()
    figure.subplots().plot([1, 2])
    dataset = _figure_dataset(tmp_path, logged=False)
    assert type(dataset).__name__ == "AtomicDataset"
    dataset.save(figure)
    assert [p.name for p in (tmp_path / "08_reporting").iterdir()] == ["elbow.png"]


def test_a_cleanup_that_fails_in_the_error_path_does_not_hide_the_writes_error(tmp_path, monkeypatch):
    removed = []

    def remove(path):  # the cleanup before the write works; the one in the error path fails
        if removed:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        removed.append(path)

    monkeypatch.setattr(atomic, "remove_path", remove)
    target = tmp_path / "segments.csv"
    with pytest.raises(OutputWriteError) as caught, atomic.written_in_place(target) as temporary:
        temporary.write_text("half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert str(caught.value).startswith(f"could not write {target}: No space left on device; free some disk space")


class _ReadOnlyCatalog:
    def __contains__(self, name: str) -> bool:
        return name == FAILED_RUN_DATASET

    def save(self, name, data):
        raise OutputWriteError("could not write data/02_intermediate/failed_run/rejected_customers.csv: "
                               "Read-only file system")


def test_rejected_rows_that_cannot_be_kept_aside_leave_the_nodes_own_error_to_report(caplog):
    error = ValueError("no valid rows: all 3 rows read were rejected")
    error.rejected = [1, 2, 3]
    with caplog.at_level(logging.WARNING, logger="customer_segmentation.hooks.failed_run"):
        FailedRunHooks().on_node_error(error, node=None, catalog=_ReadOnlyCatalog(), inputs={}, is_async=False,
                                       run_id="r")
    assert "this run's 3 rejected rows could not be kept aside: could not write" in caplog.text
