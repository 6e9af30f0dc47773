"""pandas and Spark agree on an order log: the same lines kept and rejected (by reason), the same customers with the
same aggregates, the same report."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.demo_data import generate_order_log
from customer_segmentation.pipelines.orders import nodes, spark_nodes

TRANSACTIONS = {"customer_id": "CustomerID", "order_id": "InvoiceNo", "date": "InvoiceDate", "quantity": "Quantity",
                "unit_price": "UnitPrice", "product": "StockCode"}
FEATURES = {"recency": {"aggregate": "recency"}, "frequency": {"aggregate": "orders"},
            "monetary": {"aggregate": "revenue"}, "tenure": {"aggregate": "tenure"},
            "aov": {"aggregate": "average_order_value"}, "products": {"aggregate": "distinct_products"},
            "recent": {"aggregate": {"orders_in_last": 90}}, "returns": {"aggregate": "return_rate"}}


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    """A generated log as a CSV reader gives it (text cells), with an unreadable date and quantity."""
    log = generate_order_log(20_000, seed=11, placeholder_id=0).drop(columns="persona").astype(str)
    log.loc[100, "InvoiceDate"] = "10th of never"
    log.loc[200, "Quantity"] = "lots"
    return log


@pytest.fixture(scope="module")
def both(spark, log):
    lines, _, summary = nodes.validate_order_lines(log, TRANSACTIONS)
    pandas_customers, pandas_report = nodes.aggregate_customers(lines, FEATURES, TRANSACTIONS, summary)
    kept, rejected, spark_summary = spark_nodes.validate_order_lines(spark.createDataFrame(log), TRANSACTIONS)
    spark_customers, spark_report = spark_nodes.aggregate_customers(kept, FEATURES, TRANSACTIONS, spark_summary)
    return pandas_customers, pandas_report, spark_customers.toPandas(), spark_report, rejected


def test_the_reports_are_the_same(both):
    _, pandas_report, _, spark_report, _ = both
    assert spark_report == pandas_report
    assert spark_report["rejections_by_reason"]["InvoiceDate: not a date"] == 1
    assert spark_report["rejections_by_reason"]["Quantity: not a number"] == 1


def test_the_customers_and_their_aggregates_are_the_same(both):
    pandas_customers, _, spark_customers, _, _ = both
    spark_customers = spark_customers.sort_values("CustomerID").reset_index(drop=True)
    assert spark_customers["CustomerID"].tolist() == pandas_customers["CustomerID"].tolist()
    pd.testing.assert_frame_equal(spark_customers[list(FEATURES)], pandas_customers[list(FEATURES)],
                                  check_dtype=False, rtol=1e-9)


def test_rejected_lines_keep_their_cells_and_reason(both, log):
    rejected = both[4].toPandas().set_index("source_row")
    assert rejected.loc[101, "InvoiceDate"] == "10th of never"
    assert "InvoiceDate: '10th of never' is not a date" in rejected.loc[101, "rejection_reason"]
