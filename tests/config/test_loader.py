"""One data set per Kedro environment: its feature table replaces base's, its other settings merge key by key,
its outputs, MLflow experiment and registered model are its own, and messages name the file a setting is in."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from customer_segmentation.config.loader import ProjectConfigLoader
from customer_segmentation.config.parameters import check_parameters
from customer_segmentation.errors import ConfigurationError
from tests.conftest import PROJECT_ROOT

MALL = {"annual_income": {"column": "Annual Income (k$)", "label": "Annual income", "unit": "USD", "scale": 1000},
        "spending_score": {"column": "Spending Score (1-100)", "label": "Spending score", "unit": "score"}}


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    """The project's own conf/ folder, copied, with an empty ``mall`` environment beside base."""
    import shutil

    shutil.copytree(PROJECT_ROOT / "conf", tmp_path / "conf", ignore=shutil.ignore_patterns("local"))
    (tmp_path / "conf" / "local").mkdir()
    (tmp_path / "conf" / "mall").mkdir()
    return tmp_path / "conf"


def _loader(conf: Path, env: str | None = "mall", **runtime) -> ProjectConfigLoader:
    return ProjectConfigLoader(str(conf), env=env, runtime_params=runtime or None, base_env="base",
                               default_run_env="local", merge_strategy={"parameters": "soft"})


def _write(conf: Path, name: str, content: dict) -> None:
    (conf / "mall" / name).write_text(yaml.safe_dump(content, sort_keys=False))


@pytest.mark.parametrize("features", [MALL, ["annual_income", "spending_score"]], ids=["table", "list"])
def test_an_environments_feature_table_replaces_bases_whole(conf, features):
    _write(conf, "parameters.yml", {"features": features})
    parameters = _loader(conf)["parameters"]
    assert list(parameters["features"]) == ["annual_income", "spending_score"]
    base = _loader(conf, env=None)["parameters"]
    assert list(base["features"]) == ["annual_income", "spending_score", "savings", "age"], "base itself unchanged"


def test_other_settings_of_an_environment_merge_key_by_key(conf):
    _write(conf, "parameters.yml", {"features": MALL, "clustering": {"algorithm": "gmm"}})
    clustering = _loader(conf)["parameters"]["clustering"]
    assert clustering["algorithm"] == "gmm" and clustering["n_init"] == 10 and clustering["naming"]["personas"]


def test_run_parameters_still_override_an_environments_table(conf):
    _write(conf, "parameters.yml", {"features": MALL})
    parameters = _loader(conf, features={"annual_income": {"scale": 1}})["parameters"]
    assert parameters["features"]["annual_income"] == {**MALL["annual_income"], "scale": 1}
    assert list(parameters["features"]) == ["annual_income", "spending_score"]


def test_each_environment_has_its_own_outputs_experiment_and_registered_model(conf):
    mall, default = _loader(conf), _loader(conf, env=None)
    assert mall["catalog"]["customer_segments"]["dataset"]["filepath"] == "data/mall/07_model_output/customer_segments.parquet"
    assert default["catalog"]["customer_segments"]["dataset"]["filepath"] == "data/07_model_output/customer_segments.parquet"
    assert mall["catalog"]["segmentation_model"]["registered_model_name"] == "customer_segmentation_mall"
    assert default["catalog"]["segmentation_model"]["registered_model_name"] == "customer_segmentation"
    (conf / "mall" / "globals.yml").write_text("model_name: my_shop\n")
    assert _loader(conf)["catalog"]["segmentation_model"]["registered_model_name"] == "my_shop"


def test_a_setting_is_named_with_the_file_it_came_from(conf):
    _write(conf, "parameters.yml", {"features": MALL, "clustring": {"algorithm": "gmm"}})
    loader = _loader(conf)
    sources = loader.parameter_sources()
    assert sources["features"] == "conf/mall/parameters.yml" and sources["eda"] == "conf/base/parameters_eda.yml"
    with pytest.raises(ConfigurationError) as error:
        check_parameters(loader["parameters"], sources)
    assert "unknown setting 'clustring' in conf/mall/parameters.yml (did you mean 'clustering'?)" in str(error.value)


@pytest.mark.parametrize(("setting", "message"), [
    ({"clustering": {"algoritm": "gmm"}}, "unknown setting 'clustering.algoritm' in conf/mall/parameters.yml (did you "
                                          "mean 'clustering.algorithm'?)"),
    ({"clustering": {"algorithm": "kmean"}}, "clustering.algorithm in conf/mall/parameters.yml: 'kmean' (did you mean "
                                             "'kmeans'?)"),
    ({"eda": {"k_range": [10, 2]}}, "eda.k_range in conf/mall/parameters.yml: [10, 2] should be [min, max]"),
    ({"n_clusters": 1}, "n_clusters in conf/mall/parameters.yml: 1 segments: use auto or a whole number of at least 2"),
])
def test_a_wrong_setting_is_refused_with_its_file_and_fix(conf, setting, message):
    _write(conf, "parameters.yml", {"features": MALL, **setting})
    loader = _loader(conf)
    with pytest.raises(ConfigurationError) as error:
        check_parameters(loader["parameters"], loader.parameter_sources())
    assert message in str(error.value)


def test_the_projects_own_parameters_pass_in_every_shipped_environment(conf):
    for env in (None, "scale", "spark", "retail", "retail_spark"):
        loader = _loader(conf, env=env)
        check_parameters(loader["parameters"], loader.parameter_sources())


def test_an_order_log_path_is_taken_where_a_mapping_reads_it_and_refused_where_nothing_would(conf):
    loader = _loader(conf, env="retail_spark", transactions_path="data/01_raw/orders.csv")
    check_parameters(loader["parameters"], loader.parameter_sources())
    loader = _loader(conf, env="spark", transactions_path="data/01_raw/orders.csv")
    with pytest.raises(ConfigurationError, match=r"transactions_path in the parameters: it names an order log, but "
                                                 r"this environment has no `transactions:` mapping"):
        check_parameters(loader["parameters"], loader.parameter_sources())


# ---------- a file that cannot be read (issue 23, case 8) ----------

BAD_CONFIG = PROJECT_ROOT / "tests" / "data" / "bad_config"


@pytest.mark.parametrize("env", [None, "mall"], ids=["base", "environment"])
def test_a_yaml_alias_bomb_stops_with_one_line_naming_the_file(conf, env):
    import shutil

    folder = "base" if env is None else env
    shutil.copy(BAD_CONFIG / "alias_bomb.yml", conf / folder / "parameters_bomb.yml")
    with pytest.raises(ConfigurationError) as caught:
        _loader(conf, env)["parameters"]
    assert str(caught.value) == (
        f"conf/{folder}/parameters_bomb.yml, line 2: its YAML aliases expand to more nodes than allowed (YAML node "
        "expansion exceeds the configured limit of 10000): write the values out instead of repeating aliases of "
        "aliases")


def test_invalid_yaml_in_a_catalog_names_the_file_and_its_line(conf):
    (conf / "base" / "catalog_broken.yml").write_text("a: [1, 2\nb: 3\n")
    named = (r"^(conf/base/catalog_broken.yml, line \d+: |a configuration file under conf/ cannot be read: Invalid "
             r"YAML or JSON file .*catalog_broken)")
    with pytest.raises(ConfigurationError, match=named):
        _loader(conf, None)["catalog"]
