"""Fixtures of the app tests: project copies in each state, an in-memory bundle, an AppTest runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from customer_segmentation.app_support.bundle import ModelBundle
from customer_segmentation.app_support.project import PROJECT_ENV
from tests.app import projects
from tests.app.bundles import memory_bundle
from tests.conftest import PROJECT_ROOT

APP = PROJECT_ROOT / "streamlit_app" / "app.py"
PAGES = {
    "segments": "app_pages/segments.py",
    "predict": "app_pages/predict.py",
    "score": "app_pages/score_file.py",
    "monitoring": "app_pages/monitoring.py",
    "runs": "app_pages/model_runs.py",
}


@pytest.fixture(scope="session")
def projects_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("app_projects")


@pytest.fixture(scope="session")
def trained_project(projects_dir: Path) -> Path:
    return projects.trained(projects_dir)


@pytest.fixture(scope="session")
def untrained_project(projects_dir: Path) -> Path:
    return projects.untrained(projects_dir)


@pytest.fixture(scope="session")
def bundle() -> ModelBundle:
    return memory_bundle()


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Runs the app on ``project`` (through $CUSTOMER_SEGMENTATION_PROJECT) and opens ``page``."""

    def run(project: Path, page: str = "segments") -> AppTest:
        monkeypatch.setenv(PROJECT_ENV, str(project))
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        if page != "segments":
            at.switch_page(PAGES[page]).run()
        return at

    return run
