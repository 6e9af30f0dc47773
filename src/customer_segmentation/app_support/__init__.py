"""What the Streamlit app and the notebook need, without Streamlit.

The app's pages stay short scripts; everything they compute lives here so that pytest can
test it directly: opening the Kedro project (:mod:`.project`), loading one coherent set of
pipeline outputs (:mod:`.bundle`), validating and scoring customers (:mod:`.scoring`),
spreadsheet-safe CSV export (``customer_segmentation.spreadsheets``), charts (:mod:`.charts`) and MLflow runs
(:mod:`.runs`, which imports MLflow only when called).
"""

from customer_segmentation.app_support.bundle import (
    IncompleteOutputsError,
    ModelBundle,
    ModelNotAvailableError,
    NoTrainedModelError,
    UnreadableModelError,
    load_bundle,
    load_last_complete,
    version_time,
)
from customer_segmentation.spreadsheets import spreadsheet_safe_csv
from customer_segmentation.app_support.project import ProjectHandle, find_project_root, latest_model_version, open_project
from customer_segmentation.app_support.scoring import (
    FileScore,
    Prediction,
    field_messages,
    predict_customer,
    problems_table,
    score_file,
)

__all__ = [
    "FileScore",
    "IncompleteOutputsError",
    "ModelBundle",
    "ModelNotAvailableError",
    "NoTrainedModelError",
    "Prediction",
    "ProjectHandle",
    "UnreadableModelError",
    "field_messages",
    "find_project_root",
    "latest_model_version",
    "load_bundle",
    "load_last_complete",
    "open_project",
    "predict_customer",
    "problems_table",
    "score_file",
    "spreadsheet_safe_csv",
    "version_time",
]
