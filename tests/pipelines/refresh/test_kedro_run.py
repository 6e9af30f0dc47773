"""`kedro run --pipelines refresh --params batch_path=...` in a Kedro session on the session's trained project: two
generated months refreshed, then the second again (``projects.variant(..., "refreshed")``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from customer_segmentation.summary import catalog_paths, summarise_refresh
from tests import projects
from tests.projects import mlflow_store

# The files a user syncs or reads, by catalog entry (a folder for the audience changes).
FILES = ("refreshed_customers", "departed_customers", "segment_movement", "audience_changes", "segment_history",
         "refresh_rejected_customers")


@pytest.fixture(scope="module")
def project(projects_dir) -> Path:
    return projects.variant(projects_dir, "refreshed")


def _digests(target: Path) -> dict[str, str]:
    files = sorted(target.rglob("*")) if target.is_dir() else [target]
    return {p.relative_to(target).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


def test_the_outputs_are_where_the_catalog_puts_them(project):
    paths = catalog_paths(project)
    assert paths["refreshed_customers"] == "data/07_model_output/refresh/refreshed_customers.parquet"
    customers = pd.read_parquet(project / paths["refreshed_customers"])
    assert len(customers) == 3000 and set(customers["status"]) == {"stayed", "moved", "new"}
    folders = {p.name: sorted(f.name for f in p.iterdir()) for p in (project / paths["audience_changes"]).iterdir()}
    assert sorted(folders) == ["added", "full", "removed"] and len(set(map(tuple, folders.values()))) == 1
    assert folders["added"][0].startswith("segment_0_") and folders["added"][0].endswith(".csv")
    first = (project / paths["audience_changes"] / "added" / folders["added"][0]).read_bytes()
    assert first.startswith(b"\xef\xbb\xbf") and b"\r\n" in first  # a byte-order mark and CRLF: Excel reads it


def test_a_second_refresh_of_the_same_file_changes_no_file_and_no_history(project):
    paths, once = catalog_paths(project), project.parent / "refreshed_once"
    for name in FILES:
        relative = paths[name].removeprefix("data/")
        assert _digests(project / "data" / relative) == _digests(once / relative), name
    history = pd.read_csv(project / paths["segment_history"])
    assert history["batch"].drop_duplicates().tolist() == ["month_1.csv", "month_2.csv"]
    report = json.loads((project / paths["refresh_report"]).read_text())
    assert report["repeat"] and report["compared_with"] == "the refresh of month_1.csv"


def test_each_refresh_is_an_mlflow_run_with_its_report_movement_and_numbers(project):
    with mlflow_store(project) as client:
        experiment = client.get_experiment_by_name("customer_segmentation").experiment_id
        runs = client.search_runs([experiment], "tags.`customer_segmentation.kind` = 'refresh'")
        artifacts = {a.path for a in client.list_artifacts(runs[0].info.run_id, "refresh")}
    assert len(runs) == 3
    assert [run.data.tags["mlflow.runName"].split(" · ")[1] for run in runs] == [
        "refresh month_2.csv", "refresh month_2.csv", "refresh month_1.csv"]
    assert {"refresh/refresh_report.json", "refresh/segment_movement.csv"} <= artifacts
    assert runs[0].data.metrics["refresh.moved"] == runs[1].data.metrics["refresh.moved"] > 200


def test_the_summary_gives_the_movement_per_segment_the_control_group_and_the_files(project):
    text = summarise_refresh(project, catalog_paths(project), "http://127.0.0.1:8501")
    assert text.startswith("Refresh of month_2.csv, compared with the refresh of month_1.csv:")
    assert "the same batch as the last refresh" in text
    assert "3,000 read, 3,000 scored, 0 rejected, 0 duplicates removed" in text
    assert "3,000 scored: 2,600 stayed, 250 moved, 150 new; 150 departed (of 3,000 before)" in text
    assert "in the control group (refresh.holdout_share 0.1)" in text
    assert "data/07_model_output/audience_changes/ (added/, removed/, full/" in text
    assert "Monitoring page: make app, then http://127.0.0.1:8501" in text
