"""Order log in, customers out: order lines checked and aggregated to one row per customer (RFM and more)."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
