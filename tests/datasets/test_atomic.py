"""AtomicDataset: outputs that are a file on one engine and a Parquet folder on the other, what killed runs leave
beside them, and folders of files (the audiences) replaced whole."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
import yaml
from kedro.io import AbstractDataset

from customer_segmentation.datasets.atomic import AtomicDataset
from customer_segmentation.errors import OutputWriteError, user_error
from tests.conftest import PROJECT_ROOT


def _parquet(path) -> AtomicDataset:
    return AtomicDataset({"type": "pandas.ParquetDataset", "filepath": str(path)})


def test_a_file_replaces_the_folder_a_spark_run_wrote(tmp_path):
    target = tmp_path / "customer_segments.parquet"
    target.mkdir()
    pd.DataFrame({"segment_id": [9]}).to_parquet(target / "part-00000.parquet")
    _parquet(target).save(pd.DataFrame({"segment_id": [1, 2]}))
    assert target.is_file() and pd.read_parquet(target)["segment_id"].tolist() == [1, 2]


def test_what_a_killed_run_left_beside_an_output_is_removed_by_the_next_save(tmp_path):
    target = tmp_path / "model_input_customers.parquet"
    dead = 2**22 + 12345  # above any pid this machine hands out
    (tmp_path / f".model_input_customers.{dead}.tmp.parquet").mkdir()
    (tmp_path / f".model_input_customers.parquet.{dead}.old").write_text("half a run")
    (tmp_path / f".model_input_customers.parquet.{os.getppid()}.old").write_text("a live process's")
    _parquet(target).save(pd.DataFrame({"a": [1]}))
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".model_input_customers.parquet.{os.getppid()}.old",
                                                        "model_input_customers.parquet"]


# ---------- the segment audiences: a folder of files replaced whole ----------


def _audiences(tmp_path, env: str = "base") -> AtomicDataset:
    """The ``segment_audiences`` entry of the project's catalog, pointed at ``tmp_path``."""
    entry = yaml.safe_load((PROJECT_ROOT / "conf" / env / "catalog.yml").read_text() if env != "base" else
                           (PROJECT_ROOT / "conf/base/catalog_clustering.yml").read_text())["segment_audiences"]
    entry["dataset"]["path"] = str(tmp_path / "audiences")
    return AbstractDataset.from_config("segment_audiences", entry)


def test_a_new_save_replaces_every_audience_file_and_csvs_are_spreadsheet_safe(tmp_path):
    folder = _audiences(tmp_path)
    folder.save({"segment_0_a": pd.DataFrame({"id": ["=1+1"]}), "segment_1_b": pd.DataFrame({"id": ["x"]})})
    folder.save({"segment_0_c": pd.DataFrame({"id": ["=2+2"], "n": [-5]})})
    files = sorted((tmp_path / "audiences").iterdir())
    assert [f.name for f in files] == ["segment_0_c.csv"]
    raw = files[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw, "UTF-8 with a byte-order mark, CRLF lines: Excel reads it"
    assert pd.read_csv(files[0], encoding="utf-8-sig").to_dict("list") == {"id": ["'=2+2"], "n": [-5]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audiences"], "no temporary folder left"


def test_audiences_at_scale_are_parquet_files_that_keep_their_types(tmp_path):
    folder = _audiences(tmp_path, env="scale")
    folder.save({"segment_0": pd.DataFrame({"flag": [True, False]})})
    assert pd.read_parquet(tmp_path / "audiences" / "segment_0.parquet")["flag"].tolist() == [True, False]


# ---------- AtomicDataset: the old file or the new one, never half of one ----------


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"C{i}" for i in range(n)], "annual_income": range(n)})


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_full_disk_or_read_only_folder_leaves_the_previous_file_and_says_what_to_do(tmp_path, monkeypatch, code):
    target = tmp_path / "segments.parquet"
    dataset = AtomicDataset({"type": "pandas.ParquetDataset", "filepath": str(target)})
    dataset.save(_frame(10))
    real = pd.DataFrame.to_parquet

    def fail_half_way(self, path, *args, **kwargs):
        (path.write if hasattr(path, "write") else Path(path).write_bytes)(b"PAR1 half a file")
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", fail_half_way)
    with pytest.raises(Exception) as error:  # Kedro wraps it in a DatasetError; `kedro run` shows the cause
        dataset.save(_frame(99))
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    cause = user_error(error.value)
    assert isinstance(cause, OutputWriteError)
    assert f"could not write {target}: {os.strerror(code)}" in str(cause)
    assert "The previous file, if any, is unchanged" in str(cause)
    assert len(pd.read_parquet(target)) == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["segments.parquet"], "no temporary file left"


def test_outputs_are_readable_by_their_owner_only(tmp_path):
    target = tmp_path / "rejected.csv"
    AtomicDataset({"type": "customer_segmentation.datasets.spreadsheet_csv.SpreadsheetCSVDataset", "filepath": str(target)}).save(
        _frame(3))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
