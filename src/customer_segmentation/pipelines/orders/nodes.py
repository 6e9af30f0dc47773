"""Order lines checked with the project's rules, then aggregated to the customer table the other pipelines read.

The rules live elsewhere, once: the lines' in ``validation/order_lines.py``, the aggregates in
``features/aggregates.py``. Here they are applied and every line and customer accounted for.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from customer_segmentation.features import FeatureTable
from customer_segmentation.features.aggregates import aggregate_lines, snapshot_of
from customer_segmentation.pipelines.data_processing.accounting import NoValidRowsError, no_valid_rows_message
from customer_segmentation.validation.order_lines import check_order_lines, outsized_ids, read_order_log_spec
from customer_segmentation.validation.problems import counts_by_reason

logger = logging.getLogger(__name__)

_NET_REVENUE = "__net_revenue"  # not a feature: a name the feature table cannot hold


def validate_order_lines(transactions: pd.DataFrame, order_log: dict[str, Any]
                         ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Keeps every usable order line; rejects the others with their reasons; removes exact duplicate lines.

    Args:
        transactions: The order log as read, one line per product bought.
        order_log: ``params:transactions``: which header holds what.

    Returns:
        The kept lines (customer_id, order_id, date, quantity, amount, product, is_return, source_row), the
        rejected lines (cells as read plus ``rejection_reason``) and the line accounting.

    Raises:
        NoValidRowsError: no line can be used.
    """
    spec = read_order_log_spec(order_log)
    lines, rejected, problems, counts = check_order_lines(transactions, spec)
    summary = {**counts, "lines_rejected": len(rejected), "lines_kept": len(lines),
               "rejections_by_reason": counts_by_reason(problems),
               "return_lines": int(lines["is_return"].sum()),
               "returned_value": round(float(-lines.loc[lines["is_return"], "amount"].sum()), 2),
               "likely_placeholder_ids": outsized_ids(lines, counts["lines_read"], spec.placeholder_share)}
    logger.info("order log: %d lines read, %d kept, %d rejected, %d duplicates removed", summary["lines_read"],
                summary["lines_kept"], summary["lines_rejected"], summary["duplicates_removed"])
    for customer, share in summary["likely_placeholder_ids"].items():
        logger.warning("customer id %r holds %.0f %% of the order lines: likely a placeholder for guests; if so, add "
                       "it to transactions.placeholder_ids", customer, 100 * share)
    if lines.empty:
        raise NoValidRowsError(no_valid_rows_message(summary["lines_read"], summary["rejections_by_reason"]),
                               rejected=rejected)
    return lines, rejected, summary


def aggregate_customers(order_lines: pd.DataFrame, features: dict[str, Any], order_log: dict[str, Any],
                        line_summary: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per customer: the id and every ``aggregate:`` feature, computed from the kept lines.

    A customer whose net revenue is not positive (everything returned) is reported, and left out unless
    ``transactions.non_positive_revenue`` is ``keep``.

    Args:
        order_lines: Kept lines, from ``validate_order_lines``.
        features: The feature table.
        order_log: ``params:transactions``.
        line_summary: The line accounting, from ``validate_order_lines``.

    Returns:
        The customer table (the id under the log's own header) and the order log report: lines and customers,
        ``lines_read == lines_kept + lines_rejected + duplicates_removed``.
    """
    spec = read_order_log_spec(order_log)
    table = FeatureTable.from_config(features)
    snapshot = snapshot_of(order_lines, spec.snapshot_date)
    # The net revenue that decides who is left out, in the same pass as the features.
    customers = aggregate_lines(order_lines, {**table.aggregates, _NET_REVENUE: ("revenue", None)}, snapshot,
                                id_column=spec.customer_id)
    positive = customers.pop(_NET_REVENUE) > 0
    not_positive = customers.loc[~positive, spec.customer_id].astype(str)
    found = len(customers)
    if spec.non_positive_revenue == "drop":
        customers = customers.loc[positive].reset_index(drop=True)
    report = order_log_report(line_summary, snapshot, found, list(not_positive), spec.non_positive_revenue,
                              len(customers))
    return customers, report


def order_log_report(line_summary: dict[str, Any], snapshot: pd.Timestamp, customers_found: int,
                     not_positive: list[str], policy: str, customers_out: int) -> dict[str, Any]:
    """The order log's report, checked to account for every line and every customer."""
    report = {**line_summary, "snapshot_date": snapshot.date().isoformat(), "customers_found": customers_found,
              "customers_non_positive_revenue": len(not_positive),
              "non_positive_revenue_examples": not_positive[:10], "non_positive_revenue": policy,
              "customers_out": customers_out}
    accounted = report["lines_kept"] + report["lines_rejected"] + report["duplicates_removed"]
    if accounted != report["lines_read"]:
        raise RuntimeError(f"order lines were lost: read {report['lines_read']}, accounted for {accounted}")
    dropped = len(not_positive) if policy == "drop" else 0
    if customers_found - dropped != customers_out:
        raise RuntimeError(f"customers were lost: found {customers_found}, {dropped} left out, {customers_out} out")
    if not_positive:
        logger.warning("%d customer(s) have no positive net revenue (everything returned), e.g. %s: %s",
                       len(not_positive), not_positive[:5], "left out" if dropped else "kept")
    logger.info("order log: %d customers found, %d out (snapshot %s)", customers_found, customers_out,
                report["snapshot_date"])
    return report


TRACKED_COUNTS = ("lines_read", "lines_kept", "lines_rejected", "duplicates_removed", "return_lines",
                  "customers_found", "customers_out")


def track_order_log(order_log_report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The line and customer counts as MLflow metrics (``order_log.lines_read``, ...): ``{name: {value, step}}``."""
    return {name: {"value": float(order_log_report[name]), "step": 0} for name in TRACKED_COUNTS}
