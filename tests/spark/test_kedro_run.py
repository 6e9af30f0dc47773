"""``kedro run --env spark`` end to end, as a user runs it, in a copy of the project.

One copy goes through, in order (each step a fixture, shared by the tests that check it): a run on
local[2]; the pandas run on the same file (the agreement and the switch of engines); a Spark run killed
while it writes its first Parquet folder; the rerun, on a real standalone cluster (a master and a worker
on 127.0.0.1, started here and stopped by process group).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.segmentation.persistence import load_model
from tests.conftest import copy_project, run_kedro
from tests.helpers import FEATURE_NAMES, kill_kedro_when
from tests.projects import MODEL_NAME, mlflow_store
from tests.spark.cluster import master_state, standalone_cluster


FOLDERS = ("02_intermediate/rejected_customers.parquet", "02_intermediate/validation_problems.parquet",
           "05_model_input/model_input_customers.parquet", "07_model_output/customer_segments.parquet")


SPARK_DATA = "data/spark"  # each environment writes its own outputs (data/<env>), the demo's stay in data/


def _outputs(project: Path, data_root: str = SPARK_DATA) -> dict:
    data = project / data_root
    return {
        "report": json.loads((data / "08_reporting/data_quality_report.json").read_text()),
        "k_selection": json.loads((data / "08_reporting/k_selection.json").read_text()),
        "metrics": json.loads((data / "08_reporting/clustering_metrics.json").read_text()),
        "segments": pd.read_parquet(data / "07_model_output/customer_segments.parquet"),
        "model_input": pd.read_parquet(data / "05_model_input/model_input_customers.parquet"),
        "profiles": pd.read_csv(data / "07_model_output/segment_profiles.csv"),
        "folders": {name: (data / name).is_dir() for name in FOLDERS},
        "audiences": {path.name: len(pd.read_parquet(path)) if path.is_dir() else len(pd.read_csv(path))
                      for path in sorted((data / "07_model_output/segment_audiences").glob("*segment_*"))},
    }


def _files(folder: Path) -> dict[str, int]:
    """Each file of a Parquet folder and its size."""
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*")) if p.is_file()}


def _latest_model(project: Path):
    versions = sorted((project / SPARK_DATA / "06_models/segmentation_model.skops").iterdir())
    return versions[-1].name, load_model(versions[-1] / "segmentation_model.skops")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("spark_project"))


@pytest.fixture(scope="module")
def spark_run(project) -> dict:
    """A local[2] run, what it wrote, and what the app and the registry make of it (before anything else runs)."""
    from customer_segmentation.app_support.bundle import load_bundle
    from customer_segmentation.app_support.project import latest_model_version, open_project

    log = run_kedro(project, "run", "--env", "spark", "--params", "spark_master=local[2]")
    outputs = _outputs(project)
    handle = open_project(project, env="spark")
    outputs["bundle"] = load_bundle(handle, latest_model_version(handle))
    with mlflow_store(project):
        import mlflow

        served = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}_spark@champion")
        outputs["served"] = served.predict(outputs["segments"].head(200)[FEATURE_NAMES])
    outputs["log"] = log.stdout + log.stderr
    return outputs


@pytest.fixture(scope="module")
def pandas_run(project, spark_run) -> dict:
    run_kedro(project, "run")
    return _outputs(project, "data")


@pytest.fixture(scope="module")
def rerun_on_cluster(project, pandas_run, tmp_path_factory) -> dict:
    """A Spark run SIGKILLed while Spark writes its first Parquet folder, then the run on a standalone cluster."""
    folder = project / SPARK_DATA / "04_feature/checked_customers.parquet"
    before = _files(folder)
    assert before, "the first Spark run wrote the folder"
    killed = kill_kedro_when(project, "Saving data to checked_customers@spark", "--env", "spark", "--params",
                             "spark_master=local[2]")
    assert _files(folder) == before, "the previous folder stays whole until Spark has written the new one"
    with standalone_cluster(tmp_path_factory.mktemp("cluster")) as (master, web):
        log = run_kedro(project, "run", "--env", "spark", "--params", f"spark_master={master}")
        state = master_state(web)
    return {**_outputs(project), "killed_log": killed, "log": log.stdout + log.stderr, "master": master,
            "state": state, "leftovers": sorted(p.name for p in (project / SPARK_DATA).rglob(".*") if p.is_dir())}


def test_a_spark_run_writes_parquet_folders_and_the_usual_reports(spark_run):
    assert all(spark_run["folders"].values()), spark_run["folders"]
    assert spark_run["metrics"]["k"] == spark_run["k_selection"]["k"] == len(spark_run["profiles"])
    assert "spark_squared_euclidean_silhouette" in spark_run["metrics"]


def test_spark_segments_carry_the_explanations_and_audiences_of_the_pandas_path(spark_run, pandas_run):
    for run in (spark_run, pandas_run):
        assert {"runner_up_id", "runner_up_name", "borderline", "imputed_features"} <= set(run["segments"].columns)
    both = spark_run["segments"].merge(pandas_run["segments"], on="source_row", suffixes=("_spark", "_pandas"))
    agree = both["segment_id_spark"] == both["segment_id_pandas"]
    assert (both.loc[agree, "runner_up_id_spark"] == both.loc[agree, "runner_up_id_pandas"]).mean() >= 0.95
    assert (both["imputed_features_spark"].astype(str) == both["imputed_features_pandas"].astype(str)).all()
    sizes = spark_run["profiles"].set_index("segment_id")["size"]
    assert [name.removeprefix("audience=") for name in spark_run["audiences"]] == [
        name.removesuffix(".csv") for name in pandas_run["audiences"]], "one audience per segment, named alike"
    assert list(spark_run["audiences"].values()) == sizes.tolist()


def test_the_app_serves_the_model_trained_on_spark(spark_run):
    bundle = spark_run["bundle"]
    assert bundle.k == spark_run["metrics"]["k"] and len(bundle.segments) == spark_run["metrics"]["n_customers"]


def test_the_registered_model_answers_as_the_spark_segments_say(spark_run):
    expected = spark_run["segments"].head(200)
    assert spark_run["served"]["segment_id"].tolist() == expected["segment_id"].tolist()
    assert spark_run["served"]["segment_name"].tolist() == expected["segment_name"].astype(str).tolist()


def test_both_engines_choose_the_same_number_of_segments_and_names(spark_run, pandas_run):
    assert spark_run["k_selection"]["k"] == pandas_run["k_selection"]["k"]
    names = [sorted(set(run["segments"]["segment_name"].astype(str))) for run in (spark_run, pandas_run)]
    assert names[0] == names[1]


def test_both_engines_put_the_customers_in_the_same_segments(spark_run, pandas_run):
    both = spark_run["segments"].merge(pandas_run["segments"], on="source_row", suffixes=("_spark", "_pandas"))
    assert len(both) == len(spark_run["segments"]) == len(pandas_run["segments"])
    assert adjusted_rand_score(both["segment_id_pandas"], both["segment_id_spark"]) >= 0.95


def test_both_engines_write_the_same_quality_report(spark_run, pandas_run):
    spark_report, pandas_report = ({k: v for k, v in run["report"].items() if k != "input_sha256"}
                                   for run in (spark_run, pandas_run))
    assert spark_report == pandas_report


def test_the_spark_run_and_the_pandas_run_keep_their_own_outputs(project, spark_run, pandas_run):
    assert not any(pandas_run["folders"].values()), "the pandas run writes files in data/, not Spark's folders"
    assert all(_outputs(project)["folders"].values()), "the Spark run's folders in data/spark are left as they were"


def test_a_run_killed_mid_write_then_rerun_leaves_consistent_outputs(project, rerun_on_cluster):
    assert "Saving data to checked_customers@spark" in " ".join(rerun_on_cluster["killed_log"].split())
    _, model = _latest_model(project)
    segments, model_input = rerun_on_cluster["segments"], rerun_on_cluster["model_input"]
    assert len(segments) == len(model_input) == rerun_on_cluster["metrics"]["n_customers"]
    assert (model.predict(segments[FEATURE_NAMES]) == segments["segment_id"].to_numpy()).all()
    sizes = segments["segment_id"].value_counts().sort_index().to_dict()
    assert rerun_on_cluster["profiles"].set_index("segment_id")["size"].to_dict() == sizes
    assert rerun_on_cluster["leftovers"] == [], "no half-written folder left beside the outputs"


def test_the_rerun_ran_on_the_standalone_cluster(rerun_on_cluster):
    assert f"session on {rerun_on_cluster['master']}" in " ".join(rerun_on_cluster["log"].split())
    apps = rerun_on_cluster["state"]["completedapps"] + rerun_on_cluster["state"]["activeapps"]
    assert [app["name"] for app in apps] == ["customer-segmentation"]
