"""Next month's order log in monitoring and the refresh: the batch's line accounting, added to their reports.

The lines are checked and aggregated by this pipeline's own nodes (``pipeline.create_batch_pipeline`` composes
them under a namespace); these two nodes only tell what the batch held and put it beside the customers' rows.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)

ORDER_LINES_KEY = "order_lines"


def account_batch_lines(order_lines: pd.DataFrame, order_log_report: dict[str, Any]) -> dict[str, Any]:
    """The batch's order log report with the dates its kept lines cover.

    The features at the new snapshot are computed from the batch's own lines: recency counts to the day after its
    last order, frequency and revenue over every line it holds. So the batch should hold each customer's history
    over the same window as the training log (e.g. the last 12 months up to the new month's end), not only the new
    month's lines: a month alone makes every customer look new or lapsed, and the drift check then says so.

    Args:
        order_lines: The batch's kept lines (``validate_order_lines``).
        order_log_report: The batch's order log report (``aggregate_customers``).

    Returns:
        ``order_log_report`` plus ``first_order_date``, ``last_order_date`` and ``days_covered``.
    """
    first, last = order_lines["date"].min(), order_lines["date"].max()
    days = int((last.normalize() - first.normalize()).days) + 1
    accounting = {**order_log_report, "first_order_date": first.date().isoformat(),
                  "last_order_date": last.date().isoformat(), "days_covered": days}
    logger.info("next month's order log: %d lines read = %d kept + %d rejected + %d duplicates; %d customers at the "
                "snapshot %s, computed from this file's lines alone (%s to %s, %d days): it should hold each "
                "customer's history over the training log's window, not only the new month", accounting["lines_read"],
                accounting["lines_kept"], accounting["lines_rejected"], accounting["duplicates_removed"],
                accounting["customers_out"], accounting["snapshot_date"], accounting["first_order_date"],
                accounting["last_order_date"], days)
    return accounting


def add_order_lines(report: dict[str, Any], batch_line_accounting: dict[str, Any]) -> dict[str, Any]:
    """``report`` (the drift or refresh report of the batch's customers) with the batch's line accounting under
    ``order_lines``: lines read, kept, rejected by reason, duplicates, customers found and out."""
    return {**report, ORDER_LINES_KEY: batch_line_accounting}
