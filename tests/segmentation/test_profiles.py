"""Each segment's mix of a profile column and rate of an outcome: the numbers a marketer reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.features.profiles import Descriptors
from customer_segmentation.segmentation import profiles

NAMES = ["Budget", "Premium"]


def _customers() -> tuple[pd.Series, pd.DataFrame]:
    """40 customers in segment 0, 60 in segment 1; PhD and churn far more common in segment 1."""
    segment = pd.Series([0] * 40 + [1] * 60)
    education = ["PhD"] * 4 + ["Master"] * 36 + ["PhD"] * 36 + ["Master"] * 24
    churn = ["No"] * 36 + ["Yes"] * 4 + ["Yes"] * 30 + ["no "] * 29 + [""]
    return segment, pd.DataFrame({"Education": education, "Churn": churn})


def test_wilson_interval_matches_the_published_values():
    # Wilson (1927) / Newcombe (1998): 0 of 10 -> 0 to 0.278; 5 of 10 -> 0.237 to 0.763.
    low, high = profiles.wilson_interval(np.array([0, 5]), np.array([10, 10]))
    assert low == pytest.approx([0.0, 0.2366], abs=1e-4) and high == pytest.approx([0.2775, 0.7634], abs=1e-4)


def test_an_outcome_rate_per_segment_with_its_interval_and_lift():
    segment, frame = _customers()
    described = Descriptors.from_config([], {"churn": {"column": "Churn", "positive": "Yes", "label": "Churned"}})
    _, rates = profiles.describe(described, segment, frame, NAMES)
    premium = rates.set_index("segment_id").loc[1]
    # The empty cell counts for neither side; "no " is a no (case and spaces ignored).
    assert (premium["customers"], premium["positives"]) == (59, 30)
    assert premium["rate"] == pytest.approx(30 / 59)
    assert premium["rate_low"] < premium["rate"] < premium["rate_high"]
    assert premium["overall_rate"] == pytest.approx(34 / 99)
    assert premium["lift"] == pytest.approx((30 / 59) / (34 / 99))
    assert list(rates["segment_name"]) == NAMES


def test_the_description_words_of_an_outcome_and_an_over_represented_category():
    segment, frame = _customers()
    described = Descriptors.from_config(["education"], {"churn": {"column": "Churn", "positive": "yes",
                                                                  "label": "Churned"}})
    frame = frame.rename(columns={"Education": "education"})
    mix, rates = profiles.describe(described, segment, frame, NAMES)
    words = profiles.phrases(mix, rates, 2)
    assert words[1] == "Churned 51 % (38-63 %) vs 34 % overall; education: PhD 60 % vs 40 % overall"
    assert "education: Master 90 % vs 60 % overall" in words[0]


def test_numbers_match_as_numbers_and_a_segment_without_customers_has_no_rate():
    described = Descriptors.from_config([], {"response": {"column": "Response", "positive": 1}})
    frame = pd.DataFrame({"Response": ["1", "1.0", "0", " 1 "]})
    _, rates = profiles.describe(described, pd.Series([0, 0, 0, 0]), frame, ["Only", "Empty"])
    assert rates.loc[0, "positives"] == 3 and rates.loc[0, "label"] == "Response"
    assert rates.loc[1, "customers"] == 0 and np.isnan(rates.loc[1, "rate"])


def test_category_shares_add_up_per_segment_and_many_values_are_grouped():
    segment = pd.Series(np.arange(300) % 2)
    frame = pd.DataFrame({"City": [f"city {i % 30}" for i in range(300)], "Plan": [None, "A", "B"] * 100})
    mix, _ = profiles.describe(Descriptors.from_config(["City", "Plan"], {}), segment, frame, NAMES)
    sums = mix.groupby(["column", "segment_id"])["share"].sum()
    assert sums.to_numpy() == pytest.approx(np.ones(4))
    assert "Other" in set(mix.loc[mix["column"] == "City", "category"])
    assert mix.loc[mix["column"] == "City", "category"].nunique() == 21  # the 20 most frequent, then Other
    assert "(missing)" in set(mix.loc[mix["column"] == "Plan", "category"])


def test_the_profile_table_gains_outcome_and_mix_columns():
    segment, frame = _customers()
    described = Descriptors.from_config(["Education"], {"churn": {"column": "Churn", "positive": "Yes"}})
    mix, rates = profiles.describe(described, segment, frame, NAMES)
    wide = profiles.wide_columns(mix, rates, 2)
    assert list(wide.columns) == ["churn_rate", "churn_rate_low", "churn_rate_high", "churn_lift", "Education_mix"]
    assert wide.loc[1, "Education_mix"] == "PhD 60 % vs 40 % overall"
    assert profiles.most_likely(rates)["churn"]["segment_name"] == "Premium"
