"""The CRM shape: unchanged by default; with extras, a rare education level, responses and complaints."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from customer_segmentation.demo_data import generate_crm_customers
from tests.demo_data.conftest import sha256

EXTRAS = ["Education_Level", "Response", "Complain"]
# Computed with the single-module generator before it became a package (commit ae72a66).
CRM_CSV_SHA256 = "b2248129807a8ef047582bd3d9fcb0b38d0c3e2fdbcea5704db5ba527fe2725d"
CRM_TRUTH_SHA256 = "5e265b5ba34203c89a5684da49e762cefb819961eb9a0c131c8e85325e4570ab"
CRM_FRAME_SHA256 = {  # generate_crm_customers(900, seed=5, ...) as CSV text, persona included
    "dirty": "afc7aba5318dc611759a9fb08f91760a0bbeacff00ce268f6612922655c2e8d2",
    "thousands": "02659f300316b22903303be7a5588fdc32c46d7c2b4d910523c33c5e4eb74da2",
    "clean": "9a04ca0591f09d5d826c4a8d6dd0002610b149b6366d78a37cbe7c8e8d5e791a",
}


def _frame_sha256(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False, float_format="%.15g").encode()).hexdigest()


@pytest.fixture(scope="module")
def crm() -> pd.DataFrame:
    return generate_crm_customers(20_000, seed=11, extras=True)


def test_the_crm_export_and_its_truth_are_unchanged(generate):
    out = generate("--shape", "crm", "--rows", "2240", "--out", "{tmp}/crm.csv", "--truth-out", "{tmp}/truth.csv")
    assert (sha256(out / "crm.csv"), sha256(out / "truth.csv")) == (CRM_CSV_SHA256, CRM_TRUTH_SHA256)


@pytest.mark.parametrize("variant, options", [
    ("dirty", {}), ("thousands", {"income_in_thousands": True}), ("clean", {"dirty": False}),
])
def test_the_crm_frame_is_unchanged(variant, options):
    assert _frame_sha256(generate_crm_customers(900, seed=5, **options)) == CRM_FRAME_SHA256[variant]


def test_extras_leave_every_existing_column_as_it_was():
    with_extras = generate_crm_customers(900, seed=5, extras=True)
    assert with_extras.drop(columns=EXTRAS).equals(generate_crm_customers(900, seed=5))
    assert list(with_extras.columns[-4:]) == [*EXTRAS, "persona"]


def test_basic_education_is_a_rare_category_under_one_percent(crm):
    share = (crm["Education_Level"] == "Basic").mean()
    assert 0.003 < share < 0.01
    assert crm["Education_Level"].value_counts(normalize=True).drop("Basic").min() > 0.05


def test_campaign_response_depends_on_the_persona(crm):
    rates = crm.groupby("persona")["Response"].mean()
    assert set(crm["Response"]) == {0, 1}
    assert rates["affluent_loyal"] == pytest.approx(0.40, abs=0.03)
    assert rates["lapsed_middle"] == pytest.approx(0.05, abs=0.02)
    assert rates["affluent_loyal"] - rates.drop("affluent_loyal").max() > 0.15


def test_complaints_are_rare(crm):
    assert 0.005 < crm["Complain"].mean() < 0.015


def test_the_command_line_writes_the_extras_at_the_end(generate):
    out = generate("--shape", "crm", "--rows", "500", "--crm-extras", "--out", "{tmp}/crm.csv")
    written = pd.read_csv(out / "crm.csv")
    assert list(written.columns[-3:]) == EXTRAS
    assert "persona" not in written.columns
