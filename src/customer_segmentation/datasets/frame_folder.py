"""A folder of frames, one file per key (e.g. one audience per segment), replaced as a whole.

``save({"segment_0_budget_conscious": frame, ...})`` writes every file into a temporary folder beside the
target and swaps it into place, so a reader never sees some files of one run beside files of another,
and segments that no longer exist leave no file behind. CSV files are spreadsheet-safe
(``customer_segmentation.spreadsheets``) and UTF-8 with a byte-order mark, so Excel opens them right;
``format: parquet`` suits millions of rows.

Example ``catalog.yml`` entry::

    segment_audiences:
      type: customer_segmentation.datasets.FrameFolderDataset
      path: data/07_model_output/segment_audiences
      format: csv
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from customer_segmentation.datasets.atomic import written_in_place
from customer_segmentation.spreadsheets import spreadsheet_safe_csv

FORMATS = ("csv", "parquet")


class FrameFolderDataset(AbstractDataset[dict, dict]):
    """Saves a ``{name: DataFrame}`` as ``<path>/<name>.<format>``; loads it back as such a dict."""

    def __init__(self, path: str, format: str = "csv", metadata: dict[str, Any] | None = None) -> None:  # noqa: A002
        if format not in FORMATS:
            raise ValueError(f"FrameFolderDataset format '{format}' is not one of {FORMATS}")
        self._path = PurePosixPath(path)
        self._format = format
        self.metadata = metadata

    def save(self, data: dict[str, pd.DataFrame]) -> None:
        with written_in_place(Path(str(self._path))) as temporary:
            temporary.mkdir()
            for name, frame in data.items():
                path = temporary / f"{name}.{self._format}"
                if self._format == "csv":
                    path.write_bytes(spreadsheet_safe_csv(frame))
                else:
                    frame.to_parquet(path, index=False)

    def load(self) -> dict[str, pd.DataFrame]:
        folder = Path(str(self._path))
        if not folder.is_dir():
            raise DatasetError(f"no folder {folder}: run the pipeline that writes it first")
        reader = pd.read_parquet if self._format == "parquet" else (lambda p: pd.read_csv(p, encoding="utf-8-sig"))
        return {path.stem: reader(path) for path in sorted(folder.glob(f"*.{self._format}"))}

    def _exists(self) -> bool:
        return Path(str(self._path)).is_dir()

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "format": self._format}
