"""What counts as a duplicate customer record, and ids that name two different customers.

Two rows are duplicates when they hold the same customer: the same features once read as numbers
(``$12,345`` and ``12345``, ``30`` and ``30.0`` are the same value) and the same text in every other
column. A source cell that could not be read keeps its text, so two different unreadable rows are
never taken for one. Cells holding lists or maps (Parquet) are compared by their text.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from customer_segmentation.features.table import FeatureTable
from customer_segmentation.io.headers import normalise_header
from customer_segmentation.names import ROW_COLUMN
from customer_segmentation.io import hashing

_ID_HEADER = re.compile(r"^((customer|client|member|user|account)[ _-]?)?(id|no|number)$")
EXAMPLES = 10


def duplicate_key(customers: pd.DataFrame, features: pd.DataFrame, source_problems: pd.DataFrame,
                  table: FeatureTable) -> pd.DataFrame:
    """The columns that decide whether two rows are the same customer (see the module docstring)."""
    sources = set(table.source_columns)
    key = {column: _comparable(customers[column]) for column in customers.columns
           if column != ROW_COLUMN and column not in sources and column not in features.columns}
    key.update({name: features[name] for name in features.columns})
    for column in table.source_columns:
        rows = source_problems.loc[source_problems["column"] == column, "row"]
        if len(rows):  # most files have none: no pass over millions of rows for nothing
            flagged = customers.index.isin(rows)
            key[f"{column} (unreadable)"] = _comparable(customers[column].where(flagged).astype("object"))
    return pd.DataFrame(key, index=customers.index, copy=False)


def _comparable(values: pd.Series) -> pd.Series:
    if values.dtype == object and values.map(lambda v: isinstance(v, (list, tuple, dict, set, np.ndarray))).any():
        return values.map(repr)
    return values


def find_id_column(customers: pd.DataFrame, id_column: str | None, table: FeatureTable) -> str | None:
    """The column holding customer ids: ``id_column``, or with ``auto`` the first header such as ``ID``,
    ``customer_id``, ``CustomerID`` that is not a feature's source; None when there is none."""
    if id_column in (None, "none"):
        return None
    if id_column != "auto":
        return id_column if id_column in customers.columns else None
    sources = {normalise_header(c) for c in table.source_columns}
    for column in customers.columns:
        name = normalise_header(column)
        if column != ROW_COLUMN and name not in sources and _ID_HEADER.match(name.replace("customerid", "customer id")):
            return str(column)
    return None


def conflicting_ids(unique: pd.DataFrame, column: str | None) -> dict[str, Any] | None:
    """Ids that more than one (different) record carries: ``{column, ids, examples}``, or None."""
    if column is None:
        return None
    ids = unique[column]
    present = (ids.notna() & (ids.astype("string").str.strip() != "")).to_numpy()
    if not present.all():  # filtering copies every id: only when some are blank
        ids = ids[present]
    values = pd.unique(ids[hashing.repeated(ids)].astype("string"))
    return {"column": column, "ids": int(len(values)), "examples": [str(v) for v in values[:EXAMPLES]]}
