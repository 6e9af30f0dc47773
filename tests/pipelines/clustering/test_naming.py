"""Segment names, descriptions and actions from centre z-scores."""

from dataclasses import replace

import numpy as np

from customer_segmentation.features import FeatureTable
from customer_segmentation.pipelines.clustering.naming import NamingRules, describe_segment, make_unique, name_segment
from tests.helpers import default_features, project_parameters

TABLE = FeatureTable.from_config(default_features())
RULES = NamingRules.from_config(project_parameters("parameters_clustering.yml")["clustering"]["naming"])


def _z(annual_income=0.0, spending_score=0.0, savings=0.0, age=0.0):
    return {"annual_income": annual_income, "spending_score": spending_score, "savings": savings, "age": age}


def test_low_spend_high_savings_older_are_conservative_savers():
    name, action = name_segment(_z(spending_score=-1.1, savings=1.6, age=1.5), TABLE, RULES)
    assert name == "Conservative savers"
    assert "savings" in action.lower()


def test_high_income_high_spend_is_the_premium_persona():
    name, action = name_segment(_z(annual_income=1.7, spending_score=1.0, age=-0.8), TABLE, RULES)
    assert name == "High income, high spenders"
    assert action.startswith("Premium loyalty programme")


def test_other_traits_are_listed_age_first():
    name, _ = name_segment(_z(annual_income=-0.2, spending_score=0.8, savings=-0.7, age=-0.9), TABLE, RULES)
    assert name == "Young, high spend, low savings"


def test_only_the_most_distinctive_traits_are_named():
    name, action = name_segment(_z(annual_income=-0.6, spending_score=2.0, savings=-0.7, age=-0.9), TABLE,
                                  replace(RULES, max_traits=2))
    assert name == "Young, high spend"
    assert "spending" in action.lower(), "the action follows the strongest trait"


def test_a_centre_near_the_mean_is_average():
    assert name_segment(_z(annual_income=0.3, age=-0.4), TABLE, RULES)[0] == "Average customers"


def test_threshold_decides_what_stands_out():
    z = _z(annual_income=0.3, age=-0.4)
    assert name_segment(z, TABLE, replace(RULES, threshold=0.25))[0] == "Young, high income"


def test_names_work_on_a_subset_of_features():
    subset = FeatureTable.from_config({f: default_features()[f] for f in ("annual_income", "savings")})
    assert name_segment({"annual_income": 1.2, "savings": 0.9}, subset, RULES)[0] == "High income, high savings"


def test_duplicates_get_the_comparative_of_their_biggest_difference():
    z = np.array([[0.1, 0.0, 0.2, -0.4], [0.0, 0.1, 0.1, 0.4], [1.0, 1.0, 0.0, 0.0]])
    names = make_unique(["Average customers", "Average customers", "High income, high spenders"], z, TABLE)
    assert names == ["Average customers (younger)", "Average customers (older)", "High income, high spenders"]


def test_identical_duplicates_are_numbered():
    z = np.zeros((3, 4))
    assert make_unique(["Average customers"] * 3, z, TABLE) == [
        "Average customers 1",
        "Average customers 2",
        "Average customers 3",
    ]


def test_description_gives_numbers_in_units_most_distinctive_first():
    centre = {"annual_income": 135_000.0, "spending_score": 80.0, "savings": -2_500.0, "age": 46.0}
    text = describe_segment(centre, _z(annual_income=2.1, spending_score=1.2, savings=-0.6, age=0.4), TABLE, RULES)
    assert text == (
        "Annual income $135k (+2.1 sd), spending score 80/100 (+1.2 sd), savings -$2.5k (-0.6 sd), age 46 (+0.4 sd)"
    )


def test_personas_whose_features_are_absent_do_not_apply():
    table = FeatureTable.from_config({f: default_features()[f] for f in ("spending_score", "savings")})
    name, _ = name_segment({"spending_score": -1.1, "savings": 1.6}, table, RULES)
    assert name == "Low spend, high savings", "Conservative savers needs age, which this table lacks"


def test_any_feature_gets_a_name_and_an_action_from_its_label():
    table = FeatureTable.from_config({"total_spend": {"label": "Total spend", "unit": "USD"},
                                      "recency": {"label": "Days since last purchase", "unit": "days",
                                                  "low": "recent buyers"}})
    name, action = name_segment({"total_spend": 1.4, "recency": -0.9}, table, RULES)
    assert name == "High total spend, recent buyers"
    assert "total spend" in action
    text = describe_segment({"total_spend": 2_400.0, "recency": 12.0}, {"total_spend": 1.4, "recency": -0.9}, table)
    assert text == "Total spend $2.4k (+1.4 sd), last purchase 12 days ago (-0.9 sd)"


def test_words_read_right_for_counts_recency_and_features_where_neither_side_is_better():
    table = FeatureTable.from_config({
        "children": {"label": "Children at home", "unit": "children"},
        "purchases": {"label": "Purchases", "unit": "purchases", "better": "high"},
        "recency": {"label": "Days since last purchase", "unit": "days", "better": "low"},
    })
    name, action = name_segment({"children": 1.2, "purchases": -0.1, "recency": -0.8}, table, RULES)
    assert name == "Many children at home, recent purchase"
    assert action == "Offers and messages that fit them: their children at home is above most customers'."
    _, action = name_segment({"children": 0.0, "purchases": 0.0, "recency": -1.5}, table, RULES)
    assert action.startswith("Reward and keep them: their days since last purchase is among the best")
    _, action = name_segment({"children": 0.0, "purchases": 0.0, "recency": 1.5}, table, RULES)
    assert action.startswith("Work on their days since last purchase, worse than most")
    text = describe_segment({"children": 1.0, "purchases": 6.2, "recency": 48.3},
                            {"children": 1.2, "purchases": -0.1, "recency": 0.9}, table)
    assert text == "1 child at home (+1.2 sd), last purchase 48 days ago (+0.9 sd), 6 purchases (-0.1 sd)"


def test_a_persona_entry_without_traits_is_refused_with_its_position():
    import pytest

    from customer_segmentation.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="personas entry 2"):
        NamingRules.from_config({"personas": [{"name": "A", "traits": {"age": "high"}}, {"name": "B", "traits": {}}]})
