"""Project-specific Kedro datasets."""

from customer_segmentation.datasets.atomic import AtomicDataset
from customer_segmentation.datasets.background import BackgroundWriteDataset
from customer_segmentation.datasets.customer_csv import CustomerCSVDataset
from customer_segmentation.datasets.customer_excel import CustomerExcelDataset
from customer_segmentation.datasets.frame_folder import FrameFolderDataset
from customer_segmentation.datasets.mlflow_model import MlflowSegmentationModelDataset
from customer_segmentation.datasets.model_file import SegmentationModelDataset
from customer_segmentation.datasets.monitoring import CustomerFileDataset, SegmentHistoryDataset, ServedModelDataset
from customer_segmentation.datasets.spreadsheet_csv import SpreadsheetCSVDataset

__all__ = [
    "AtomicDataset",
    "BackgroundWriteDataset",
    "CustomerCSVDataset",
    "CustomerExcelDataset",
    "CustomerFileDataset",
    "FrameFolderDataset",
    "MlflowSegmentationModelDataset",
    "SegmentHistoryDataset",
    "SegmentationModelDataset",
    "ServedModelDataset",
    "SpreadsheetCSVDataset",
]
