"""CSV downloads that are safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets ("CSV injection", OWASP). Such cells get a
leading ``'`` so they show as text. Numbers stay numbers: numeric columns are written as
they are, and a text cell that is just a number (``-1500``, ``+3.5``, ``-1,500``) is left alone.
"""

from __future__ import annotations

import re

import pandas as pd

# Full-width variants are treated as formula starts by some spreadsheet locales.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^ *[+-]?(?:\d[\d,. ]*|\.\d+)(?:[eE][+-]?\d+)? *$")


def neutralise(text: str) -> str:
    """``'=1+1`` for ``=1+1``; anything that cannot start a formula, or is a plain number, as is."""
    if _is_formula(text):
        return "'" + text
    return text


def spreadsheet_safe_csv(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with a byte-order mark, so Excel detects the encoding).

    Text cells (and headers) that a spreadsheet would evaluate are prefixed with ``'``;
    numeric columns are written as numbers.
    """
    safe = frame.copy()
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    for position, column in enumerate(safe.columns):
        values = safe.iloc[:, position]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        text = values.astype("string")
        stripped = text.str.lstrip(" ")
        risky = stripped.str[:1].isin(_FORMULA_STARTS) & ~text.str.match(_PLAIN_NUMBER)
        risky = risky.fillna(False).astype(bool)
        if risky.any():
            values = values.astype("object").copy()
            values[risky.to_numpy()] = "'" + text[risky]
            safe.isetitem(position, values)
    # CRLF line ends (RFC 4180): cells holding a lone CR or LF are then quoted and stay one cell.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _is_formula(text: str) -> bool:
    return text.lstrip(" ")[:1] in _FORMULA_STARTS and not _PLAIN_NUMBER.match(text)
