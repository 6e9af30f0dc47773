"""Fixtures of the app's page tests: an AppTest runner on a project copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from customer_segmentation.app_support.project import PROJECT_ENV
from tests.conftest import PROJECT_ROOT

APP = PROJECT_ROOT / "streamlit_app" / "app.py"
PAGES = {
    "segments": "app_pages/segments.py",
    "predict": "app_pages/predict.py",
    "score": "app_pages/score_file.py",
    "monitoring": "app_pages/monitoring.py",
    "runs": "app_pages/model_runs.py",
}


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
