"""``pandas.CSVDataset`` whose files are safe to open in a spreadsheet (``customer_segmentation.io.spreadsheets``).

Example ``catalog.yml`` entry::

    rejected_customers:
      type: customer_segmentation.datasets.spreadsheet_csv.SpreadsheetCSVDataset
      filepath: data/02_intermediate/rejected_customers.csv
      save_args: {index: false}
"""

from __future__ import annotations

import pandas as pd
from kedro_datasets.pandas import CSVDataset

from customer_segmentation.io.spreadsheets import neutralise_frame


class SpreadsheetCSVDataset(CSVDataset):
    """Writes text cells and headers a spreadsheet would run as formulas with a leading ``'``; numbers as numbers."""

    def save(self, data: pd.DataFrame) -> None:
        super().save(neutralise_frame(data))
