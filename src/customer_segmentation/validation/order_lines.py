"""An order log's lines checked with the project's cell rules, every line accounted for.

The ``transactions`` parameter maps the log's headers to what a line is (:class:`OrderLog`); the rules are the
customer file's (``parsing.py`` for numbers and dates, ``problems.py`` for problems as data, ``reasons.py`` for
the words) plus the order log's own: a missing or placeholder customer id, a missing order id, a zero quantity and
a zero or negative price reject the line. Exact duplicate lines are removed first and counted apart, so
**lines read = lines kept + lines rejected + duplicates removed**.

A cancellation or return (an order id starting with ``cancellation_prefix``, or a negative quantity or amount)
is kept: its amount is negative and nets against the customer's revenue.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.io import hashing
from customer_segmentation.io.headers import normalise_header
from customer_segmentation.io.ids import id_text
from customer_segmentation.names import READ_PROBLEM_COLUMN, REASON_COLUMN, ROW_COLUMN
from customer_segmentation.validation import reasons
from customer_segmentation.validation.cells import DistinctCells, take
from customer_segmentation.validation.parsing import missing_cells, parse_dates, parse_numbers
from customer_segmentation.validation.problems import ProblemLog, reasons_by_row
from customer_segmentation.validation.rules import read_problems_first

#: The columns of a validated line, whatever the log calls them.
LINE_COLUMNS = ("customer_id", "order_id", "date", "quantity", "amount", "product", "is_return")
ZERO_QUANTITY = "zero: a line of no items"
ZERO_PRICE = "zero: a free line is not revenue (check the price or leave the line out of the export)"
NEGATIVE_PRICE = "negative: a price below zero is an adjustment, not a sale"
MISSING_ORDER = "missing: every line needs the order it belongs to"


def placeholder_reason(value: str) -> str:
    return (f"a placeholder customer id ({value!r}: listed in transactions.placeholder_ids), so the line "
            "belongs to no known customer")


class OrderLog(BaseModel):
    """The ``transactions`` parameter: which header holds what, and the log's conventions."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str
    order_id: str
    date: str
    quantity: str | None = None
    unit_price: str | None = None
    amount: str | None = None
    product: str | None = None
    date_format: str | None = None
    placeholder_ids: list[str | int | float] = [0, "", "unknown", "guest"]
    cancellation_prefix: str = "C"
    snapshot_date: date | None = None
    non_positive_revenue: Literal["drop", "keep"] = "drop"
    placeholder_share: float = Field(0.05, gt=0, le=1)

    @model_validator(mode="after")
    def _money(self) -> OrderLog:
        if self.amount is None and (self.quantity is None or self.unit_price is None):
            raise ValueError("give quantity and unit_price (the line total is their product), or amount (the "
                             "header of the line's total)")
        if self.amount is not None and self.unit_price is not None:
            raise ValueError("give either unit_price (with quantity) or amount, not both")
        return self

    def columns(self) -> dict[str, str]:
        """``{role: header}`` for every header the log must have."""
        roles = ("customer_id", "order_id", "date", "quantity", "unit_price", "amount", "product")
        return {role: getattr(self, role) for role in roles if getattr(self, role) is not None}

    def missing_columns(self, headers: list[str]) -> list[str]:
        """The mapped headers the log does not have (case and surrounding spaces ignored)."""
        found = {normalise_header(header) for header in headers}
        return [header for header in self.columns().values() if normalise_header(header) not in found]


def _placeholders(spec: OrderLog) -> set[str]:
    return {normalise_header(id_text(pd.Series([value])).fillna("").iloc[0]) for value in spec.placeholder_ids}


def _named(frame: pd.DataFrame, spec: OrderLog) -> dict[str, str]:
    """``{role: the frame's header}``; a missing header raises, naming it and the headers found."""
    found = {normalise_header(header): header for header in frame.columns}
    missing = spec.missing_columns([str(column) for column in frame.columns])
    if missing:
        raise ConfigurationError(
            f"transactions maps {', '.join(repr(m) for m in missing)}, which the order log does not have: set "
            f"the mapping to your headers. Headers found: {', '.join(map(str, frame.columns))}")
    return {role: found[normalise_header(header)] for role, header in spec.columns().items()}


