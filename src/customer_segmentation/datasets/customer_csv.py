"""A read-only Kedro dataset for customer CSV exports (encoding and delimiter sniffed)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from customer_segmentation.io.csv_files import read_customer_csv, read_customer_header


class CustomerCSVDataset(AbstractDataset[None, pd.DataFrame]):
    """Loads a customer CSV as text cells, whatever its encoding or delimiter.

    Example ``catalog.yml`` entry::

        customers:
          type: customer_segmentation.datasets.customer_csv.CustomerCSVDataset
          filepath: data/01_raw/segmentation_data.csv
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = PurePosixPath(filepath)
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        path = Path(self._filepath)
        if not path.is_file():
            raise DatasetError(
                f"customer file {path} not found; put your file there or point the "
                "'customers' entry of conf/base/catalog.yml at it"
            )
        return read_customer_csv(path)

    def columns(self) -> list[str] | None:
        """The file's header names (its first bytes only), or None when there is no file yet."""
        return read_customer_header(self._filepath) if self._exists() else None

    def save(self, data: None) -> None:
        raise DatasetError("CustomerCSVDataset is read-only: raw customer files are never overwritten")

    def _exists(self) -> bool:
        return Path(self._filepath).is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
