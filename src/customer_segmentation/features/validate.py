"""Customers validated against the feature table: the one check the pipeline, the app and serving share.

A row is rejected, with every reason recorded as data (``validation/problems.py``), when a source cell cannot
be read (``'abc'`` in a number column), a feature is outside its ``range`` or not finite, every feature is
empty, (``reject_missing``) a feature is missing, or (``known_categories``, when a trained model reads the rows) a
category feature holds a category the model does not know. Valid rows keep all their columns, with each feature as a
float in its unit. The rules themselves are ``validation/``'s; here they are applied with the table.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from customer_segmentation.features.derive import compute_features
from customer_segmentation.features.table import FeatureTable
from customer_segmentation.validation import reasons
from customer_segmentation.validation.problems import ProblemLog, combine
from customer_segmentation.validation.rules import check_ranges, read_problems_first, split_rows


@dataclass(frozen=True)
class ValidationResult:
    """Rows that passed (features as floats, missing cells NaN), rows that did not, and why."""

    valid: pd.DataFrame
    rejected: pd.DataFrame
    problems: pd.DataFrame


def check_features(
    frame: pd.DataFrame, features: pd.DataFrame, source_problems: pd.DataFrame, table: FeatureTable,
    reject_missing: bool = False, known_categories: Mapping[str, Collection[str]] | None = None,
) -> pd.DataFrame:
    """Every problem of every row: the source cells' (from derivation), then ranges, emptiness, missing, unknown
    categories.

    Args:
        frame: The rows as read (shown in ``missing`` problems of plain features).
        features: ``compute_features``' values for the same rows.
        source_problems: ``compute_features``' problems.
        table: The feature table.
        reject_missing: Record a missing feature as a problem instead of leaving it to imputation.
        known_categories: Per category feature, the categories a trained model reads; any other is a problem.

    Returns:
        The problems table (row, column, value, reason), ordered by row.
    """
    log = ProblemLog(frame.index)
    unreadable = frame.index.isin(source_problems["row"])
    numbers = features if not table.categorical else features[[f.name for f in table.numeric]]
    check_ranges(numbers, {f.name: (f.minimum, f.maximum) for f in table.numeric}, log)
    # A record without a single feature value cannot be placed in any segment, imputed or not.
    empty = features.isna().all(axis=1).to_numpy() & ~unreadable & ~log.flagged()
    log.add(empty, "", None, reasons.all_values_empty(table.names))
    if reject_missing:
        for feature in table:
            own_source_unreadable = frame.index.isin(
                source_problems.loc[source_problems["column"].isin(feature.sources), "row"])
            missing = features[feature.name].isna().to_numpy() & ~own_source_unreadable & ~empty
            shown = frame[feature.column] if feature.derive is None else None
            log.add(missing, feature.name, shown, reasons.MISSING)
    for name, known in (known_categories or {}).items():
        unknown = (features[name].notna() & ~features[name].isin(list(known))).to_numpy()
        log.add(unknown, name, features[name], reasons.unknown_category(sorted(known)))
    columns = [column for feature in table for column in (*feature.sources, feature.name)]
    problems = combine(source_problems, log.to_frame(), order=frame.index, columns=columns)
    return read_problems_first(frame, problems)


def validate_customers(
    frame: pd.DataFrame, table: FeatureTable, reject_missing: bool = False, today: pd.Timestamp | None = None,
    known_categories: Mapping[str, Collection[str]] | None = None,
) -> ValidationResult:
    """Computes the features of ``frame`` and splits its rows into valid and rejected, with the problems.

    Args:
        frame: Rows whose headers went through ``resolve_columns`` (index labels unique).
        table: The feature table.
        reject_missing: Reject rows with a missing feature instead of keeping them as NaN.
        today: Reference date of ``years_since``/``days_since`` features that set none.
        known_categories: Per category feature, the categories a trained model reads (any other is a problem).
    """
    features, source_problems = compute_features(frame, table, today)
    problems = check_features(frame, features, source_problems, table, reject_missing, known_categories)
    valid, rejected = split_rows(frame, features, problems)
    return ValidationResult(valid=valid, rejected=rejected, problems=problems)
