"""The versioned model file that is also logged to the MLflow run as a served model, registered when the run succeeds.

Example ``catalog.yml`` entry::

    segmentation_model:
      type: customer_segmentation.datasets.mlflow_model.MlflowSegmentationModelDataset
      filepath: data/06_models/segmentation_model.skops
      versioned: true
      name: segmentation_model             # the model's name in the MLflow run
      registered_model_name: customer_segmentation
      alias: champion
      pip_requirements: [mlflow, scikit-learn, numpy, scipy, pandas, pyarrow, skops, pandera, kmodes]

As kedro-mlflow's ``MlflowArtifactDataset`` wraps a file dataset and logs the file it saved, this is the
skops file dataset (``model_file.py``) that, once the file is written and an MLflow run is active, logs a
pyfunc model from code (``segmentation/served_model.py``, so nothing is pickled): that file as its artifact,
the signature (the feature table's columns in, segment id / name / error out), the package's code and the
requirements pinned to the installed versions (explicit requirements spare MLflow ~14 s of inference).
kedro-mlflow's own model datasets log a Python object and register it at once; here registration waits for
the end of the run: ``ModelRegistryHooks`` registers the logged model as a new version and moves ``alias`` to
it only when the whole pipeline succeeded, so the registry never points at a model whose run failed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from kedro.io.core import Version
from sklearn.pipeline import Pipeline

from customer_segmentation.datasets.model_file import SegmentationModelDataset

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# Logged as the model's code (MLflow's "models from code"): loading runs it, nothing is unpickled.
SERVED_MODEL_CODE = PACKAGE_DIR / "segmentation" / "served_model.py"


@dataclass(frozen=True)
class PendingRegistration:
    """A model logged in this run, to register once the run has succeeded."""

    model_uri: str
    registered_model_name: str
    alias: str | None
    run_id: str | None


_pending: list[PendingRegistration] = []


def pin_requirements(requirements: list[str]) -> list[str]:
    """``["scikit-learn"]`` -> ``["scikit-learn==1.9.1"]``; entries with a version stay as they are."""
    return [r if re.search(r"[=<>~!@ ;]", r) else f"{r}=={version(r)}" for r in requirements]


def take_pending_registrations() -> list[PendingRegistration]:
    """The registrations waiting for the end of the run (and forgets them)."""
    pending = list(_pending)
    _pending.clear()
    return pending


class MlflowSegmentationModelDataset(SegmentationModelDataset):
    """The skops model file, also logged to the active MLflow run as a pyfunc model (see the module docstring)."""

    def __init__(self, filepath: str, name: str, registered_model_name: str | None = None, alias: str | None = None,
                 pip_requirements: list[str] | None = None, version: Version | None = None,
                 metadata: dict[str, Any] | None = None) -> None:
        super().__init__(filepath=filepath, version=version, metadata=metadata)
        self._name = name
        self._registered_model_name = registered_model_name
        self._alias = alias
        self._pip_requirements = list(pip_requirements or [])

    def save(self, data: Pipeline) -> None:
        path = self._write(data)
        import mlflow  # only when a model is saved: the app loads this dataset without MLflow

        run = mlflow.active_run()
        if run is None:  # a save outside `kedro run` (a test, a notebook): the file only
            return
        from customer_segmentation.segmentation.serving import MODEL_ARTIFACT, input_columns, signature

        info = mlflow.pyfunc.log_model(
            name=self._name, python_model=str(SERVED_MODEL_CODE), artifacts={MODEL_ARTIFACT: str(path)},
            signature=signature(data), metadata=input_columns(data),
            pip_requirements=pin_requirements(self._pip_requirements), code_paths=[str(PACKAGE_DIR)],
        )
        if self._registered_model_name:
            _pending.append(PendingRegistration(info.model_uri, self._registered_model_name, self._alias,
                                                run.info.run_id))
        logger.info("logged the segmentation model to MLflow as %s", info.model_uri)

    def description(self) -> dict[str, Any]:
        return {**super().description(), "name": self._name, "registered_model_name": self._registered_model_name,
                "alias": self._alias}
