"""The served model of an order-log environment takes per-customer values (recency, frequency, monetary in their
units), not order lines: the pyfunc model MLflow serves, saved and queried in-process as `mlflow models serve`
parses a request (``validate_serving_input``), on an RFM model trained in memory."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from customer_segmentation.segmentation.serving import MODEL_ARTIFACT, input_columns, predictions, signature

RFM = ["recency", "frequency", "monetary"]


@pytest.fixture(scope="module")
def served(retail_bundle, tmp_path_factory):
    import mlflow

    from customer_segmentation.datasets.mlflow_model import PACKAGE_DIR, SERVED_MODEL_CODE
    from customer_segmentation.segmentation.persistence import save_model

    folder = tmp_path_factory.mktemp("served")
    save_model(retail_bundle.model, folder / "model.skops")
    mlflow.pyfunc.save_model(folder / "pyfunc", python_model=str(SERVED_MODEL_CODE),
                             artifacts={MODEL_ARTIFACT: str(folder / "model.skops")},
                             signature=signature(retail_bundle.model), metadata=input_columns(retail_bundle.model),
                             code_paths=[str(PACKAGE_DIR)], pip_requirements=["mlflow"])
    return folder / "pyfunc"


def test_the_served_rfm_model_reads_the_customers_values(retail_bundle):
    assert input_columns(retail_bundle.model) == {"input_columns": RFM}


def test_a_served_request_of_rfm_values_gets_each_customers_segment(retail_bundle, served):
    from mlflow.models import validate_serving_input

    customers = retail_bundle.segments[RFM].head(5)
    request = {"dataframe_split": {"columns": RFM, "data": customers.to_numpy().tolist()}}
    answer = pd.DataFrame(validate_serving_input(str(served), json.dumps(request)))
    assert answer["segment_id"].tolist() == retail_bundle.segments["segment_id"].head(5).tolist()
    assert answer["segment_name"].tolist() == retail_bundle.segments["segment_name"].head(5).astype(str).tolist()
    assert answer["error"].isna().all()


def test_a_served_customer_with_a_negative_revenue_gets_an_error_not_a_segment(retail_bundle):
    answer = predictions(retail_bundle.model, pd.DataFrame([{"recency": 12, "frequency": 9, "monetary": -50}]))
    assert answer["segment_id"].tolist() == [None]
    assert "monetary" in answer["error"].iloc[0] and "-50" in answer["error"].iloc[0]
