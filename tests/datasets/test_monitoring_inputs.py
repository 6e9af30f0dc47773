"""What monitoring reads, when it is not what it should be (issue 23, case 7): a batch path that is a folder, a
device that never ends, a file too large, a file that is not what its name says, and a served model that is refused
or of another shape. Each stops with one message (a user error: `kedro run` prints it, no traceback) that says what
is wrong and what to do, before anything unbounded is read."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from customer_segmentation.datasets.monitoring import CustomerFileDataset, ServedModelDataset
from customer_segmentation.errors import user_error
from tests.conftest import PROJECT_ROOT
from tests.projects import write_tampered_model

BAD_INPUT = PROJECT_ROOT / "tests" / "data" / "bad_input"


def _message(dataset, **kwargs) -> str:
    with pytest.raises(Exception) as caught:
        dataset.load(**kwargs)
    cause = user_error(caught.value)
    assert cause is not None, f"not a user error: {caught.value!r}"
    return str(cause)


def test_a_folder_without_parquet_files_is_refused_with_what_to_pass(tmp_path):
    (tmp_path / "notes.txt").write_text("not customers")
    message = _message(CustomerFileDataset(str(tmp_path)))
    assert message == (f"the batch {tmp_path} is a folder without Parquet files in it: pass a CSV, Excel or "
                       "Parquet file with --params batch_path=<file>")


def test_a_folder_of_parquet_files_is_still_read(tmp_path):
    pd.DataFrame({"age": [30, 40]}).to_parquet(tmp_path / "part-0.parquet")
    assert CustomerFileDataset(str(tmp_path)).load()["age"].tolist() == [30, 40]


def test_an_endless_device_is_refused_before_a_byte_is_read():
    message = _message(CustomerFileDataset("/dev/zero"))
    assert message.startswith("the batch /dev/zero is not a regular file (a device, a pipe or a socket, which may "
                              "never end): save the customers to a file and pass")


def test_a_file_larger_than_max_bytes_is_refused_with_the_setting_to_raise(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("age\n" + "30\n" * 100)
    message = _message(CustomerFileDataset(str(path), max_bytes=100))
    assert message == (f"the batch {path} is 304 bytes, more than the 100 a batch may have: split it into smaller "
                       "files, or raise max_bytes of batch_customers in conf/base/catalog_monitoring.yml")


def test_the_catalog_bounds_the_batch():
    import yaml

    entry = yaml.safe_load((PROJECT_ROOT / "conf/base/catalog_monitoring.yml").read_text())["batch_customers"]
    assert entry["max_bytes"] == 1_000_000_000


def test_a_csv_file_named_parquet_says_it_is_not_parquet_and_what_to_do():
    path = BAD_INPUT / "csv_named_parquet.parquet"
    message = _message(CustomerFileDataset(str(path)))
    assert message.startswith(f"the batch {path} cannot be read as Parquet (")
    assert message.endswith("): export it as Parquet again, or give a CSV or Excel file its own extension "
                            "(.csv, .xlsx)")
    assert "\n" not in message


def _served(tmp_path: Path, write) -> ServedModelDataset:
    version = "2026-01-01T00.00.00.000Z"
    model_file = tmp_path / "segmentation_model.skops"
    write(model_file / version / "segmentation_model.skops")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"model_version": version, "files": {}}))
    return ServedModelDataset(str(manifest), {"filepath": str(model_file)})


def test_a_tampered_served_model_is_refused_with_retrain(tmp_path):
    message = _message(_served(tmp_path, write_tampered_model))
    assert message.startswith(f"the served model {tmp_path}/segmentation_model.skops/2026-01-01T00.00.00.000Z was "
                              "not loaded: ")
    assert "holds types that are not trusted and was not loaded: ['tests.projects.Exploit']" in message
    assert message.endswith("retrain with `make run` (kedro run), which saves and serves a new model")


def test_a_scikit_learn_pipeline_of_another_shape_is_refused_with_retrain(tmp_path):
    from customer_segmentation.segmentation.persistence import save_model

    frame = pd.DataFrame(np.random.default_rng(0).random((30, 2)), columns=["age", "savings"])
    other = Pipeline([("scaler", StandardScaler()), ("kmeans", KMeans(2, n_init=1, random_state=0))]).fit(frame)
    message = _message(_served(tmp_path, lambda path: save_model(other, path)))
    assert message == (f"the served model {tmp_path}/segmentation_model.skops/2026-01-01T00.00.00.000Z is not a "
                       "segmentation model of this project (no 'select' step; no 'pca' step); retrain with "
                       "`make run` (kedro run), which saves and serves a new model")


def test_a_parquet_file_whose_cells_uncompress_beyond_max_bytes_is_refused_before_they_are_read(tmp_path):
    path = tmp_path / "zeros.parquet"
    pd.DataFrame({"age": np.zeros(200_000)}).to_parquet(path)  # a few kB on disk, 1.6 MB of cells
    assert path.stat().st_size < 100_000
    message = _message(CustomerFileDataset(str(path), max_bytes=1_000_000))
    assert message.startswith(f"the batch {path} holds about 1,600,000 bytes, more than the 1,000,000 a batch may "
                              "have: split it into smaller files, or raise max_bytes")
