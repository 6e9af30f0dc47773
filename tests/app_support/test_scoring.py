"""Validating and scoring customers with an in-memory bundle (no Kedro session, no Streamlit)."""

from __future__ import annotations

import copy
import dataclasses
import io

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.app_support.scoring import field_messages, predict_customer, score_file
from customer_segmentation.errors import CustomerDataError
from customer_segmentation.features import FeatureTable
from customer_segmentation.segmentation import score
from customer_segmentation.segmentation.contract import attach_contract
from tests.helpers import default_features

GOOD = {"annual_income": 62000, "spending_score": 74, "savings": 6000, "age": 29}


def scored_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_scored_file_gives_the_models_own_segment_ids_and_names(bundle):
    customers = bundle.segments[bundle.features].head(50)
    result = score_file(customers.to_csv(index=False).encode(), "x.csv", bundle)
    assert result.scored["segment_id"].tolist() == bundle.model.predict(customers).tolist()
    assert result.scored["segment_name"].tolist() == [bundle.segment_names[i] for i in result.scored["segment_id"]]


def test_score_reproduces_stored_distances_and_map_positions(bundle):
    scored = score(bundle.model, bundle.segments[bundle.features])
    np.testing.assert_allclose(scored["distance_to_centre"], bundle.segments["distance_to_centre"])
    np.testing.assert_allclose(scored[["map_x", "map_y"]], bundle.segments[["map_x", "map_y"]])


def test_prediction_names_the_nearest_segment_and_ranks_all_of_them(bundle):
    prediction = predict_customer(bundle, GOOD)
    assert prediction.segment_id == int(bundle.model.predict(pd.DataFrame([GOOD]))[0])
    assert prediction.distances["segment_id"].iloc[0] == prediction.segment_id
    assert prediction.distances["distance"].is_monotonic_increasing
    assert len(prediction.distances) == bundle.k
    assert prediction.description == f"Description of {prediction.segment_name[-1]}"


def test_form_values_within_range_have_no_messages(bundle):
    assert field_messages(bundle, GOOD) == {}


def test_form_messages_name_the_range_and_the_missing_field(bundle):
    messages = field_messages(bundle, {**GOOD, "age": 7, "savings": None})
    assert messages == {"age": "7 is outside the allowed range [18, 100].", "savings": "Enter a value."}


def test_prediction_of_an_invalid_customer_raises_a_data_error(bundle):
    with pytest.raises(CustomerDataError, match=r"spending_score: 140 is outside the allowed range \[0, 100\]"):
        predict_customer(bundle, {**GOOD, "spending_score": 140})


def test_file_problems_are_listed_per_row_and_column_while_other_rows_are_scored(bundle):
    data = (b"customer_id,annual_income,spending_score,savings,age\n"
            b"A,62000,74,6000,29\nB,n/a,74,6000,29\nC,62000,140,6000,abc\nD,31000,28,4000,38\n")
    result = score_file(data, "x.csv", bundle)
    assert result.problems.to_dict("records") == [
        {"row": 2, "column": "annual_income", "value": "n/a", "reason": "missing"},
        {"row": 3, "column": "spending_score", "value": "140", "reason": "outside the allowed range [0, 100]"},
        {"row": 3, "column": "age", "value": "abc", "reason": "not a number"},
    ]
    assert (result.rows, result.scored_rows) == (4, 2)


def test_scored_file_has_segment_and_problem_for_every_row_in_order(bundle):
    data = b"customer_id,annual_income,spending_score,savings,age\nA,62000,74,6000,29\nB,62000,74,6000,7\n"
    out = scored_csv(score_file(data, "x.csv", bundle).csv)
    assert out["customer_id"].tolist() == ["A", "B"]
    expected = predict_customer(bundle, GOOD)
    assert out.loc[0, ["segment_id", "segment_name", "problem"]].tolist() == [
        str(expected.segment_id), expected.segment_name, ""]
    assert out.loc[1, ["segment_id", "segment_name"]].tolist() == ["", ""]
    assert out.loc[1, "problem"] == "age: 7 is outside the allowed range [18, 100]"


def test_scored_file_neutralises_formula_cells_but_keeps_negative_numbers(bundle):
    data = b'customer_id,annual_income,spending_score,savings,age\n"=HYPERLINK(""http://x"")",62000,74,-1500,29\n'
    out = scored_csv(score_file(data, "x.csv", bundle).csv)
    assert out.loc[0, "customer_id"] == "'=HYPERLINK(\"http://x\")"
    assert out.loc[0, "savings"] == "-1500"


def test_file_headers_are_read_with_the_columns_of_the_models_feature_table(bundle):
    features = {**default_features(), "annual_income": {**default_features()["annual_income"],
                                                        "column": "Annual Income (k$)", "scale": 1000}}
    table = FeatureTable.from_config(features)
    model = attach_contract(copy.deepcopy(bundle.model), table, list(bundle.segment_names.values()))
    mapped = dataclasses.replace(bundle, model=model, table=table)
    data = b"Annual Income (k$);Spending_Score;savings;AGE\n62;74;6000;29\n"
    result = score_file(data, "semicolons.csv", mapped)
    assert result.scored_rows == 1
    assert list(result.scored.columns[:4]) == ["Annual Income (k$)", "Spending_Score", "savings", "AGE"]
    assert result.scored["segment_id"].tolist() == [predict_customer(bundle, {**GOOD, "annual_income": 62000}).segment_id]


def test_file_without_a_feature_column_is_refused_with_the_columns_found(bundle):
    with pytest.raises(CustomerDataError, match=r"column\(s\) 'age' missing: the model was trained on them.*"
                                                 r"Headers found: annual_income, spending_score, savings"):
        score_file(b"annual_income,spending_score,savings\n1,2,3\n", "x.csv", bundle)


def test_file_with_a_header_only_is_refused(bundle):
    with pytest.raises(CustomerDataError, match="no customer rows"):
        score_file(b"annual_income,spending_score,savings,age\n", "empty.csv", bundle)


def test_latin1_file_is_read(bundle):
    data = "customer_id,annual_income,spending_score,savings,age\nZoë,62000,74,6000,29\n".encode("latin-1")
    assert score_file(data, "latin1.csv", bundle).scored["customer_id"].tolist() == ["Zoë"]


def test_a_reason_about_the_whole_row_is_listed_without_a_column(bundle):
    data = b"customer_id,annual_income,spending_score,savings,age\nA,,,,\n"
    assert score_file(data, "x.csv", bundle).problems.to_dict("records") == [
        {"row": 1, "column": "", "value": "",
         "reason": "all feature values are empty (annual_income, spending_score, savings, age)"}]


def test_an_uploaded_segment_or_problem_column_is_kept_beside_the_answer(bundle):
    data = b"customer_id,annual_income,spending_score,savings,age,segment_id,problem\nA,62000,74,6000,29,9,none\n"
    scored = score_file(data, "x.csv", bundle).scored
    assert scored.loc[0, "segment_id (uploaded)"] == "9" and scored.loc[0, "problem (uploaded)"] == "none"
    assert scored.loc[0, "segment_id"] == predict_customer(bundle, GOOD).segment_id


def test_an_empty_form_asks_for_every_value_in_plain_words(bundle):
    messages = field_messages(bundle, {feature: None for feature in bundle.features})
    assert messages == {feature: "Enter a value." for feature in bundle.features}
