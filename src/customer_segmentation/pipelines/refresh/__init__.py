"""Next month's customers: their segments, who moved, the audience changes to sync, and a control group."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
