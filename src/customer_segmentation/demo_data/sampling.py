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
