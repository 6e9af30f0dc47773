"""`kedro run --pipelines monitoring --params batch_path=...` in a trained copy of the project."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import run_kedro
from tests.pipelines.clustering.trained_project import mlflow_store, trained_project
from tests.pipelines.monitoring.conftest import batch

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("monitoring") / "project"
    shutil.copytree(trained_project(tmp_path_factory), copy)
    return copy


def test_batches_are_scored_reported_logged_and_added_to_the_history(project, tmp_path):
    for name, frame in (("march.csv", batch(800, seed=31)), ("april.parquet", batch(900, seed=32, shift={"age": 1}))):
        path = tmp_path / name
        frame.to_parquet(path) if path.suffix == ".parquet" else frame.to_csv(path, index=False)
        run_kedro(project, "run", "--pipelines", "monitoring", "--params", f"batch_path={path}")
    report = json.loads((project / "data/08_reporting/drift_report.json").read_text())
    history = pd.read_csv(project / "data/08_reporting/segment_history.csv")
    assert report["batch"]["batch"] == "april.parquet" and report["alert"] in ("watch", "retrain")
    assert history["batch"].unique().tolist() == ["march.csv", "april.parquet"]
    assert (project / "data/08_reporting/drift_report.png").stat().st_size > 10_000
    with mlflow_store(project) as client:
        experiment = client.get_experiment_by_name("customer_segmentation").experiment_id
        runs = client.search_runs([experiment], "metrics.`monitoring.psi` >= 0")
        artifacts = [a.path for a in client.list_artifacts(runs[0].info.run_id, "monitoring")]
    assert len(runs) == 2 and {"monitoring/drift_report.json", "monitoring/drift_report.png"} <= set(artifacts)


def test_a_batch_missing_a_feature_column_stops_with_a_message_and_leaves_the_history(project, tmp_path):
    history = project / "data/08_reporting/segment_history.csv"
    before = history.read_bytes() if history.exists() else None
    path = tmp_path / "no_age.csv"
    batch(50).drop(columns="age").to_csv(path, index=False)
    result = run_kedro(project, "run", "--pipelines", "monitoring", "--params", f"batch_path={path}", check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1 and "column(s) 'age' missing: the model was trained on them" in output
    assert "Traceback" not in output
    assert (history.read_bytes() if history.exists() else None) == before


def test_monitoring_before_any_training_says_to_train_first(project_copy, tmp_path):
    path = tmp_path / "batch.csv"
    batch(50).to_csv(path, index=False)
    result = run_kedro(project_copy, "run", "--pipelines", "monitoring", "--params", f"batch_path={path}", check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1 and "no complete training run to compare with" in output and "make run" in output
