"""Explanations, comparisons and audiences, computed without Streamlit."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from customer_segmentation.app_support import insights
from customer_segmentation.app_support.scoring import predict_customer
from customer_segmentation.segmentation import score
from customer_segmentation.segmentation.explain import changes_to_runner_up

GOOD = {"annual_income": 62000, "spending_score": 74, "savings": 6000, "age": 29}


def test_a_prediction_names_the_runner_up_and_says_whether_it_is_borderline(bundle):
    prediction = predict_customer(bundle, GOOD)
    second = prediction.distances.iloc[1]
    assert prediction.runner_up_id == second["segment_id"] and prediction.runner_up_name == second["segment_name"]
    nearest = prediction.distances["distance"].iloc[0]
    assert prediction.borderline == (nearest / second["distance"] >= 0.9)


def test_the_customer_is_shown_beside_their_segment_in_units(bundle):
    prediction = predict_customer(bundle, GOOD)
    table = insights.customer_vs_segment(bundle, GOOD, prediction.segment_id).set_index("feature")
    assert table.loc["Annual income", "this customer"] == "$62k" and table.loc["Age", "this customer"] == "29"
    profile = bundle.profiles.set_index("segment_id").loc[prediction.segment_id]
    assert table.loc["Spending score", "segment mean"] == f"{profile['spending_score_mean']:.0f}/100"


def test_each_suggested_change_alone_moves_the_customer_to_the_border_of_the_runner_up(bundle):
    prediction = predict_customer(bundle, GOOD)
    customer = pd.DataFrame([GOOD]).astype(float)
    changes = changes_to_runner_up(bundle.model, customer, prediction.segment_id, prediction.runner_up_id)
    assert len(changes) and changes["change_sd"].is_monotonic_increasing
    for row in changes.itertuples():
        moved = customer.assign(**{row.feature: row.new_value})
        assert score(bundle.model, moved)["segment_id"].iloc[0] == prediction.runner_up_id
        halfway = customer.assign(**{row.feature: customer[row.feature].iloc[0] + row.change / 2})
        assert score(bundle.model, halfway)["segment_id"].iloc[0] == prediction.segment_id
    sentences = insights.moves_to_runner_up(bundle, GOOD, prediction.segment_id, prediction.runner_up_id)
    assert sentences[0].split()[0] in {"annual", "spending", "savings", "age"} and ", to " in sentences[0]


def test_two_segments_are_compared_with_an_effect_size_in_words(bundle):
    table = insights.compare_segments(bundle, 0, 3)
    assert len(table) == 4 and table["effect size d"].abs().is_monotonic_decreasing
    top = table.iloc[0]
    assert top["difference"] == "large" and top["in words"].startswith("much ")
    a = bundle.segments.loc[bundle.segments["segment_id"] == 0, "annual_income"].mean()
    b = bundle.segments.loc[bundle.segments["segment_id"] == 3, "annual_income"].mean()
    row = table.set_index("feature").loc["Annual income"]
    assert (row["effect size d"] > 0) == (a > b)


@pytest.mark.parametrize(("d", "word"), [(0.1, "negligible"), (-0.3, "small"), (0.6, "medium"), (-2.0, "large")])
def test_effect_sizes_follow_cohens_conventions(d, word):
    assert insights.effect_size_word(d) == word


def test_an_audience_holds_the_chosen_segments_customers_with_their_flags(bundle):
    crowd = insights.audience(bundle, [1, 2])
    assert set(crowd["segment_id"]) == {1, 2}
    assert len(crowd) == int(bundle.segments["segment_id"].isin([1, 2]).sum())
    assert "map_x" not in crowd.columns
    assert len(pd.read_parquet(io.BytesIO(insights.parquet_bytes(crowd)))) == len(crowd)


def test_an_audience_file_is_named_after_its_segments(bundle):
    assert insights.audience_file_stem(bundle, [1]) == "audience_segment_b"
    assert insights.audience_file_stem(bundle, [2, 0, 3]) == "audience_segment_c_and_2_more"
