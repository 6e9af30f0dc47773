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


def test_the_issues_table_works_in_base_as_in_an_environment(tmp_path):
    """In base the algorithm is set where base sets it (parameters_clustering.yml): Kedro refuses a key set in two
    files of one environment."""
    import shutil

    import yaml

    from customer_segmentation.config.loader import ProjectConfigLoader
    from tests.conftest import PROJECT_ROOT

    conf = tmp_path / "conf"
    shutil.copytree(PROJECT_ROOT / "conf", conf, ignore=shutil.ignore_patterns("local"))
    (conf / "local").mkdir()
    for name, key, value in (("parameters.yml", "features", TELECOM),
                             ("parameters_clustering.yml", "clustering", None)):
        content = yaml.safe_load((conf / "base" / name).read_text())
        if value is None:
            content[key]["algorithm"] = "kprototypes"
        else:
            content[key] = value
        (conf / "base" / name).write_text(yaml.safe_dump(content, sort_keys=False))
    loader = ProjectConfigLoader(str(conf), base_env="base", default_run_env="local",
                                 merge_strategy={"parameters": "soft"})
    parameters = loader["parameters"]
    check_parameters(parameters, loader.parameter_sources())
    table = FeatureTable.from_config(parameters["features"])
    check_algorithm_fits_features(table, parameters["clustering"]["algorithm"], loader.parameter_sources())
    assert [f.name for f in table.categorical] == ["contract", "internet"]


def test_the_spark_engine_refuses_category_features_before_any_node():
    from types import SimpleNamespace

    from kedro.io import DataCatalog, MemoryDataset
    from kedro.pipeline import Node, Pipeline

    from customer_segmentation.hooks.config_check import ConfigCheckHooks

    catalog = DataCatalog({"parameters": MemoryDataset({"features": TELECOM}),
                           "params:features": MemoryDataset(TELECOM)})
    on_spark = Pipeline([Node(lambda customers, features: customers, ["customers", "params:features"],
                              "checked_customers@spark", name="check_records_node")])
    hooks = ConfigCheckHooks()
    loader = SimpleNamespace(parameter_sources=lambda: {"features": "conf/telecom/parameters.yml"})
    hooks.after_context_created(SimpleNamespace(config_loader=loader))
    with pytest.raises(ConfigurationError) as error:
        hooks.before_pipeline_run({}, on_spark, catalog)
    assert str(error.value).startswith("feature(s) contract, internet (conf/telecom/parameters.yml) are type: "
                                       "category, and the Spark engine (--env spark) segments on numbers only")
    assert "move Contract, InternetService from 'features' to 'profile_columns'" in str(error.value)
