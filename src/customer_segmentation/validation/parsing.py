"""Numbers and dates from the text that people and spreadsheets write.

``"58773"``, ``"-12.5"``, ``"1e6"``, ``"$58,773.50"``, ``"58 773 €"`` are numbers: currency symbols
and surrounding spaces are noise; commas and spaces inside a number are thousands separators only in
groups of three (``"1,234,567"``, ``"72 000"``), so ``"1,5"`` is ambiguous and ``"30 40"`` is two
numbers: neither is a number. Text that means "no value" (``NA``, ``null``, ...) is missing. A cell
holding a formula (``=SUM(B2:B4)``: a spreadsheet formula whose value was never saved) is not a number.

A category is the cell's text, trimmed (``" DSL "`` is ``"DSL"``); only an empty cell is a missing category,
since text such as ``None`` or ``NA`` may be a category of its own.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pandas as pd

# Text that means "no value" in exported spreadsheets.
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "?"})
_CURRENCY = re.compile(r"[$€£¥]")
_SPACES = "[ \u00a0\u202f]"
_GROUPED = re.compile(rf"^[+-]?\d{{1,3}}((,\d{{3}})+|({_SPACES}\d{{3}})+)(\.\d+)?$")


def missing_cells(values: pd.Series) -> pd.Series:
    """True where a cell holds no value (empty, ``NA``, ``null``, ...)."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values.isna()
    text = values.astype("string").str.strip()
    return (text.isna() | text.str.lower().isin(MISSING_TOKENS)).astype(bool)


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parses a column of numbers written by people or spreadsheets.

    Returns:
        The values as float64 (NaN where missing or unparseable) and a boolean mask
        of the cells that held text which is not a number.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64"), pd.Series(False, index=values.index)
    text = values.astype("string").str.strip()
    missing = text.isna() | text.str.lower().isin(MISSING_TOKENS)
    cleaned = text.str.replace(_CURRENCY, "", regex=True).str.strip(" \u00a0\u202f")
    grouped = cleaned.str.match(_GROUPED).fillna(False).astype(bool)
    cleaned = cleaned.where(~grouped, cleaned.str.replace(rf"[,{_SPACES[1:-1]}]", "", regex=True))
    numbers = pd.to_numeric(cleaned.where(~missing), errors="coerce").astype("float64")
    not_a_number = numbers.isna() & ~missing
    return numbers, not_a_number.astype(bool)


def parse_categories(values: pd.Series) -> pd.Series:
    """A column of categories as trimmed text (``str`` dtype), missing (NaN) where a cell is empty.

    Numbers (a Parquet column of codes, say) become their text as people write it: ``1``, not ``1.0``.
    """
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values == values.round())
        text = values.astype("string").where(~whole, values.where(whole).astype("Int64").astype("string"))
    else:
        text = values.astype("string")
    text = text.str.strip()
    return text.where(text != "").astype("str")


def is_formula(values: pd.Series) -> pd.Series:
    """True where a text cell holds a spreadsheet formula (``=SUM(B2:B4)``) instead of its value."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return pd.Series(False, index=values.index)
    return values.astype("string").str.strip().str.startswith("=").fillna(False).astype(bool)


#: The dates a cell may hold: those pandas can compute with (nanoseconds since 1970 in 64 bits), whole days.
DATE_RANGE = (pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31"))
# Text that pandas would take for a date but people do not write as one: words (``today``, ``now``), numbers
# with a sign or a decimal point (``-1957``, ``1957.5``) and digits other than 0-9 (``١٩٥٧``).
_NO_DIGIT = re.compile(r"^[^0-9]*$")
_SIGNED_OR_DECIMAL = re.compile(r"^([+-]\d*\.?\d*|\d*\.\d*)$")
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def _other_digits(text: pd.Series) -> pd.Series:
    """Cells holding a digit other than 0-9 (``١٩٥٧``). Only cells with a character beyond ASCII can: the others are
    not searched (the pattern's lookahead has no Arrow equivalent, so searching every cell runs Python's regex on
    each, about 8 s for 10M order lines)."""
    found = pd.Series(False, index=text.index)
    beyond_ascii = ~text.str.isascii().fillna(True).astype(bool)
    if beyond_ascii.any():
        found[beyond_ascii] = text[beyond_ascii].str.contains(_OTHER_DIGIT).fillna(False).astype(bool)
    return found


class DateCells(NamedTuple):
    """A column of cells read as dates."""

    dates: pd.Series  #: datetime64[ns], naive, in UTC; NaT where missing, not a date or outside ``DATE_RANGE``
    not_a_date: pd.Series  #: cells holding something that is not a date
    outside: pd.Series  #: cells holding a date outside ``DATE_RANGE``


def read_dates(values: pd.Series, date_format: str | None = None) -> DateCells:
    """Reads a column of dates: ISO 8601 (``2014-03-05``) unless ``date_format`` says otherwise.

    A date with a time zone (``1980-06-01T12:00:00+05:00``, ``Sat, 01 Jun 1980 10:00:00 GMT``) is converted to
    UTC, so a column may mix zones; a date without one is taken as it is.

    Args:
        values: Text cells, or a datetime column (Parquet) used as it is.
        date_format: A ``strftime`` pattern such as ``"%d-%m-%Y"``; without it, ISO 8601 first and
            then pandas' per-cell inference (month first when ambiguous).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        dates = values.dt.tz_convert(None) if getattr(values.dt, "tz", None) is not None else values
        return _within_range(dates, pd.Series(False, index=values.index))
    missing = missing_cells(values)
    text = values.astype("string").str.strip().where(~missing)
    refused = (text.str.match(_NO_DIGIT) | text.str.match(_SIGNED_OR_DECIMAL)).fillna(False).astype(bool)
    refused |= _other_digits(text)
    text = text.where(~refused)
    if date_format:
        dates = _to_datetime(text, date_format)
    else:
        dates = _to_datetime(text, "ISO8601")
        retry = (dates.isna() & text.notna()).to_numpy()
        if retry.any():
            dates = dates.where(~retry, _to_datetime(text[retry], "mixed").reindex(text.index))
    return _within_range(dates, (dates.isna() & ~missing).astype(bool))


def _to_datetime(text: pd.Series, date_format: str) -> pd.Series:
    """The cells as naive UTC dates at microsecond resolution (wide enough for any year 1-9999), NaT if not dates."""
    dates = pd.to_datetime(text, format=date_format, errors="coerce", utc=True)
    return dates.dt.tz_convert(None).astype("datetime64[us]")


def _within_range(dates: pd.Series, not_a_date: pd.Series) -> DateCells:
    low, high = DATE_RANGE
    outside = (dates.notna() & ((dates < low) | (dates >= high + pd.Timedelta(days=1)))).astype(bool)
    kept = dates.where(~outside).astype("datetime64[ns]")
    return DateCells(kept, not_a_date.astype(bool), outside)


def parse_dates(values: pd.Series, date_format: str | None = None) -> tuple[pd.Series, pd.Series]:
    """:func:`read_dates` as (dates, cells that are not dates in ``DATE_RANGE``)."""
    cells = read_dates(values, date_format)
    return cells.dates, cells.not_a_date | cells.outside
