"""Reports an analyst looks at, and a data-driven choice of the number of segments k."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
