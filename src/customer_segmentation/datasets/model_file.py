"""The versioned segmentation model file in ``data/06_models``, in skops format (never a pickle).

Example ``catalog.yml`` entry::

    segmentation_model:
      type: customer_segmentation.datasets.model_file.SegmentationModelDataset
      filepath: data/06_models/segmentation_model.skops
      versioned: true

Each version is ``<filepath>/<version>/<file name>``, as Kedro's versioned datasets lay them out; the
file is written atomically and loading refuses a file with untrusted types (``segmentation/persistence.py``).
kedro-datasets has no skops dataset, and its pickle dataset would run whatever a tampered file holds.
"""

from __future__ import annotations

import glob
from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io.core import AbstractVersionedDataset, DatasetError, Version
from sklearn.pipeline import Pipeline

from customer_segmentation.segmentation.persistence import load_model, save_model


class SegmentationModelDataset(AbstractVersionedDataset[Pipeline, Pipeline]):
    """Saves and loads the segmentation model with skops, versioned like Kedro's file datasets."""

    def __init__(self, filepath: str, version: Version | None = None, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(
            filepath=PurePosixPath(filepath), version=version,
            exists_function=lambda path: Path(path).exists(), glob_function=glob.glob,
        )
        self.metadata = metadata

    def load(self) -> Pipeline:
        return load_model(str(self._get_load_path()))

    def save(self, data: Pipeline) -> None:
        self._write(data)

    def _write(self, data: Pipeline) -> Path:
        """Writes the file of the version being saved; its path."""
        if not isinstance(data, Pipeline):
            raise DatasetError(f"expected a scikit-learn Pipeline to save, got {type(data).__name__}")
        path = Path(str(self._get_save_path()))
        save_model(data, path)
        return path

    def _exists(self) -> bool:
        try:
            return Path(str(self._get_load_path())).is_file()
        except DatasetError:
            return False

    def _describe(self) -> dict[str, Any]:
        return self.description()

    def description(self) -> dict[str, Any]:
        """What Kedro shows of this dataset (its ``_describe``), extended by subclasses without calling it."""
        return {"filepath": str(self._filepath), "version": self._version}
