"""The app's logic on a model of numbers and categories (k-prototypes), without Streamlit: the form's categories and
defaults, predictions, explanations and comparisons with categories, and files with unknown categories."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.app_support.bundle import load_bundle
from customer_segmentation.app_support.insights import compare_segments, customer_vs_segment, moves_to_runner_up
from customer_segmentation.app_support.project import DATA_SET_ENV, latest_model_version, open_project
from customer_segmentation.app_support.scoring import (
    category_options,
    feature_defaults,
    field_messages,
    predict_customer,
    score_file,
)
from tests.bundles import telecom_bundle
from tests.projects import TELECOM_ENV, telecom

NEW_FIBER = {"tenure": 3, "monthly_charges": 85, "contract": "Month-to-month", "internet": "Fiber optic"}


@pytest.fixture(scope="module")
def bundle():
    return telecom_bundle()


def test_the_form_offers_the_models_categories_and_defaults_to_the_most_frequent(bundle):
    assert category_options(bundle) == {"contract": ["Month-to-month", "One year", "Two year"],
                                        "internet": ["DSL", "Fiber optic", "No"]}
    defaults = feature_defaults(bundle)
    assert defaults["internet"] == bundle.segments["internet"].value_counts().index[0]
    assert isinstance(defaults["tenure"], float)


def test_a_form_category_the_model_does_not_know_gets_a_message_next_to_the_field(bundle):
    assert field_messages(bundle, NEW_FIBER) == {}
    assert field_messages(bundle, {**NEW_FIBER, "internet": "Satellite", "contract": None}) == {
        "contract": "Enter a value.",
        "internet": "Satellite is not a category the model knows (known: 'DSL', 'Fiber optic', 'No').",
    }


def test_a_prediction_with_categories_names_the_segment_and_sits_beside_it(bundle):
    prediction = predict_customer(bundle, NEW_FIBER)
    assert prediction.segment_name.startswith("Month-to-month, fiber optic")
    assert prediction.distances["distance"].is_monotonic_increasing and len(prediction.distances) == 4
    table = customer_vs_segment(bundle, NEW_FIBER, prediction.segment_id)
    assert table.loc[table["feature"] == "Internet service", "this customer"].tolist() == ["Fiber optic"]
    assert table.loc[table["feature"] == "Internet service", "segment mean"].iloc[0].startswith("mostly Fiber optic (")


def test_a_move_to_the_runner_up_can_be_another_category(bundle):
    borderline = {"tenure": 30, "monthly_charges": 70, "contract": "One year", "internet": "Fiber optic"}
    prediction = predict_customer(bundle, borderline)
    moves = moves_to_runner_up(bundle, borderline, prediction.segment_id, prediction.runner_up_id, most=10)
    assert moves, "some change moves them"
    for move in moves:
        if move.endswith(" instead"):
            assert move.startswith(("contract ", "internet service "))


def test_comparing_two_segments_shows_each_ones_most_frequent_category(bundle):
    compared = compare_segments(bundle, 0, 1).set_index("feature")
    names = bundle.segment_names
    assert compared.loc["Contract", names[0]].startswith("Month-to-month (")
    # Cohen's h of the first segment's top category's share in each: a number, read like d.
    assert compared.loc["Contract", "difference"] in {"medium", "large"}
    assert compared.loc["Contract", "effect size d"] > 0.5 and not pd.isna(compared.loc["Tenure", "effect size d"])


def test_a_scored_file_with_an_unknown_category_gives_that_row_its_problem(bundle):
    data = (b"customerID,tenure,MonthlyCharges,Contract,InternetService\n"
            b"A1,3,85.5,Month-to-month,Fiber optic\nA2,60,20.1,Two year,Satellite\nA3,60,20.1,,No\n")
    result = score_file(data, "x.csv", bundle)
    assert result.scored_rows == 1
    assert result.scored["problem"].tolist()[1:] == [
        "internet: 'Satellite' is not a category the model knows (known: 'DSL', 'Fiber optic', 'No')",
        "contract: '' is missing"]


def test_the_app_loads_the_trained_k_prototypes_model_with_its_outputs(projects_dir, monkeypatch):
    monkeypatch.setenv(DATA_SET_ENV, TELECOM_ENV)
    handle = open_project(telecom(projects_dir))
    bundle = load_bundle(handle, latest_model_version(handle))
    assert bundle.features == ["tenure", "monthly_charges", "contract", "internet"]
    assert category_options(bundle)["contract"] == ["Month-to-month", "One year", "Two year"]
