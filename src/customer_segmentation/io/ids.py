"""Customer and order ids as text people write them, whatever the file's column type.

A spreadsheet export turns the id ``12346`` into ``12346.0`` once a cell of its column is empty; the same id must
read the same in every file, so whole numbers are written without ``.0`` and text without surrounding spaces. Used
where ids are checked (an order log's lines) and where they are matched (a refresh's snapshots).
"""

from __future__ import annotations

import pandas as pd


def id_text(values: pd.Series) -> pd.Series:
    """``values`` as id text: ``12346``, not ``12346.0``; text stripped; missing cells stay missing (an empty text
    cell stays empty)."""
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values % 1 == 0)  # not inf, whose round is itself
        text = values.astype("string").where(~whole, values.where(whole).astype("Int64").astype("string"))
    else:
        text = values.astype("string")
    return text.str.strip()


__all__ = ["id_text"]
