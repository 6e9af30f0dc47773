"""Any file or folder dataset, written so that readers only ever see a complete output: the old one or the new one.

``AtomicDataset`` wraps a dataset with a ``filepath`` (a file, or a Parquet folder written by Spark) or a
``path`` (a folder of files, such as kedro-datasets' ``PartitionedDataset``), as ``CachedDataset`` wraps
one: ``save`` writes through a copy of it pointed at a temporary name in the same folder, which
:func:`customer_segmentation.io.atomic.written_in_place` then renames over the target. A run killed half-way,
a full disk or a read-only folder leave the previous output untouched, and a folder never mixes the files
of two runs.

Example ``catalog.yml`` entries::

    customer_segments:
      type: customer_segmentation.datasets.atomic.AtomicDataset
      dataset:
        type: pandas.ParquetDataset
        filepath: data/07_model_output/customer_segments.parquet

    segment_audiences:
      type: customer_segmentation.datasets.atomic.AtomicDataset
      dataset:
        type: partitions.PartitionedDataset
        path: data/07_model_output/segment_audiences
        dataset: {type: customer_segmentation.datasets.spreadsheet_csv.SpreadsheetCSVDataset}
        filename_suffix: .csv
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io import AbstractDataset
from kedro.io.core import parse_dataset_definition

from customer_segmentation.io.atomic import written_in_place

_PATH_KEYS = ("filepath", "path")


class AtomicDataset(AbstractDataset):
    """Loads through ``dataset``; saves to a temporary file or folder beside its target, then renames it into place."""

    def __init__(self, dataset: dict[str, Any], metadata: dict[str, Any] | None = None) -> None:
        self._dataset_class, self._config = parse_dataset_definition(dict(dataset))
        self._key = next((key for key in _PATH_KEYS if key in self._config), None)
        if self._key is None:
            raise ValueError(f"AtomicDataset wraps datasets with a 'filepath' or a 'path'; got {dataset!r}")
        self._filepath = PurePosixPath(self._config[self._key])
        self._dataset = self._dataset_class(**self._config)
        self.metadata = metadata

    def load(self) -> Any:
        return self._dataset.load()

    def save(self, data: Any) -> None:
        try:
            with written_in_place(Path(str(self._filepath))) as temporary:
                self._dataset_class(**{**self._config, self._key: str(temporary)}).save(data)
        finally:
            self._dataset.release()

    def _exists(self) -> bool:
        return self._dataset.exists()

    def _release(self) -> None:
        self._dataset.release()

    def _describe(self) -> dict[str, Any]:
        return {self._key: str(self._filepath), "dataset": self._dataset_class.__name__}
