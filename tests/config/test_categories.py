"""The algorithm must fit the feature table's kinds of features: checked with every parameter, before any node (the
whole run's refusal is in tests/pipelines/clustering/test_kprototypes_run.py)."""

from __future__ import annotations

import pytest

from customer_segmentation.config.parameters import check_algorithm_fits_features, check_parameters
from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import FeatureTable
from tests.features.configs import TELECOM
from tests.helpers import default_features

SOURCES = {"features": "conf/telecom/parameters.yml", "clustering": "conf/base/parameters_clustering.yml"}


def refusal(features: dict, algorithm: str) -> str:
    with pytest.raises(ConfigurationError) as error:
        check_algorithm_fits_features(FeatureTable.from_config(features), algorithm, SOURCES)
    return str(error.value)


def test_a_gaussian_mixture_with_a_category_names_both_fixes():
    message = refusal(TELECOM, "gmm")
    assert message.startswith("feature(s) contract, internet (conf/telecom/parameters.yml) are type: category, and "
                              "clustering.algorithm 'gmm' (conf/base/parameters_clustering.yml) segments on numbers")
    assert "set clustering.algorithm: kprototypes" in message and "to 'profile_columns'" in message


def test_k_prototypes_needs_a_category_and_a_number():
    assert "the feature table (conf/telecom/parameters.yml) has no type: category feature: add one, or use an " \
           "algorithm for numbers only (kmeans, gmm)" in refusal(default_features(), "kprototypes")
    only_categories = {name: entry for name, entry in TELECOM.items() if entry.get("type") == "category"}
    assert "has no number feature" in refusal(only_categories, "kprototypes")


def test_the_fitting_combinations_pass():
    check_algorithm_fits_features(FeatureTable.from_config(TELECOM), "kprototypes", SOURCES)
    check_algorithm_fits_features(FeatureTable.from_config(default_features()), "kmeans", SOURCES)


def test_the_rare_category_share_is_a_declared_parameter_with_bounds():
    check_parameters({"rare_category_share": 0.05}, {})
    with pytest.raises(ConfigurationError, match=r"rare_category_share in conf/base/parameters_data_processing.yml: "
                                                 r"Input should be less than 1 \(got 1.5\)"):
        check_parameters({"rare_category_share": 1.5},
                         {"rare_category_share": "conf/base/parameters_data_processing.yml"})
