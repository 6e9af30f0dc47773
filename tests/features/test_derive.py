"""Derived features from the fixed vocabulary, and their source cells validated like any column."""

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.derive import compute_features
from customer_segmentation.features.columns import resolve_columns
from customer_segmentation.features.validate import validate_customers
from tests.features.configs import CRM, MALL

TODAY = pd.Timestamp("2020-06-30")


def derive(config: dict, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return compute_features(frame, FeatureTable.from_config(config), today=TODAY)


def test_sum_adds_the_columns_and_an_empty_cell_counts_as_zero():
    values, problems = derive({"spend": {"derive": "sum", "columns": ["a", "b"]}, "x": {}},
                              pd.DataFrame({"a": ["10", "", ""], "b": ["$1,000", "5", ""], "x": ["1", "1", "1"]}))
    assert values["spend"].tolist()[:2] == [1010.0, 5.0] and np.isnan(values["spend"].iloc[2])
    assert problems.empty


def test_ratio_divides_and_a_zero_denominator_is_a_problem_naming_it():
    values, problems = derive({"per_visit": {"derive": "ratio", "columns": ["spend", "visits"]}, "x": {}},
                              pd.DataFrame({"spend": ["100", "50"], "visits": ["4", "0"], "x": ["1", "1"]}))
    assert values["per_visit"].iloc[0] == 25.0 and np.isnan(values["per_visit"].iloc[1])
    assert problems.to_dict("records") == [{"row": 1, "column": "visits", "value": "0",
                                            "reason": "zero, so per_visit (spend / visits) is undefined"}]


def test_years_since_reads_years_and_dates_and_counts_whole_years():
    values, problems = derive(
        {"age": {"derive": "years_since", "column": "born", "reference": "2014-12-31"}, "x": {}},
        pd.DataFrame({"born": ["1957", "1980-05-01", "2015-01-01", "the 80s"], "x": ["1"] * 4}))
    assert values["age"].tolist()[:3] == [57.0, 34.0, -1.0]
    assert problems.to_dict("records") == [{"row": 3, "column": "born", "value": "the 80s",
                                            "reason": "not a year or a date"}]


def test_years_since_counts_a_birthday_not_yet_reached_as_a_year_less():
    values, _ = derive({"age": {"derive": "years_since", "column": "born", "reference": "2014-06-15"}, "x": {}},
                       pd.DataFrame({"born": ["2000-06-15", "2000-06-16"], "x": ["1", "1"]}))
    assert values["age"].tolist() == [14.0, 13.0]


def test_days_since_defaults_to_the_day_of_the_run():
    values, problems = derive({"tenure": {"derive": "days_since", "column": "joined"}, "x": {}},
                              pd.DataFrame({"joined": ["2020-06-01", "31/02/2020"], "x": ["1", "1"]}))
    assert values["tenure"].iloc[0] == 29.0 and np.isnan(values["tenure"].iloc[1])
    assert problems["reason"].tolist() == ["not a date"]


def test_days_since_reads_the_date_format_it_is_given():
    values, _ = derive({"tenure": {"derive": "days_since", "column": "joined", "date_format": "%d-%m-%Y",
                                   "reference": "2014-12-31"}, "x": {}},
                       pd.DataFrame({"joined": ["01-12-2014"], "x": ["1"]}))
    assert values["tenure"].tolist() == [30.0]


def test_count_counts_the_non_zero_columns():
    values, _ = derive({"categories": {"derive": "count", "columns": ["a", "b", "c"]}, "x": {}},
                       pd.DataFrame({"a": ["0", "3", ""], "b": ["2", "1", ""], "c": ["", "7", ""], "x": ["1"] * 3}))
    assert values["categories"].tolist()[:2] == [1.0, 3.0] and np.isnan(values["categories"].iloc[2])


def test_scale_is_applied_once_at_input():
    values, _ = derive(MALL, pd.DataFrame({"Annual Income (k$)": ["26", "137"], "Spending Score (1-100)": ["5", "9"]}))
    assert values["annual_income"].tolist() == [26_000.0, 137_000.0]


def test_a_bad_source_cell_rejects_the_row_naming_the_source_column_and_nothing_is_lost():
    raw = pd.DataFrame({"ID": ["1", "2", "3", "4"], "Income": ["58,000", "", "61000", "40000"],
                        "Year_Birth": ["1957", "1980", "1893", "1970"], "Recency": ["3", "40", "12", "8"],
                        **{c: ["10", "abc" if c == "MntFruits" else "5", "1", "2"]
                           for c in CRM["total_spend"]["columns"]}})
    table = FeatureTable.from_config(CRM)
    result = validate_customers(resolve_columns(raw, table), table)
    reasons = dict(zip(result.rejected["ID"], result.rejected["rejection_reason"]))
    assert reasons == {"2": "MntFruits: 'abc' is not a number", "3": "age: 121 is outside the allowed range [18, 100]"}
    assert len(result.valid) + len(result.rejected) == len(raw)
    assert result.valid["total_spend"].tolist() == [60.0, 12.0]
    assert result.rejected["MntFruits"].tolist() == ["abc", "1"], "rejected rows keep their cells as read"


@pytest.mark.parametrize("kind", ["sum", "count"])
def test_parquet_numbers_are_used_as_they_are(kind):
    values, problems = derive({"f": {"derive": kind, "columns": ["a", "b"]}, "x": {}},
                              pd.DataFrame({"a": [1.0, 0.0], "b": [2, 0], "x": [1, 1]}))
    assert problems.empty and values["f"].tolist() == ([3.0, 0.0] if kind == "sum" else [2.0, 0.0])


def test_a_date_that_does_not_match_date_format_names_the_pattern_and_an_example():
    table = FeatureTable.from_config({"tenure": {"derive": "days_since", "column": "Dt_Customer",
                                                 "date_format": "%d-%m-%Y", "reference": "2014-12-31"},
                                      "income": {}})
    frame = pd.DataFrame({"Dt_Customer": ["4-Sep-12", "04-09-2012"], "income": ["1", "2"]})
    values, problems = compute_features(frame, table)
    assert values["tenure"].tolist()[1] == (pd.Timestamp("2014-12-31") - pd.Timestamp("2012-09-04")).days
    assert problems["reason"].tolist() == ["not a date in the format %d-%m-%Y (e.g. 31-12-2014); set date_format "
                                           "to the pattern of your dates"]


def test_a_derivation_may_read_another_derived_feature():
    table = FeatureTable.from_config({
        "wine_share": {"derive": "ratio", "columns": ["MntWines", "total_spend"], "range": [0, 1]},
        "total_spend": {"derive": "sum", "columns": ["MntWines", "MntMeat"], "scale": 2},
        "income": {"column": "Income"},
    })
    assert table.source_columns == ["MntWines", "MntMeat", "Income"]  # total_spend is not a header
    frame = pd.DataFrame({"MntWines": ["10", "0", "x"], "MntMeat": ["30", "0", "5"], "Income": ["1", "2", "3"]})
    values, problems = compute_features(frame, table)
    assert list(values.columns) == ["wine_share", "total_spend", "income"]
    assert values["total_spend"].tolist()[:2] == [80.0, 0.0] and values["wine_share"][0] == pytest.approx(10 / 80)
    assert problems[["row", "column", "reason"]].values.tolist() == [
        [1, "total_spend", "zero, so wine_share (MntWines / total_spend) is undefined"],
        [2, "MntWines", "not a number"],  # once, though two features read it
    ]


def test_derivations_that_read_each_other_in_a_circle_are_refused_naming_the_circle():
    with pytest.raises(ConfigurationError, match=r"features a -> b -> a derive from each other in a circle"):
        FeatureTable.from_config({"a": {"derive": "sum", "columns": ["b", "X"]},
                                  "b": {"derive": "ratio", "columns": ["a", "Y"]}})
