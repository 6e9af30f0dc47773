"""Problems as data: one record per (row, column, value, reason), and the texts derived from them.

Rules record problems as boolean masks over all rows (:class:`ProblemLog`), so millions of valid
rows cost a few vectorised passes and no strings; records are built for the failing rows only.
The ``rejection_reason`` of a row (``"age: 7 is outside the allowed range [18, 100]"``), the app's
problem list and the quality report's counts are all derived from the same records.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PROBLEM_COLUMNS = ("row", "column", "value", "reason")


@dataclass
class ProblemLog:
    """Collects problems over the rows of ``index`` (a frame's index, in row order)."""

    index: pd.Index
    _entries: list[tuple[np.ndarray, str, pd.Series | None, str]] = field(default_factory=list)

    def add(self, mask: np.ndarray | pd.Series, column: str, values: pd.Series | None, reason: str) -> None:
        """Records ``reason`` for the rows where ``mask`` is true, showing their ``values`` (None: no value)."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self._entries.append((mask, column, values, reason))

    def flagged(self) -> np.ndarray:
        """True for every row with at least one problem."""
        flagged = np.zeros(len(self.index), dtype=bool)
        for mask, *_ in self._entries:
            flagged |= mask
        return flagged

    def to_frame(self) -> pd.DataFrame:
        """One record per problem, ordered by row then by when it was found."""
        parts = []
        for order, (mask, column, values, reason) in enumerate(self._entries):
            positions = np.flatnonzero(mask)
            shown = values.iloc[positions].astype("object").to_numpy() if values is not None else None
            parts.append(pd.DataFrame({
                "_position": positions, "_order": order, "row": self.index[positions], "column": column,
                "value": shown if shown is not None else [None] * len(positions), "reason": reason,
            }))
        if not parts:
            return empty_problems()
        frame = pd.concat(parts, ignore_index=True).sort_values(["_position", "_order"], kind="stable")
        return frame[list(PROBLEM_COLUMNS)].reset_index(drop=True)


def empty_problems() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series(dtype="int64"), "column": pd.Series(dtype="object"),
                         "value": pd.Series(dtype="object"), "reason": pd.Series(dtype="object")})


def combine(*frames: pd.DataFrame, order: pd.Index, columns: list[str] | None = None) -> pd.DataFrame:
    """Problem records of several rules as one table, ordered by row (in ``order``), then by column
    (in ``columns``; whole-row problems last), then as given."""
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        return empty_problems()
    combined = pd.concat(frames, ignore_index=True)
    rank = {column: position for position, column in enumerate(columns or [])}
    keys = pd.DataFrame({"row": order.get_indexer(combined["row"]),
                         "column": combined["column"].map(rank).fillna(len(rank)).to_numpy()})
    combined = combined.iloc[keys.sort_values(["row", "column"], kind="stable").index]
    return combined.reset_index(drop=True)


def problem_text(problems: pd.DataFrame) -> pd.Series:
    """Each record as a sentence: ``"age: 7 is outside the allowed range [18, 100]"``.

    A record without a column is about the whole row; its reason is the sentence.
    """
    texts = [reason if not column else f"{column}: {_cached_show(value)} is {reason}"
             for column, value, reason in zip(problems["column"].fillna("").tolist(), problems["value"].tolist(),
                                              problems["reason"].astype(str).tolist())]
    return pd.Series(texts, index=problems.index, dtype="object")


def reasons_by_row(problems: pd.DataFrame) -> pd.Series:
    """The ``rejection_reason`` of every row with problems: its sentences joined by ``"; "``."""
    if problems.empty:
        return pd.Series(dtype="object")
    texts, rows = problem_text(problems).tolist(), problems["row"].to_numpy()
    # Records of a row are consecutive (``combine`` orders them by row): join each run of equal rows.
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    return pd.Series(["; ".join(texts[s:e]) for s, e in zip(starts.tolist(), ends.tolist())], index=rows[starts],
                     dtype="object")


def counts_by_reason(problems: pd.DataFrame, counts: str | None = None) -> dict[str, int]:
    """How many times each kind of problem occurred: ``{"age: outside the allowed range [18, 100]": 3}``.

    Args:
        problems: One record per problem; or, with ``counts``, per kind of problem (``column``, ``reason``),
            in the order each kind first occurred.
        counts: The column holding how often each record's problem occurred (problems counted elsewhere).

    Returns:
        The counts, most frequent first; kinds as frequent as each other in the order they first occurred.
    """
    if problems.empty:
        return {}
    column = problems["column"].fillna("").astype(str)
    key = np.where(column == "", problems["reason"].astype(str), column + ": " + problems["reason"].astype(str))
    if counts is not None:
        totals = pd.Series(problems[counts].to_numpy(), index=key).groupby(level=0, sort=False).sum()
        return {str(k): int(v) for k, v in totals.sort_values(ascending=False, kind="stable").items()}
    return {str(k): int(v) for k, v in pd.Series(key).value_counts().items()}


def _cached_show(value: object) -> str:
    """``show_value`` for the values files repeat (the same bad text or number on many rows)."""
    try:
        return _show_cached(value)
    except TypeError:  # unhashable (a list cell)
        return show_value(value)


def show_value(value: object) -> str:
    """A value as it appears in a message: text quoted (``'abc'``), numbers plain (``7``), missing as ``empty``."""
    if isinstance(value, str):
        return repr(value)
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return "empty"
    if isinstance(value, (float, int, np.number)) and float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


_show_cached = functools.lru_cache(maxsize=65_536)(show_value)
