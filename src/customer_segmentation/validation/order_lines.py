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
from customer_segmentation.names import READ_PROBLEM_COLUMN, ROW_COLUMN
from customer_segmentation.validation import reasons
from customer_segmentation.validation.parsing import missing_cells, parse_dates, parse_numbers
from customer_segmentation.validation.problems import ProblemLog
from customer_segmentation.validation.rules import read_problems_first, split_rows

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


def _ids(values: pd.Series) -> pd.Series:
    """Ids as text people write them: ``12346``, not ``12346.0``; empty cells stay missing."""
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values == values.round())
        text = values.astype("string").where(~whole, values.where(whole).astype("Int64").astype("string"))
    else:
        text = values.astype("string")
    return text.str.strip()


def _placeholders(spec: OrderLog) -> set[str]:
    return {normalise_header(_ids(pd.Series([value])).fillna("").iloc[0]) for value in spec.placeholder_ids}


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

    Returns:
        The kept lines (:data:`LINE_COLUMNS` plus ``source_row``), the rejected lines (cells as read,
        ``source_row`` and ``rejection_reason``), one record per problem and
        ``{lines_read, duplicates_removed}``.
    """
    named = _named(log, spec)
    cells = log.drop(columns=[c for c in (ROW_COLUMN, READ_PROBLEM_COLUMN) if c in log.columns])
    duplicated = hashing.exact_duplicates(cells, hashing.row_hashes(cells)[0]) if len(log) else np.zeros(0, bool)
    frame = log.reset_index(drop=True)
    if ROW_COLUMN not in frame.columns:
        frame.insert(0, ROW_COLUMN, pd.RangeIndex(1, len(frame) + 1))
    frame = frame.loc[~duplicated]
    lines, records = line_values(frame, spec, named)
    kept, rejected = split_rows(frame, pd.DataFrame(index=frame.index), records)
    records = records.assign(row=frame[ROW_COLUMN].reindex(records["row"]).to_numpy())
    lines = lines.loc[kept.index].assign(**{ROW_COLUMN: kept[ROW_COLUMN]})
    return lines.reset_index(drop=True), rejected, records, {"lines_read": len(log),
                                                             "duplicates_removed": int(duplicated.sum())}


def line_values(frame: pd.DataFrame, spec: OrderLog, named: dict[str, str] | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lines of ``frame`` as typed values (:data:`LINE_COLUMNS`) and one record per problem, ``row`` being
    ``frame``'s index: the rules of one line need no other line, so any engine can apply them to a part of the log
    (Spark: per partition)."""
    problems = ProblemLog(frame.index)
    lines = _typed(frame, named or _named(frame, spec), spec, problems)
    return lines, read_problems_first(frame, problems.to_frame())


def _typed(frame: pd.DataFrame, named: dict[str, str], spec: OrderLog, problems: ProblemLog) -> pd.DataFrame:
    """The lines as typed values; every cell that cannot be used recorded in ``problems``."""
    cells = {role: frame[header] for role, header in named.items()}
    customer = _ids(cells["customer_id"])
    no_id = customer.isna() | (customer == "")
    problems.add(no_id, named["customer_id"], cells["customer_id"], reasons.MISSING)
    placeholder = ~no_id & customer.str.lower().isin(_placeholders(spec)).fillna(False)
    for value in customer[placeholder].unique():
        problems.add(placeholder & (customer == value), named["customer_id"], cells["customer_id"],
                     placeholder_reason(str(value)))
    order = _ids(cells["order_id"])
    problems.add(order.isna() | (order == ""), named["order_id"], cells["order_id"], MISSING_ORDER)
    dates, not_a_date = parse_dates(cells["date"], spec.date_format)
    problems.add(not_a_date, named["date"], cells["date"], reasons.not_a_date(spec.date_format))
    problems.add(missing_cells(cells["date"]), named["date"], cells["date"], reasons.MISSING)
    if spec.amount is not None:
        amount = _number(cells, named, "amount", problems)
        quantity = pd.Series(np.nan, index=frame.index)
        problems.add(amount == 0, named["amount"], cells["amount"], ZERO_PRICE)
    else:
        quantity = _number(cells, named, "quantity", problems)
        price = _number(cells, named, "unit_price", problems)
        problems.add(quantity == 0, named["quantity"], cells["quantity"], ZERO_QUANTITY)
        problems.add(price == 0, named["unit_price"], cells["unit_price"], ZERO_PRICE)
        problems.add(price < 0, named["unit_price"], cells["unit_price"], NEGATIVE_PRICE)
        amount = quantity * price
    is_return = order.str.upper().str.startswith(spec.cancellation_prefix.upper()).fillna(False).astype(bool)
    is_return |= (amount < 0).to_numpy()
    product = _ids(cells["product"]) if "product" in cells else pd.Series(pd.NA, index=frame.index, dtype="string")
    return pd.DataFrame({"customer_id": customer, "order_id": order, "date": dates, "quantity": quantity,
                         "amount": np.where(is_return, -amount.abs(), amount), "product": product,
                         "is_return": is_return}, index=frame.index)


def _number(cells: dict[str, pd.Series], named: dict[str, str], role: str, problems: ProblemLog) -> pd.Series:
    numbers, not_a_number = parse_numbers(cells[role])
    problems.add(not_a_number, named[role], cells[role], reasons.NOT_A_NUMBER)
    problems.add(numbers.isna() & ~not_a_number, named[role], cells[role], reasons.MISSING)
    return numbers


def outsized_ids(lines: pd.DataFrame, lines_read: int, share: float) -> dict[str, float]:
    """Customer ids holding more than ``share`` of the lines read: likely placeholders nobody listed."""
    if not lines_read:
        return {}
    shares = lines["customer_id"].value_counts() / lines_read
    return {str(customer): round(float(value), 4) for customer, value in shares[shares > share].items()}


def read_order_log_spec(config: Any) -> OrderLog:
    """The ``transactions`` parameter as an :class:`OrderLog` (checked before any node by the config hook)."""
    return config if isinstance(config, OrderLog) else OrderLog.model_validate(dict(config))


__all__ = ["LINE_COLUMNS", "OrderLog", "check_order_lines", "line_values", "outsized_ids", "read_order_log_spec"]
