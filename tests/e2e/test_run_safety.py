"""Concurrent, killed and failed runs lose nothing and never mix; outputs are safe to open and private."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import VENV_BIN, kedro_env, log_size, run_kedro, wait_for_log
from tests.projects import MODEL_NAME, mlflow_store

OUTPUTS = ("data/05_model_input/model_input_customers.parquet", "data/07_model_output/customer_segments.parquet",
           "data/07_model_output/segment_profiles.csv", "data/08_reporting/clustering_metrics.json",
           "data/08_reporting/k_selection.json", "data/02_intermediate/rejected_customers.csv")


def _start(project: Path, *args: str, log: Path, env: dict | None = None) -> subprocess.Popen:
    with open(log, "w") as handle:
        return subprocess.Popen([str(VENV_BIN / "kedro"), "run", *args], cwd=project, env=env or kedro_env(project),
                                stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _readable(project: Path) -> None:
    for name in OUTPUTS:
        path = project / name
        if path.suffix == ".parquet":
            pd.read_parquet(path)
        elif path.suffix == ".csv":
            pd.read_csv(path)
        else:
            json.loads(path.read_text())


# ---------- whole runs ----------


def test_a_second_run_of_the_same_project_stops_at_once_naming_the_first(project_copy, tmp_path):
    since = log_size(project_copy)
    first = _start(project_copy, "--params", "n_clusters=3", log=tmp_path / "first.log")
    try:
        wait_for_log(project_copy, "Running node", first, since)
        # Held still while the second starts, so it is surely under way (a small run can end within the
        # seconds the second one takes to start); it resumes once the second has answered.
        os.killpg(first.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            second = run_kedro(project_copy, "run", "--params", "n_clusters=5", check=False)
            assert time.monotonic() - started < 60
        finally:
            os.killpg(first.pid, signal.SIGCONT)
        output = " ".join((second.stdout + second.stderr).split())
        assert second.returncode == 1
        assert f"another run of this project is under way (pid {first.pid}, started" in output
        assert "kedro run --params n_clusters=3" in output and "Traceback" not in output
        assert first.wait(timeout=300) == 0
    finally:
        _stop(first)
    assert json.loads((project_copy / "data/08_reporting/k_selection.json").read_text())["k"] == 3
    assert json.loads((project_copy / "data/08_reporting/clustering_metrics.json").read_text())["k"] == 3
    with mlflow_store(project_copy) as client:
        runs = client.search_runs([client.get_experiment_by_name("customer_segmentation").experiment_id])
    assert [(r.data.params["n_clusters"], r.data.metrics["k"]) for r in runs] == [("3", 3.0)]


def test_a_run_killed_while_writing_segments_leaves_the_last_complete_run_served(project_copy, tmp_path):
    from customer_segmentation.app_support.bundle import load_bundle, load_last_complete
    from customer_segmentation.app_support.project import latest_model_version, open_project
    from customer_segmentation.app_support.bundle import ModelNotAvailableError

    run_kedro(project_copy, "run")
    with mlflow_store(project_copy) as client:
        champion = client.get_model_version_by_alias(MODEL_NAME, "champion").version
    complete = json.loads((project_copy / "data/07_model_output/last_complete_run/manifest.json").read_text())

    since = log_size(project_copy)
    killed = _start(project_copy, "--params", "n_clusters=5", log=tmp_path / "killed.log")
    try:
        wait_for_log(project_copy, "Saving data to customer_segments", killed, since)
    finally:
        _stop(killed)

    _readable(project_copy)  # every file is a complete one, old or new
    handle = open_project(project_copy)
    newest = latest_model_version(handle)
    assert newest >= complete["model_version"]
    if newest > complete["model_version"]:  # the helper process had written the new model file: never served
        with pytest.raises(ModelNotAvailableError):
            load_bundle(handle, newest)
    served = load_last_complete(handle)
    assert served is not None and served.version == complete["model_version"] and served.k == 4
    with mlflow_store(project_copy) as client:
        assert client.get_model_version_by_alias(MODEL_NAME, "champion").version == champion, "nothing registered"
        experiment = client.get_experiment_by_name("customer_segmentation").experiment_id
        assert [r.info.status for r in client.search_runs([experiment], "attributes.status = 'RUNNING'")] == ["RUNNING"]

    run_kedro(project_copy, "run", "--pipelines", "data_processing")  # the next run cleans up after the killed one
    with mlflow_store(project_copy) as client:
        statuses = sorted(r.info.status for r in client.search_runs([experiment]))
    assert statuses == ["FAILED", "FINISHED", "FINISHED"]


def test_a_full_disk_during_a_run_fails_it_with_the_file_named_and_registers_nothing(project_copy, tmp_path):
    run_kedro(project_copy, "run")
    before = pd.read_parquet(project_copy / "data/07_model_output/customer_segments.parquet")
    # Every rename onto the segments file fails as on a full disk (sitecustomize runs first in the process).
    (tmp_path / "sitecustomize.py").write_text(
        "import errno, os\n_replace = os.replace\n"
        "def replace(src, dst, *a, **k):\n"
        "    if str(dst).endswith('customer_segments.parquet'):\n"
        "        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
        "    return _replace(src, dst, *a, **k)\n"
        "os.replace = replace\n")
    env = kedro_env(project_copy)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env["PYTHONPATH"]])
    result = subprocess.run([str(VENV_BIN / "kedro"), "run", "--params", "n_clusters=5"], cwd=project_copy, env=env,
                            capture_output=True, text=True, timeout=600)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1
    assert "could not write" in output and "customer_segments.parquet: No space left on device; free some disk space" in output
    pd.testing.assert_frame_equal(pd.read_parquet(project_copy / "data/07_model_output/customer_segments.parquet"),
                                  before)
    with mlflow_store(project_copy) as client:
        versions = client.search_model_versions(f"name='{MODEL_NAME}'")
        experiment = client.get_experiment_by_name("customer_segmentation").experiment_id
        statuses = sorted(r.info.status for r in client.search_runs([experiment]))
    assert len(versions) == 1 and statuses == ["FAILED", "FINISHED"]


def test_outputs_and_the_mlflow_store_are_private_and_csv_outputs_safe_to_open(project_copy):
    raw = project_copy / "data/01_raw/segmentation_data.csv"
    customers = pd.read_csv(raw, dtype=str)
    customers.loc[0, "customer_id"] = '=HYPERLINK("http://x","y")'
    customers.loc[0, "age"] = "7"
    customers.loc[1, "customer_id"] = "x;@SUM(A1)"
    customers.loc[1, "age"] = "abc"
    customers.rename(columns={"customer_id": "=cmd"}).to_csv(raw, index=False)
    run_kedro(project_copy, "run", "--pipelines", "data_processing", "--params", "id_column=none")
    rejected = pd.read_csv(project_copy / "data/02_intermediate/rejected_customers.csv", dtype=str)
    assert "'=cmd" in rejected.columns
    ids = rejected["'=cmd"].tolist()
    assert "'=HYPERLINK(\"http://x\",\"y\")" in ids and "x;'@SUM(A1)" in ids
    assert pd.api.types.is_numeric_dtype(pd.read_csv(project_copy / "data/02_intermediate/validation_problems.csv")
                                         ["row"])
    for path in [project_copy / "mlflow.db", *[project_copy / name for name in OUTPUTS[:1]],
                 project_copy / "data/02_intermediate/rejected_customers.csv"]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_a_run_without_a_valid_row_leaves_the_previous_outputs_as_they_were(trained_project, tmp_path):
    import hashlib
    import shutil

    project = tmp_path / "project"
    shutil.copytree(trained_project, project)
    outputs = [project / "data" / name for name in ("05_model_input/model_input_customers.parquet",
                                                     "02_intermediate/rejected_customers.csv",
                                                     "08_reporting/data_quality_report.json")]
    before = [hashlib.sha256(path.read_bytes()).hexdigest() for path in outputs]
    bad = project / "data/01_raw/segmentation_data.csv"
    bad.write_text("customer_id,annual_income,spending_score,savings,age\nA,1,2,3,7\nB,1,2,3,8\n")
    result = run_kedro(project, "run", "--pipelines", "data_processing", check=False)
    assert result.returncode != 0
    assert "no valid rows: all 2 rows were rejected" in result.stdout + result.stderr
    assert [hashlib.sha256(path.read_bytes()).hexdigest() for path in outputs] == before
    kept = (project / "data/02_intermediate/failed_run/rejected_customers.csv").read_text(encoding="utf-8-sig")
    assert kept.count("outside the allowed range [18, 100]") == 2
