"""The CRM shape: a shop/CRM export like the well-known "customer personality" data set."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_segmentation.demo_data.sampling import bernoulli, plant_rare, stream


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
# The extra columns (``extras=True``). Education_Level is the real data set's education mix with its rare
# "Basic"; it is a column of its own because the original Education column is uniform and must stay as it was.
CRM_EDUCATION_LEVELS = {"Graduation": 0.51, "PhD": 0.22, "Master": 0.16, "2n Cycle": 0.11}
CRM_RARE_EDUCATION = ("Basic", 0.006)
CRM_RESPONSE_RATES = {"affluent_loyal": 0.40, "young_budget": 0.12, "lapsed_middle": 0.05, "active_families": 0.18}
CRM_COMPLAIN_RATE = 0.01


def generate_crm_customers(rows: int, seed: int = 42, income_in_thousands: bool = False,
                           dirty: bool = True, extras: bool = False) -> pd.DataFrame:
    """A CRM export in the shape of the well-known "customer personality" data set.

    Columns ``ID, Year_Birth, Education, Marital_Status, Income, Kidhome, Teenhome, Dt_Customer,
    Recency, MntWines, ..., MntGoldProds, NumWebPurchases, NumStorePurchases, persona``. Ages are
    counted at 2014-12-31 (``CRM_REFERENCE``). With ``dirty``, about 1 % of incomes are empty, a few
    birth years are impossible (1893, 1899, 1900) and one spend cell is ``"unknown"``.

    With ``extras``, three columns follow ``NumStorePurchases`` (before ``persona``): ``Education_Level``
    (its rare ``"Basic"`` in 0.6 % of rows), ``Response`` (0/1, accepted the last campaign; its rate
    depends on the persona, ``CRM_RESPONSE_RATES``) and ``Complain`` (0/1, about 1 %). They come from a
    random stream of their own: every other column is the same with and without them.
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
    if extras:
        for column, values in _draw_extras(seed, frame["persona"].to_numpy()).items():
            frame.insert(len(frame.columns) - 1, column, values)
    return frame


def _draw_extras(seed: int, persona: np.ndarray) -> dict[str, np.ndarray]:
    rng = stream(seed, "crm-extras")
    levels = list(CRM_EDUCATION_LEVELS)
    weights = np.array(list(CRM_EDUCATION_LEVELS.values()))
    education = rng.choice(levels, size=len(persona), p=weights / weights.sum())
    response_rates = np.array([CRM_RESPONSE_RATES[name] for name in persona])
    return {
        "Education_Level": plant_rare(rng, education, *CRM_RARE_EDUCATION),
        "Response": bernoulli(rng, response_rates),
        "Complain": bernoulli(rng, np.full(len(persona), CRM_COMPLAIN_RATE)),
    }
