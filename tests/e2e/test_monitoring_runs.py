"""`kedro run --pipelines monitoring` from the command line: a batch it cannot use, or no model yet, stops with
one message and changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run_kedro
from tests.pipelines.monitoring.conftest import batch


@pytest.fixture(scope="module")
def project(trained_project, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("monitoring") / "project"
    shutil.copytree(trained_project, copy)
    return copy


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


def test_monitoring_on_an_endless_device_stops_with_one_line_and_no_traceback(project):
    """Issue 23, case 7: /dev/zero is refused before a byte is read (it gave a MemoryError)."""
    result = run_kedro(project, "run", "--pipelines", "monitoring", "--params", "batch_path=/dev/zero", check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1 and "Traceback" not in output
    assert "Error: the batch /dev/zero is not a regular file (a device, a pipe or a socket, which may never end)" \
        in output


def test_monitoring_with_a_tampered_served_model_says_retrain(project, tmp_path):
    """Issue 23, case 7: the served model's file replaced by one holding an untrusted type."""
    import json

    from tests.projects import model_path, write_tampered_model

    manifest = json.loads((project / "data/07_model_output/last_complete_run/manifest.json").read_text())
    served = model_path(project, manifest["model_version"])
    kept = served.read_bytes()
    write_tampered_model(served)
    path = tmp_path / "batch.csv"
    batch(200).to_csv(path, index=False)
    try:
        result = run_kedro(project, "run", "--pipelines", "monitoring", "--params", f"batch_path={path}", check=False)
    finally:
        served.write_bytes(kept)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1 and "Traceback" not in output
    assert "was not loaded" in output and "not trusted" in output
    assert "retrain with `make run` (kedro run), which saves and serves a new model" in output
