"""The row rules: ranges, finiteness, empty rows, rows that did not fit the header, and the split into valid
and rejected rows with their reasons. They know columns and their bounds, never the feature table: the
feature table builds its checks from them (``features/validate.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from customer_segmentation.names import READ_PROBLEM_COLUMN, REASON_COLUMN
from customer_segmentation.validation import reasons
from customer_segmentation.validation.problems import ProblemLog, combine, reasons_by_row

if TYPE_CHECKING:
    import pandera.pandas as pa

Bounds = tuple[float | None, float | None]


def build_schema(bounds: Mapping[str, Bounds]) -> pa.DataFrameSchema:
    """The pandera schema of computed values: floats within their ``(low, high)`` bounds, missing allowed."""
    import pandera.pandas as pa  # ~1 s to import: only when rows are checked

    return pa.DataFrameSchema(
        {name: pa.Column(float, checks=[_in_range_or_missing(low, high)], nullable=True)
         for name, (low, high) in bounds.items()},
        strict=False, coerce=False,
    )


def _in_range_or_missing(low: float | None, high: float | None) -> pa.Check:
    """``Check.in_range(low, high)`` that passes missing cells itself (they are imputed or rejected later).

    The built-in check drops missing cells first (``ignore_na``): a copy of the whole column,
    most of the validation time at 10M rows. Infinite values always fail.
    """
    import pandera.pandas as pa

    low = -np.inf if low is None else low
    high = np.inf if high is None else high
    return pa.Check(
        lambda values: values.isna() | ((values >= low) & (values <= high) & np.isfinite(values)),
        ignore_na=False, name="in_range", error=f"in_range({low}, {high})",
    )


def check_ranges(values: pd.DataFrame, bounds: Mapping[str, Bounds], log: ProblemLog) -> None:
    """Records in ``log`` each value outside its column's bounds (``outside the allowed range``), infinite, or
    within its bounds but too large to compute with (``reasons.MAX_MAGNITUDE``: a range left open, a huge scale).

    Args:
        values: One float column per name of ``bounds``, indexed like ``log``'s rows.
        bounds: ``{column: (low, high)}``, None for an open bound.
        log: Where the problems go.
    """
    from pandera.errors import SchemaErrors

    # Numbered by position, so pandera's failure cases point straight at rows.
    typed = values.reset_index(drop=True)
    failed: dict[str, np.ndarray] = {}
    try:
        # inplace: nothing is coerced, so pandera need not copy millions of rows first.
        build_schema(bounds).validate(typed, lazy=True, inplace=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        for column, group in cases.groupby("column", sort=False):
            mask = failed[str(column)] = np.zeros(len(values), dtype=bool)
            mask[group["index"].to_numpy(dtype="int64")] = True
            infinite = mask & np.isinf(typed[column].to_numpy())
            log.add(infinite, str(column), values[column], reasons.NOT_FINITE)
            log.add(mask & ~infinite, str(column), values[column], reasons.outside_range(*bounds[str(column)]))
    for column in bounds:
        numbers = typed[column].to_numpy()
        huge = np.isfinite(numbers) & (np.abs(numbers) > reasons.MAX_MAGNITUDE)
        if huge.any():
            log.add(huge & ~failed.get(column, np.zeros(len(values), dtype=bool)), column, values[column],
                    reasons.TOO_LARGE)


def read_problems_first(frame: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """A row that did not fit the header (``READ_PROBLEM_COLUMN``) has that one problem: its cells are shifted,
    so what the other rules say about them is noise."""
    if READ_PROBLEM_COLUMN not in frame.columns:
        return problems
    misread = frame[READ_PROBLEM_COLUMN].notna()
    log = ProblemLog(frame.index)
    log.add(misread.to_numpy(), "", frame[READ_PROBLEM_COLUMN], "")
    records = log.to_frame().assign(reason=lambda r: r["value"], value=None)
    kept = problems.loc[~problems["row"].isin(frame.index[misread])]
    return combine(records, kept, order=frame.index)


def split_rows(frame: pd.DataFrame, values: pd.DataFrame, problems: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Valid rows (every column, ``values`` as computed) and rejected rows (cells as read, plus their reason)."""
    bad = frame.index.isin(problems["row"])
    if READ_PROBLEM_COLUMN in frame.columns:  # its text is in the problems; the outputs do not carry it
        frame = frame.drop(columns=READ_PROBLEM_COLUMN)
    # Computed values replace or join the cells as read; the other columns are shared, not copied.
    valid = frame.copy(deep=False)
    for name in values.columns:
        valid[name] = values[name]
    if bad.any():
        valid = valid.loc[~bad]
    rejected = frame.loc[bad].copy()
    rejected[REASON_COLUMN] = reasons_by_row(problems).reindex(rejected.index).to_numpy()
    return valid, rejected
