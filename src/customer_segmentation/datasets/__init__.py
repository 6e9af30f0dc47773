"""Project-specific Kedro datasets."""

from customer_segmentation.datasets.background import BackgroundWriteDataset
from customer_segmentation.datasets.customer_csv import CustomerCSVDataset
from customer_segmentation.datasets.mlflow_model import MlflowSegmentationModelDataset
from customer_segmentation.datasets.model_file import SegmentationModelDataset

__all__ = ["BackgroundWriteDataset", "CustomerCSVDataset", "MlflowSegmentationModelDataset", "SegmentationModelDataset"]
