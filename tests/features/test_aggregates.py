"""The aggregate vocabulary: order lines to one row per customer, returns netted."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.aggregates import aggregate_lines, snapshot_of
from customer_segmentation.validation.order_lines import OrderLog, check_order_lines

SPEC = OrderLog(customer_id="CustomerID", order_id="InvoiceNo", date="InvoiceDate", quantity="Quantity",
                unit_price="UnitPrice", product="StockCode")
LOG = pd.DataFrame({
    "InvoiceNo": ["1", "1", "2", "C3", "4"],
    "StockCode": ["A", "B", "A", "A", "A"],
    "Quantity": [2, 1, 1, -1, 5],
    "InvoiceDate": ["2011-01-01 10:00", "2011-01-01 10:00", "2011-03-01 09:00", "2011-03-05 09:00", "2011-02-01"],
    "UnitPrice": [10.0, 5.0, 10.0, 10.0, 1.0],
    "CustomerID": [1, 1, 1, 1, 2],
})
TABLE = FeatureTable.from_config({
    "recency": {"aggregate": "recency"}, "frequency": {"aggregate": "orders"}, "monetary": {"aggregate": "revenue"},
    "tenure": {"aggregate": "tenure"}, "aov": {"aggregate": "average_order_value"},
    "products": {"aggregate": "distinct_products"}, "recent": {"aggregate": {"orders_in_last": 40}},
    "returns": {"aggregate": "return_rate"},
})


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    lines = check_order_lines(LOG, SPEC)[0]
    return aggregate_lines(lines, TABLE.aggregates, snapshot_of(lines), id_column="CustomerID").set_index("CustomerID")


def test_a_cancellation_reduces_its_customers_revenue_and_is_not_an_order(customers):
    assert customers.loc["1", "monetary"] == pytest.approx(2 * 10 + 5 + 10 - 10)
    assert customers.loc["1", "frequency"] == 2


def test_recency_and_tenure_count_days_to_the_day_after_the_last_line(customers):
    assert snapshot_of(check_order_lines(LOG, SPEC)[0]) == pd.Timestamp("2011-03-06")
    assert customers.loc["1", "recency"] == 4  # last purchase 1 March 09:00, the cancellation is not a purchase
    assert customers.loc["2", "tenure"] == 33


def test_the_other_aggregates(customers):
    assert customers.loc["1", "aov"] == pytest.approx(25 / 2)
    assert customers.loc["1", "products"] == 2
    assert customers.loc["1", "recent"] == 1 and customers.loc["2", "recent"] == 1
    assert customers.loc["1", "returns"] == pytest.approx(10 / 35)
    assert customers.loc["2", "returns"] == 0


def test_an_unknown_aggregate_is_refused_with_the_nearest_one():
    with pytest.raises(ConfigurationError, match="aggregate 'revenu' is not one of .* \\(did you mean 'revenue'\\?\\)"):
        FeatureTable.from_config({"m": {"aggregate": "revenu"}, "r": {"aggregate": "recency"}})


def test_a_window_needs_days():
    with pytest.raises(ConfigurationError, match=r"aggregate 'orders_in_last' needs a number of days"):
        FeatureTable.from_config({"m": {"aggregate": "orders_in_last"}, "r": {"aggregate": "recency"}})


def test_log_transform_needs_values_of_at_least_zero():
    with pytest.raises(ConfigurationError, match="transform: log needs values of at least 0"):
        FeatureTable.from_config({"m": {"aggregate": "revenue", "transform": "log", "range": [-10, None]},
                                  "r": {"aggregate": "recency"}})
