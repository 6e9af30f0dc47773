"""Category features (``type: category``): rare categories grouped as "Other", and the most frequent category.

A category held by fewer than ``rare_category_share`` of the rows (1 % by default) says little about a segment and
would get a prototype of its own in small samples: data_processing groups such categories as :data:`OTHER`,
and the trained model keeps which ones it grouped, so scoring groups them the same way.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

#: The category rare categories are grouped as.
OTHER = "Other"


def rare_categories(values: pd.Series, share: float) -> list[str]:
    """The categories held by fewer than ``share`` of the rows (missing cells count as rows), most frequent first.

    A lone category is never rare (there is nothing to group it with).
    """
    counts = values.value_counts(sort=True)
    rare = counts[counts < share * len(values)]
    if len(rare) == len(counts):
        return []
    return [str(category) for category in rare.index]


def group_rare(values: pd.Series, rare: Collection[str]) -> pd.Series:
    """``values`` with every category of ``rare`` replaced by :data:`OTHER`; other cells as they are."""
    if not len(rare):
        return values
    return values.where(~values.isin(list(rare)), OTHER)


def most_frequent(values: pd.Series) -> str | None:
    """The most frequent category (the first in sorted order on a tie); None when every cell is missing."""
    counts = values.value_counts()
    if counts.empty:
        return None
    top = counts[counts == counts.iloc[0]]
    return str(sorted(top.index.astype(str))[0])


__all__ = ["OTHER", "group_rare", "most_frequent", "rare_categories"]
