"""The orders pipeline on Spark: the same lines kept and rejected, the same customers and report as ``nodes.py``.

The per-line rules run per partition and the aggregates are group-bys (``customer_segmentation.spark.orders``);
only counts and the report reach the driver.
"""

from __future__ import annotations

import logging
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from customer_segmentation.features import FeatureTable
from customer_segmentation.pipelines.data_processing.accounting import NoValidRowsError, no_valid_rows_message
from customer_segmentation.pipelines.orders.nodes import order_log_report
from customer_segmentation.spark.orders import (
    KEYS,
    aggregate,
    check_lines,
    kept_lines,
    rejected_lines,
    snapshot_date,
    unique_lines,
)
from customer_segmentation.validation.order_lines import outsized_threshold, read_order_log_spec

logger = logging.getLogger(__name__)


def validate_order_lines(transactions: DataFrame, order_log: dict[str, Any]
                         ) -> tuple[DataFrame, DataFrame, dict[str, Any]]:
    """As ``nodes.validate_order_lines``, on Spark: kept lines, rejected lines and the line accounting."""
    spec = read_order_log_spec(order_log)
    unique, read, duplicates = unique_lines(transactions)
    checked = check_lines(unique, spec).persist()
    kept, rejected = kept_lines(checked).persist(), rejected_lines(checked)
    reasons = checked.select(F.explode(KEYS).alias("key")).groupBy("key").count().collect()
    counts = kept.groupBy("is_return").count().collect()
    lines_kept = sum(row["count"] for row in counts)
    per_customer = kept.groupBy("customer_id").count()
    threshold = outsized_threshold(read, lines_kept, per_customer.count(), spec.placeholder_share)
    share = sorted(per_customer.filter(F.col("count") > threshold).collect(), key=lambda r: -r["count"])
    summary = {"lines_read": read, "duplicates_removed": duplicates, "lines_rejected": read - duplicates - lines_kept,
               "lines_kept": lines_kept,
               "rejections_by_reason": {r["key"]: int(r["count"]) for r in sorted(reasons, key=lambda r: -r["count"])},
               "return_lines": sum(row["count"] for row in counts if row["is_return"]),
               "returned_value": round(float(kept.filter("is_return").agg(F.sum("amount")).first()[0] or 0) * -1, 2),
               "likely_placeholder_ids": {str(r["customer_id"]): round(r["count"] / read, 4) for r in share}}
    logger.info("order log (Spark): %d lines read, %d kept, %d rejected, %d duplicates removed", read, lines_kept,
                summary["lines_rejected"], duplicates)
    if not lines_kept:
        raise NoValidRowsError(no_valid_rows_message(read, summary["rejections_by_reason"]))
    return kept, rejected, summary


def aggregate_customers(order_lines: DataFrame, features: dict[str, Any], order_log: dict[str, Any],
                        line_summary: dict[str, Any]) -> tuple[DataFrame, dict[str, Any]]:
    """As ``nodes.aggregate_customers``, on Spark: one row per customer and the order log report."""
    spec = read_order_log_spec(order_log)
    snapshot = snapshot_date(order_lines, spec)
    customers = aggregate(order_lines, FeatureTable.from_config(features).aggregates, snapshot, spec.customer_id)
    revenue = order_lines.groupBy(F.col("customer_id").alias(spec.customer_id)).agg(F.sum("amount").alias("_net"))
    found = revenue.count()
    not_positive = [row[0] for row in revenue.filter("_net <= 0").select(spec.customer_id).collect()]
    if spec.non_positive_revenue == "drop" and not_positive:
        customers = customers.join(revenue.filter("_net > 0").select(spec.customer_id), spec.customer_id, "inner")
    customers = customers.orderBy(spec.customer_id)
    report = order_log_report(line_summary, snapshot, found, sorted(map(str, not_positive)), spec.non_positive_revenue,
                              customers.count())
    return customers, report
