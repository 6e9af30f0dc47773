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
        if not self._entries:
            return empty_problems()
        found = [np.flatnonzero(mask) for mask, *_ in self._entries]
        # Each rule's rows are in order: a stable sort of the rows keeps a row's records in the order found.
        order = np.argsort(np.concatenate(found), kind="stable")
        entry = np.repeat(np.arange(len(found)), [len(positions) for positions in found])[order]
        shown = np.concatenate([values.iloc[positions].astype("object").to_numpy() if values is not None
                                else np.full(len(positions), None, dtype=object)
                                for positions, (_, _, values, _) in zip(found, self._entries)])
        columns, reasons = (pd.Index([entry[i] for entry in self._entries], dtype="str") for i in (1, 3))
        return pd.DataFrame({"row": self.index[np.concatenate(found)[order]], "column": columns.take(entry).array,
                             "value": shown[order], "reason": reasons.take(entry).array})


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

    A record without a column is about the whole row; its reason is the sentence. A sentence is written once per
    distinct (column, value, reason): millions of rows rejected for the same few reasons cost a few sentences.
    """
    column, reason = problems["column"].fillna(""), problems["reason"]
    values = problems["value"].to_numpy(dtype=object)
    # 1, 1.0 and True are equal values written differently: unless the values are of one kind, the type is in the key.
    kinds = [] if pd.api.types.infer_dtype(values, skipna=True) in _ONE_KIND else [
        np.fromiter(map(type, values), dtype=object, count=len(values))]
    try:
        key = _key(column, reason, values, *kinds)
    except TypeError:  # an unhashable value (a list cell): each record on its own
        key = np.arange(len(problems))
    first = np.unique(key, return_index=True)[1]  # the keys are numbered in order of appearance
    texts = np.array([f"{reason.iloc[i]}" if not column.iloc[i] else
                      f"{column.iloc[i]}: {_cached_show(values[i])} is {reason.iloc[i]}" for i in first.tolist()],
                     dtype=object)
    return pd.Series(texts[key], index=problems.index, dtype="object")


#: ``infer_dtype`` kinds whose values are all of one type (missing values aside, all written ``empty``).
_ONE_KIND = frozenset({"empty", "string", "integer", "floating"})


def _key(*columns: pd.Series | np.ndarray) -> np.ndarray:
    """One integer per row, equal where every one of ``columns`` is equal, numbered in order of appearance."""
    key = np.zeros(len(columns[0]), dtype="int64")
    for values in columns:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        key = pd.factorize(key * len(uniques) + codes)[0]
    return key


def reasons_by_row(problems: pd.DataFrame) -> pd.Series:
    """The ``rejection_reason`` of every row with problems: its sentences joined by ``"; "``."""
    if problems.empty:
        return pd.Series(dtype="object")
    texts, rows = problem_text(problems).to_numpy(), problems["row"].to_numpy()
    # Records of a row are consecutive (``combine`` orders them by row): join each run of equal rows.
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    joined = texts[starts]
    for position in np.flatnonzero(ends - starts > 1).tolist():
        joined[position] = "; ".join(texts[starts[position]:ends[position]])
    return pd.Series(joined, index=rows[starts], dtype="object")


def problem_kinds(problems: pd.DataFrame) -> np.ndarray:
    """Each record's kind of problem, as the counts and the reports word it: ``"age: outside the allowed range
    [18, 100]"``, or the reason alone for a problem of the whole row."""
    column, reason = problems["column"].fillna("").astype(str), problems["reason"].astype(str)
    return np.where(column == "", reason, column + ": " + reason)


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
    if counts is None:  # one record per problem: counted per distinct (column, reason), then worded
        pairs = _key(problems["column"].fillna(""), problems["reason"])
        first = np.unique(pairs, return_index=True)[1]
        problems = problems.iloc[first].assign(_count=np.bincount(pairs))
        counts = "_count"
    totals = pd.Series(problems[counts].to_numpy(), index=problem_kinds(problems)).groupby(level=0, sort=False).sum()
    return {str(k): int(v) for k, v in totals.sort_values(ascending=False, kind="stable").items()}


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
