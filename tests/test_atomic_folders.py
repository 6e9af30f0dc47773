"""Outputs that are a Parquet folder on one engine and a file on the other, and what killed runs leave beside them."""

from __future__ import annotations

import os

import pandas as pd

from customer_segmentation.datasets import AtomicDataset


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
