"""`kedro run --pipelines refresh` from the command line, as cron would run it: a generated next month refreshed
and summarised, the same file again changing nothing, and batches or settings it cannot use stopping with one
message before anything is written."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from customer_segmentation.demo_data import generate_snapshots
from tests.conftest import VENV_BIN, kedro_env, run_kedro

OUTPUTS = ("data/07_model_output/refresh", "data/07_model_output/audience_changes",
           "data/08_reporting/segment_movement.csv", "data/08_reporting/segment_history.csv")


@pytest.fixture(scope="module")
def project(trained_project, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("refresh") / "project"
    shutil.copytree(trained_project, copy)
    months = generate_snapshots(3000, seed=42)
    for number, frame in ((1, months.month_1), (2, months.month_2)):
        frame.drop(columns="persona").to_csv(copy / f"data/01_raw/month_{number}.csv", index=False)
    return copy


def _state(project: Path) -> dict[str, str]:
    files = [p for output in OUTPUTS for p in sorted((project / output).rglob("*") if (project / output).is_dir()
                                                       else [project / output]) if p.is_file()]
    return {p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _summary(project: Path) -> str:
    result = subprocess.run([str(VENV_BIN / "python"), "-m", "customer_segmentation.summary", "--refresh"],
                            cwd=project, env=kedro_env(project), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_next_month_is_refreshed_summarised_and_a_second_run_of_the_file_changes_nothing(project):
    for month in (1, 2):
        run_kedro(project, "run", "--pipelines", "refresh", "--params", f"batch_path=data/01_raw/month_{month}.csv")
    first, text = _state(project), _summary(project)
    assert "Refresh of month_2.csv, compared with the refresh of month_1.csv:" in text
    assert "3,000 scored: 2,600 stayed, 250 moved, 150 new; 150 departed (of 3,000 before)" in text
    run_kedro(project, "run", "--pipelines", "refresh", "--params", "batch_path=data/01_raw/month_2.csv")
    assert _state(project) == first
    assert "the same batch as the last refresh" in _summary(project)


def test_a_batch_without_ids_stops_with_a_message_and_writes_nothing(project, tmp_path):
    before = _state(project)
    path = tmp_path / "no_ids.csv"
    generate_snapshots(200, seed=3).month_2.drop(columns=["persona", "customer_id"]).to_csv(path, index=False)
    result = run_kedro(project, "run", "--pipelines", "refresh", "--params", f"batch_path={path}", check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1 and "the batch has no customer ids, and a refresh matches customers by their id" \
        in output and "id_column" in output
    assert "Traceback" not in output and _state(project) == before


def test_a_control_group_share_out_of_bounds_stops_before_any_node(project):
    result = run_kedro(project, "run", "--pipelines", "refresh", "--params",
                       "batch_path=data/01_raw/month_2.csv,refresh.holdout_share=0.8", check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1 and "refresh.holdout_share" in output and "less than or equal to 0.5" in output
    assert "Running node" not in output
