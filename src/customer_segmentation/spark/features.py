"""The feature table's derivations as Spark column expressions, each with the problems its source cells can have.

The same vocabulary as ``features/derive.py`` (plain, ``sum``, ``ratio``, ``years_since``,
``days_since``, ``count``) and the same reasons (``validation/reasons.py``). A derivation gives the
feature's value (a double; null where missing or unreadable) and :class:`Check` s: the conditions
under which a source cell is a problem, with the value to show and the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType

from customer_segmentation.features.table import DERIVATIONS, Feature, FeatureTable
from customer_segmentation.spark.parsing import date_parts, is_datetime, is_text, missing_cell, parse_number
from customer_segmentation.validation import reasons

_YEARS = (1000, 9999)
_DAY_NANOS = 86_400 * 10**9


@dataclass(frozen=True)
class Check:
    """A problem a row has where ``when`` holds: in ``column``, showing ``shown`` (None: no value), for ``reason``.

    ``text``: ``shown`` is a cell read as text (shown quoted), not a number.
    """

    when: Column
    column: str
    shown: Column | None
    reason: str
    text: bool = False


def cell(name: str) -> Column:
    return F.col(f"`{name}`")


def _number(name: str, types: Mapping[str, DataType]) -> tuple[Column, list[Check]]:
    value, not_a_number, formula = parse_number(cell(name), types[name])
    text = is_text(types[name])
    return value, [Check(formula, name, cell(name), reasons.FORMULA, text),
                   Check(not_a_number & ~formula, name, cell(name), reasons.NOT_A_NUMBER, text)]


def _numbers(feature: Feature, types: Mapping[str, DataType]) -> tuple[list[Column], list[Check]]:
    """The source cells of a sum, count or ratio; an infinite one is a problem (``derive.py``: ``_Cells``)."""
    parts, checks = [], []
    for name in feature.sources:
        value, found = _number(name, types)
        infinite = F.coalesce(F.abs(value) == F.lit(float("inf")), F.lit(False))
        parts.append(F.when(~infinite, value))
        checks += [*found, Check(infinite, name, cell(name), reasons.NOT_FINITE, is_text(types[name]))]
    return parts, checks


def _plain(feature: Feature, types: Mapping[str, DataType], today: pd.Timestamp) -> tuple[Column, list[Check]]:
    return _number(feature.column, types)


def _sum(feature: Feature, types: Mapping[str, DataType], today: pd.Timestamp) -> tuple[Column, list[Check]]:
    parts, checks = _numbers(feature, types)
    total = parts[0] if len(parts) == 1 else sum((F.coalesce(p, F.lit(0.0)) for p in parts[1:]),
                                                F.coalesce(parts[0], F.lit(0.0)))
    return F.when(F.greatest(*[p.isNotNull() for p in parts]) if len(parts) > 1 else parts[0].isNotNull(),
                  total), checks


def _count(feature: Feature, types: Mapping[str, DataType], today: pd.Timestamp) -> tuple[Column, list[Check]]:
    parts, checks = _numbers(feature, types)
    counted = sum((F.when(F.coalesce(p, F.lit(0.0)) != 0, 1.0).otherwise(0.0) for p in parts), F.lit(0.0))
    return F.when(F.greatest(F.lit(False), *[p.isNotNull() for p in parts]), counted), checks


def _ratio(feature: Feature, types: Mapping[str, DataType], today: pd.Timestamp) -> tuple[Column, list[Check]]:
    (numerator, denominator), checks = _numbers(feature, types)
    zero = F.coalesce(denominator == 0, F.lit(False))
    checks.append(Check(zero, feature.sources[1], cell(feature.sources[1]), reasons.zero_denominator(feature.name, *feature.sources),
                        is_text(types[feature.sources[1]])))
    return F.when(~zero, numerator / denominator), checks


def _reference(feature: Feature, today: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(feature.reference) if feature.reference else today


def _years_since(feature: Feature, types: Mapping[str, DataType], today: pd.Timestamp) -> tuple[Column, list[Check]]:
    source, data_type = cell(feature.column), types[feature.column]
    reference = _reference(feature, today)
    number = F.lit(None).cast("double") if is_datetime(data_type) else parse_number(source, data_type)[0]
    is_year = F.coalesce(number.between(*_YEARS) & (number == F.floor(number)), F.lit(False))
    parts = date_parts(F.when(~is_year, source), feature.date_format)
    not_a_date = parts["nanos"].isNull() & ~parts["outside"] & ~is_year & ~missing_cell(source, data_type)
    before_birthday = (parts["month"] > reference.month) | (
        (parts["month"] == reference.month) & (parts["day"] > reference.day))
    from_dates = F.lit(float(reference.year)) - parts["year"] - before_birthday.cast("double")
    value = F.when(is_year, F.lit(float(reference.year)) - number).otherwise(from_dates)
    return value, [Check(not_a_date, feature.column, source, reasons.NOT_A_YEAR_OR_DATE, is_text(data_type)),
                   Check(parts["outside"] & ~is_year, feature.column, source, reasons.DATE_OUTSIDE, is_text(data_type))]


def _days_since(feature: Feature, types: Mapping[str, DataType], today: pd.Timestamp) -> tuple[Column, list[Check]]:
    source, data_type = cell(feature.column), types[feature.column]
    parts = date_parts(source, feature.date_format)
    not_a_date = parts["nanos"].isNull() & ~parts["outside"] & ~missing_cell(source, data_type)
    elapsed = F.lit(_reference(feature, today).value) - parts["nanos"]
    days = (elapsed - F.pmod(elapsed, F.lit(_DAY_NANOS))).cast("decimal(38,0)") / _DAY_NANOS  # floor, as pandas
    return days.cast("double"), [Check(not_a_date, feature.column, source, reasons.NOT_A_DATE, is_text(data_type)),
                                 Check(parts["outside"], feature.column, source, reasons.DATE_OUTSIDE, is_text(data_type))]


# One function per kind of the table's vocabulary (``features.table.DERIVATIONS``), named after it: a kind
# added there without its Spark expression fails here, at import.
_DERIVATIONS: dict[str | None, Callable[[Feature, Mapping[str, DataType], pd.Timestamp], tuple[Column, list[Check]]]] = {
    None: _plain, **{kind: globals()[f"_{kind}"] for kind in DERIVATIONS}}


def feature_values(table: FeatureTable, types: Mapping[str, DataType], today: pd.Timestamp | None = None
                   ) -> tuple[dict[str, Column], list[Check]]:
    """Every feature of ``table`` as a column expression over rows with the table's headers.

    Args:
        table: The feature table.
        types: The Spark type of each column of the rows (their schema).
        today: The reference date of ``years_since``/``days_since`` features that set none (default: today).

    Returns:
        ``{feature: value}`` (doubles in their units, null where missing or unreadable) and the checks
        of the source cells, in the order the pandas path records them.
    """
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today)
    values, checks = {}, []
    for feature in table:
        value, found = _DERIVATIONS[feature.derive](feature, types, today)
        value = value * feature.scale if feature.scale != 1.0 else value
        values[feature.name] = F.when(~F.isnan(value), value)  # NaN (e.g. inf / inf) is missing, as in pandas
        checks += found
    return values, _once_per_column(checks, reasons.NOT_FINITE)


def _once_per_column(checks: list[Check], reason: str) -> list[Check]:
    """The checks with ``reason`` kept once per column, however many derivations read it (as in pandas)."""
    seen: set[str] = set()
    kept = []
    for check in checks:
        if check.reason == reason:
            if check.column in seen:
                continue
            seen.add(check.column)
        kept.append(check)
    return kept

