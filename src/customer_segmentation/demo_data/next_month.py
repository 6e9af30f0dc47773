"""Next month's order log: the customers of an order log a month later, some with another persona, some gone, some
new, as a retailer exports it: the same window of orders (a year), moved forward to the new month's end.

Each customer's year of orders is drawn afresh from their month-2 persona (as ``snapshots`` draws month-2 values),
so the truth is the persona; the log ends ``weeks`` whole weeks after the first one (the shop's weekdays kept).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from customer_segmentation.demo_data.orders import (
    FIRST_CUSTOMER_ID,
    ORDER_PERSONAS,
    draw_buyers,
    generate_order_log,
    order_log_of,
)
from customer_segmentation.demo_data.sampling import check_month_shares, draw_month_changes, stream

NEXT_MONTH_WEEKS = 4
_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class NextMonth(NamedTuple):
    """An order log, the log of the month after it, and what happened to each customer between them."""

    month_1: pd.DataFrame
    month_2: pd.DataFrame
    truth: pd.DataFrame


def generate_next_month(lines: int = 50_000, seed: int = 42, placeholder_id: int | None = None,
                        move_share: float = 0.08, leave_share: float = 0.05, new_share: float = 0.05,
                        weeks: int = NEXT_MONTH_WEEKS) -> NextMonth:
    """Month 1 is ``generate_order_log(lines, seed, placeholder_id=placeholder_id)`` (the shipped retail log for
    50,000 lines, seed 42, placeholder 0); month 2 is the year of orders ending ``weeks`` weeks later.

    In month 2, ``leave_share`` of month 1's customers have no order any more (gone from the export's window),
    ``move_share`` (of month 1) have another persona, the rest keep theirs, and ``new_share`` (of month 1) new
    customers join with ids after month 1's. Exact counts: ``round(share * customers)``.

    Returns:
        ``month_1`` and ``month_2`` (``generate_order_log``'s columns, ``persona`` included) and ``truth``
        (``CustomerID, persona_1, persona_2, status``: ``stayed``, ``moved``, ``departed`` or ``new``; a persona is
        empty where the customer is absent).
    """
    check_month_shares(move_share, leave_share, new_share)
    month_1 = generate_order_log(lines, seed, placeholder_id=placeholder_id)
    names = np.array([p.name for p in ORDER_PERSONAS])
    before = month_1.loc[month_1["persona"].notna()].drop_duplicates("CustomerID").sort_values("CustomerID")
    buyers = pd.DataFrame({"persona": pd.Index(names).get_indexer(before["persona"]),
                           "Country": before["Country"].to_numpy(),
                           "number": before["CustomerID"].to_numpy(dtype="int64") - FIRST_CUSTOMER_ID})
    rng = stream(seed, "next_month")
    count = len(buyers)
    departed, staying, moved, after = draw_month_changes(rng, buyers["persona"].to_numpy(), len(names), move_share,
                                                         leave_share)
    joining = draw_buyers(rng, 1.0, round(new_share * count))
    joining["number"] += int(buyers["number"].max()) + 1
    month_2_buyers = pd.concat([buyers.assign(persona=after).iloc[staying], joining], ignore_index=True)
    month_2 = order_log_of(rng, month_2_buyers, round(lines * len(month_2_buyers) / count), placeholder_id)
    month_2["InvoiceDate"] = (pd.to_datetime(month_2["InvoiceDate"], format=_DATE_FORMAT)
                              + pd.Timedelta(weeks=weeks)).dt.strftime(_DATE_FORMAT)
    status = np.full(count, "stayed", dtype=object)
    status[moved], status[departed] = "moved", "departed"
    truth = pd.DataFrame({
        "CustomerID": np.concatenate([buyers["number"], joining["number"]]) + FIRST_CUSTOMER_ID,
        "persona_1": np.concatenate([names[buyers["persona"]], np.full(len(joining), None)]),
        "persona_2": np.concatenate([np.where(status == "departed", None, names[after]),
                                     names[joining["persona"]]]),
        "status": np.concatenate([status, np.full(len(joining), "new", dtype=object)]),
    })
    return NextMonth(month_1, month_2, truth)
