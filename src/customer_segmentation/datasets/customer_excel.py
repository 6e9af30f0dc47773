"""A read-only Kedro dataset for customer Excel workbooks: cells as text, formulas never silently lost
(``io/excel_files.py``).

Example ``catalog.yml`` entry::

    customers:
      type: customer_segmentation.datasets.customer_excel.CustomerExcelDataset
      filepath: data/01_raw/customers.xlsx
      sheet: 0            # a sheet name or position
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from customer_segmentation.io.excel_files import read_customer_excel


class CustomerExcelDataset(AbstractDataset[None, pd.DataFrame]):
    """Loads a customer workbook's sheet as text cells (see the module docstring)."""

    def __init__(self, filepath: str, sheet: str | int = 0, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = PurePosixPath(filepath)
        self._sheet = sheet
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        if not Path(self._filepath).is_file():
            raise DatasetError(f"customer file {self._filepath} not found; put your file there or point the "
                               "'customers' entry of conf/base/catalog.yml at it")
        return read_customer_excel(self._filepath, self._sheet)

    def save(self, data: None) -> None:
        raise DatasetError("CustomerExcelDataset is read-only: raw customer files are never overwritten")

    def columns(self) -> list[str] | None:
        return None  # the header is checked by the first node

    def _exists(self) -> bool:
        return Path(self._filepath).is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "sheet": self._sheet}
