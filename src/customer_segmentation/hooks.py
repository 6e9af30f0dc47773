"""Project hooks: tag each MLflow run with a fingerprint of the data it was trained on."""

from __future__ import annotations

import logging
from typing import Any

from kedro.framework.hooks import hook_impl
from kedro.pipeline import Node

logger = logging.getLogger(__name__)


class DataFingerprintHooks:
    """Tags the active MLflow run with the input's row count and content hash."""

    @hook_impl
    def after_node_run(self, node: Node, outputs: dict[str, Any]) -> None:
        summary = outputs.get("deduplication_summary")
        if summary is None:
            return
        import mlflow  # only when a run is under way: keeps `kedro` start-up fast

        if mlflow.active_run() is not None:
            mlflow.set_tags({"input_rows": summary["rows_read"], "input_sha256": summary["input_sha256"]})
