"""The telecom shape: a subscriber export like the public telco-churn file, from mixed personas."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_segmentation.demo_data.sampling import choose_per_row, plant_rare

INTERNET_SERVICES = ["DSL", "Fiber optic", "No"]
CONTRACTS = ["Month-to-month", "One year", "Two year"]
PAYMENT_METHODS = ["Electronic check", "Mailed check", "Bank transfer (automatic)"]
# The fourth payment method is deliberately rare (the real file has it in ~22 % of rows): a category
# under 1 % that a mixed-data model has to cope with.
RARE_PAYMENT_METHOD = ("Credit card (automatic)", 0.007)
# What a month of each service costs before the add-ons (USD).
PHONE_PRICE, INTERNET_PRICES = 20.0, {"DSL": 25.0, "Fiber optic": 50.0, "No": 0.0}
# Real exports have a handful of brand-new subscribers: tenure 0 and a blank TotalCharges.
NEW_SUBSCRIBER_SHARE = 0.002


@dataclass(frozen=True)
class TelecomPersona:
    """A latent subscriber type: numeric means/spreads, Yes-rates and category probabilities."""

    name: str
    weight: float
    tenure: tuple[float, float]  # months
    add_ons: tuple[float, float]  # USD a month on top of phone and internet
    senior: float
    partner: float
    dependents: float
    phone: float
    paperless: float
    churn: float
    internet: tuple[float, float, float]  # INTERNET_SERVICES
    contract: tuple[float, float, float]  # CONTRACTS
    payment: tuple[float, float, float]  # PAYMENT_METHODS


TELECOM_PERSONAS: tuple[TelecomPersona, ...] = (
    TelecomPersona("new_monthly_fiber", 0.30, (6, 5), (15, 7), 0.25, 0.30, 0.10, 0.95, 0.85, 0.45,
                   (0.08, 0.92, 0.0), (0.92, 0.07, 0.01), (0.70, 0.15, 0.15)),
    # 95 % DSL: with 15 % on fiber, a loyal fiber subscriber paid as much as a fiber family and the personas
    # overlapped more than the segments of a real file do (k-prototypes found them again at adjusted Rand 0.88).
    TelecomPersona("loyal_two_year_dsl", 0.25, (58, 10), (22, 7), 0.10, 0.75, 0.45, 0.80, 0.50, 0.03,
                   (0.95, 0.05, 0.0), (0.03, 0.20, 0.77), (0.10, 0.15, 0.75)),
    TelecomPersona("basic_phone_only", 0.25, (30, 18), (0, 0), 0.03, 0.45, 0.40, 1.0, 0.25, 0.08,
                   (0.0, 0.0, 1.0), (0.20, 0.35, 0.45), (0.10, 0.60, 0.30)),
    TelecomPersona("fiber_families_one_year", 0.20, (40, 12), (26, 5), 0.20, 0.80, 0.50, 0.98, 0.70, 0.15,
                   (0.10, 0.90, 0.0), (0.15, 0.70, 0.15), (0.30, 0.05, 0.65)),
)


def generate_telecom_customers(rows: int, seed: int = 42) -> pd.DataFrame:
    """Subscribers in the shape of the public telco-churn export.

    Columns ``customerID, gender, SeniorCitizen, Partner, Dependents, tenure, PhoneService,
    InternetService, Contract, PaperlessBilling, PaymentMethod, MonthlyCharges, TotalCharges, Churn,
    persona``. Yes/No columns are text, ``SeniorCitizen`` is 0/1. ``TotalCharges`` is text, a single
    space for subscribers with tenure 0 (as in the real file). ``PaymentMethod`` has a rare fourth
    value, ``"Credit card (automatic)"``, in 0.7 % of rows. Churn rates differ by persona
    (``TELECOM_PERSONAS``).
    """
    if rows < 1:
        raise ValueError(f"rows={rows} should be >= 1")
    rng = np.random.default_rng(seed)
    personas = TELECOM_PERSONAS
    weights = np.array([p.weight for p in personas])
    which = rng.choice(len(personas), size=rows, p=weights / weights.sum())

    def column(attribute: str) -> np.ndarray:
        return np.array([getattr(p, attribute) for p in personas], dtype=float)[which]

    def yes_no(rate: np.ndarray) -> np.ndarray:
        return np.where(rng.random(rows) < rate, "Yes", "No")

    tenure = np.clip(np.round(rng.normal(column("tenure")[:, 0], column("tenure")[:, 1])), 1, 72).astype(int)
    new = np.flatnonzero(which == 0)
    tenure[rng.choice(new, size=min(len(new), int(rows * NEW_SUBSCRIBER_SHARE)), replace=False)] = 0
    internet = choose_per_row(rng, INTERNET_SERVICES, column("internet"))
    phone = yes_no(column("phone"))
    phone[internet == "No"] = "Yes"  # everyone pays for something
    add_ons = np.maximum(rng.normal(column("add_ons")[:, 0], column("add_ons")[:, 1]), 0)
    add_ons[internet == "No"] = 0.0
    internet_price = pd.Series(internet).map(INTERNET_PRICES).to_numpy(dtype=float)
    monthly = (phone == "Yes") * PHONE_PRICE + internet_price + add_ons + rng.normal(0, 1.5, rows)
    monthly = np.round(np.round(np.clip(monthly, 18.25, 120.0) * 20) / 20, 2)  # the real file's range, 0 or 5 cents
    total = np.where(tenure == 1, monthly, np.round(monthly * tenure * rng.uniform(0.93, 1.07, rows), 2))
    churn = yes_no(column("churn"))
    churn[tenure == 0] = "No"  # not a month old: cannot have left yet
    frame = pd.DataFrame({
        "customerID": _customer_ids(rng, rows),
        "gender": np.where(rng.random(rows) < 0.5, "Female", "Male"),
        "SeniorCitizen": (rng.random(rows) < column("senior")).astype(int),
        "Partner": yes_no(column("partner")),
        "Dependents": yes_no(column("dependents")),
        "tenure": tenure,
        "PhoneService": phone,
        "InternetService": internet,
        "Contract": choose_per_row(rng, CONTRACTS, column("contract")),
        "PaperlessBilling": yes_no(column("paperless")),
        "PaymentMethod": plant_rare(rng, choose_per_row(rng, PAYMENT_METHODS, column("payment")),
                                    *RARE_PAYMENT_METHOD),
        "MonthlyCharges": monthly,
        "TotalCharges": np.where(tenure == 0, " ", np.char.mod("%.15g", total)),
        "Churn": churn,
        "persona": np.array([p.name for p in personas])[which],
    })
    return frame


def _customer_ids(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Unique ids like ``7590-VHVEG``: four digits, a dash, five capital letters."""
    ids = np.empty(rows, dtype=object)
    todo = np.arange(rows)
    while len(todo):
        digits = rng.integers(0, 10_000, size=len(todo))
        letters = rng.integers(0, 26, size=(len(todo), 5)) + ord("A")
        ids[todo] = [f"{d:04d}-{bytes(row.tolist()).decode()}" for d, row in zip(digits, letters, strict=True)]
        taken = pd.Series(ids).duplicated().to_numpy()
        todo = np.flatnonzero(taken)
    return ids
