"""Turn a raw customer file into validated, model-ready rows, accounting for every row.

The rules live once elsewhere and are only applied here: the feature table (``features/``),
header matching, derivations and validation (``validation/``).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.categories import group_rare, most_frequent, rare_categories
from customer_segmentation.features.derive import compute_features
from customer_segmentation.features import duplicates
from customer_segmentation.io import hashing
from customer_segmentation.pipelines.data_processing.accounting import (  # noqa: F401 - NoValidRowsError: public here
    NEARLY_CONSTANT,
    NoValidRowsError,
    check_missing_values,
    no_valid_rows_message,
    features_to_impute,
    quality_report,
)
from customer_segmentation.features.columns import resolve_columns
from customer_segmentation.features.profiles import Descriptors
from customer_segmentation.validation.problems import counts_by_reason, show_value
from customer_segmentation.features.validate import check_features
from customer_segmentation.names import IMPUTED_COLUMN, ROW_COLUMN
from customer_segmentation.validation.rules import split_rows

logger = logging.getLogger(__name__)


def _is_constant(values: pd.Series) -> bool:
    # min == max is nunique() <= 1 without a hash table over every row; both are NaN when every cell is.
    # Values that differ only in their last digits (1000 and 1000.0000000000002) are constant too.
    low, high = values.min(), values.max()
    if pd.isna(low) or low == high:
        return True
    return pd.api.types.is_numeric_dtype(values) and high - low <= NEARLY_CONSTANT * max(abs(low), abs(high))


def _constant_features(frame: pd.DataFrame, features: list[str]) -> list[str]:
    return [f for f in features if len(frame) and _is_constant(frame[f])]


def standardize_columns(customers: pd.DataFrame, features: dict[str, Any], profile_columns: list[str] | None = None,
                        outcomes: dict[str, Any] | None = None) -> pd.DataFrame:
    """Finds the feature table's columns (and the profile and outcome columns) among the file's headers and
    numbers the rows.

    Args:
        customers: The raw customer file, one row per record.
        features: The feature table (``params:features``).
        profile_columns: Columns described per segment (``params:profile_columns``).
        outcomes: Outcome columns (``params:outcomes``).

    Returns:
        The same rows, the table's source headers in its spelling, and a 1-based ``source_row``
        column: the reader's line numbers for a CSV (row 1 is the first line under the header),
        else the rows' positions.
    """
    described = Descriptors.from_config(profile_columns, outcomes)
    mapped = resolve_columns(customers, FeatureTable.from_config(features), described=described)
    if ROW_COLUMN in mapped.columns:
        numbers = mapped[ROW_COLUMN]
        if not (pd.api.types.is_integer_dtype(numbers) and numbers.is_unique and (numbers >= 1).all()):
            raise CustomerDataError(f"the input already has a column named '{ROW_COLUMN}' that does not number "
                                    "its rows; rename it")
    else:
        mapped.insert(0, ROW_COLUMN, pd.RangeIndex(1, len(mapped) + 1))
    return mapped.reset_index(drop=True)


def engineer_features(customers: pd.DataFrame, features: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Computes every feature of the table from its source columns (plain, or derived: sum, ratio, ...).

    Args:
        customers: Rows with the table's headers.
        features: The feature table.

    Returns:
        The features (float64, in their units, NaN where missing or unreadable), indexed like
        ``customers``, and the source cells that could not be read (row, column, value, reason).
    """
    table = FeatureTable.from_config(features)
    values, problems = compute_features(customers, table)
    derived = [f.name for f in table if f.derive or f.scale != 1.0]
    if derived:
        logger.info("computed features %s (derived or scaled)", derived)
    return values, problems


