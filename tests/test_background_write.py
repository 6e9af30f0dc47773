"""BackgroundWriteDataset: the next nodes get the data at once, the file is complete when the run ends,
and a write that fails fails the run, naming the file."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from kedro.io import DatasetError
from kedro_datasets.pandas import ParquetDataset

from customer_segmentation.datasets import BackgroundWriteDataset
from customer_segmentation.datasets.background import wait_for_background_writes
from customer_segmentation.hooks import BackgroundWriteHooks


@pytest.fixture
def customers() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "customer_id": [f"C{i:06d}" for i in range(50_000)],
        "annual_income": rng.normal(60_000, 20_000, 50_000),
        "age": rng.integers(18, 90, 50_000).astype(float),
    })


class SlowParquetDataset(ParquetDataset):
    """A ParquetDataset whose save waits for a signal: makes "still writing" observable."""

    def __init__(self, release: threading.Event, **kwargs) -> None:
        super().__init__(**kwargs)
        self.release = release

    def save(self, data: pd.DataFrame) -> None:
        assert self.release.wait(timeout=30)
        super().save(data)


def test_loads_from_memory_while_the_file_is_written_and_the_file_is_complete_after_the_run(tmp_path, customers):
    release = threading.Event()
    path = tmp_path / "customers.parquet"
    dataset = BackgroundWriteDataset(SlowParquetDataset(release, filepath=str(path), save_args={"index": False}))

    dataset.save(customers)
    assert dataset.is_writing() and not path.exists()
    assert dataset.load() is customers  # the next node does not wait for the disk

    release.set()
    BackgroundWriteHooks().after_pipeline_run()
    assert not dataset.is_writing()
    pd.testing.assert_frame_equal(pd.read_parquet(path), customers)


def test_the_writer_is_not_affected_by_what_later_nodes_do_to_the_frame(tmp_path, customers):
    release = threading.Event()
    path = tmp_path / "customers.parquet"
    dataset = BackgroundWriteDataset(SlowParquetDataset(release, filepath=str(path)))
    expected = customers.copy()

    dataset.save(customers)
    loaded = dataset.load()
    loaded["annual_income"] = 0.0  # a node changing its input (copy-on-write keeps the saved data)
    loaded.drop(columns="age", inplace=True)
    release.set()
    wait_for_background_writes()
    pd.testing.assert_frame_equal(pd.read_parquet(path), expected)


def test_after_release_loads_read_the_written_file(tmp_path, customers):
    dataset = BackgroundWriteDataset({"type": "pandas.ParquetDataset", "filepath": str(tmp_path / "c.parquet")})
    dataset.save(customers)
    dataset.release()
    pd.testing.assert_frame_equal(dataset.load(), customers)
    assert dataset.exists()


def test_a_failed_write_fails_the_run_naming_the_file(tmp_path, customers):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the output folder should be")
    target = blocker / "customers.parquet"
    dataset = BackgroundWriteDataset({"type": "pandas.ParquetDataset", "filepath": str(target)})

    dataset.save(customers)  # returns at once: the failure surfaces when the run ends
    with pytest.raises(DatasetError, match=rf"writing {target}.* failed"):
        BackgroundWriteHooks().after_pipeline_run()
    wait_for_background_writes()  # reported once, not again at the next run's end


def test_a_copy_for_another_process_writes_synchronously(tmp_path, customers):
    import pickle

    path = tmp_path / "c.parquet"
    dataset = pickle.loads(pickle.dumps(BackgroundWriteDataset({"type": "pandas.ParquetDataset", "filepath": str(path)})))
    dataset.save(customers)
    assert not dataset.is_writing() and path.exists()  # complete before save returns: ParallelRunner-safe
    pd.testing.assert_frame_equal(dataset.load(), customers)
