"""CSV files that are safe to open in a spreadsheet: every CSV the pipeline or the app writes.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets ("CSV injection", OWASP). Such cells get a
leading ``'`` so they show as text; so do header names. Where the reader's list separator is
``;`` (or ``,``, tab, ``|``), a cell such as ``x;=HYPERLINK(...)`` opens as two cells, so every part
after a separator is treated as a cell of its own. Numbers stay numbers: numeric columns are
written as they are, and a part that is just a number (``-1500``, ``+3.5``, ``-1,500``) is left alone.
"""

from __future__ import annotations

import re

import pandas as pd

# Full-width variants are treated as formula starts by some spreadsheet locales.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^ *[+-]?(?:\d[\d,. ]*|\.\d+)(?:[eE][+-]?\d+)? *$")
# A separator followed by something that could start a formula: the cell needs a closer look.
_AFTER_SEPARATOR = "[;,\t|] *[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20]"
_SEPARATORS = re.compile(r"([;,\t|])")


def neutralise(text: str) -> str:
    """``'=1+1`` for ``=1+1``, ``x;'=1+1`` for ``x;=1+1``; a cell that cannot start a formula in any of its
    parts, or whose parts are plain numbers (``-1,500``), as is."""
    parts = _SEPARATORS.split(text)  # cells at even positions, separators at odd ones
    safe = [part if position % 2 or not _is_formula(part) else "'" + part for position, part in enumerate(parts)]
    if _is_formula(text) and not safe[0].startswith("'"):  # e.g. a tab first: the whole cell is a formula
        safe[0] = "'" + safe[0]
    return "".join(safe)


def spreadsheet_safe_csv(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with a byte-order mark, so Excel detects the encoding), made safe by
    :func:`neutralise_frame`."""
    # CRLF line ends (RFC 4180): cells holding a lone CR or LF are then quoted and stay one cell.
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers a spreadsheet would not run; numbers untouched."""
    safe = frame.copy()
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    for position, column in enumerate(safe.columns):
        values = safe.iloc[:, position]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        text = values.astype("string")
        stripped = text.str.lstrip(" ")
        risky = (stripped.str[:1].isin(_FORMULA_STARTS) & ~text.str.match(_PLAIN_NUMBER)) | (
            text.str.contains(_AFTER_SEPARATOR, regex=True))
        risky = risky.fillna(False).astype(bool)
        if risky.any():
            values = values.astype("object").copy()
            values[risky.to_numpy()] = text[risky].map(neutralise).to_numpy()
            safe.isetitem(position, values)
    return safe


def _is_formula(text: str) -> bool:
    return text.lstrip(" ")[:1] in _FORMULA_STARTS and not _PLAIN_NUMBER.match(text)
