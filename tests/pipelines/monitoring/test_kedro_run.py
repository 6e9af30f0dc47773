"""`kedro run --pipelines monitoring --params batch_path=...` on the session's trained project: two batches
scored, an unchanged one (march.csv) and one with older customers (april.csv)."""

from __future__ import annotations

import json

import pandas as pd

from tests import projects
from tests.projects import mlflow_store


def test_batches_are_scored_reported_logged_and_added_to_the_history(projects_dir):
    project = projects.variant(projects_dir, "monitored")
    report = json.loads((project / "data/08_reporting/drift_report.json").read_text())
    history = pd.read_csv(project / "data/08_reporting/segment_history.csv")
    assert report["batch"]["batch"] == "april.csv" and report["alert"] in ("watch", "retrain")
    assert history["batch"].unique().tolist() == ["march.csv", "april.csv"]
    assert (project / "data/08_reporting/drift_report.png").stat().st_size > 10_000
    with mlflow_store(project) as client:
        experiment = client.get_experiment_by_name("customer_segmentation").experiment_id
        runs = client.search_runs([experiment], "metrics.`monitoring.psi` >= 0")
        artifacts = [a.path for a in client.list_artifacts(runs[0].info.run_id, "monitoring")]
    assert len(runs) == 2 and {"monitoring/drift_report.json", "monitoring/drift_report.png"} <= set(artifacts)
    assert sorted(run.data.tags["mlflow.runName"].split(" · ")[1] for run in runs) == [
        "monitoring april.csv", "monitoring march.csv"]
