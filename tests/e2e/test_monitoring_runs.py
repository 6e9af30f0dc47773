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
