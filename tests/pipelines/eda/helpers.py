"""The eda parameters as the project ships them, and the sweep the tests share."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from customer_segmentation.pipelines.eda.nodes import sample_customers, standardize_features, sweep_k
from tests.helpers import FEATURE_NAMES, default_features

_CONF = Path(__file__).resolve().parents[3] / "conf/base"
# The eda parameters, and the segmenter the project ships (clustering.algorithm), which the sweep uses too.
PARAMETERS = {**yaml.safe_load((_CONF / "parameters_eda.yml").read_text()),
              "clustering": {"algorithm": yaml.safe_load((_CONF / "parameters_clustering.yml").read_text())
                             ["clustering"]["algorithm"]}}
EDA = PARAMETERS["eda"]
FEATURE_LIST = FEATURE_NAMES
FEATURES = default_features()


def sweep(customers: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Runs sample -> standardize -> sweep with the parameters of conf/base/parameters_eda.yml."""
    sample, info = sample_customers(customers, FEATURES, EDA["sweep_sample_size"], EDA["random_state"])
    table = sweep_k(standardize_features(sample), EDA["k_range"], EDA["n_init"], EDA["n_bootstrap"],
                    EDA["silhouette_sample_size"], EDA["random_state"])
    return table, info
