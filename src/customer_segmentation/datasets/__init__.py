"""Project-specific Kedro datasets."""

from customer_segmentation.datasets.background import BackgroundWriteDataset
from customer_segmentation.datasets.customer_csv import CustomerCSVDataset

__all__ = ["BackgroundWriteDataset", "CustomerCSVDataset"]
