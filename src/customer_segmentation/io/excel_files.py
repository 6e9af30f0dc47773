"""Customer Excel workbooks read as text cells, a formula never silently lost.

pandas reads an Excel formula by its saved value; a workbook written by a program that never computed
its formulas has none, and pandas would read an empty cell that the pipeline then imputes. Here such a
cell reads as its formula text (``=SUM(B2:B4)``), which validation rejects with a reason that says to
open and save the file. Everything else reads as pandas would, as text, with ``source_row`` the
row's line in the sheet counted from the line under the header.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.io.csv_files import MAX_COLUMNS
from customer_segmentation.names import ROW_COLUMN


def read_customer_excel(path: str | Path, sheet: str | int = 0, max_columns: int = MAX_COLUMNS) -> pd.DataFrame:
    """The sheet's cells as text, a formula without a saved value as its formula."""
    from openpyxl import load_workbook

    values = load_workbook(path, read_only=True, data_only=True)
    formulas = load_workbook(path, read_only=True, data_only=False)
    try:
        names = values.sheetnames
        title = names[sheet] if isinstance(sheet, int) else sheet
        if title not in names:
            raise CustomerDataError(f"{path} has no sheet {sheet!r}; its sheets are {names}")
        rows = [[_text(v, f) for v, f in zip(value_row, formula_row)]
                for value_row, formula_row in zip(values[title].iter_rows(values_only=True),
                                                  formulas[title].iter_rows(values_only=True))]
    finally:
        values.close()
        formulas.close()
    if not rows or not any(rows[0]):
        raise CustomerDataError(f"{path} sheet {title!r} is empty: it needs a header row and customer rows")
    header, body = [h.strip() for h in rows[0]], rows[1:]
    while header and not header[-1] and all(not r[len(header) - 1] for r in body if len(r) >= len(header)):
        header.pop()
    if len(header) > max_columns:
        raise CustomerDataError(f"{path} has {len(header):,} columns; at most {max_columns:,} are read")
    numbered = [(i, r) for i, r in enumerate(body, start=1) if any(c for c in r[: len(header)])]
    frame = pd.DataFrame([(r + [""] * len(header))[: len(header)] for _, r in numbered], columns=header, dtype="str")
    frame.insert(0, ROW_COLUMN, [i for i, _ in numbered])
    return frame


def _text(value: Any, formula: Any) -> str:
    if value is None:
        return formula if isinstance(formula, str) and formula.startswith("=") else ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)
