"""Datasets of the monitoring pipeline: a batch file of any supported kind, the served model, the history.

* ``CustomerFileDataset`` reads a customer file by its extension: CSV (``io.read_customer_csv``), Excel
  (``CustomerExcelDataset``'s reader) or Parquet (a file or a folder of them). Only regular files are read, and
  none larger than ``max_bytes`` (a device such as ``/dev/zero`` or a pipe never ends): anything else, or a file
  whose content is not what its name says, stops with one message saying what to do.
* ``ServedModelDataset`` loads the model the app serves: the model version of the last complete
  training run (``hooks/snapshot.py``), registered in MLflow as ``champion``. A file that is refused (untrusted
  types) or that holds another kind of scikit-learn model stops with one message: retrain.
* ``SegmentHistoryDataset`` is the growing table of segment sizes per batch: it loads as an empty
  table before the first batch, and is written whole, atomically and spreadsheet-safe.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError
from kedro.io.core import Version
from sklearn.pipeline import Pipeline

from customer_segmentation.datasets.atomic import AtomicDataset
from customer_segmentation.datasets.model_file import SegmentationModelDataset
from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.io.parquet_files import parquet_cell_bytes, read_parquet
from customer_segmentation.segmentation.contract import model_problems

#: The largest batch read by default (bytes on disk): a few million customer rows.
DEFAULT_MAX_BYTES = 1_000_000_000
_PASS_A_FILE = "pass a CSV, Excel or Parquet file with --params batch_path=<file>"


class CustomerFileDataset(AbstractDataset[None, pd.DataFrame]):
    """Reads ``filepath`` by its extension: ``.csv``/``.txt``/``.tsv``, ``.xlsx``, or Parquet (file or folder);
    at most ``max_bytes`` bytes."""

    def __init__(self, filepath: str, max_bytes: int = DEFAULT_MAX_BYTES,
                 metadata: dict[str, Any] | None = None) -> None:
        self._filepath = PurePosixPath(filepath)
        self._max_bytes = int(max_bytes)
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        path = Path(str(self._filepath))
        if not path.exists():
            raise ConfigurationError(f"no customer file at {path}; pass it with --params batch_path=<file>")
        self._check_size(path, _files_of(path))
        if path.is_dir() or path.suffix == ".parquet":
            return read_parquet(path, f"the batch {path}", "give a CSV or Excel file its own extension (.csv, .xlsx)")
        if path.suffix in (".xlsx", ".xlsm"):
            from customer_segmentation.io.excel_files import read_customer_excel

            return read_customer_excel(path)
        from customer_segmentation.io.csv_files import read_customer_csv

        return read_customer_csv(path)

    def _check_size(self, path: Path, files: list[Path]) -> None:
        size, what = sum(file.stat().st_size for file in files), "is"
        if size <= self._max_bytes and (path.is_dir() or path.suffix == ".parquet"):
            cells = parquet_cell_bytes(files)  # a few kB of encoded zeros can hold gigabytes of cells
            size, what = (cells, "holds about") if cells > size else (size, what)
        if size > self._max_bytes:
            raise CustomerDataError(
                f"the batch {path} {what} {size:,} bytes, more than the {self._max_bytes:,} a batch may have: split "
                "it into smaller files, or raise max_bytes of batch_customers in conf/base/catalog_monitoring.yml")

    def save(self, data: None) -> None:
        raise DatasetError("CustomerFileDataset is read-only: customer files are never overwritten")

    def columns(self) -> list[str] | None:
        path = Path(str(self._filepath))
        if path.suffix in (".csv", ".txt", ".tsv") and path.is_file():
            from customer_segmentation.io.csv_files import read_customer_header

            return read_customer_header(path)
        return None

    def _exists(self) -> bool:
        return Path(str(self._filepath)).exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}


def _files_of(path: Path) -> list[Path]:
    """The regular files a batch path stands for: itself, or a folder's Parquet files. Anything else (a device,
    a pipe, a folder without Parquet files) is refused before a byte is read."""
    if path.is_dir():
        files = sorted(file for file in path.rglob("*.parquet") if file.is_file())
        if not files:
            raise CustomerDataError(f"the batch {path} is a folder without Parquet files in it: {_PASS_A_FILE}")
        return files
    if not path.is_file():
        raise CustomerDataError(f"the batch {path} is not a regular file (a device, a pipe or a socket, which may "
                                f"never end): save the customers to a file and {_PASS_A_FILE}")
    return [path]


class ServedModelDataset(AbstractDataset[None, Pipeline]):
    """The model version named by the last complete run's manifest (``filepath``), from the versioned
    model file (``model.filepath``)."""

    def __init__(self, filepath: str, model: dict[str, str], metadata: dict[str, Any] | None = None) -> None:
        self._manifest = PurePosixPath(filepath)
        self._model_filepath = model["filepath"]
        self.metadata = metadata

    def version(self) -> str:
        try:
            return str(json.loads(Path(str(self._manifest)).read_text())["model_version"])
        except (OSError, ValueError, KeyError) as error:
            raise ConfigurationError(
                f"no complete training run to compare with ({self._manifest} is missing or unreadable); train a "
                "model first with `make run` (kedro run)") from error

    def load(self) -> Pipeline:
        version = self.version()
        where = f"{self._model_filepath}/{version}"
        retrain = "retrain with `make run` (kedro run), which saves and serves a new model"
        try:
            model = SegmentationModelDataset(self._model_filepath, version=Version(version, None)).load()
        except DatasetError as error:
            cause = error.__cause__ or error
            raise ConfigurationError(f"the served model {where} was not loaded: {cause}; {retrain}") from error
        problems = model_problems(model)
        if problems:
            raise ConfigurationError(f"the served model {where} is not a segmentation model of this project "
                                     f"({'; '.join(problems)}); {retrain}")
        return model

    def save(self, data: None) -> None:
        raise DatasetError("ServedModelDataset is read-only: models are saved by the clustering pipeline")

    def _exists(self) -> bool:
        return Path(str(self._manifest)).is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._manifest), "model": self._model_filepath}


class SegmentHistoryDataset(AbstractDataset[pd.DataFrame, pd.DataFrame]):
    """A CSV table that loads empty before it exists; saved whole and atomically (spreadsheet-safe)."""

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = PurePosixPath(filepath)
        self._file = AtomicDataset({"type": "customer_segmentation.datasets.spreadsheet_csv.SpreadsheetCSVDataset",
                                    "filepath": filepath, "save_args": {"index": False}})
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        return self._file.load() if Path(str(self._filepath)).is_file() else pd.DataFrame()

    def save(self, data: pd.DataFrame) -> None:
        self._file.save(data)

    def _exists(self) -> bool:
        return True

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
