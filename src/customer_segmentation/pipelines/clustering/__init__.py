"""Fit, name and profile K-Means customer segments; track and register the model in MLflow."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
