"""A pipeline's earlier output read back, empty before the first run wrote it.

Kedro has no optional node input: a node that compares with "last time" needs a dataset that loads before
there was a last time. ``OptionalDataset`` wraps any dataset and loads it when its file exists, else an empty
value: an empty frame (``empty: frame``) or ``{}`` (``empty: dict``). It is read-only: the output is written
under its own name (two catalog names for one file, as a node cannot read and write the same dataset).

Example ``catalog.yml`` entry::

    refresh_snapshots_before:
      type: customer_segmentation.datasets.optional.OptionalDataset
      dataset:
        type: pandas.ParquetDataset
        filepath: data/07_model_output/refresh/snapshots.parquet
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from kedro.io import AbstractDataset, DatasetError
from kedro.io.core import parse_dataset_definition

_EMPTY = {"frame": pd.DataFrame, "dict": dict}


class OptionalDataset(AbstractDataset[None, Any]):
    """Loads ``dataset`` when it exists, else an empty frame or dict (``empty``); never saves."""

    def __init__(self, dataset: dict[str, Any], empty: Literal["frame", "dict"] = "frame",
                 metadata: dict[str, Any] | None = None) -> None:
        if empty not in _EMPTY:
            raise ValueError(f"OptionalDataset's empty is {empty!r}; use one of {list(_EMPTY)}")
        dataset_class, config = parse_dataset_definition(dict(dataset))
        self._dataset = dataset_class(**config)
        self._empty = empty
        self.metadata = metadata

    def load(self) -> Any:
        return self._dataset.load() if self._dataset.exists() else _EMPTY[self._empty]()

    def save(self, data: None) -> None:
        raise DatasetError("OptionalDataset is read-only: the output is written under its own catalog name")

    def _exists(self) -> bool:
        return True

    def _describe(self) -> dict[str, Any]:
        return {"dataset": type(self._dataset).__name__, "empty": self._empty}
