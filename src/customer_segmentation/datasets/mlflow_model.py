"""The segmentation model logged to the MLflow run of ``kedro run``, registered when the run succeeds.

Example ``catalog.yml`` entry::

    registered_segmentation_model:
      type: customer_segmentation.datasets.MlflowSegmentationModelDataset
      name: segmentation_model
      registered_model_name: customer_segmentation
      alias: champion
      pip_requirements: [mlflow, scikit-learn, numpy, scipy, pandas, skops, pandera]

``save`` logs a pyfunc model from code (``segmentation/served_model.py``, so nothing is pickled): the
fitted pipeline as a skops artifact (written by a helper process, ``helper.py``; the model is logged
once it is written, before the run ends),
the signature (the feature table's columns in, segment id / name / error out), the package's code
and requirements pinned to the installed versions (explicit requirements spare MLflow ~14 s of
inference). Registration waits for the end of the run: ``ModelRegistryHooks`` registers the logged
model as a new version and moves ``alias`` to it only when the whole pipeline succeeded, so the
registry never points at a model whose run failed or is still writing its outputs.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError
from sklearn.pipeline import Pipeline

from customer_segmentation.datasets import helper
from customer_segmentation.datasets.background import HelperWrite, register

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


class MlflowSegmentationModelDataset(AbstractDataset[Pipeline, Any]):
    """Logs the segmentation model as a pyfunc model in the active MLflow run; loads the last one logged."""

    @staticmethod
    def helper_warm_up_once() -> None:
        from customer_segmentation.segmentation.persistence import warm_up

        warm_up()

    def __init__(self, name: str, registered_model_name: str | None = None, alias: str | None = None,
                 pip_requirements: list[str] | None = None, metadata: dict[str, Any] | None = None) -> None:
        self._name = name
        self._registered_model_name = registered_model_name
        self._alias = alias
        self._pip_requirements = list(pip_requirements or [])
        self._model_uri: str | None = None
        self.metadata = metadata

    def save(self, data: Pipeline) -> None:
        import mlflow

        from customer_segmentation.segmentation.persistence import save_model

        run = mlflow.active_run()
        folder = Path(tempfile.mkdtemp(prefix="segmentation-model-"))
        path = folder / "segmentation_model.skops"
        log = partial(self._log, data, path, run.info.run_id if run is not None else None)
        write = HelperWrite(helper.submit(save_model, data, str(path)), f"the MLflow model {self._name}", log)
        if helper.running():
            register(write)  # logged once the skops file is written, before the run ends
        else:
            write.wait()

    def _log(self, model: Pipeline, path: Path, run_id: str | None, _: Any) -> None:
        import mlflow

        from customer_segmentation.segmentation.serving import MODEL_ARTIFACT, signature

        try:
            active = mlflow.active_run()
            if (active.info.run_id if active is not None else None) != run_id:
                raise DatasetError(f"the MLflow run {run_id} in which {self._name} was saved is no longer the "
                                   "active run: the model cannot be logged to it")
            info = mlflow.pyfunc.log_model(
                name=self._name, python_model=str(SERVED_MODEL_CODE), artifacts={MODEL_ARTIFACT: str(path)},
                signature=signature(model), pip_requirements=pin_requirements(self._pip_requirements),
                code_paths=[str(PACKAGE_DIR)],
            )
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)
        self._model_uri = info.model_uri
        if self._registered_model_name:
            _pending.append(PendingRegistration(info.model_uri, self._registered_model_name, self._alias, run_id))
        logger.info("logged the segmentation model to MLflow as %s", info.model_uri)

    def load(self) -> Any:
        import mlflow

        uri = self._model_uri or (f"models:/{self._registered_model_name}@{self._alias}" if self._alias else None)
        if uri is None:
            raise DatasetError("no segmentation model was logged in this session and no registry alias is set")
        return mlflow.pyfunc.load_model(uri)

    def _describe(self) -> dict[str, Any]:
        return {"name": self._name, "registered_model_name": self._registered_model_name, "alias": self._alias}
