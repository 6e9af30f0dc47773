"""The MLflow model dataset of the segmentation model: what a YAML entry cannot say.

``kedro_mlflow.io.models.MlflowModelTrackingDataset`` passes its ``save_args`` to
``mlflow.sklearn.log_model``, but YAML cannot build a ``ModelSignature``, and versions
copied into YAML drift from the environment. This subclass adds, when the model is saved:

* ``signature``: the model's input columns (``feature_names_in_``) as ``double`` (integer
  columns could not carry missing values at inference) -> the segment id.
* ``pip_requirements``: each name in ``save_args.pip_requirements`` given without a version
  is pinned to the installed one. Explicit requirements also spare MLflow ~14 s of inference.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import Any

from kedro_mlflow.io.models import MlflowModelTrackingDataset
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, Schema


def model_signature(model: Any) -> ModelSignature:
    """Feature columns (double) in, segment id (integer) out."""
    inputs = Schema([ColSpec("double", str(name)) for name in model.feature_names_in_])
    return ModelSignature(inputs=inputs, outputs=Schema([ColSpec("integer")]))


def pin_requirements(requirements: list[str]) -> list[str]:
    """``["scikit-learn"]`` -> ``["scikit-learn==1.9.1"]``; entries with a version stay as they are."""
    return [r if re.search(r"[=<>~!@ ;]", r) else f"{r}=={version(r)}" for r in requirements]


class SklearnModelTrackingDataset(MlflowModelTrackingDataset):
    """``MlflowModelTrackingDataset`` that logs a scikit-learn model with its signature and pinned requirements."""

    def _save(self, model: Any) -> None:
        save_args = self._save_args
        self._save_args = {
            **save_args,
            "signature": model_signature(model),
            "pip_requirements": pin_requirements(save_args.get("pip_requirements", [])),
        }
        try:
            super()._save(model)
        finally:
            self._save_args = save_args