def check_order_lines(log: pd.DataFrame, spec: OrderLog) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame,
                                                                   dict[str, int]]:
    """Every line of ``log`` kept (as a typed line) or rejected with its reasons; duplicates removed first.

    Only the mapped columns are checked; the rejected lines are taken from ``log`` at the end, with every cell as
    read. The rules of a line need no other line: the duplicates are checked too and their problems dropped, which
    costs less than copying the other lines out first.

    Returns:
        The kept lines (:data:`LINE_COLUMNS` plus ``source_row``), the rejected lines (cells as read,
        ``source_row`` and ``rejection_reason``), one record per problem and
        ``{lines_read, duplicates_removed}``.
    """
    named = _named(log, spec)
    log = log.reset_index(drop=True)
    rows = log[ROW_COLUMN].to_numpy() if ROW_COLUMN in log.columns else np.arange(1, len(log) + 1)
    cells, typed, records = _checked(log, named, spec)
    # The distinct cells' codes hash those columns for free: text need not be hashed again.
    codes = {named[role]: column.codes for role, column in cells.items() if column.codes is not None}
    duplicated = hashing.duplicate_lines(log.drop(columns=[c for c in (ROW_COLUMN, READ_PROBLEM_COLUMN)
                                                           if c in log.columns]), codes)
    del cells, codes  # the kept lines need only the codes ``typed`` holds: the numbers' go before the outputs come
    records = records.loc[~duplicated[records["row"].to_numpy()]].reset_index(drop=True)
    bad = np.zeros(len(log), dtype=bool)
    bad[records["row"].to_numpy()] = True
    kept = np.flatnonzero(~bad & ~duplicated)
    # The kept lines are grouped by customer and product (aggregates, outsized ids): categoricals, factorized once.
    lines = _lines(typed, pd.RangeIndex(len(kept)), kept, categorical=("customer_id", "product")).assign(
        **{ROW_COLUMN: rows[kept]})
    del typed  # the lines' typed values (10M of each) go before the rejected lines come
    rejected = _rejected(log, rows, np.flatnonzero(bad), records)
    return (lines, rejected, records.assign(row=rows[records["row"].to_numpy()]),
            {"lines_read": len(log), "duplicates_removed": int(duplicated.sum())})


def _rejected(log: pd.DataFrame, rows: np.ndarray, bad: np.ndarray, records: pd.DataFrame) -> pd.DataFrame:
    """The lines at positions ``bad`` with every cell as read, ``source_row`` first, and their ``rejection_reason``."""
    rejected = log.take(bad).drop(columns=[c for c in (READ_PROBLEM_COLUMN,) if c in log.columns])
    if ROW_COLUMN not in rejected.columns:
        rejected.insert(0, ROW_COLUMN, rows[bad])
    rejected[REASON_COLUMN] = reasons_by_row(records).reindex(rejected.index).to_numpy()
    return rejected


