"""Opening the project and loading one coherent model bundle, in each state the app can meet."""

from __future__ import annotations

import json

import pytest

from customer_segmentation.app_support.bundle import (
    IncompleteOutputsError,
    NoTrainedModelError,
    UnreadableModelError,
    load_bundle,
)
from customer_segmentation.app_support.project import (
    PROJECT_ENV,
    ProjectNotFoundError,
    find_project_root,
    latest_model_version,
    open_project,
)
from customer_segmentation.app_support.runs import find_run, recent_runs
from tests import projects
from tests.conftest import PROJECT_ROOT

# Kedro 1.7 registers its config resolvers with a call OmegaConf has deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:register_new_resolver:UserWarning")


@pytest.fixture(scope="module")
def handle(trained_project):
    return open_project(trained_project)


def variant_bundle(projects_dir, name):
    project = open_project(projects.variant(projects_dir, name))
    return load_bundle(project, latest_model_version(project))


def test_project_is_the_parent_of_the_app_folder_by_default():
    assert find_project_root(PROJECT_ROOT / "streamlit_app", environ={}) == PROJECT_ROOT


def test_environment_variable_points_the_app_at_another_copy(trained_project):
    found = find_project_root(PROJECT_ROOT / "streamlit_app", environ={PROJECT_ENV: str(trained_project)})
    assert found == trained_project.resolve()


def test_a_folder_that_is_not_the_project_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(ProjectNotFoundError, match=PROJECT_ENV):
        find_project_root(tmp_path / "streamlit_app", environ={})


def test_bundle_holds_the_newest_model_and_its_run_outputs(handle, trained_project):
    metrics = json.loads((trained_project / "data/08_reporting/clustering_metrics.json").read_text())
    bundle = load_bundle(handle, latest_model_version(handle))
    assert bundle.version == projects.model_version(trained_project)
    assert bundle.k == metrics["k"] and bundle.metrics == metrics
    assert len(bundle.segments) == metrics["n_customers"]
    assert bundle.trained_at is not None and bundle.trained_at.strftime("%Y-%m-%dT%H.%M.%S") in bundle.version


def test_mlflow_store_is_the_projects_own(handle, trained_project):
    assert handle.tracking_uri == f"sqlite:///{trained_project.resolve().as_posix()}/mlflow.db"


def test_a_version_that_is_not_on_disk_means_no_trained_model(handle):
    with pytest.raises(NoTrainedModelError, match="No trained model yet"):
        load_bundle(handle, "2000-01-01T00.00.00.000Z")


def test_no_version_at_all_in_a_fresh_clone(untrained_project):
    assert latest_model_version(open_project(untrained_project)) is None


def test_the_bundle_uses_the_models_own_feature_table(handle):
    bundle = load_bundle(handle, latest_model_version(handle))
    assert bundle.features == ["annual_income", "spending_score", "savings", "age"]
    assert bundle.table["age"].minimum == 18 and bundle.table["annual_income"].unit == "USD"
    assert not bundle.configuration_changed


def test_a_changed_feature_table_is_noticed_while_the_model_keeps_its_own(projects_dir):
    bundle = variant_bundle(projects_dir, "reconfigured")
    assert bundle.configuration_changed
    assert "savings" in bundle.features, "uploads are still read with the features the model was trained on"


def test_model_file_that_is_not_a_model_is_unreadable(projects_dir):
    with pytest.raises(UnreadableModelError, match=rf"segmentation_model.skops/{projects.NEWER_VERSION} could not be read"):
        variant_bundle(projects_dir, "unreadable")


def test_model_file_with_an_untrusted_type_is_refused_not_loaded(projects_dir):
    with pytest.raises(UnreadableModelError, match=r"not trusted and was not loaded: \['tests.projects.Exploit'\]"):
        variant_bundle(projects_dir, "tampered")


def test_missing_segments_file_is_reported_with_its_path(projects_dir):
    with pytest.raises(IncompleteOutputsError, match="customer_segments.*data/07_model_output/customer_segments.parquet"):
        variant_bundle(projects_dir, "missing_segments")


def test_segments_written_by_another_run_are_refused(projects_dir):
    with pytest.raises(IncompleteOutputsError, match="was not written by model"):
        variant_bundle(projects_dir, "mixed")


def test_newest_version_is_found_after_a_retrain(projects_dir):
    project = projects.variant(projects_dir, "retrain_bundle")
    handle = open_project(project)
    first = latest_model_version(handle)
    newer = projects.add_model_version(project)
    assert (first, latest_model_version(handle)) == (projects.model_version(projects.trained(projects_dir)), newer)


def test_recent_runs_include_the_run_that_trained_the_model(handle, trained_project):
    metrics = json.loads((trained_project / "data/08_reporting/clustering_metrics.json").read_text())
    runs = recent_runs(handle.tracking_uri, handle.experiment_name)
    version = projects.model_version(trained_project)
    (run,) = runs.loc[runs["kedro_run_id"] == version].to_dict("records")
    assert run["status"] == "FINISHED"
    assert run["metrics.silhouette"] == pytest.approx(metrics["silhouette"])
    assert find_run(handle.tracking_uri, handle.experiment_name, version)["mlflow_run_id"] == run["mlflow_run_id"]
