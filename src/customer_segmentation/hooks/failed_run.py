"""A run that stops for want of a single valid row keeps its rejected rows aside (a hook: only ``on_node_error``
sees the rows a failing node carried).

``validate_records`` raises :class:`NoValidRowsError` before any output is written, so every output of the
previous run stays as it was and agrees with its data quality report; the failing run's rejected rows, each with
its reason, go to the catalog's ``failed_run_rejected_customers`` (``data/02_intermediate/failed_run/``). When they
cannot be written (a read-only ``data/``), a warning says so and the node's own error is still the one reported.
"""

from __future__ import annotations

import logging
from typing import Any

from kedro.framework.hooks import hook_impl

from customer_segmentation.catalog_paths import dataset_path

logger = logging.getLogger(__name__)

FAILED_RUN_DATASET = "failed_run_rejected_customers"


class FailedRunHooks:
    """Saves a failing node's rejected rows (an error's ``rejected``) to ``failed_run_rejected_customers``."""

    @hook_impl
    def on_node_error(self, error: Exception, node: Any, catalog: Any, inputs: dict[str, Any], is_async: bool,
                      run_id: str) -> None:
        rejected = getattr(error, "rejected", None)
        if rejected is None or FAILED_RUN_DATASET not in catalog:
            return
        try:
            catalog.save(FAILED_RUN_DATASET, rejected)
        except Exception as failure:  # noqa: BLE001 - the node's own error is the one to report (a read-only data/)
            logger.warning("this run's %d rejected rows could not be kept aside: %s", len(rejected), failure)
            return
        logger.error("this run's %d rejected rows, each with its reason, are in %s", len(rejected),
                     dataset_path(catalog, FAILED_RUN_DATASET))
