"""Computing each feature's values from its source columns, with a small fixed vocabulary.

A plain feature is its column read as a number. ``derive`` builds one from others:

* ``sum``: the total of ``columns`` (an empty cell counts as 0; all empty is missing);
* ``ratio``: ``columns[0] / columns[1]``; a zero denominator rejects the row;
* an infinite source cell (``inf``) of ``sum``, ``ratio`` or ``count`` rejects the row (``not a finite number``);
* ``years_since``: whole years from ``column`` (a year such as ``1957`` or a date) to ``reference``;
* ``days_since``: days from the date in ``column`` to ``reference``;
* ``count``: how many of ``columns`` are non-zero (empty counts as zero; all empty is missing).

``reference`` defaults to the day of the run. ``scale`` then multiplies the result (once, here). A source
of ``sum``, ``ratio`` or ``count`` may name another feature of the table (``ratio: [MntWines, total_spend]``):
its value, in its unit, is used, and the features are computed in an order that allows it.
Source cells that cannot be read (``'abc'`` in a number column, ``'31/02/2014'`` as a date) are
recorded as problems naming the source column, and the row is rejected by validation. Nothing in
the configuration is ever evaluated: the kinds are functions of this module.

A ``type: category`` feature is its column read as text categories (``validation.parsing.parse_categories``):
an empty cell is missing, a formula is a problem as in a number column.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from customer_segmentation.features.table import Feature, FeatureTable
from customer_segmentation.validation import reasons
from customer_segmentation.validation.parsing import is_formula, parse_categories, parse_numbers, read_dates
from customer_segmentation.validation.problems import ProblemLog

_YEARS = (1000, 9999)


def compute_features(frame: pd.DataFrame, table: FeatureTable, today: pd.Timestamp | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every feature of ``table`` computed from ``frame``'s source columns.

    Args:
        frame: Rows whose headers went through :func:`features.columns.resolve_columns`.
        table: The feature table.
        today: The reference date when a feature sets none (default: today).

    Returns:
        The features (float64, one column per feature, indexed like ``frame``; NaN where missing
        or unreadable; text, ``str``, for category features) and the problems found in source cells
        (row, column, value, reason).
    """
    problems = ProblemLog(frame.index)
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today)
    values: dict[str, pd.Series] = {}
    cells = _Cells(frame, problems, values, table.names)
    for feature in table.in_order():  # a derivation may read features computed before it
        if feature.is_category:
            values[feature.name] = _categories(frame, feature, problems)
            continue
        derived = _DERIVATIONS[feature.derive](cells, feature, today)
        values[feature.name] = derived * feature.scale if feature.scale != 1.0 else derived
    values = {name: values[name] for name in table.names}
    features = pd.DataFrame({name: pd.Series(column, index=frame.index, copy=False,
                                             dtype="str" if table[name].is_category else "float64")
                             for name, column in values.items()}, copy=False)
    return features, problems.to_frame()


class _Cells:
    """What a derivation reads: a column of the file as numbers (unreadable cells recorded as problems), or a
    feature of the table computed before it (by name)."""

    def __init__(self, frame: pd.DataFrame, problems: ProblemLog, computed: dict[str, pd.Series],
                 names: list[str]) -> None:
        self.frame, self.problems, self.computed, self.names = frame, problems, computed, set(names)
        self._read: dict[str, pd.Series] = {}  # each column parsed (and its problems recorded) once
        self._finite: set[str] = set()  # the columns a derivation read, whose infinite cells are recorded

    def numbers(self, column: str, reader: Feature) -> pd.Series:
        if column in self.names and column != reader.name:
            return self.computed[column]
        if column not in self._read:
            self._read[column] = _numbers(self.frame, column, self.problems)
        if reader.derive is None:
            return self._read[column]
        # A plain feature's infinite value fails its range check; in a sum, count or ratio it would vanish
        # (x / inf is 0), so the source cell itself rejects the row, as it would in a plain column.
        infinite = np.isinf(self._read[column].to_numpy())
        if column not in self._finite:
            self._finite.add(column)
            self.problems.add(infinite, column, self.frame[column], reasons.NOT_FINITE)
        return self._read[column].where(~infinite) if infinite.any() else self._read[column]

    def shown(self, column: str) -> pd.Series:
        """The cells to show in a problem: the file's, or the computed feature's values."""
        return self.frame[column] if column in self.frame.columns else self.computed[column]


