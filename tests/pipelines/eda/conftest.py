"""Sweeps shared by the eda tests, computed once per session with the project's parameters."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.demo_data import generate_customers

from .helpers import sweep


@pytest.fixture(scope="session")
def persona_sweeps() -> dict[int, tuple[pd.DataFrame, dict[str, int]]]:
    """Sweeps of well-separated demo data (spread 0.5) with 3 and 4 personas."""
    return {n: sweep(generate_customers(2000, seed=11, n_personas=n, spread=0.5)) for n in (3, 4)}


@pytest.fixture(scope="session")
def reference_sweep(reference_csv) -> tuple[pd.DataFrame, dict[str, int]]:
    """The sweep of the reference data (250 customers, little structure)."""
    return sweep(pd.read_csv(reference_csv).astype("float64"))
