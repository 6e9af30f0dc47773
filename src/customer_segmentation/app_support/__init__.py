"""What the Streamlit app and the notebook need, without Streamlit.

The app's pages stay short scripts; everything they compute lives here so that pytest can
test it directly: opening the Kedro project (:mod:`.project`), loading one coherent set of
pipeline outputs (:mod:`.bundle`), validating and scoring customers (:mod:`.scoring`), explanations,
comparisons and audiences (:mod:`.insights`), monitoring outputs (:mod:`.monitoring`), charts
(:mod:`.charts`) and MLflow runs (:mod:`.runs`, which imports MLflow only when called).

Names are imported on first use, so a page pays only for the modules it needs (the app's first
page is drawn before scoring, validation or MLflow are imported).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "IncompleteOutputsError": "bundle", "ModelBundle": "bundle", "ModelNotAvailableError": "bundle",
    "NoTrainedModelError": "bundle", "UnreadableModelError": "bundle", "load_bundle": "bundle",
    "load_last_complete": "bundle", "version_time": "bundle",
    "ProjectHandle": "project", "find_project_root": "project", "latest_model_version": "project",
    "open_project": "project",
    "FileScore": "scoring", "Prediction": "scoring", "field_messages": "scoring", "predict_customer": "scoring",
    "problems_table": "scoring", "score_file": "scoring",
}
_MODULES = ("bundle", "charts", "insights", "monitoring", "project", "runs", "scoring")

__all__ = [*sorted(_EXPORTS), "spreadsheet_safe_csv"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    if name == "spreadsheet_safe_csv":
        from customer_segmentation.spreadsheets import spreadsheet_safe_csv

        return spreadsheet_safe_csv
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
