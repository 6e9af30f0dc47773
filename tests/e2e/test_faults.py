"""Faults: a training run killed half-way, then run again, leaves complete and consistent outputs."""

import json
from pathlib import Path

import pandas as pd
import yaml

from customer_segmentation.segmentation.persistence import load_model
from tests.conftest import run_kedro
from tests.helpers import kill_kedro_when



def _latest_model(project: Path):
    versions = sorted((project / "data/06_models/segmentation_model.skops").iterdir())
    return versions[-1].name, load_model(versions[-1] / "segmentation_model.skops")


def _kill_when(project: Path, marker: str, *args: str, timeout: float = 300) -> str:
    """Starts `kedro run <args>`, SIGKILLs its whole process group as soon as ``marker`` is logged."""
    return kill_kedro_when(project, marker, *args, timeout=timeout)


def test_rerun_after_sigkill_mid_clustering_gives_consistent_outputs(project_copy):
    run_kedro(project_copy, "run")
    first_version, _ = _latest_model(project_copy)

    # Killed right after the new model is saved, before the segments that go with it.
    _kill_when(project_copy, "Saving data to segmentation_model")
    run_kedro(project_copy, "run")

    version, model = _latest_model(project_copy)
    assert version > first_version
    features = list(yaml.safe_load((project_copy / "conf/base/parameters.yml").read_text())["features"])
    clean = pd.read_parquet(project_copy / "data/05_model_input/model_input_customers.parquet")
    segments = pd.read_parquet(project_copy / "data/07_model_output/customer_segments.parquet")
    profiles = pd.read_csv(project_copy / "data/07_model_output/segment_profiles.csv")
    metrics = json.loads((project_copy / "data/08_reporting/clustering_metrics.json").read_text())

    assert len(segments) == len(clean) == metrics["n_customers"]
    assert (model.predict(segments[features]) == segments["segment_id"].to_numpy()).all()
    assert metrics["k"] == model["kmeans"].n_clusters == len(profiles)
    sizes = segments["segment_id"].value_counts().sort_index()
    assert profiles.set_index("segment_id")["size"].to_dict() == sizes.to_dict()
    names = segments.drop_duplicates("segment_id").set_index("segment_id")["segment_name"].sort_index()
    assert profiles.set_index("segment_id")["segment_name"].to_dict() == names.to_dict()


def test_a_run_killed_after_logging_its_model_before_registering_it_is_not_shown_by_the_app(project_copy, open_app):
    """Issue 23, case 15: the killed run (5 segments) left a newer model version, logged to MLflow but not
    registered; the app shows the registry's champion (the last complete run, 4 segments) and names the other."""
    from customer_segmentation.app_support.project import open_project, served_model_version
    from tests.projects import MODEL_NAME, mlflow_store

    run_kedro(project_copy, "run")
    _kill_when(project_copy, "logged the segmentation model to MLflow as", "--params", "n_clusters=5")
    newest, model = _latest_model(project_copy)
    assert model["kmeans"].n_clusters == 5
    with mlflow_store(project_copy) as client:
        champion = client.get_model_version_by_alias(MODEL_NAME, "champion")
        champion_run = client.get_run(champion.run_id).data.tags["run_id"]
    assert champion_run < newest and served_model_version(open_project(project_copy)) == champion_run

    at = open_app(project_copy)
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Segments"] == "4"
    assert any(f"Kedro run `{champion_run}`" in c.value for c in at.sidebar.caption)
    assert any(w.value.startswith(f"A newer model (Kedro run `{newest}`) was saved by a run that did not complete")
               for w in at.sidebar.warning)