def remove_duplicate_rows(
    customers: pd.DataFrame, customer_features: pd.DataFrame, source_problems: pd.DataFrame,
    features: dict[str, Any], id_column: str | None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Drops duplicate records, keeping the first: the same features (as numbers) and the same other cells.

    Args:
        customers: Output of ``standardize_columns``.
        customer_features: Output of ``engineer_features``.
        source_problems: The source cells that could not be read (they are compared as text).
        features: The feature table.
        id_column: The column of customer ids (``auto``: found from its header; ``none``: no ids).

    Returns:
        The unique rows and ``{rows_read, duplicates_removed, input_sha256, conflicting_ids}``.
    """
    table = FeatureTable.from_config(features)
    key = duplicates.duplicate_key(customers, customer_features, source_problems, table)
    hashes, hashed = hashing.row_hashes(key)
    duplicated = hashing.exact_duplicates(key, hashes)
    # Without duplicates the frame is passed on as it is: no copy of millions of rows.
    unique = customers.loc[~duplicated] if duplicated.any() else customers
    conflicts = duplicates.conflicting_ids(unique, duplicates.find_id_column(customers, id_column, table))
    summary = {
        "rows_read": len(customers),
        "duplicates_removed": int(duplicated.sum()),
        "input_sha256": hashing.fingerprint(key, hashes, hashed),
        "conflicting_ids": conflicts,
    }
    logger.info("read %d rows, %d duplicates removed", len(customers), summary["duplicates_removed"])
    if conflicts and conflicts["ids"]:
        logger.warning("%d %s value(s) are on more than one different record, e.g. %s: the records are kept; "
                       "check whether they are one customer", conflicts["ids"], conflicts["column"],
                       conflicts["examples"][:5])
    return unique, summary


def validate_records(
    customers: pd.DataFrame,
    customer_features: pd.DataFrame,
    source_problems: pd.DataFrame,
    features: dict[str, Any],
    missing_values: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Range-checks the features; invalid rows are set aside with every reason.

    Args:
        customers: Unique rows as read.
        customer_features: Output of ``engineer_features`` (for every row read).
        source_problems: Unreadable source cells, from ``engineer_features``.
        features: The feature table.
        missing_values: ``median`` keeps rows with missing cells for imputation; ``drop`` rejects them.

    Returns:
        Valid rows (every column; features as floats), rejected rows (cells as read, plus
        ``rejection_reason``) and one record per problem (``row`` = ``source_row``, column, value, reason).

    Raises:
        NoValidRowsError: no row is valid (it carries the rejected rows: ``hooks/failed_run.py`` keeps them).
    """
    check_missing_values(missing_values)
    table = FeatureTable.from_config(features)
    if len(customer_features) != len(customers):  # duplicates were removed after the features were computed
        customer_features = customer_features.loc[customers.index]
        source_problems = source_problems.loc[source_problems["row"].isin(customers.index)]
    problems = check_features(customers, customer_features, source_problems, table, missing_values == "drop")
    valid, rejected = split_rows(customers, customer_features, problems)
    logger.info("%d rows valid, %d rejected", len(valid), len(rejected))
    records = problems.assign(row=customers[ROW_COLUMN].reindex(problems["row"]).to_numpy(),
                              value=problems["value"].map(show_value))
    if valid.empty:  # before any output is written: the previous run's stay as they were
        raise NoValidRowsError(no_valid_rows_message(len(customers), counts_by_reason(records)), rejected=rejected)
    return valid, rejected, records


def group_rare_categories(customers: pd.DataFrame, features: dict[str, Any], rare_category_share: float
                          ) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """Groups the categories of each category feature held by fewer than ``rare_category_share`` of the rows
    as "Other" (``features/categories.py``).

    Args:
        customers: Valid rows from ``validate_records``.
        features: The feature table.
        rare_category_share: The share of rows under which a category is rare (0.01: 1 %).

    Returns:
        The rows, rare categories replaced, and per category feature ``{rows, categories}``: how many rows
        were grouped and which categories (empty for a table of numbers only).
    """
    grouped, replaced = {}, {}
    for feature in FeatureTable.from_config(features).categorical:
        rare = rare_categories(customers[feature.name], rare_category_share)
        grouped[feature.name] = {"rows": int(customers[feature.name].isin(rare).sum()), "categories": rare}
        if rare:
            replaced[feature.name] = group_rare(customers[feature.name], rare)
    if replaced:
        logger.info("grouped rare categories as Other: %s", grouped)
    return (customers.assign(**replaced) if replaced else customers), grouped


def impute_missing_values(
    customers: pd.DataFrame, features: dict[str, Any], missing_values: str
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Fills missing feature cells with the column median of the valid rows (a category feature's: the most
    frequent category).

    Args:
        customers: Valid rows from ``validate_records``.
        features: The feature table.
        missing_values: ``median`` or ``drop`` (nothing left to fill).

    Returns:
        Model-ready rows in their units, with ``imputed_features`` naming the features filled in on each
        row (empty when none), and the number of cells filled per feature.
    """
    table = FeatureTable.from_config(features)
    features = table.names
    missing = customers[features].isna()
    counts = {f: int(n) for f, n in missing.sum().items()}
    customers = customers.assign(**{IMPUTED_COLUMN: _imputed_names(missing)})
    incomplete = features_to_impute(counts, len(customers), missing_values)
    if not incomplete:
        return customers, counts
    categories = {f.name for f in table.categorical}
    fills = customers[[f for f in incomplete if f not in categories]].median().to_dict()
    fills.update({f: most_frequent(customers[f]) for f in incomplete if f in categories})
    # fillna on the incomplete columns only: the other columns are shared, not copied.
    filled = customers.fillna(fills)
    logger.info("imputed missing cells with the median (a category: the most frequent): %s", counts)
    return filled, counts


def _imputed_names(missing: pd.DataFrame) -> pd.Series:
    """Per row, the features that were missing (``"annual_income, age"``), as a categorical: one small code
    per row, whatever the number of rows."""
    codes = np.zeros(len(missing), dtype="int64")
    for bit, feature in enumerate(missing.columns):
        codes |= missing[feature].to_numpy().astype("int64") << bit
    present = np.unique(codes)
    names = [", ".join(f for bit, f in enumerate(missing.columns) if code >> bit & 1) for code in present]
    return pd.Series(pd.Categorical.from_codes(np.searchsorted(present, codes), categories=names),
                     index=missing.index, copy=False)


def build_data_quality_report(
    deduplication: dict[str, Any],
    rejected_customers: pd.DataFrame,
    validation_problems: pd.DataFrame,
    model_input_customers: pd.DataFrame,
    cells_imputed: dict[str, int],
    features: dict[str, Any],
    categories_grouped: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Summarises what happened to every row and checks none was lost.

    Args:
        deduplication: Output summary of ``remove_duplicate_rows``.
        rejected_customers: Rows set aside, with ``rejection_reason``.
        validation_problems: One record per problem, from ``validate_records``.
        model_input_customers: Rows kept.
        cells_imputed: Cells filled per feature.
        features: The feature table; its features are checked for constant values.
        categories_grouped: Rare categories grouped as Other, per category feature (``group_rare_categories``).

    Returns:
        A JSON-ready report; ``rows_read == rows_out + rows_rejected + duplicates_removed``.

    Raises:
        NoValidRowsError: no row passed validation.
    """
    features = FeatureTable.from_config(features).names
    return quality_report(deduplication, len(rejected_customers), len(model_input_customers),
                          counts_by_reason(validation_problems), cells_imputed,
                          _constant_features(model_input_customers, features), categories_grouped)
