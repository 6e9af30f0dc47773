"""The customer file on Spark: CSV or Parquet, a file or a folder, read-only, its header read without Spark."""

from __future__ import annotations

import pandas as pd
import pytest
from kedro.io import DatasetError

from customer_segmentation.datasets.spark_customers import SparkCustomerDataset

FRAME = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "age": [30.0, 41.0, None]})


def test_a_folder_of_parquet_files_is_read_whole_with_its_types(spark, tmp_path):
    folder = tmp_path / "customers"
    folder.mkdir()
    FRAME.iloc[:2].to_parquet(folder / "part-0.parquet")
    FRAME.iloc[2:].to_parquet(folder / "part-1.parquet")
    dataset = SparkCustomerDataset(filepath=str(folder))
    assert dataset.exists() and dataset.columns() == ["customer_id", "age"]
    rows = dataset.load().toPandas().sort_values("customer_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(rows, FRAME, check_dtype=False)


def test_a_csv_file_gets_its_line_numbers_and_text_cells(spark, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("customer_id;age\nC1;30\n\nC2;41\n")
    dataset = SparkCustomerDataset(filepath=str(path))
    assert dataset.columns() == ["customer_id", "age"]
    rows = dataset.load().toPandas()
    assert rows[["source_row", "customer_id", "age"]].to_dict("list") == {
        "source_row": [1, 3], "customer_id": ["C1", "C2"], "age": ["30", "41"]}


def test_a_missing_file_says_how_to_pass_one_and_nothing_is_ever_written(spark, tmp_path):
    dataset = SparkCustomerDataset(filepath=str(tmp_path / "nowhere.csv"))
    assert not dataset.exists() and dataset.columns() is None
    with pytest.raises(DatasetError, match=r"not found; pass its path as --params customers_path="):
        dataset.load()
    with pytest.raises(DatasetError, match="read-only"):
        dataset.save(FRAME)


def test_a_file_of_another_format_is_refused_with_what_was_found(spark, tmp_path):
    (tmp_path / "customers.xlsx").write_bytes(b"PK")
    with pytest.raises(DatasetError, match=r"should be a \.csv or \.parquet file, or a folder of them"):
        SparkCustomerDataset(filepath=str(tmp_path / "customers.xlsx")).load()
