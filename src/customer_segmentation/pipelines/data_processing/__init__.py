"""Validate and clean raw customer records; every row is kept, rejected with a reason, or a duplicate."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
