"""Project-specific Kedro datasets.

Each class is imported from its module when first asked for (PEP 562): the catalog names them
as ``customer_segmentation.datasets.<Class>``, and importing this package must not import
pandas, scikit-learn and MLflow for a dataset a run does not use.
"""

from __future__ import annotations

from customer_segmentation.lazy import lazy_exports

_MODULES = {
    "AtomicDataset": "atomic",
    "BackgroundWriteDataset": "background",
    "CustomerCSVDataset": "customer_csv",
    "CustomerExcelDataset": "customer_excel",
    "CustomerFileDataset": "monitoring",
    "FrameFolderDataset": "frame_folder",
    "MlflowSegmentationModelDataset": "mlflow_model",
    "ReportFigureDataset": "figure",
    "SegmentHistoryDataset": "monitoring",
    "SegmentationModelDataset": "model_file",
    "ServedModelDataset": "monitoring",
    "SpreadsheetCSVDataset": "spreadsheet_csv",
}

__all__ = sorted(_MODULES)
__getattr__, __dir__ = lazy_exports(__name__, _MODULES)
