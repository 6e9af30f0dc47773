"""Drawing helpers shared by the shapes."""

from __future__ import annotations

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """A random stream of its own for ``name``: adding draws to it leaves the seed's main stream unchanged."""
    return np.random.default_rng([seed, *name.encode()])


def plant_rare(rng: np.random.Generator, values: np.ndarray, rare: str, share: float) -> np.ndarray:
    """A copy of ``values`` with ``rare`` in exactly ``floor(len(values) * share)`` random rows.

    An exact count rather than a draw per row, so that the rare category is reliably under its share.
    """
    planted = values.astype(object)
    planted[rng.choice(len(values), size=int(len(values) * share), replace=False)] = rare
    return planted


def bernoulli(rng: np.random.Generator, rates: np.ndarray) -> np.ndarray:
    """0/1 per row, 1 with each row's rate."""
    return (rng.random(len(rates)) < rates).astype(int)


def choose_per_row(rng: np.random.Generator, categories: list[str], probabilities: np.ndarray) -> np.ndarray:
    """One of ``categories`` per row, row ``i`` drawn with ``probabilities[i]`` (rows sum to 1)."""
    cumulative = probabilities.cumsum(axis=1)
    picked = (rng.random((len(probabilities), 1)) > cumulative[:, :-1]).sum(axis=1)
    return np.array(categories, dtype=object)[picked]


def check_month_shares(move_share: float, leave_share: float, new_share: float) -> None:
    """The shares of customers who move, leave or join between two months, each in [0, 1], moving and leaving
    together at most all of them."""
    for name, share in {"move_share": move_share, "leave_share": leave_share, "new_share": new_share}.items():
        if not 0 <= share <= 1:
            raise ValueError(f"{name}={share} should be between 0 and 1")
    if move_share + leave_share > 1:
        raise ValueError(f"move_share + leave_share = {move_share + leave_share} should be at most 1")


def draw_month_changes(rng: np.random.Generator, before: np.ndarray, n_personas: int, move_share: float,
                       leave_share: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Who leaves and who takes another persona between two months: ``round(share * len(before))`` each.

    Returns:
        The positions of the departed, of those staying and of those who moved, and every customer's persona in
        month 2 (``before`` with the movers' changed to another one).
    """
    count = len(before)
    departed = rng.choice(count, size=round(leave_share * count), replace=False)
    staying = np.setdiff1d(np.arange(count), departed)
    moved = rng.choice(staying, size=min(len(staying), round(move_share * count)), replace=False)
    after = before.copy()
    after[moved] = (before[moved] + rng.integers(1, n_personas, size=len(moved))) % n_personas
    return departed, staying, moved, after
