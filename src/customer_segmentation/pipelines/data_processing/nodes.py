"""Turn a raw customer file into validated, model-ready rows, accounting for every row."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from customer_segmentation.pipelines.data_processing import hashing
from customer_segmentation.schema import (
    REASON_COLUMN,
    ROW_COLUMN,
    CustomerDataError,
    check_features,
    map_columns,
    validate_customers,
)

logger = logging.getLogger(__name__)

MISSING_STRATEGIES = ("median", "drop")


class NoValidRowsError(CustomerDataError):
    """No row of the input passed validation."""


def _is_constant(values: pd.Series) -> bool:
    # min == max is nunique() <= 1 without a hash table over every row.
    return bool(values.isna().all() or values.min() == values.max())


def _constant_features(frame: pd.DataFrame, features: list[str]) -> list[str]:
    return [f for f in features if len(frame) and _is_constant(frame[f])]


def standardize_columns(
    customers: pd.DataFrame, column_mapping: dict[str, str] | None, features: list[str]
) -> pd.DataFrame:
    """Maps the user's headers to canonical names and numbers the rows.

    Args:
        customers: The raw customer file, one row per record.
        column_mapping: The user's header -> canonical name.
        features: Canonical feature columns that must be present.

    Returns:
        The same rows with canonical headers and a 1-based ``source_row`` column
        (row 1 is the first line under the header).
    """
    mapped = map_columns(customers, column_mapping, check_features(features))
    if ROW_COLUMN in mapped.columns:
        raise CustomerDataError(f"the input already has a column named '{ROW_COLUMN}'; rename it")
    mapped.insert(0, ROW_COLUMN, pd.RangeIndex(1, len(mapped) + 1))
    return mapped.reset_index(drop=True)


def remove_duplicate_rows(customers: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Drops exact duplicate records, keeping the first.

    Args:
        customers: Output of ``standardize_columns``.

    Returns:
        The unique rows and ``{rows_read, duplicates_removed, input_sha256}``.
    """
    content = customers.drop(columns=ROW_COLUMN)
    hashes, hashed = hashing.row_hashes(content)
    duplicated = hashing.exact_duplicates(content, hashes)
    summary = {
        "rows_read": len(customers),
        "duplicates_removed": int(duplicated.sum()),
        "input_sha256": hashing.fingerprint(content, hashes, hashed),
    }
    logger.info("read %d rows, %d exact duplicates removed", len(customers), summary["duplicates_removed"])
    # Without duplicates the frame is passed on as it is: no copy of millions of rows.
    return (customers.loc[~duplicated] if summary["duplicates_removed"] else customers), summary


def validate_records(
    customers: pd.DataFrame,
    features: list[str],
    validation_ranges: dict[str, dict[str, float]],
    missing_values: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parses and range-checks the features; invalid rows are set aside with reasons.

    Args:
        customers: Unique rows with canonical headers.
        features: Feature columns to check.
        validation_ranges: ``{feature: {min, max}}``, inclusive.
        missing_values: ``median`` keeps rows with missing cells for imputation;
            ``drop`` rejects them.

    Returns:
        Valid rows (features as floats) and rejected rows (cells as read, plus
        ``rejection_reason``).
    """
    if missing_values not in MISSING_STRATEGIES:
        raise CustomerDataError(
            f"parameter 'missing_values' is '{missing_values}'; use one of {list(MISSING_STRATEGIES)}"
        )
    result = validate_customers(customers, features, validation_ranges, reject_missing=missing_values == "drop")
    logger.info("%d rows valid, %d rejected", len(result.valid), len(result.rejected))
    return result.valid, result.rejected


def impute_missing_values(
    customers: pd.DataFrame, features: list[str], missing_values: str
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Fills missing feature cells with the column median of the valid rows.

    Args:
        customers: Valid rows from ``validate_records``.
        features: Feature columns.
        missing_values: ``median`` or ``drop`` (nothing left to fill).

    Returns:
        Model-ready rows in original units and the number of cells filled per feature.
    """
    missing = customers[features].isna()
    counts = {f: int(n) for f, n in missing.sum().items()}
    if not any(counts.values()):
        return customers, counts
    if missing_values != "median":
        raise CustomerDataError(f"missing cells remain with missing_values='{missing_values}'")
    all_missing = [f for f in features if counts[f] == len(customers)]
    if all_missing and len(customers):
        raise CustomerDataError(
            f"column(s) {all_missing} have no values at all; fill them in or remove them from 'features'"
        )
    incomplete = [f for f in features if counts[f]]
    # fillna on the incomplete columns only: the other columns are shared, not copied.
    filled = customers.fillna(customers[incomplete].median().to_dict())
    logger.info("imputed missing cells with the median: %s", counts)
    return filled, counts


def build_data_quality_report(
    deduplication: dict[str, Any],
    rejected_customers: pd.DataFrame,
    model_input_customers: pd.DataFrame,
    cells_imputed: dict[str, int],
    features: list[str],
) -> dict[str, Any]:
    """Summarises what happened to every row and checks none was lost.

    Args:
        deduplication: Output summary of ``remove_duplicate_rows``.
        rejected_customers: Rows set aside, with ``rejection_reason``.
        model_input_customers: Rows kept.
        cells_imputed: Cells filled per feature.
        features: Feature columns, checked for constant values.

    Returns:
        A JSON-ready report; ``rows_read == rows_out + rows_rejected + duplicates_removed``.

    Raises:
        NoValidRowsError: no row passed validation.
    """
    reasons = rejected_customers[REASON_COLUMN].astype(str).str.split("; ").explode()
    per_reason = reasons.str.replace(r": .* (is|are) ", ": ", regex=True).value_counts()
    report = {
        "rows_read": int(deduplication["rows_read"]),
        "duplicates_removed": int(deduplication["duplicates_removed"]),
        "rows_rejected": len(rejected_customers),
        "rows_out": len(model_input_customers),
        "rejections_by_reason": {k: int(v) for k, v in per_reason.items()},
        "cells_imputed": cells_imputed,
        "constant_features": _constant_features(model_input_customers, features),
        "input_sha256": deduplication["input_sha256"],
    }
    accounted = report["rows_out"] + report["rows_rejected"] + report["duplicates_removed"]
    if accounted != report["rows_read"]:
        raise RuntimeError(f"rows were lost: read {report['rows_read']}, accounted for {accounted}: {report}")
    if report["rows_out"] == 0:
        raise NoValidRowsError(
            f"no valid rows: all {report['rows_read']} rows read were rejected or duplicates "
            f"({report['rejections_by_reason'] or 'the file has no data rows'}). Every rejected row and "
            "its reason is in the 'rejected_customers' dataset (data/02_intermediate/rejected_customers.csv "
            "by default); fix the file or 'column_mapping' and run again"
        )
    if report["constant_features"] and report["rows_out"] > 1:
        logger.warning(
            "feature(s) %s have the same value for every customer and cannot separate segments; "
            "consider removing them from 'features'", report["constant_features"]
        )
    logger.info("data quality: %s", {k: v for k, v in report.items() if k != "input_sha256"})
    return report
