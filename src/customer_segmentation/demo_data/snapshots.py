"""The snapshots shape: the default-shape customers in two monthly snapshots, some moved, left or new."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from customer_segmentation.demo_data.customers import (
    PERSONAS,
    customers_frame,
    draw_features,
    draw_personas,
    generate_customers,
)
from customer_segmentation.demo_data.sampling import check_month_shares, draw_month_changes, stream

STATUSES = ("stayed", "moved", "departed", "new")


class Snapshots(NamedTuple):
    """Two monthly snapshots and what happened to each customer between them."""

    month_1: pd.DataFrame
    month_2: pd.DataFrame
    truth: pd.DataFrame


def generate_snapshots(rows: int, seed: int = 42, move_share: float = 0.08, leave_share: float = 0.05,
                       new_share: float = 0.05, n_personas: int = len(PERSONAS), spread: float = 1.0) -> Snapshots:
    """Month 1 and month 2 of the same default-shape customers.

    Month 1 is ``generate_customers(rows, seed, n_personas, spread)``. In month 2, ``leave_share`` of
    them are gone, ``move_share`` (of month 1) have another persona, the rest keep theirs, and
    ``new_share`` (of month 1) new customers join with ids after month 1's; every month-2 value is
    drawn afresh around the customer's month-2 persona. Exact counts: ``round(share * rows)``.

    Returns:
        ``month_1`` and ``month_2`` (``customer_id``, the four features, ``persona``) and ``truth``
        (``customer_id, persona_1, persona_2, status``; status one of ``STATUSES``; a persona is
        empty where the customer is absent).
    """
    check_month_shares(move_share, leave_share, new_share)
    month_1 = generate_customers(rows, seed, n_personas, spread)
    personas = PERSONAS[:n_personas]
    names = np.array([p.name for p in personas])
    before = month_1["persona"].map({name: i for i, name in enumerate(names)}).to_numpy()
    rng = stream(seed, "snapshots")
    departed, staying, moved, after = draw_month_changes(rng, before, n_personas, move_share, leave_share)
    joining = draw_personas(rng, personas, round(new_share * rows))
    which = np.concatenate([after[staying], joining])
    numbers = np.concatenate([staying + 1, np.arange(rows + 1, rows + 1 + len(joining))])
    month_2 = customers_frame(numbers, draw_features(rng, personas, which, spread), names[which])
    status = np.full(rows, "stayed", dtype=object)
    status[moved], status[departed] = "moved", "departed"
    new_ids = month_2["customer_id"].to_numpy()[len(staying):]
    truth = pd.DataFrame({
        "customer_id": np.concatenate([month_1["customer_id"].to_numpy(), new_ids]),
        "persona_1": np.concatenate([names[before], np.full(len(joining), None)]),
        "persona_2": np.concatenate([np.where(status == "departed", None, names[after]), names[joining]]),
        "status": np.concatenate([status, np.full(len(joining), "new", dtype=object)]),
    })
    return Snapshots(month_1, month_2, truth)
