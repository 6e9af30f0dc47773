"""The default shape: a ``customer_id`` and the four default features, from latent personas."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Persona:
    """A latent customer type: mean and spread of each feature."""

    name: str
    weight: float
    annual_income: tuple[float, float]
    spending_score: tuple[float, float]
    savings: tuple[float, float]
    age: tuple[float, float]


PERSONAS: tuple[Persona, ...] = (
    Persona("young_professionals", 0.30, (62_000, 11_000), (74, 9), (6_000, 3_500), (29, 4)),
    Persona("affluent_high_spenders", 0.20, (135_000, 18_000), (80, 8), (55_000, 14_000), (46, 7)),
    Persona("budget_conscious", 0.30, (31_000, 7_000), (28, 10), (4_000, 2_500), (38, 9)),
    Persona("conservative_savers", 0.20, (72_000, 13_000), (20, 8), (95_000, 18_000), (63, 6)),
)

FEATURE_BOUNDS = {
    "annual_income": (0.0, None),
    "spending_score": (0.0, 100.0),
    "savings": (0.0, None),
    "age": (18.0, 90.0),
}
ROUNDING = {"annual_income": 0, "spending_score": 0, "savings": 2, "age": 0}
IMPOSSIBLE_VALUES = {"annual_income": -12_000.0, "spending_score": 140.0, "age": 7.0, "savings": 2.5e9}
NON_NUMERIC_VALUES = ("unknown", "n.a.", "abc", "#REF!")


def generate_customers(
    rows: int,
    seed: int = 42,
    n_personas: int = len(PERSONAS),
    spread: float = 1.0,
) -> pd.DataFrame:
    """Draws clean customers from the first ``n_personas`` personas.

    Args:
        rows: Number of customers.
        seed: Random seed; the same seed gives the same customers.
        n_personas: How many of ``PERSONAS`` to mix (2..4).
        spread: Multiplier of every persona's standard deviation (<1 separates them more).

    Returns:
        Columns ``customer_id``, the four features and ``persona``.
    """
    if rows < 1:
        raise ValueError(f"rows={rows} should be >= 1")
    if not 2 <= n_personas <= len(PERSONAS):
        raise ValueError(f"n_personas={n_personas} should be between 2 and {len(PERSONAS)}")
    rng = np.random.default_rng(seed)
    personas = PERSONAS[:n_personas]
    which = draw_personas(rng, personas, rows)
    return customers_frame(np.arange(1, rows + 1), draw_features(rng, personas, which, spread),
                           np.array([p.name for p in personas])[which])


def draw_personas(rng: np.random.Generator, personas: tuple[Persona, ...], rows: int) -> np.ndarray:
    """Each row's persona (an index into ``personas``), drawn by the personas' weights."""
    weights = np.array([p.weight for p in personas])
    return rng.choice(len(personas), size=rows, p=weights / weights.sum())


def draw_features(rng: np.random.Generator, personas: tuple[Persona, ...], which: np.ndarray,
                  spread: float = 1.0) -> dict[str, np.ndarray]:
    """The four features around each row's persona, clipped to their bounds and rounded."""
    data: dict[str, np.ndarray] = {}
    for feature, (low, high) in FEATURE_BOUNDS.items():
        means = np.array([getattr(p, feature)[0] for p in personas])[which]
        sds = np.array([getattr(p, feature)[1] for p in personas])[which] * spread
        values = np.clip(rng.normal(means, sds), low, high)
        data[feature] = np.round(values, ROUNDING[feature])
    return data


def customers_frame(numbers: np.ndarray, features: dict[str, np.ndarray], persona: np.ndarray) -> pd.DataFrame:
    """``customer_id`` (``C`` + 8 digits), the features and ``persona``, in that order."""
    frame = pd.DataFrame(features)
    frame.insert(0, "customer_id", [f"C{i:08d}" for i in numbers])
    frame["persona"] = persona
    return frame


def add_dirt(frame: pd.DataFrame, seed: int = 42, non_numeric: bool = True) -> pd.DataFrame:
    """Adds the dirt of real exports: missing cells, duplicates, impossible and non-numeric values.

    Args:
        frame: Clean customers from ``generate_customers``.
        seed: Random seed.
        non_numeric: Whether to write a few text cells into numeric columns (CSV only).

    Returns:
        A shuffled copy with ~2 % missing cells, ~1 % exact duplicate rows, a few
        impossible values and, optionally, a few non-numeric cells.
    """
    rng = np.random.default_rng(seed + 1)
    features = list(FEATURE_BOUNDS)
    dirty = frame.copy()
    n = len(dirty)
    n_bad = max(1, n // 1000)
    values = dirty[features].to_numpy(dtype=float, copy=True)
    values[rng.random(values.shape) < 0.02] = np.nan
    for j, feature in enumerate(features):
        values[rng.choice(n, size=n_bad, replace=False), j] = IMPOSSIBLE_VALUES[feature]
        dirty[feature] = values[:, j]
        if non_numeric:
            # Text cells, as a spreadsheet writes them: "81096", not "81096.0".
            text = np.where(np.isnan(values[:, j]), "", np.char.mod("%.15g", values[:, j])).astype(object)
            text[rng.choice(n, size=max(1, n_bad // 2), replace=False)] = NON_NUMERIC_VALUES[j]
            dirty[feature] = text
    duplicates = dirty.iloc[rng.choice(n, size=max(1, n // 100), replace=False)]
    dirty = pd.concat([dirty, duplicates], ignore_index=True)
    return dirty.iloc[rng.permutation(len(dirty))].reset_index(drop=True)
