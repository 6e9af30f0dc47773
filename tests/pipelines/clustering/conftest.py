"""Demo customers shaped like ``model_input_customers`` and a model trained on them."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.demo_data import generate_customers
from customer_segmentation.pipelines.clustering.nodes import train_segmentation_model
from tests.helpers import FEATURE_NAMES, default_features, project_parameters

FEATURES = FEATURE_NAMES
TABLE = default_features()
MODEL_OPTIONS = {"pca_components": None, "n_init": 10, "random_state": 42}
NAMING = project_parameters("parameters_clustering.yml")["clustering"]["naming"]


def model_input(rows: int = 3000, seed: int = 7) -> pd.DataFrame:
    """Clean demo customers as data_processing writes them: source_row, customer_id, float features."""
    customers = generate_customers(rows, seed=seed).drop(columns="persona")
    customers.insert(0, "source_row", range(1, rows + 1))
    return customers.astype({f: "float64" for f in FEATURES})


def train(customers: pd.DataFrame, k: int = 4, **options):
    return train_segmentation_model(customers, {"k": k}, "auto", TABLE, **{**MODEL_OPTIONS, **options})


@pytest.fixture(scope="session")
def customers() -> pd.DataFrame:
    return model_input()


@pytest.fixture(scope="session")
def model(customers):
    return train(customers)
