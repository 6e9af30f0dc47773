"""The versioned segmentation model file in ``data/06_models``, in skops format (never a pickle).

Example ``catalog.yml`` entry::

    segmentation_model:
      type: customer_segmentation.datasets.SegmentationModelDataset
      filepath: data/06_models/segmentation_model.skops
      versioned: true

Each version is ``<filepath>/<version>/<file name>``, as Kedro's versioned datasets lay them out;
loading refuses a file with untrusted types (``segmentation/persistence.py``).

In a run, the file is written by a helper process (``helper.py``: importing skops alone takes a
second) while the run goes on, and the nodes that load the model in the same run get the model that
was saved, from memory, until the runner releases it; the run ends only when the file is complete.
"""

from __future__ import annotations

import glob
from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io.core import AbstractVersionedDataset, DatasetError, Version
from sklearn.pipeline import Pipeline

from customer_segmentation.datasets import helper
from customer_segmentation.datasets.background import HelperWrite, register
from customer_segmentation.segmentation.persistence import load_model, save_model, warm_up


class SegmentationModelDataset(AbstractVersionedDataset[Pipeline, Pipeline]):
    """Saves and loads the segmentation model with skops, versioned like Kedro's file datasets."""

    helper_warm_up_once = staticmethod(warm_up)  # what the helper that writes the file needs

    def __init__(self, filepath: str, version: Version | None = None, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(
            filepath=PurePosixPath(filepath), version=version,
            exists_function=lambda path: Path(path).exists(), glob_function=glob.glob,
        )
        self.metadata = metadata
        self._saved: Pipeline | None = None
        self._write: HelperWrite | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Pickled for another process (ParallelRunner): the file is complete first, the copy holds no model.
        self._wait()
        return {**self.__dict__, "_saved": None, "_write": None}

    def load(self) -> Pipeline:
        if self._saved is not None:
            return self._saved
        self._wait()
        return load_model(str(self._get_load_path()))

    def save(self, data: Pipeline) -> None:
        if not isinstance(data, Pipeline):
            raise DatasetError(f"expected a scikit-learn Pipeline to save, got {type(data).__name__}")
        self._wait()
        path = str(self._get_save_path())
        self._write = HelperWrite(helper.submit(save_model, data, path), path)
        if helper.running():
            self._saved = data
            register(self._write)
            # The file appears when the helper is done; until then the version this run saved is the one
            # to load (Kedro's save wrapper checks it right after ``save`` returns).
            self._cached_load_version = self.resolve_save_version()
        else:
            self._wait()

    def _wait(self) -> None:
        write, self._write = self._write, None
        if write is not None:
            write.wait()

    def _exists(self) -> bool:
        if self._saved is not None:
            return True
        try:
            return Path(str(self._get_load_path())).is_file()
        except DatasetError:
            return False

    def _release(self) -> None:
        # The memory copy goes (the file is complete before the run ends, or before the next load), and so
        # does the version found: the app releases the dataset to see a retrain's newer version.
        super()._release()
        self._saved = None

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "version": self._version}
