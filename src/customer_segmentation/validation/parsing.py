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


def parse_dates(values: pd.Series, date_format: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parses a column of dates: ISO 8601 (``2014-03-05``) unless ``date_format`` says otherwise.

    Args:
        values: Text cells, or a datetime column (Parquet) used as it is.
        date_format: A ``strftime`` pattern such as ``"%d-%m-%Y"``; without it, ISO 8601 first and
            then pandas' per-cell inference (month first when ambiguous).

    Returns:
        The dates (NaT where missing or unparseable) and a mask of the cells that are not dates.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        dates = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        return dates.astype("datetime64[ns]"), pd.Series(False, index=values.index)
    missing = missing_cells(values)
    text = values.astype("string").str.strip().where(~missing)
    if date_format:
        dates = pd.to_datetime(text, format=date_format, errors="coerce")
    else:
        dates = pd.to_datetime(text, format="ISO8601", errors="coerce")
        retry = dates.isna() & ~missing
        if retry.any():
            dates = dates.astype("datetime64[ns]")
            dates[retry] = pd.to_datetime(text[retry], format="mixed", errors="coerce")
    dates = dates.astype("datetime64[ns]")
    return dates, (dates.isna() & ~missing).astype(bool)
