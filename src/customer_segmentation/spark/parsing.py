"""Numbers and dates in cells, read exactly as ``validation/parsing.py`` reads them, as Spark expressions.

Numbers are parsed by the JVM with the same steps and the same patterns as :func:`parse_numbers`
(surrounding whitespace, the "no value" tokens, currency symbols, thousands separators in groups of
three, formulas), translated to Java regular expressions. Dates go through :func:`read_dates` itself, in a
vectorised pandas UDF: its fallback is pandas' per-cell date inference, which Spark has no equivalent
of. ``tests/spark/test_parsing.py`` checks both against the pandas functions on random cells.
"""

from __future__ import annotations

import re

import pandas as pd
from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, DateType, NumericType, StringType, TimestampNTZType, TimestampType

from customer_segmentation.validation.parsing import _CURRENCY, _GROUPED, _SPACES, MISSING_TOKENS, read_dates

# Python's ``\s`` on text is Java's Unicode ``\s`` plus the four ASCII information separators.
_PY_SPACE = r"\s\x1c-\x1f"
_STRIP = rf"(?U)^[{_PY_SPACE}]+|[{_PY_SPACE}]+$"
# Java's Double.parseDouble also takes a type suffix ("1d", "2.5f"); pandas does not ("inf" is a number).
_TYPE_SUFFIX = "[0-9.][dDfF]$"
# parse_numbers strips these around a number, and removes them (and commas) inside a grouped one.
_EDGE_SPACES = f"^{_SPACES}+|{_SPACES}+$"
_SEPARATORS = f"[,{_SPACES[1:-1]}]"
DATE_PARTS = "nanos long, year int, month int, day int, outside boolean"


def java_regex(pattern: re.Pattern) -> str:
    """A Python pattern of ``validation/parsing.py`` as the same Java pattern (Unicode classes, Python's ``\\s``)."""
    return "(?U)" + pattern.pattern.replace(r"\s", _PY_SPACE)


def is_datetime(data_type: DataType) -> bool:
    return isinstance(data_type, (DateType, TimestampType, TimestampNTZType))


def is_text(data_type: DataType) -> bool:
    """Cells read as text (strings, and anything that is neither a number nor a date)."""
    return not isinstance(data_type, NumericType) and not is_datetime(data_type)


def strip(cell: Column) -> Column:
    """The cell as text without surrounding whitespace (Python's ``str.strip``)."""
    return F.regexp_replace(cell.cast("string"), _STRIP, "")


def missing_cell(cell: Column, data_type: DataType) -> Column:
    """True where a cell holds no value (empty, ``NA``, ``null``, ...; NaN in a number column)."""
    if isinstance(data_type, NumericType):
        return cell.isNull() | F.isnan(cell.cast("double"))
    if not is_text(data_type):
        return cell.isNull()
    return cell.isNull() | F.lower(strip(cell)).isin(*sorted(MISSING_TOKENS))


def parse_number(cell: Column, data_type: DataType) -> tuple[Column, Column, Column]:
    """The cell as a double (null where missing or unreadable), whether it held text that is not a number,
    and whether that text is a spreadsheet formula (``=SUM(B2:B4)``)."""
    if isinstance(data_type, NumericType):
        number = cell.cast("double")
        return F.when(~F.isnan(number), number), F.lit(False), F.lit(False)
    text = strip(cell)
    missing = missing_cell(cell, StringType())
    cleaned = F.regexp_replace(F.regexp_replace(text, java_regex(_CURRENCY), ""), _EDGE_SPACES, "")
    cleaned = F.when(cleaned.rlike(java_regex(_GROUPED)), F.regexp_replace(cleaned, _SEPARATORS, "")).otherwise(cleaned)
    number = F.when(~cleaned.rlike(_TYPE_SUFFIX), cleaned.try_cast("double"))
    number = F.when(~missing & ~F.isnan(number), number)
    not_a_number = number.isNull() & ~missing
    return number, not_a_number, not_a_number & text.startswith("=")


def date_parts(cell: Column, date_format: str | None) -> Column:
    """``read_dates`` of the cell as a struct: nanoseconds since 1970 and the calendar date (null if not a date),
    and whether it is a date outside the dates that can be read."""

    @F.pandas_udf(DATE_PARTS)
    def parse(cells: pd.Series) -> pd.DataFrame:
        dates, _, outside = read_dates(cells, date_format)
        valid = dates.notna()
        return pd.DataFrame({
            "nanos": pd.array(dates.astype("int64").where(valid), dtype="Int64"),
            "year": pd.array(dates.dt.year, dtype="Int32"),
            "month": pd.array(dates.dt.month, dtype="Int32"),
            "day": pd.array(dates.dt.day, dtype="Int32"),
            "outside": outside.to_numpy(dtype=bool),
        })

    return parse(cell)