def line_values(frame: pd.DataFrame, spec: OrderLog, named: dict[str, str] | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lines of ``frame`` as typed values (:data:`LINE_COLUMNS`) and one record per problem, ``row`` being
    ``frame``'s index: the rules of one line need no other line, so any engine can apply them to a part of the log
    (Spark: per partition)."""
    _, typed, records = _checked(frame, named or _named(frame, spec), spec)
    return _lines(typed, frame.index), records


_Typed = dict[str, tuple[DistinctCells | None, Any]]


def _checked(frame: pd.DataFrame, named: dict[str, str], spec: OrderLog
             ) -> tuple[dict[str, DistinctCells], _Typed, pd.DataFrame]:
    """The mapped columns' distinct cells, the lines' typed values and one record per problem."""
    # An order id repeats only on its order's few lines: finding its distinct values costs more than it saves.
    cells = {role: DistinctCells.of(frame[header], factorize=role != "order_id") for role, header in named.items()}
    problems = ProblemLog(frame.index)
    typed = _typed(cells, named, spec, problems, frame.index)
    return cells, typed, read_problems_first(frame, problems.to_frame())


def _lines(typed: _Typed, index: pd.Index, positions: np.ndarray | None = None, categorical: tuple[str, ...] = ()
           ) -> pd.DataFrame:
    """The typed lines at ``positions`` (every line: None), indexed by ``index``; ``categorical`` columns as
    ``pd.Categorical``."""
    return pd.DataFrame({name: cells.take(values, positions, name in categorical) if cells is not None
                         else take(values, positions) for name, (cells, values) in typed.items()}, index=index)


def _typed(cells: dict[str, DistinctCells], named: dict[str, str], spec: OrderLog, problems: ProblemLog,
           index: pd.Index) -> _Typed:
    """Each of :data:`LINE_COLUMNS` as values of a column's distinct cells or of the lines; every cell that cannot
    be used recorded in ``problems``."""
    ids = cells["customer_id"]
    customer = id_text(ids.distinct)
    no_id = customer.isna() | (customer == "")
    problems.add(ids.mask(no_id), named["customer_id"], ids.cells, reasons.MISSING)
    placeholder = ~no_id & customer.str.lower().isin(_placeholders(spec)).fillna(False)
    for value in customer[placeholder].unique():
        problems.add(ids.mask(placeholder & (customer == value)), named["customer_id"], ids.cells,
                     placeholder_reason(str(value)))
    orders = cells["order_id"]
    order = id_text(orders.distinct)
    problems.add(orders.mask(order.isna() | (order == "")), named["order_id"], orders.cells, MISSING_ORDER)
    when = cells["date"]
    dates, not_a_date = parse_dates(when.distinct, spec.date_format)
    problems.add(when.mask(not_a_date), named["date"], when.cells, reasons.not_a_date(spec.date_format))
    problems.add(when.mask(missing_cells(when.distinct)), named["date"], when.cells, reasons.MISSING)
    if spec.amount is not None:
        amount = _number(cells["amount"], named["amount"], problems)
        quantity = pd.Series(np.nan, index=index)
        problems.add(amount == 0, named["amount"], cells["amount"].cells, ZERO_PRICE)
    else:
        quantity = _number(cells["quantity"], named["quantity"], problems)
        price = _number(cells["unit_price"], named["unit_price"], problems)
        problems.add(quantity == 0, named["quantity"], cells["quantity"].cells, ZERO_QUANTITY)
        problems.add(price == 0, named["unit_price"], cells["unit_price"].cells, ZERO_PRICE)
        problems.add(price < 0, named["unit_price"], cells["unit_price"].cells, NEGATIVE_PRICE)
        amount = quantity * price
    cancelled = order.str.upper().str.startswith(spec.cancellation_prefix.upper()).fillna(False)
    is_return = orders.mask(cancelled) | (amount < 0).to_numpy()
    product = ((cells["product"], id_text(cells["product"].distinct)) if "product" in cells
               else (None, pd.Series(pd.NA, index=index, dtype="string")))
    return {"customer_id": (ids, customer), "order_id": (orders, order), "date": (when, dates),
            "quantity": (None, quantity), "amount": (None, np.where(is_return, -amount.abs(), amount)),
            "product": product, "is_return": (None, is_return)}


def _number(column: DistinctCells, header: str, problems: ProblemLog) -> pd.Series:
    """The lines' numbers in ``column``; its cells that are not numbers, or missing, recorded in ``problems``."""
    numbers, not_a_number = parse_numbers(column.distinct)
    problems.add(column.mask(not_a_number), header, column.cells, reasons.NOT_A_NUMBER)
    problems.add(column.mask(numbers.isna() & ~not_a_number), header, column.cells, reasons.MISSING)
    return pd.Series(column.take(numbers), index=column.cells.index)


#: An id is a likely placeholder only with more than this many times an average customer's lines as well.
OUTSIZED_TIMES_AVERAGE = 10


def outsized_threshold(lines_read: int, lines_kept: int, customers: int, share: float) -> float:
    """The lines above which one customer id is a likely placeholder: more than ``share`` of the lines read
    (``transactions.placeholder_share``) and more than ``OUTSIZED_TIMES_AVERAGE`` times an average customer's kept
    lines, so that in a small log of a few dozen customers a good customer is not taken for a placeholder."""
    average = lines_kept / customers if customers else 0.0
    return max(share * lines_read, OUTSIZED_TIMES_AVERAGE * average)


def outsized_ids(lines: pd.DataFrame, lines_read: int, share: float) -> dict[str, float]:
    """Customer ids holding an outsized share of the lines read (:func:`outsized_threshold`): likely placeholders
    nobody listed; the most lines first, ids with as many lines in the order they first appear."""
    if not lines_read:
        return {}
    ids = lines["customer_id"]
    counts = ids.value_counts(sort=False)
    counts = counts[counts > 0]
    over = counts[counts > outsized_threshold(lines_read, len(lines), len(counts), share)]
    first = {customer: int(np.argmax((ids == customer).to_numpy())) for customer in over.index}
    ordered = sorted(over.index, key=lambda customer: (-over[customer], first[customer]))
    return {str(customer): round(float(over[customer] / lines_read), 4) for customer in ordered}


def read_order_log_spec(config: Any) -> OrderLog:
    """The ``transactions`` parameter as an :class:`OrderLog` (checked before any node by the config hook)."""
    return config if isinstance(config, OrderLog) else OrderLog.model_validate(dict(config))


__all__ = ["LINE_COLUMNS", "OrderLog", "check_order_lines", "line_values", "outsized_ids", "outsized_threshold",
           "read_order_log_spec"]
