"""Datasets of the monitoring pipeline: a batch file of any supported kind, the served model, the history.

* ``CustomerFileDataset`` reads a customer file by its extension: CSV (``io.read_customer_csv``), Excel
  (``CustomerExcelDataset``'s reader) or Parquet (a file or a folder).
* ``ServedModelDataset`` loads the model the app serves: the model version of the last complete
  training run (``hooks/snapshot.py``), registered in MLflow as ``champion``.
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
from customer_segmentation.errors import ConfigurationError


class CustomerFileDataset(AbstractDataset[None, pd.DataFrame]):
    """Reads ``filepath`` by its extension: ``.csv``/``.txt``/``.tsv``, ``.xlsx``, or Parquet (file or folder)."""

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = PurePosixPath(filepath)
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        path = Path(str(self._filepath))
        if not path.exists():
            raise ConfigurationError(f"no customer file at {path}; pass it with --params batch_path=<file>")
        if path.is_dir() or path.suffix == ".parquet":
            return pd.read_parquet(path)
        if path.suffix in (".xlsx", ".xlsm"):
            from customer_segmentation.io.excel_files import read_customer_excel

            return read_customer_excel(path)
        from customer_segmentation.io.csv_files import read_customer_csv

        return read_customer_csv(path)

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
        return SegmentationModelDataset(self._model_filepath, version=Version(version, None)).load()

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
