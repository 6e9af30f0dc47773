"""A folder of frames (the segment audiences) is replaced whole: no file of an earlier run is left beside new ones."""

import pandas as pd

from customer_segmentation.datasets import FrameFolderDataset


def test_a_new_save_replaces_every_file_and_csvs_are_spreadsheet_safe(tmp_path):
    folder = FrameFolderDataset(str(tmp_path / "audiences"))
    folder.save({"segment_0_a": pd.DataFrame({"id": ["=1+1"]}), "segment_1_b": pd.DataFrame({"id": ["x"]})})
    folder.save({"segment_0_c": pd.DataFrame({"id": ["y"], "n": [-5]})})
    loaded = folder.load()
    assert list(loaded) == ["segment_0_c"] and loaded["segment_0_c"]["n"].tolist() == [-5]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audiences"], "no temporary folder left"


def test_parquet_folders_keep_types(tmp_path):
    folder = FrameFolderDataset(str(tmp_path / "audiences"), format="parquet")
    folder.save({"segment_0": pd.DataFrame({"flag": [True, False]})})
    assert folder.load()["segment_0"]["flag"].tolist() == [True, False]
