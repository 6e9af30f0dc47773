"""Validating customers against the feature table: the rules the pipeline, the app and serving share.

A row is rejected, with every reason recorded as data (:mod:`.problems`), when a source cell cannot
be read (``'abc'`` in a number column), a feature is outside its ``range`` (a pandera schema built
from the table) or not finite, every feature is empty, or (``reject_missing``) a feature is missing.
Valid rows keep all their columns, with each feature as a float in its unit.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from customer_segmentation.features.derive import compute_features
from customer_segmentation.features.table import FeatureTable
from customer_segmentation.io import READ_PROBLEM_COLUMN, ROW_COLUMN
from customer_segmentation.validation import reasons
from customer_segmentation.validation.problems import ProblemLog, combine, reasons_by_row

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = ["REASON_COLUMN", "ROW_COLUMN", "ValidationResult", "check_features", "split_rows", "validate_customers"]
REASON_COLUMN = "rejection_reason"


@functools.cache
def _pandera():
    """``pandera.pandas``, imported when the first rows are checked (the app's pages that only show
    segments never pay its ~0.4 s), without the ``pyspark.pandas`` that pandera imports when pyspark is installed.

    When pyspark is installed (MLflow imports it), pandera imports ``pyspark.pandas``: at its own import
    (for its pyspark typing) and when it registers its pandas checks (at the first validation). Under
    pandas 3 that prints a FutureWarning twice on every run, for an API these rules never use. Blocking
    the name while pandera and its pandas checks are imported makes pandera take its "no pyspark"
    branch; a process that has already imported ``pyspark.pandas`` (a Spark job) is left as it is.
    """
    blocked = "pyspark.pandas" not in sys.modules
    if blocked:
        sys.modules["pyspark.pandas"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import pandera.backends.pandas.builtin_checks  # noqa: F401  # what the first validation would import
        import pandera.pandas
    finally:
        if blocked and sys.modules.get("pyspark.pandas", 0) is None:
            del sys.modules["pyspark.pandas"]
    return pandera.pandas


@dataclass(frozen=True)
class ValidationResult:
    """Rows that passed (features as floats, missing cells NaN), rows that did not, and why."""

    valid: pd.DataFrame
    rejected: pd.DataFrame
    problems: pd.DataFrame


def build_schema(table: FeatureTable) -> pa.DataFrameSchema:
    """The pandera schema of computed features: floats within their ranges, missing allowed."""
    pa = _pandera()
    return pa.DataFrameSchema(
        {feature.name: pa.Column(float, checks=[_in_range_or_missing(feature.minimum, feature.maximum)],
                                 nullable=True)
         for feature in table},
        strict=False, coerce=False,
    )


def _in_range_or_missing(low: float | None, high: float | None) -> pa.Check:
    """``Check.in_range(low, high)`` that passes missing cells itself (they are imputed or rejected later).

    The built-in check drops missing cells first (``ignore_na``): a copy of the whole column,
    most of the validation time at 10M rows. Infinite values always fail.
    """
    low = -np.inf if low is None else low
    high = np.inf if high is None else high
    return _pandera().Check(
        lambda values: values.isna() | ((values >= low) & (values <= high) & np.isfinite(values)),
        ignore_na=False, name="in_range", error=f"in_range({low}, {high})",
    )


def check_features(
    frame: pd.DataFrame, features: pd.DataFrame, source_problems: pd.DataFrame, table: FeatureTable,
    reject_missing: bool = False,
) -> pd.DataFrame:
    """Every problem of every row: the source cells' (from derivation), then ranges, emptiness, missing.

    Args:
        frame: The rows as read (shown in ``missing`` problems of plain features).
        features: ``compute_features``' values for the same rows.
        source_problems: ``compute_features``' problems.
        table: The feature table.
        reject_missing: Record a missing feature as a problem instead of leaving it to imputation.

    Returns:
        The problems table (row, column, value, reason), ordered by row.
    """
    log = ProblemLog(frame.index)
    unreadable = frame.index.isin(source_problems["row"])
    # Numbered by position, so pandera's failure cases point straight at rows.
    typed = features.reset_index(drop=True)
    try:
        # inplace: nothing is coerced, so pandera need not copy millions of rows first.
        build_schema(table).validate(typed, lazy=True, inplace=True)
    except _pandera().errors.SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        for column, group in cases.groupby("column", sort=False):
            failed = np.zeros(len(frame), dtype=bool)
            failed[group["index"].to_numpy(dtype="int64")] = True
            infinite = failed & np.isinf(typed[column].to_numpy())
            feature = table[str(column)]
            log.add(infinite, feature.name, features[feature.name], reasons.NOT_FINITE)
            log.add(failed & ~infinite, feature.name, features[feature.name], reasons.outside_range(feature))
    # A record without a single feature value cannot be placed in any segment, imputed or not.
    empty = features.isna().all(axis=1).to_numpy() & ~unreadable & ~log.flagged()
    log.add(empty, "", None, reasons.all_features_empty(table))
    if reject_missing:
        for feature in table:
            own_source_unreadable = frame.index.isin(
                source_problems.loc[source_problems["column"].isin(feature.sources), "row"])
            missing = features[feature.name].isna().to_numpy() & ~own_source_unreadable & ~empty
            shown = frame[feature.column] if feature.derive is None else None
            log.add(missing, feature.name, shown, reasons.MISSING)
    columns = [column for feature in table for column in (*feature.sources, feature.name)]
    problems = combine(source_problems, log.to_frame(), order=frame.index, columns=columns)
    return _read_problems_first(frame, problems)


def _read_problems_first(frame: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """A row that did not fit the header (``io.READ_PROBLEM_COLUMN``) has that one problem: its cells are shifted,
    so what the other rules say about them is noise."""
    if READ_PROBLEM_COLUMN not in frame.columns:
        return problems
    misread = frame[READ_PROBLEM_COLUMN].notna()
    log = ProblemLog(frame.index)
    log.add(misread.to_numpy(), "", frame[READ_PROBLEM_COLUMN], "")
    records = log.to_frame().assign(reason=lambda r: r["value"], value=None)
    kept = problems.loc[~problems["row"].isin(frame.index[misread])]
    return combine(records, kept, order=frame.index)


def split_rows(frame: pd.DataFrame, features: pd.DataFrame, problems: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Valid rows (every column, features as floats) and rejected rows (cells as read, plus their reason)."""
    bad = frame.index.isin(problems["row"])
    if READ_PROBLEM_COLUMN in frame.columns:  # its text is in the problems; the outputs do not carry it
        frame = frame.drop(columns=READ_PROBLEM_COLUMN)
    # Features replace or join the cells as read; the other columns are shared, not copied.
    valid = frame.copy(deep=False)
    for name in features.columns:
        valid[name] = features[name]
    if bad.any():
        valid = valid.loc[~bad]
    rejected = frame.loc[bad].copy()
    rejected[REASON_COLUMN] = reasons_by_row(problems).reindex(rejected.index).to_numpy()
    return valid, rejected


def validate_customers(
    frame: pd.DataFrame, table: FeatureTable, reject_missing: bool = False, today: pd.Timestamp | None = None
) -> ValidationResult:
    """Computes the features of ``frame`` and splits its rows into valid and rejected, with the problems.

    Args:
        frame: Rows whose headers went through ``resolve_columns`` (index labels unique).
        table: The feature table.
        reject_missing: Reject rows with a missing feature instead of keeping them as NaN.
        today: Reference date of ``years_since``/``days_since`` features that set none.
    """
    features, source_problems = compute_features(frame, table, today)
    problems = check_features(frame, features, source_problems, table, reject_missing)
    valid, rejected = split_rows(frame, features, problems)
    return ValidationResult(valid=valid, rejected=rejected, problems=problems)
