"""Order lines to one row per customer: the ``aggregate`` vocabulary of the feature table.

A feature with ``aggregate: <kind>`` is computed from an order log's validated lines
(``validation/order_lines.py``), grouped by customer. The kinds are functions of this module, never evaluated
text:

* ``recency``: days from the customer's last purchase to the snapshot date;
* ``orders``: distinct purchase orders (cancellations are not orders);
* ``revenue``: net revenue, quantity x price summed with returns and cancellations subtracted;
* ``tenure``: days from the first purchase to the snapshot date;
* ``average_order_value``: net revenue per purchase order;
* ``distinct_products``: distinct products bought (needs ``transactions.product``);
* ``{orders_in_last: N}``: distinct purchase orders in the N days before the snapshot date;
* ``return_rate``: the value returned as a share of the value bought.

The snapshot date is ``transactions.snapshot_date`` or the day after the last line of the log. Features derived
from aggregates (``derive: ratio`` of two of them) are computed afterwards like any derivation.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.typing import SeriesGroupBy

from customer_segmentation.errors import ConfigurationError

AGGREGATES = ("recency", "orders", "revenue", "tenure", "average_order_value", "distinct_products",
              "orders_in_last", "return_rate")
#: Aggregates written as ``{kind: N}`` (a number of days).
WINDOWED = ("orders_in_last",)


def read_aggregate(where: str, value: Any, problems: list[str]) -> tuple[str | None, int | None]:
    """An ``aggregate`` setting as ``(kind, days)``; problems are appended with the fix."""
    days = None
    if isinstance(value, Mapping) and len(value) == 1:
        (value, days), = value.items()
        if value not in WINDOWED or isinstance(days, bool) or not isinstance(days, int) or days < 1:
            problems.append(f"{where}: aggregate {{{value}: {days!r}}} should be {{orders_in_last: N}} with N a "
                            "whole number of days, e.g. {orders_in_last: 90}")
            return None, None
    elif value in WINDOWED:
        problems.append(f"{where}: aggregate '{value}' needs a number of days: write {{{value}: 90}}")
        return None, None
    if not isinstance(value, str) or value not in AGGREGATES:
        close = difflib.get_close_matches(str(value), AGGREGATES, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        problems.append(f"{where}: aggregate {value!r} is not one of {', '.join(AGGREGATES)}{hint}")
        return None, None
    return value, days


def snapshot_of(lines: pd.DataFrame, snapshot_date: Any = None) -> pd.Timestamp:
    """The date recency and tenure count to: the configured one, or the day after the log's last line."""
    if snapshot_date is not None:
        return pd.Timestamp(snapshot_date)
    return (lines["date"].max().normalize() + pd.Timedelta(days=1)) if len(lines) else pd.Timestamp.today()


