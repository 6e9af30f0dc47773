"""AtomicDataset: outputs that are a file on one engine and a Parquet folder on the other, what killed runs leave
beside them, and folders of files (the audiences) replaced whole."""

from __future__ import annotations

import os

import pandas as pd
import yaml
from kedro.io import AbstractDataset

from customer_segmentation.datasets.atomic import AtomicDataset
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
