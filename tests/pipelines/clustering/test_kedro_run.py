"""Whole runs of the project (the session's trained copy: `--params n_clusters=3`, then the default): the
contract outputs, and what lands in the MLflow store and its registry."""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn

from tests.helpers import FEATURE_NAMES as FEATURES
from tests.projects import EXPERIMENT, MODEL_NAME, mlflow_store, run_in_process

# Every figure of the run is logged under reports/: the eda pipeline's and the clustering pipeline's.
REPORTS = ("segment_map.png", "segment_profiles.png", "segment_sizes.png", "feature_correlations.png",
           "feature_distributions.png", "pca_explained_variance.png", "elbow.png", "validity_indices.png")


@pytest.fixture(scope="module")
def project(trained_project) -> Path:
    return trained_project


def _runs(client) -> list:
    """The experiment's runs, oldest first."""
    experiment = client.get_experiment_by_name(EXPERIMENT)
    return client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])


def _outputs(project: Path) -> tuple[pd.DataFrame, dict]:
    segments = pd.read_parquet(project / "data/07_model_output/customer_segments.parquet")
    metrics = json.loads((project / "data/08_reporting/clustering_metrics.json").read_text())
    return segments, metrics


def test_run_writes_the_contract_outputs(project):
    model_input = pd.read_parquet(project / "data/05_model_input/model_input_customers.parquet")
    segments, metrics = _outputs(project)
    profiles = pd.read_csv(project / "data/07_model_output/segment_profiles.csv")
    assert len(segments) == len(model_input) == metrics["n_customers"]
    assert segments["segment_id"].nunique() == metrics["k"] == len(profiles)
    assert profiles["segment_name"].is_unique
    assert list((project / "data/06_models/segmentation_model.skops").glob("*/segmentation_model.skops"))
    for name in REPORTS:
        assert (project / "data/08_reporting" / name).stat().st_size > 10_000


def test_mlflow_run_holds_parameters_metrics_artifacts_and_data_fingerprint(project):
    _, metrics = _outputs(project)
    with mlflow_store(project) as client:
        run = _runs(client)[-1]  # the default run, whose outputs are on disk
        artifacts = [a.path for a in client.list_artifacts(run.info.run_id, "reports")]
    params = run.data.params
    assert params["n_clusters"] == "auto" and params["clustering.n_init"] == "10"
    assert params["clustering.pca_components"] == "None"
    assert params["features.age.range"] == "[18, 100]" and params["features.annual_income.unit"] == "USD"
    for name in ("k", "silhouette", "inertia", "calinski_harabasz", "davies_bouldin"):
        assert run.data.metrics[name] == pytest.approx(metrics[name])
    assert sorted(artifacts) == sorted(f"reports/{name}" for name in REPORTS)
    assert len(run.data.tags["input_sha256"]) == 64


def test_model_is_registered_as_champion_and_answers_with_segment_ids_and_names(project):
    import mlflow

    segments, _ = _outputs(project)
    with mlflow_store(project) as client:
        run = _runs(client)[-1]
        versions = client.search_model_versions(f"name='{MODEL_NAME}'")
        champion = client.get_model_version_by_alias(MODEL_NAME, "champion")
        model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@champion")
        requirements = Path(mlflow.pyfunc.get_model_dependencies(f"models:/{MODEL_NAME}@champion")).read_text().split()
    assert run.info.run_id in {v.run_id for v in versions}
    assert champion.version == max(versions, key=lambda v: int(v.version)).version
    assert f"scikit-learn=={sklearn.__version__}" in requirements and all("==" in r for r in requirements)
    assert model.metadata.get_input_schema() is None  # no schema: headers are matched by the model itself
    assert model.metadata.metadata["input_columns"] == FEATURES
    answer = model.predict(segments[FEATURES])
    assert np.array_equal(answer["segment_id"].astype(int), segments["segment_id"])
    assert answer["segment_name"].tolist() == segments["segment_name"].astype(str).tolist()
    assert answer["error"].isna().all()


def test_the_registered_model_answers_a_bad_row_with_its_error_not_a_segment(project):
    import mlflow

    with mlflow_store(project):
        model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@champion")
    rows = pd.DataFrame({"annual_income": [135000, 1e300, None], "spending_score": [80, 50, 40],
                         "savings": ["$55,000", 100, 2], "age": [46, 30, -500]})
    answer = model.predict(rows)
    assert answer.loc[0, "segment_id"] is not None and answer.loc[0, "error"] is None
    assert answer["error"].tolist()[1:] == [
        "annual_income: 1e+300 is outside the allowed range [0, 10000000]",
        "annual_income: empty is missing; age: -500 is outside the allowed range [18, 100]",
    ]
    assert answer["segment_id"].tolist()[1:] == [None, None]


def test_a_second_run_gives_identical_segments_and_a_new_model_version(project, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(project, copy)
    _, first_metrics = _outputs(copy)
    first = pd.read_parquet(copy / "data/07_model_output/customer_segments.parquet")
    with mlflow_store(copy) as client:
        versions_before = len(client.search_model_versions(f"name='{MODEL_NAME}'"))
    run_in_process(copy, pipelines=["clustering"])
    segments, metrics = _outputs(copy)
    pd.testing.assert_frame_equal(segments, first)
    assert metrics == first_metrics
    with mlflow_store(copy) as client:
        assert len(client.search_model_versions(f"name='{MODEL_NAME}'")) == versions_before + 1


def test_an_n_clusters_override_is_tracked_beside_the_default_run(project):
    with mlflow_store(project) as client:
        runs = _runs(client)
    by_setting = {run.data.params["n_clusters"]: run.data.metrics["k"] for run in runs}
    assert by_setting == {"3": 3, "auto": 4}, "both runs sit side by side in one experiment"
    names = [run.data.tags["mlflow.runName"] for run in runs]
    assert [name.rsplit(" · ", 1)[0] for name in names] == [
        "demo · segmentation_data.csv · 3,030 rows · 4 features · k=3",
        "demo · segmentation_data.csv · 3,030 rows · 4 features · k=4"]
    assert all(len(name.rsplit(" · ", 1)[1]) == len("2026-12-06 09:41:07") for name in names), "the start time, UTC"
