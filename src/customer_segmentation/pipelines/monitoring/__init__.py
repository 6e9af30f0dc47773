"""Score a new batch of customers with the served model and compare it with the training customers."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
