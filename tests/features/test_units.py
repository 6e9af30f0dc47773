"""Values written in their feature's unit, the same everywhere."""

import pytest

from customer_segmentation.features import FeatureTable
from customer_segmentation.features.units import (
    axis_label,
    change_phrase,
    form_step,
    format_share,
    format_value,
    phrase,
    table_format,
)
from tests.features.configs import CRM, MALL
from tests.helpers import default_features

DEFAULT = FeatureTable.from_config(default_features())


@pytest.mark.parametrize(("feature", "value", "text"), [
    ("annual_income", 26_000, "$26k"), ("annual_income", 135_400, "$135k"), ("savings", -2_500, "-$2.5k"),
    ("savings", 850, "$850"), ("spending_score", 79.4, "79/100"), ("age", 46.2, "46"),
])
def test_default_features_read_as_before(feature, value, text):
    assert format_value(DEFAULT[feature], value) == text


def test_days_and_free_text_units_follow_the_number():
    crm = FeatureTable.from_config(CRM)
    assert format_value(crm["recency"], 34.4) == "34 days"
    assert format_value(FeatureTable.from_config({"visits": {"unit": "visits"}, "b": {}})["visits"], 2.5) == "2.5 visits"


def test_axis_labels_carry_the_unit():
    assert [axis_label(f) for f in DEFAULT] == ["Annual income (USD)", "Spending score (score 0-100)",
                                                "Savings (USD)", "Age (years)"]
    assert axis_label(FeatureTable.from_config(CRM)["recency"]) == "Days since last purchase (days)"


def test_a_scaled_feature_is_shown_in_its_unit_not_the_files():
    mall = FeatureTable.from_config(MALL)
    assert format_value(mall["annual_income"], 26 * 1000) == "$26k"
    assert form_step(mall["annual_income"]) == 1000 and form_step(mall["spending_score"]) == 1


@pytest.mark.parametrize(("value", "text"), [(0.42, "42 %"), (0.004, "0.4 %"), (0.0001, "<0.1 %"), (0.0, "0 %"),
                                             (1.0, "100 %"), (float("nan"), "n/a"), (None, "n/a")])
def test_shares_read_the_same_everywhere(value, text):
    assert format_share(value) == text


def test_tables_show_values_as_the_text_does():
    assert [table_format(f) for f in DEFAULT] == ["dollar", "%.0f/100", "dollar", "%.0f"]
    assert table_format(FeatureTable.from_config(CRM)["recency"]) == "%.1f days"


def test_counts_and_days_since_read_as_people_say_them():
    table = FeatureTable.from_config({"kids": {"label": "Children at home", "unit": "children"},
                                      "visits": {"label": "Number of web visits", "unit": "visits"},
                                      "recency": {"label": "Days since last purchase", "unit": "days"}})
    assert phrase(table["kids"], 1.0) == "1 child at home" and phrase(table["kids"], 1.86) == "1.9 children at home"
    assert format_value(table["kids"], 1.0) == "1 child"
    assert phrase(table["visits"], 6.2) == "6 web visits"
    assert phrase(table["recency"], 48.3) == "last purchase 48 days ago"
    assert change_phrase(table["kids"], 1.8, 2.0) == "children at home up 1.8, to 2"
    assert [(f.low, f.high) for f in table] == [("few children at home", "many children at home"),
                                                ("few web visits", "many web visits"),
                                                ("recent purchase", "no purchase for long")]
