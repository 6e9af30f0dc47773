"""A business's own file, end to end: declared features, derived features, units, any subset of features."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.demo_data import generate_crm_customers, generate_customers
from tests.features.configs import CRM, MALL
from tests.helpers import default_features, project_parameters, run_all_pipelines

FAST_EDA = {**project_parameters("parameters_eda.yml")["eda"], "k_range": [2, 6], "n_bootstrap": 2}


def mall_customers(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    """The Kaggle "Mall Customers" shape: income in k$, a 1-100 score, five groups, no savings column."""
    rng = np.random.default_rng(seed)
    centres = np.array([(26, 20), (26, 79), (55, 50), (87, 18), (87, 82)])[np.arange(rows) % 5]
    return pd.DataFrame({
        "CustomerID": np.arange(1, rows + 1), "Gender": rng.choice(["Male", "Female"], rows),
        "Age": rng.integers(18, 70, rows),
        "Annual Income (k$)": np.round(rng.normal(centres[:, 0], 6)).astype(int),
        "Spending Score (1-100)": np.clip(np.round(rng.normal(centres[:, 1], 6)), 1, 99).astype(int),
    }).astype(str)


@pytest.fixture(scope="module")
def crm_run() -> tuple[pd.DataFrame, dict]:
    crm = generate_crm_customers(900, seed=5)
    outputs = run_all_pipelines(crm.drop(columns="persona").astype(str), CRM)
    return crm, outputs


def test_a_crm_export_is_segmented_on_income_age_total_spend_and_recency(crm_run):
    crm, outputs = crm_run
    segments = outputs["customer_segments"].set_index("ID")
    truth = crm.set_index(crm["ID"].astype(str)).loc[segments.index, "persona"]
    assert outputs["k_selection"]["k"] == 4
    assert adjusted_rand_score(truth, segments["segment_id"]) > 0.9, "the four CRM personas are found"
    ages = segments["age"]
    assert ages.between(18, 100).all() and ages.mean() == pytest.approx(45, abs=5)


def test_crm_rows_with_impossible_birth_years_are_rejected_and_empty_incomes_imputed(crm_run):
    _, outputs = crm_run
    report = outputs["data_quality_report"]
    assert report["rows_read"] == report["rows_out"] + report["rows_rejected"] + report["duplicates_removed"] == 900
    assert report["rejections_by_reason"]["age: outside the allowed range [18, 100]"] == 3
    assert report["rejections_by_reason"]["MntWines: not a number"] == 1
    assert report["cells_imputed"]["annual_income"] == 9
    rejected = outputs["rejected_customers"]
    assert set(rejected["Year_Birth"]) >= {"1893", "1899", "1900"}, "cells as read"


def test_crm_segments_are_described_in_their_units(crm_run):
    _, outputs = crm_run
    descriptions = " ".join(outputs["segment_profiles"]["description"]).lower()
    assert "total spend $1.6k" in descriptions and "annual income $" in descriptions
    assert "last purchase 20 days ago" in descriptions  # a days-since feature reads as an age
    assert outputs["segment_profiles"]["segment_name"].is_unique


def test_income_in_thousands_with_scale_gives_the_same_segments(crm_run):
    _, in_dollars = crm_run
    crm = generate_crm_customers(900, seed=5, income_in_thousands=True)
    scaled = {**CRM, "annual_income": {**CRM["annual_income"], "scale": 1000}}
    outputs = run_all_pipelines(crm.drop(columns="persona").astype(str), scaled)
    assert adjusted_rand_score(outputs["customer_segments"]["segment_id"],
                               in_dollars["customer_segments"]["segment_id"]) > 0.99
    assert outputs["segment_profiles"]["segment_name"].tolist() == in_dollars["segment_profiles"]["segment_name"].tolist()


def test_a_mall_file_with_income_in_thousands_reads_in_dollars():
    outputs = run_all_pipelines(mall_customers(), MALL)
    profiles = outputs["segment_profiles"]
    assert outputs["k_selection"]["k"] == 5
    assert profiles["annual_income_mean"].min() == pytest.approx(26_000, rel=0.1)
    assert profiles["description"].str.contains(r"Annual income \$2\dk \(", case=False).any()
    assert "High income, high spenders" in profiles["segment_name"].tolist()
    label = outputs["feature_distributions_plot"].axes[0].get_xlabel()
    assert label == "Annual income (USD)"


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(list(default_features())).flatmap(
    lambda order: st.integers(2, len(order)).map(lambda n: order[:n])))
def test_any_two_or_more_features_in_any_order_run_end_to_end(names):
    table = {name: default_features()[name] for name in names}
    customers = generate_customers(400, seed=len(names)).drop(columns="persona").astype(str)
    outputs = run_all_pipelines(customers, table, eda=FAST_EDA)
    profiles = outputs["segment_profiles"]
    assert list(outputs["segmentation_model"].feature_names_in_) == names
    assert profiles["segment_name"].is_unique and profiles["description"].str.len().gt(0).all()
    assert [c for c in profiles.columns if c.endswith("_z")] == [f"{n}_z" for n in names]