def _categories(frame: pd.DataFrame, feature: Feature, problems: ProblemLog) -> pd.Series:
    cells = frame[feature.column]
    formula = is_formula(cells)
    problems.add(formula, feature.column, cells, reasons.FORMULA)
    return parse_categories(cells).where(~formula)


def _numbers(frame: pd.DataFrame, column: str, problems: ProblemLog) -> pd.Series:
    numbers, not_a_number = parse_numbers(frame[column])
    formula = not_a_number & is_formula(frame[column])
    problems.add(formula, column, frame[column], reasons.FORMULA)
    problems.add(not_a_number & ~formula, column, frame[column], reasons.NOT_A_NUMBER)
    return numbers


def _plain(cells: _Cells, feature: Feature, today: pd.Timestamp) -> pd.Series:
    return cells.numbers(feature.column, feature)


def _sum(cells: _Cells, feature: Feature, today: pd.Timestamp) -> pd.Series:
    parts = pd.concat([cells.numbers(column, feature) for column in feature.sources], axis=1)
    return parts.sum(axis=1, min_count=1)


def _count(cells: _Cells, feature: Feature, today: pd.Timestamp) -> pd.Series:
    parts = pd.concat([cells.numbers(column, feature) for column in feature.sources], axis=1)
    counted = (parts.fillna(0) != 0).sum(axis=1).astype("float64")
    return counted.where(parts.notna().any(axis=1))


def _ratio(cells: _Cells, feature: Feature, today: pd.Timestamp) -> pd.Series:
    numerator, denominator = (cells.numbers(column, feature) for column in feature.sources)
    zero = (denominator == 0).to_numpy()
    cells.problems.add(zero, feature.sources[1], cells.shown(feature.sources[1]),
                       reasons.zero_denominator(feature.name, *feature.sources))
    return (numerator / denominator.where(~zero)).astype("float64")


def _reference(feature: Feature, today: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(feature.reference) if feature.reference else today


def _dates(cells: pd.Series, feature: Feature, problems: ProblemLog, or_year: bool = False) -> pd.Series:
    """The cells as dates; a cell that is not one, or one outside the dates that can be read, is a problem."""
    read = read_dates(cells, feature.date_format)
    problems.add(read.not_a_date, feature.column, cells, reasons.not_a_date(feature.date_format, or_year=or_year))
    problems.add(read.outside, feature.column, cells, reasons.DATE_OUTSIDE)
    return read.dates


def _years_since(source: _Cells, feature: Feature, today: pd.Timestamp) -> pd.Series:
    cells, problems = source.frame[feature.column], source.problems
    reference = _reference(feature, today)
    numbers, _ = parse_numbers(cells) if not pd.api.types.is_datetime64_any_dtype(cells) else (
        pd.Series(np.nan, index=cells.index), None)
    is_year = numbers.between(*_YEARS) & (numbers == numbers.round())
    from_years = reference.year - numbers.where(is_year)
    dates = _dates(cells.where(~is_year), feature, problems, or_year=True)
    before_birthday = (dates.dt.month > reference.month) | (
        (dates.dt.month == reference.month) & (dates.dt.day > reference.day))
    from_dates = reference.year - dates.dt.year - before_birthday.astype("float64")
    return from_years.fillna(from_dates.where(dates.notna())).astype("float64")


def _days_since(source: _Cells, feature: Feature, today: pd.Timestamp) -> pd.Series:
    cells, problems = source.frame[feature.column], source.problems
    dates = _dates(cells, feature, problems)
    return ((_reference(feature, today) - dates).dt.days).astype("float64")


_DERIVATIONS: dict[str | None, Callable[[_Cells, Feature, pd.Timestamp], pd.Series]] = {
    None: _plain,
    "sum": _sum,
    "ratio": _ratio,
    "years_since": _years_since,
    "days_since": _days_since,
    "count": _count,
}

__all__ = ["compute_features"]
