"""A column's distinct cells: the rules of a cell need only its value, so they run once per distinct value.

An order log repeats its customer ids, dates, products and prices on many lines (10M lines hold a few hundred
thousand distinct dates). :meth:`DistinctCells.of` finds the distinct cells (``pd.factorize``: Arrow's dictionary
encoding for text); a rule computes over ``distinct``, and :meth:`~DistinctCells.mask` and
:meth:`~DistinctCells.take` carry its result back to the lines.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray


class DistinctCells(NamedTuple):
    """A column's cells as read, and its distinct cells."""

    cells: pd.Series  #: the column as read
    distinct: pd.Series  #: its distinct cells; the cells themselves when ``codes`` is None
    codes: np.ndarray | None  #: per line, the position of its cell in ``distinct``; None: each line on its own

    @classmethod
    def of(cls, cells: pd.Series, factorize: bool = True) -> DistinctCells:
        """The distinct cells of ``cells``; with ``factorize=False``, and for a column of Python objects (where 1,
        1.0 and True are equal, yet read differently), every cell on its own."""
        if not factorize or cells.dtype == object:
            return cls(cells, cells, None)
        codes, distinct = pd.factorize(cells, use_na_sentinel=False)
        if len(distinct) < 2**31:  # half the memory of pandas' 64-bit codes, for each of 10M lines
            codes = codes.astype(np.int32)
        return cls(cells, pd.Series(distinct, dtype=cells.dtype), codes)

    def mask(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """A boolean mask over the distinct cells, over the lines."""
        mask = np.asarray(values, dtype=bool)
        return mask if self.codes is None else mask[self.codes]

    def take(self, values: pd.Series, positions: np.ndarray | None = None, categorical: bool = False
             ) -> ExtensionArray | pd.Series:
        """The values of the distinct cells for the lines at ``positions`` (every line: None); ``categorical``: as a
        ``pd.Categorical`` of the distinct values in sorted order (lines grouped by them need no factorizing)."""
        at = positions if self.codes is None else self.codes if positions is None else self.codes[positions]
        if categorical:
            codes, categories = pd.factorize(values, sort=True)
            return pd.Categorical.from_codes(take(codes, at), categories=categories, validate=False)
        return take(values, at)


def take(values: pd.Series | np.ndarray, positions: np.ndarray | None = None) -> ExtensionArray | pd.Series | np.ndarray:
    """``values`` at ``positions`` (all of them: None), without an index to align."""
    if positions is None:
        return values.array if isinstance(values, pd.Series) else values
    return values.array.take(positions) if isinstance(values, pd.Series) else values[positions]


__all__ = ["DistinctCells", "take"]
