"""Shared fixtures: the project root, the reference data, and throw-away copies of the project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The published reference data set, carried by the repository (see tests/data/reference/README.md).
REFERENCE_CSV = PROJECT_ROOT / "tests" / "data" / "reference" / "seed_segmentation_data.csv"
VENV_BIN = Path(sys.executable).parent
LOG_FILE = Path("logs") / "kedro_run.log"

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

# What a fresh clone has; outputs, stores and caches are left behind.
_COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "mlflow.db*", "mlruns", "build", "__pycache__", "*.egg-info",
    ".pytest_cache", ".hypothesis", "benchmarks", "docs", "tests", "notebooks", "_artifacts", "*.log",
)


@pytest.fixture(scope="session")
def reference_csv() -> Path:
    if not REFERENCE_CSV.is_file():
        pytest.fail(f"reference data not found at {REFERENCE_CSV}: it is part of the repository; restore it with git")
    return REFERENCE_CSV


def copy_project(destination: Path) -> Path:
    """Copies the project (code, conf, raw data) without outputs, as a fresh clone would have it."""
    target = destination / "project"
    shutil.copytree(PROJECT_ROOT, target, ignore=_COPY_IGNORE)
    for layer in (target / "data").iterdir():
        for item in layer.iterdir():
            if item.name != ".gitkeep" and not (layer.name == "01_raw" and item.name == "segmentation_data.csv"):
                shutil.rmtree(item) if item.is_dir() else item.unlink()
    # The package is installed in editable mode from PROJECT_ROOT; make the copy import its own code.
    (target / "conf" / "local").mkdir(parents=True, exist_ok=True)
    return target


def kedro_env(project: Path) -> dict[str, str]:
    """The environment for a process working on ``project``: its own source first, the venv's tools."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(project / "src"), env.get("PYTHONPATH", "")])
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    env["COLUMNS"] = "400"  # rich wraps log and error lines at the terminal width
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_kedro(project: Path, *args: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
    """Runs `kedro <args>` inside ``project`` with the copy's own source first on the path."""
    result = subprocess.run(
        [str(VENV_BIN / "kedro"), *args], cwd=project, env=kedro_env(project), capture_output=True, text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"kedro {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-6000:]}")
    return result


def log_size(project: Path) -> int:
    """Where the project's full log ends now: pass it to :func:`project_log` to read what comes after."""
    path = project / LOG_FILE
    return path.stat().st_size if path.exists() else 0


def project_log(project: Path, since: int = 0) -> str:
    """The project's full log (conf/logging.yml writes it to logs/kedro_run.log) from byte ``since`` on, its
    whitespace collapsed: Kedro's per-node and per-dataset lines are there, not in the terminal."""
    path = project / LOG_FILE
    if not path.exists():
        return ""
    with open(path, "rb") as handle:
        handle.seek(since)
        return " ".join(handle.read().decode("utf-8", errors="replace").split())


def wait_for_log(project: Path, marker: str, process: subprocess.Popen, since: int, timeout: float = 300) -> None:
    """Waits until the run ``process`` has logged ``marker`` in the project's full log after ``since``."""
    deadline = time.monotonic() + timeout
    while marker not in project_log(project, since):
        assert process.poll() is None, f"the run ended before '{marker}':\n{project_log(project, since)[-3000:]}"
        assert time.monotonic() < deadline, f"'{marker}' never logged"
        time.sleep(0.05)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


@pytest.fixture
def mlflow_run(tmp_path: Path):
    """An active MLflow run in a throw-away SQLite store."""
    import mlflow

    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    # An experiment of its own: an earlier test in this process may have made another one active.
    with mlflow.start_run(experiment_id=mlflow.MlflowClient().create_experiment("tests")) as active:
        yield active
    mlflow.set_tracking_uri(None)
