"""Category features (``type: category``): read as text, validated like numbers (empty is missing, a formula is a
problem), checked against a model's categories; rare categories grouped as Other."""

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.categories import OTHER, group_rare, most_frequent, rare_categories
from customer_segmentation.features.derive import compute_features
from customer_segmentation.features.validate import validate_customers
from customer_segmentation.validation.problems import problem_text
from tests.features.configs import TELECOM


def problems(config) -> str:
    with pytest.raises(ConfigurationError) as error:
        FeatureTable.from_config(config)
    return str(error.value)


def telecom_rows(**columns) -> pd.DataFrame:
    rows = {"tenure": ["5", "40"], "MonthlyCharges": ["80.5", "$20"], "Contract": ["Month-to-month", "Two year"],
            "InternetService": ["Fiber optic", "No"]}
    return pd.DataFrame({**rows, **columns})


def test_the_issues_table_reads_two_numbers_and_two_categories_and_round_trips():
    table = FeatureTable.from_config(TELECOM)
    assert [f.name for f in table.numeric] == ["tenure", "monthly_charges"]
    assert [(f.name, f.column, f.label) for f in table.categorical] == [
        ("contract", "Contract", "Contract"), ("internet", "InternetService", "Internet service")]
    assert table.to_config()["contract"] == {"type": "category", "label": "Contract", "column": "Contract"}
    assert FeatureTable.from_config(table.to_config()) == table
    assert "type" not in table.to_config()["tenure"], "a number's entry is written as before"


def test_a_derivation_cannot_be_a_category_and_number_settings_are_refused_on_one():
    message = problems({**TELECOM, "contract": {"derive": "sum", "columns": ["A", "B"], "type": "category"},
                        "internet": {"column": "InternetService", "type": "category", "range": [0, 1], "unit": "USD"}})
    assert "features.contract: derive 'sum' computes a number, so it cannot be combined with type: category" in message
    assert "features.internet: 'range', 'unit' are for numbers only; a type: category feature takes column, label, " \
           "type: remove them" in message


def test_an_unknown_type_names_the_kinds_and_the_nearest():
    assert "features.contract: type 'categroy' is not one of number, category (did you mean 'category'?)" in problems(
        {**TELECOM, "contract": {"column": "Contract", "type": "categroy"}})


def test_categories_are_trimmed_text_an_empty_cell_is_missing_and_numbers_stay_numbers():
    frame = telecom_rows(Contract=[" Two year ", "  "], InternetService=["None", np.nan])
    values, found = compute_features(frame, FeatureTable.from_config(TELECOM))
    assert values["contract"].tolist()[0] == "Two year" and values["contract"].isna().tolist() == [False, True]
    assert values["internet"].tolist()[0] == "None", "text such as None may be a category of its own"
    assert values["monthly_charges"].tolist() == [80.5, 20.0] and values["tenure"].dtype == "float64"
    assert found.empty


def test_a_formula_in_a_category_column_rejects_the_row_naming_the_column():
    result = validate_customers(telecom_rows(Contract=["=A1", "One year"]), FeatureTable.from_config(TELECOM))
    assert len(result.rejected) == 1
    assert problem_text(result.problems).tolist() == [
        "Contract: '=A1' is a formula whose value was never saved: open the file in its spreadsheet program, save "
        "it and export it again"]


def test_with_drop_a_missing_category_rejects_the_row():
    result = validate_customers(telecom_rows(InternetService=["", "DSL"]), FeatureTable.from_config(TELECOM),
                                reject_missing=True)
    assert result.rejected.index.tolist() == [0]
    assert problem_text(result.problems).tolist() == ["internet: '' is missing"], "as a number's empty cell"


def test_a_category_a_model_does_not_know_is_the_rows_problem_naming_the_value_and_the_known_ones():
    known = {"contract": ["Month-to-month", "One year", "Two year"], "internet": ["DSL", "Fiber optic", "No"]}
    result = validate_customers(telecom_rows(InternetService=["Satellite", "DSL"]), FeatureTable.from_config(TELECOM),
                                known_categories=known)
    assert result.valid.index.tolist() == [1]
    assert problem_text(result.problems).tolist() == [
        "internet: 'Satellite' is not a category the model knows (known: 'DSL', 'Fiber optic', 'No')"]


def test_rare_categories_are_those_under_the_share_and_are_grouped_as_other():
    values = pd.Series(["A"] * 60 + ["B"] * 39 + ["C"], dtype="str")
    assert rare_categories(values, 0.01) == [] and rare_categories(values, 0.02) == ["C"]
    assert rare_categories(values, 0.5) == ["B", "C"]
    assert rare_categories(pd.Series(["A", "A"]), 0.9) == [], "a lone category is never rare"
    assert group_rare(values, ["C"]).value_counts().to_dict() == {"A": 60, "B": 39, OTHER: 1}


def test_the_most_frequent_category_breaks_ties_in_sorted_order():
    assert most_frequent(pd.Series(["b", "a", "b", "a", None])) == "a"
    assert most_frequent(pd.Series([np.nan, np.nan], dtype="str")) is None
