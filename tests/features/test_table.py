"""Reading and checking the feature table: every problem listed at once, with its fix."""

import pytest

from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.features import FeatureTable
from tests.features.configs import CRM, MALL
from tests.helpers import default_features


def problems(config) -> str:
    with pytest.raises(ConfigurationError) as error:
        FeatureTable.from_config(config)
    return str(error.value)


def test_the_issues_two_configurations_are_read_as_written():
    mall, crm = FeatureTable.from_config(MALL), FeatureTable.from_config(CRM)
    assert mall.names == ["annual_income", "spending_score"] and mall["annual_income"].scale == 1000
    assert mall["annual_income"].column == "Annual Income (k$)"
    assert crm["age"].derive == "years_since" and crm["age"].reference == "2014-12-31"
    assert crm["total_spend"].sources[0] == "MntWines" and crm["total_spend"].maximum is None
    assert crm.source_columns[:3] == ["Income", "Year_Birth", "MntWines"]


def test_the_default_table_reads_the_four_demo_columns_with_their_units():
    table = FeatureTable.from_config(default_features())
    assert table.names == table.source_columns == ["annual_income", "spending_score", "savings", "age"]
    assert [f.unit for f in table] == ["USD", "score", "USD", "years"]
    assert (table["age"].low, table["age"].higher) == ("young", "older")


def test_the_table_round_trips_through_its_configuration():
    for config in (MALL, CRM, default_features()):
        table = FeatureTable.from_config(config)
        assert FeatureTable.from_config(table.to_config()) == table


def test_a_list_of_column_names_is_a_shorthand_with_labels_from_the_names():
    table = FeatureTable.from_config(["Recency", "MntWines"])
    assert table.names == ["Recency", "MntWines"] and table["MntWines"].label == "Mntwines"
    assert table["Recency"].minimum is None


def test_every_problem_is_listed_in_one_message_with_its_fix():
    message = problems({
        "total_spend": {"derive": "summ", "columns": ["a", "b"]},
        "age": {"range": [100, 18], "colum": "Year_Birth"},
        "flat": {"range": [5, 5]},
        "ratio_feature": {"derive": "ratio", "columns": ["a"]},
    })
    assert "has 5 problem(s)" in message
    assert "features.total_spend: derive 'summ' is not one of sum, ratio, years_since, days_since, count " \
           "(did you mean 'sum'?)" in message
    assert "features.age: unknown setting 'colum' (did you mean 'column'?)" in message
    assert "features.age: range [100, 18] is inverted (min above max); write it as [18, 100]" in message
    assert "features.flat: range [5, 5] is empty" in message
    assert "features.ratio_feature: derive 'ratio' needs 'columns' with exactly 2 columns" in message


def test_fewer_than_two_features_are_refused():
    assert "only 1 feature(s) ['age']: segmenting needs at least two" in problems({"age": {}})


def test_names_that_clash_with_each_other_or_with_the_pipelines_columns_are_refused():
    message = problems({"Age": {}, "age ": {}, "segment_id": {}})
    assert "features 'Age' and 'age ' differ only in case or spaces" in message
    assert "features.segment_id: 'segment_id' is a column the pipeline adds itself" in message


@pytest.mark.parametrize(("entry", "expected"), [
    ({"scale": 0}, "scale 0 should be a positive number"),
    ({"range": [0]}, "range [0] is not [min, max]"),
    ({"derive": "years_since"}, "derive 'years_since' needs 'column'"),
    ({"derive": "days_since", "column": "d", "reference": "31/12/2014"}, "reference '31/12/2014' is not a date"),
    ({"reference": "2014-12-31"}, "'reference' only applies to derive: years_since or days_since"),
    ({"actions": {"up": "x"}}, "'actions' should be {low: <text>, high: <text>}"),
])
def test_each_bad_setting_is_named(entry, expected):
    assert expected in problems({"a": entry, "b": {}})


def test_missing_columns_name_the_setting_and_the_headers_found():
    table = FeatureTable.from_config(CRM)
    with pytest.raises(ConfigurationError) as error:
        table.check_columns(["ID", "income", "MntWines", "Recency"])
    message = str(error.value)
    assert "features.age reads column 'Year_Birth', which the file does not have: set its 'column'" in message
    assert "features.total_spend reads columns 'MntFruits', 'MntMeatProducts'" in message
    assert "features.annual_income" not in message, "headers match ignoring case"
    assert message.endswith("Headers found in the file: ID, income, MntWines, Recency")


def test_a_derived_feature_may_not_overwrite_a_column_of_the_file():
    table = FeatureTable.from_config(CRM)
    headers = ["Income", "Year_Birth", "Age", "Recency", *CRM["total_spend"]["columns"]]
    with pytest.raises(ConfigurationError, match="features.age: the file already has a column 'Age'"):
        table.check_columns(headers)


def test_a_trained_models_table_asks_for_the_columns_not_for_a_configuration_change():
    with pytest.raises(CustomerDataError, match=r"column\(s\) 'Year_Birth' missing: the model was trained on them"):
        FeatureTable.from_config(CRM).check_columns(["Income", "Recency", *CRM["total_spend"]["columns"]],
                                                    trained=True)


def test_better_says_which_side_is_good_and_anything_else_is_refused():
    table = FeatureTable.from_config({"recency": {"unit": "days", "better": "low"}, "kids": {}})
    assert (table["recency"].better, table["kids"].better) == ("low", None)
    assert FeatureTable.from_config(table.to_config()) == table
    with pytest.raises(ConfigurationError, match="features.recency: better 'lower' should be low"):
        FeatureTable.from_config({"recency": {"better": "lower"}, "kids": {}})