class _Lines:
    """The lines grouped by customer, the customers numbered in id order (one factorization for every aggregate),
    with the purchases (not returns) apart."""

    def __init__(self, lines: pd.DataFrame, snapshot: pd.Timestamp) -> None:
        self.lines, self.snapshot = lines, snapshot
        self.codes, self.customers = pd.factorize(lines["customer_id"], sort=True)
        self.purchase = ~lines["is_return"].to_numpy(dtype=bool)

    def by_customer(self, column: str) -> SeriesGroupBy:
        return self.lines[column].groupby(self.codes, sort=True)

    def bought(self, column: str, among: np.ndarray | None = None) -> SeriesGroupBy:
        """``column`` of the purchases (``among`` those lines, if given) grouped by customer."""
        keep = self.purchase if among is None else self.purchase & among
        return self.lines[column][keep].groupby(self.codes[keep], sort=True)

    def distinct(self, column: str, among: np.ndarray | None = None) -> pd.Series:
        """How many distinct values of ``column`` (missing ones aside) each customer's purchases hold (``among``
        those lines), as ``nunique`` counts them: the distinct (customer, value) pairs counted per customer, which
        costs one factorization and no sort."""
        keep = self.purchase if among is None else self.purchase & among
        values = pd.factorize(self.lines[column][keep])[0]
        known = values >= 0
        width = np.int64(values.max(initial=0) + 1)
        pairs = pd.unique(self.codes[keep][known] * width + values[known])
        counts = np.bincount(pairs // width, minlength=len(self.customers))
        return pd.Series(counts, dtype="float64")


def _days_to_snapshot(dates: pd.Series, snapshot: pd.Timestamp) -> pd.Series:
    return ((snapshot - dates).dt.total_seconds() / 86_400).floordiv(1).astype("float64")


def _recency(g: _Lines, days: int | None) -> pd.Series:
    return _days_to_snapshot(g.bought("date").max(), g.snapshot)


def _tenure(g: _Lines, days: int | None) -> pd.Series:
    return _days_to_snapshot(g.bought("date").min(), g.snapshot)


def _orders(g: _Lines, days: int | None) -> pd.Series:
    return g.distinct("order_id")


def _revenue(g: _Lines, days: int | None) -> pd.Series:
    return g.by_customer("amount").sum().astype("float64")


def _average_order_value(g: _Lines, days: int | None) -> pd.Series:
    return _revenue(g, None) / _orders(g, None)


def _distinct_products(g: _Lines, days: int | None) -> pd.Series:
    if g.lines["product"][g.purchase].isna().all():
        raise ConfigurationError("aggregate 'distinct_products' needs the log's product column: set "
                                 "transactions.product to its header (e.g. product: StockCode)")
    return g.distinct("product")


def _orders_in_last(g: _Lines, days: int | None) -> pd.Series:
    recent = (g.lines["date"] >= g.snapshot - pd.Timedelta(days=days)).to_numpy()
    return g.distinct("order_id", among=recent)


def _return_rate(g: _Lines, days: int | None) -> pd.Series:
    returned = (-g.lines["amount"].where(g.lines["is_return"], 0.0)).groupby(g.codes).sum()
    bought = g.bought("amount").sum()
    return (returned / bought.where(bought > 0)).astype("float64")


_KINDS: dict[str, Callable[[_Lines, int | None], pd.Series]] = {
    "recency": _recency, "orders": _orders, "revenue": _revenue, "tenure": _tenure,
    "average_order_value": _average_order_value, "distinct_products": _distinct_products,
    "orders_in_last": _orders_in_last, "return_rate": _return_rate,
}
assert set(_KINDS) == set(AGGREGATES), "every aggregate kind needs its function"


def aggregate_lines(lines: pd.DataFrame, aggregates: Mapping[str, tuple[str, int | None]], snapshot: pd.Timestamp,
                    id_column: str = "customer_id") -> pd.DataFrame:
    """One row per customer of ``lines``: the id (under ``id_column``) and each aggregate.

    Args:
        lines: Validated lines (``validation.order_lines.LINE_COLUMNS``).
        aggregates: ``{feature name: (kind, days)}``.
        snapshot: The date recency, tenure and windows count to.
        id_column: The header the customer id gets (the log's own).

    Returns:
        Customers in id order; a customer without a purchase (returns only) has no recency or orders (0).
    """
    grouped = _Lines(lines, snapshot)
    customers = pd.RangeIndex(len(grouped.customers))  # the customers' numbers, in id order
    computed: dict[tuple[str, int | None], pd.Series] = {}  # a kind asked twice (a feature, the net revenue) once
    for kind, days in aggregates.values():
        if (kind, days) not in computed:
            computed[kind, days] = _KINDS[kind](grouped, days).reindex(customers)
    values = {name: computed[kind, days] for name, (kind, days) in aggregates.items()}
    counts = {name for name, (kind, _) in aggregates.items() if kind in ("orders", "orders_in_last",
                                                                          "distinct_products")}
    frame = pd.DataFrame({name: value.fillna(0.0) if name in counts else value for name, value in values.items()},
                         index=customers)
    # The ids as Python values, their Index's dtype inferred (``str``, not the lines' ``string``).
    frame.index = pd.Index(grouped.customers.tolist(), name="customer_id")
    return frame.replace([np.inf, -np.inf], np.nan).rename_axis(id_column).reset_index()


__all__ = ["AGGREGATES", "WINDOWED", "aggregate_lines", "read_aggregate", "snapshot_of"]
