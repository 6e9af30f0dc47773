"""What happened to every row, decided once for both engines (``nodes.py`` and ``spark_nodes.py``).

The checks of the ``missing_values`` strategy and of imputation, and the data quality report:
**rows read = rows out + rows rejected + duplicates removed**, checked on every run.
"""

from __future__ import annotations

import logging
from typing import Any

from customer_segmentation.errors import ConfigurationError, CustomerDataError

logger = logging.getLogger(__name__)
#: A feature whose values spread over less than this share of their magnitude is reported as constant
#: (1000 and 1000.0000000000002 are the same value to every fit and plot).
NEARLY_CONSTANT = 1e-12

MISSING_STRATEGIES = ("median", "drop")


class NoValidRowsError(CustomerDataError):
    """No row of the input passed validation; ``rejected`` holds the rows with their reasons (kept by the
    failed-run hook beside the previous run's outputs, which stay as they were)."""

    def __init__(self, message: str, rejected: Any = None) -> None:
        super().__init__(message)
        self.rejected = rejected


def no_valid_rows_message(rows: int, reasons: dict[str, int]) -> str:
    """The message of a run without a single valid row: how many, why, where the rows are, what to do."""
    return (f"no valid rows: all {rows:,} rows were rejected ({reasons or 'the file has no data rows'}). This run's "
            "rejected rows and their reasons are kept in the failed_run folder beside rejected_customers "
            "(data/02_intermediate/failed_run/ by default); the previous run's outputs are untouched. Fix the file "
            "or the feature table and run again")


def check_missing_values(missing_values: str) -> None:
    """Raises a :class:`ConfigurationError` for a ``missing_values`` that is not a strategy."""
    if missing_values not in MISSING_STRATEGIES:
        raise ConfigurationError(
            f"parameter 'missing_values' is '{missing_values}'; use one of {list(MISSING_STRATEGIES)} "
            "(conf/base/parameters_data_processing.yml)"
        )


def features_to_impute(counts: dict[str, int], n_rows: int, missing_values: str) -> list[str]:
    """The features with missing cells among ``n_rows`` valid rows, checked to be imputable.

    Args:
        counts: Missing cells per feature.
        n_rows: Valid rows.
        missing_values: ``median`` or ``drop``.

    Raises:
        CustomerDataError: cells remain with ``drop``, or a feature has no value at all.
    """
    if not any(counts.values()):
        return []
    if missing_values != "median":
        raise CustomerDataError(f"missing cells remain with missing_values='{missing_values}'")
    all_missing = [f for f, n in counts.items() if n == n_rows]
    if all_missing and n_rows:
        raise CustomerDataError(
            f"feature(s) {all_missing} have no values at all; fill them in or remove them from 'features' "
            "(conf/base/parameters.yml)"
        )
    return [f for f, n in counts.items() if n]


def quality_report(deduplication: dict[str, Any], rows_rejected: int, rows_out: int,
                   rejections_by_reason: dict[str, int], cells_imputed: dict[str, int],
                   constant_features: list[str], categories_grouped: dict[str, Any] | None = None) -> dict[str, Any]:
    """The data quality report, checked to account for every row.

    ``categories_grouped`` (rows and categories grouped as Other per category feature) is reported when the
    feature table has category features.

    Raises:
        NoValidRowsError: no row passed validation.
    """
    report = {
        "rows_read": int(deduplication["rows_read"]),
        "duplicates_removed": int(deduplication["duplicates_removed"]),
        "rows_rejected": int(rows_rejected),
        "rows_out": int(rows_out),
        "rejections_by_reason": rejections_by_reason,
        "cells_imputed": cells_imputed,
        **({"categories_grouped": categories_grouped} if categories_grouped else {}),
        "constant_features": constant_features,
        "conflicting_ids": deduplication.get("conflicting_ids"),
        "input_sha256": deduplication["input_sha256"],
    }
    accounted = report["rows_out"] + report["rows_rejected"] + report["duplicates_removed"]
    if accounted != report["rows_read"]:
        raise RuntimeError(f"rows were lost: read {report['rows_read']}, accounted for {accounted}: {report}")
    if report["rows_out"] == 0:
        raise NoValidRowsError(no_valid_rows_message(report["rows_read"], report["rejections_by_reason"]))
    if report["constant_features"] and report["rows_out"] > 1:
        logger.warning(
            "feature(s) %s have the same value for every customer and cannot separate segments; "
            "consider removing them from 'features'", report["constant_features"]
        )
    logger.info("data quality: %s", {k: v for k, v in report.items() if k != "input_sha256"})
    return report
