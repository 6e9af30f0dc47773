"""Shared fixtures: the reference data, throw-away copies of the project, and the one trained project.

``trained_project`` is built once for the whole session, across pytest-xdist workers (``tests/projects.py``);
every test that needs a trained project reads it, and copies it before changing anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.projects import (  # noqa: F401 - the helpers tests import from here
    PROJECT_ROOT,
    VENV_BIN,
    copy_project,
    kedro_env,
    log_size,
    project_log,
    run_kedro,
    wait_for_log,
)
from tests.projects import trained as _trained
from tests.projects import untrained as _untrained

# The published reference data set, carried by the repository (see tests/data/reference/README.md).
REFERENCE_CSV = PROJECT_ROOT / "tests" / "data" / "reference" / "seed_segmentation_data.csv"

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_CONFIGURE_LOGGING", "false")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests under tests/e2e/ are the e2e layer (`make test` leaves them to `make test-all`)."""
    for item in items:
        if "/tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def projects_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's shared projects live: one folder for every pytest-xdist worker."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def trained_project(projects_dir: Path) -> Path:
    """A copy of the project after two runs (3 segments forced, then the default): read it, never change it."""
    return _trained(projects_dir)


@pytest.fixture(scope="session")
def untrained_project(projects_dir: Path) -> Path:
    """A fresh clone: no model, no outputs."""
    return _untrained(projects_dir)


@pytest.fixture(scope="session")
def bundle():
    """A model bundle built in memory (a real fitted model, segments and profiles): the app's logic without a run."""
    from tests.bundles import memory_bundle

    return memory_bundle()


@pytest.fixture(scope="session")
def retail_bundle():
    """A bundle of an RFM model trained in memory on a generated order log with conf/retail's parameters."""
    from tests.bundles import retail_bundle

    return retail_bundle()


@pytest.fixture(scope="session")
def reference_csv() -> Path:
    if not REFERENCE_CSV.is_file():
        pytest.fail(f"reference data not found at {REFERENCE_CSV}: it is part of the repository; restore it with git")
    return REFERENCE_CSV


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


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Runs the app on ``project`` (through $CUSTOMER_SEGMENTATION_PROJECT) and opens ``page``."""
    from streamlit.testing.v1 import AppTest

    from customer_segmentation.app_support.project import PROJECT_ENV
    from tests.app.pages import APP, PAGES

    def run(project: Path, page: str = "segments") -> AppTest:
        monkeypatch.setenv(PROJECT_ENV, str(project))
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        if page != "segments":
            at.switch_page(PAGES[page]).run()
        return at

    return run
