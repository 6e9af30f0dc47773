"""Seeded generator of realistic demo customers drawn from latent personas.

Usage::

    python -m customer_segmentation.demo_data --rows 5000 --out data/01_raw/segmentation_data.csv
    python -m customer_segmentation.demo_data --rows 1000000 --out big.parquet --clean
    python -m customer_segmentation.demo_data --shape crm --rows 2240 --out crm.csv

The default shape has a ``customer_id`` column and the four default features. Unless
``--clean`` is given it also carries the dirt real exports have: about 2 % missing
cells, about 1 % exact duplicate rows, a few impossible values and (CSV only) a few
non-numeric cells. ``--truth-out`` writes each row's true persona for tests.

``--shape crm`` writes a shop/CRM export instead (see :func:`generate_crm_customers`): birth
years, an income (in dollars, or thousands with ``--income-unit thousands``), spend per product
category, days since the last purchase, a sign-up date and categorical columns; with its own dirt
(empty incomes, a few impossible birth years, a non-numeric spend cell).
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)


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
    weights = np.array([p.weight for p in personas])
    which = rng.choice(n_personas, size=rows, p=weights / weights.sum())
    data: dict[str, np.ndarray] = {}
    for feature, (low, high) in FEATURE_BOUNDS.items():
        means = np.array([getattr(p, feature)[0] for p in personas])[which]
        sds = np.array([getattr(p, feature)[1] for p in personas])[which] * spread
        values = np.clip(rng.normal(means, sds), low, high)
        data[feature] = np.round(values, ROUNDING[feature])
    frame = pd.DataFrame(data)
    frame.insert(0, "customer_id", [f"C{i:08d}" for i in range(1, rows + 1)])
    frame["persona"] = np.array([p.name for p in personas])[which]
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


@dataclass(frozen=True)
class CrmPersona:
    """A latent CRM customer type: income (USD), age, total spend (USD, 2 years), recency (days)."""

    name: str
    weight: float
    income: tuple[float, float]
    age: tuple[float, float]
    spend: tuple[float, float]
    recency: tuple[float, float]


CRM_PERSONAS: tuple[CrmPersona, ...] = (
    CrmPersona("affluent_loyal", 0.25, (80_000, 8_000), (54, 6), (1_600, 220), (20, 7)),
    CrmPersona("young_budget", 0.30, (30_000, 6_000), (29, 4), (120, 60), (45, 12)),
    CrmPersona("lapsed_middle", 0.25, (52_000, 7_000), (57, 6), (420, 110), (84, 7)),
    CrmPersona("active_families", 0.20, (52_000, 7_000), (38, 5), (750, 130), (10, 5)),
)
CRM_REFERENCE = pd.Timestamp("2014-12-31")
CRM_CATEGORIES = ("MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts", "MntGoldProds")
_CATEGORY_SHARES = np.array([0.45, 0.05, 0.27, 0.08, 0.05, 0.10])


def generate_crm_customers(rows: int, seed: int = 42, income_in_thousands: bool = False,
                           dirty: bool = True) -> pd.DataFrame:
    """A CRM export in the shape of the well-known "customer personality" data set.

    Columns ``ID, Year_Birth, Education, Marital_Status, Income, Kidhome, Teenhome, Dt_Customer,
    Recency, MntWines, ..., MntGoldProds, NumWebPurchases, NumStorePurchases, persona``. Ages are
    counted at 2014-12-31 (``CRM_REFERENCE``). With ``dirty``, about 1 % of incomes are empty, a few
    birth years are impossible (1893, 1899, 1900) and one spend cell is ``"unknown"``.
    """
    if rows < 1:
        raise ValueError(f"rows={rows} should be >= 1")
    rng = np.random.default_rng(seed)
    weights = np.array([p.weight for p in CRM_PERSONAS])
    which = rng.choice(len(CRM_PERSONAS), size=rows, p=weights / weights.sum())

    def draw(attribute: str, low: float) -> np.ndarray:
        means = np.array([getattr(p, attribute)[0] for p in CRM_PERSONAS])[which]
        sds = np.array([getattr(p, attribute)[1] for p in CRM_PERSONAS])[which]
        return np.maximum(rng.normal(means, sds), low)

    income, age, spend, recency = draw("income", 2_000), draw("age", 19), draw("spend", 5), draw("recency", 0)
    shares = rng.dirichlet(_CATEGORY_SHARES * 40, size=rows)
    frame = pd.DataFrame({
        "ID": np.arange(1, rows + 1) * 7 + 1000,
        "Year_Birth": (CRM_REFERENCE.year - np.round(age)).astype(int),
        "Education": rng.choice(["Graduation", "PhD", "Master", "Basic", "2n Cycle"], size=rows),
        "Marital_Status": rng.choice(["Married", "Together", "Single", "Divorced", "Widow"], size=rows),
        "Income": np.round(income / 1000, 1) if income_in_thousands else np.round(income),
        "Kidhome": rng.integers(0, 3, size=rows),
        "Teenhome": rng.integers(0, 3, size=rows),
        "Dt_Customer": (CRM_REFERENCE - pd.to_timedelta(rng.integers(180, 900, size=rows), unit="D")).strftime("%Y-%m-%d"),
        "Recency": np.round(recency).astype(int),
    })
    for position, category in enumerate(CRM_CATEGORIES):
        frame[category] = np.round(spend * shares[:, position]).astype(int)
    frame["NumWebPurchases"] = rng.integers(0, 12, size=rows)
    frame["NumStorePurchases"] = rng.integers(0, 14, size=rows)
    frame["persona"] = np.array([p.name for p in CRM_PERSONAS])[which]
    if dirty:
        frame = frame.astype({"Income": "object", "Year_Birth": "object", "MntWines": "object"})
        frame.loc[rng.choice(rows, size=max(1, rows // 100), replace=False), "Income"] = ""
        frame.loc[rng.choice(rows, size=min(rows, 3), replace=False), "Year_Birth"] = [1893, 1899, 1900][:min(rows, 3)]
        frame.loc[rng.integers(0, rows), "MntWines"] = "unknown"
    return frame


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Writes CSV or Parquet by the file's extension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif path.suffix == ".csv":
        frame.to_csv(path, index=False, float_format="%.15g")
    else:
        raise ValueError(f"unsupported extension '{path.suffix}' for {path}: use .csv or .parquet")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="number of distinct customers")
    parser.add_argument("--out", type=Path, required=True, help="output .csv or .parquet")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--personas", type=int, default=len(PERSONAS), help="how many personas (2-4)")
    parser.add_argument("--spread", type=float, default=1.0, help="<1 separates personas more")
    parser.add_argument("--clean", action="store_true", help="no missing, duplicate or bad values")
    parser.add_argument("--truth-out", type=Path, help="also write customer_id -> persona here")
    parser.add_argument("--shape", choices=["default", "crm"], default="default",
                        help="default: the four default features; crm: a CRM export (birth years, spend per category)")
    parser.add_argument("--income-unit", choices=["dollars", "thousands"], default="dollars", help="crm shape only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if args.shape == "crm":
        crm = generate_crm_customers(args.rows, args.seed, args.income_unit == "thousands", dirty=not args.clean)
        if args.truth_out:
            write_frame(crm[["ID", "persona"]], args.truth_out)
        write_frame(crm.drop(columns="persona"), args.out)
        logger.info("wrote %d CRM rows to %s", len(crm), args.out)
        return

    customers = generate_customers(args.rows, args.seed, args.personas, args.spread)
    if args.truth_out:
        write_frame(customers[["customer_id", "persona"]], args.truth_out)
    customers = customers.drop(columns="persona")
    if not args.clean:
        customers = add_dirt(customers, args.seed, non_numeric=args.out.suffix == ".csv")
    write_frame(customers, args.out)
    logger.info("wrote %d rows to %s", len(customers), args.out)


if __name__ == "__main__":
    main()
