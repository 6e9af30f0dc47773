"""The segmentation model as an MLflow pyfunc model: rows in, segment id and name (or a per-row error) out.

``mlflow models serve`` and ``mlflow.pyfunc.load_model(...).predict`` call :class:`SegmentationService`:
it reads the columns of the model's feature table (the same headers a customer file has), validates
them with the pipeline's rules and answers one record per row::

    {"segment_id": 3, "segment_name": "High income, high spenders", "runner_up_name": "...", "borderline": false,
     "error": null}
    {"segment_id": null, "segment_name": null, "runner_up_name": null, "borderline": null,
     "error": "age: -500 is outside the allowed range [18, 100]"}

The model itself is an artifact in skops format (``persistence.py``), loaded with the trusted-types
check; the package's code travels with the logged model (``code_paths``), so serving needs no
installed project.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE
from mlflow.pyfunc import PythonModel
from mlflow.types import ColSpec, Schema
from sklearn.pipeline import Pipeline

from customer_segmentation.errors import USER_ERRORS
from customer_segmentation.segmentation.contract import model_table
from customer_segmentation.segmentation.customers import segment_customers

MODEL_ARTIFACT = "model"
PREDICTION_COLUMNS = ("segment_id", "segment_name", "runner_up_name", "borderline", "error")


def predictions(model: Pipeline, frame: pd.DataFrame) -> pd.DataFrame:
    """One record per row: ``segment_id``, ``segment_name``, the runner-up and ``borderline``, or ``error`` for
    a row that fails validation."""
    segmented = segment_customers(model, frame).rows
    answer = pd.DataFrame({
        "segment_id": segmented["segment_id"].astype("object"),
        "segment_name": segmented["segment_name"].astype("object"),
        "runner_up_name": segmented["runner_up_name"].astype("object"),
        "borderline": segmented["borderline"].astype("object"),
        "error": segmented["problem"].astype("object"),
    })
    return answer.where(answer.notna(), None)


def signature(model: Pipeline) -> ModelSignature:
    """The answer's columns; no input schema.

    MLflow enforces an input schema before the model sees a row: it drops columns whose header differs only in
    case or spaces (" Annual_Income ") and cannot parse a CSV request against columns of any type. Without one,
    every request reaches the model's own validation, which reads cells and headers as the pipeline reads a file
    (``"$58,773"``, integers, empty cells, case and spaces ignored) and answers a row it cannot use with an
    ``error``. The columns the model reads are in the logged model's metadata (:func:`input_columns`).
    """
    outputs = Schema([ColSpec("long", "segment_id", required=False), ColSpec("string", "segment_name", required=False),
                      ColSpec("string", "runner_up_name", required=False), ColSpec("boolean", "borderline", required=False),
                      ColSpec("string", "error", required=False)])
    return ModelSignature(inputs=None, outputs=outputs)


def input_columns(model: Pipeline) -> dict[str, list[str]]:
    """``{"input_columns": [...]}``: the headers a request needs (the feature table's source columns)."""
    return {"input_columns": model_table(model).source_columns}


class SegmentationService(PythonModel):
    """Loads the skops model artifact and answers :func:`predictions` for each request."""

    def load_context(self, context: Any) -> None:
        from customer_segmentation.segmentation.persistence import load_model

        self._model = load_model(context.artifacts[MODEL_ARTIFACT])

    def predict(self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        try:
            return predictions(self._model, pd.DataFrame(model_input))
        except USER_ERRORS as error:  # e.g. a column the feature table reads is absent from the request
            raise MlflowException(str(error), error_code=INVALID_PARAMETER_VALUE) from None
