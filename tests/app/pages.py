"""The app's entry point and its pages, by name (the AppTest runner, ``open_app``, is in ``tests/conftest.py``)."""

from __future__ import annotations

from tests.projects import PROJECT_ROOT

APP = PROJECT_ROOT / "streamlit_app" / "app.py"
PAGES = {
    "segments": "app_pages/segments.py",
    "predict": "app_pages/predict.py",
    "score": "app_pages/score_file.py",
    "monitoring": "app_pages/monitoring.py",
    "runs": "app_pages/model_runs.py",
}
