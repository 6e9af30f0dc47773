"""The orders pipeline's nodes on a generated order log: what a user notices in the report and the table."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from customer_segmentation.demo_data import generate_order_log
from customer_segmentation.pipelines.orders.nodes import aggregate_customers, validate_order_lines

TRANSACTIONS = {"customer_id": "CustomerID", "order_id": "InvoiceNo", "date": "InvoiceDate", "quantity": "Quantity",
                "unit_price": "UnitPrice", "product": "StockCode", "placeholder_ids": [0, "", "unknown", "guest"]}
FEATURES = {"recency": {"aggregate": "recency", "unit": "days", "better": "low"},
            "frequency": {"aggregate": "orders", "unit": "orders", "transform": "log"},
            "monetary": {"aggregate": "revenue", "unit": "GBP", "transform": "log"}}


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return generate_order_log(8_000, seed=3, placeholder_id=0)


@pytest.fixture(scope="module")
def run(log):
    lines, rejected, summary = validate_order_lines(log.drop(columns="persona"), TRANSACTIONS)
    customers, report = aggregate_customers(lines, FEATURES, TRANSACTIONS, summary)
    return lines, rejected, customers, report


def test_the_report_balances_lines_and_customers(run, log):
    lines, rejected, customers, report = run
    assert report["lines_read"] == len(log)
    assert report["lines_read"] == report["lines_kept"] + report["lines_rejected"] + report["duplicates_removed"]
    assert report["duplicates_removed"] == log.drop(columns="persona").duplicated().sum() > 0
    assert report["customers_out"] == len(customers) == log.loc[log["persona"].notna(), "CustomerID"].nunique()


def test_the_placeholder_customer_is_never_a_customer(run, log):
    _, rejected, customers, report = run
    assert "0" not in set(customers["CustomerID"])
    placeholder = [reason for reason in report["rejections_by_reason"] if "placeholder customer id ('0'" in reason]
    assert report["rejections_by_reason"][placeholder[0]] == (log["CustomerID"] == 0).sum() - (
        log[log["CustomerID"] == 0].drop(columns="persona").duplicated().sum())


def test_revenue_nets_the_returns(run, log):
    lines, _, customers, _ = run
    real = log[(log["CustomerID"] != 0) & (log["UnitPrice"] > 0)].drop(columns="persona").drop_duplicates()
    expected = (real["Quantity"] * real["UnitPrice"]).groupby(real["CustomerID"].astype(str)).sum()
    assert (real["Quantity"] < 0).any()
    revenue = customers.set_index("CustomerID")["monetary"]
    assert revenue.to_numpy() == pytest.approx(expected.reindex(revenue.index).to_numpy())


def test_an_id_holding_many_lines_is_named_as_a_likely_placeholder(caplog):
    log = generate_order_log(30_000, seed=5, placeholder_id=99999).drop(columns="persona")
    with caplog.at_level(logging.WARNING):
        _, _, summary = validate_order_lines(log, TRANSACTIONS)
    assert list(summary["likely_placeholder_ids"]) == ["99999"]
    assert "customer id '99999' holds" in caplog.text and "transactions.placeholder_ids" in caplog.text


def test_a_good_customer_of_a_small_log_is_not_taken_for_a_placeholder():
    """50 customers with 20 lines each, a good one with 80 (7 % of the lines, 4 times an average customer) and an
    unlisted guest id with 400: only the guest id is named."""
    buyers = [customer for customer in range(1, 51) for _ in range(20)] + [77] * 80 + [424242] * 400
    log = pd.DataFrame({"InvoiceNo": [str(1000 + line) for line in range(len(buyers))], "StockCode": "A",
                        "Quantity": 1, "InvoiceDate": "2011-03-01", "UnitPrice": 2.5, "CustomerID": buyers})
    _, _, summary = validate_order_lines(log, TRANSACTIONS)
    assert 80 / len(log) > 0.05
    assert list(summary["likely_placeholder_ids"]) == ["424242"]


def test_a_customer_who_returned_everything_is_reported_and_left_out_or_kept():
    log = pd.DataFrame({"InvoiceNo": ["1", "C2", "3"], "StockCode": ["A", "A", "A"], "Quantity": [2, -2, 1],
                        "InvoiceDate": ["2011-01-01", "2011-01-02", "2011-01-03"], "UnitPrice": [3.0, 3.0, 4.0],
                        "CustomerID": [7, 7, 8]})
    lines, _, summary = validate_order_lines(log, TRANSACTIONS)
    dropped, report = aggregate_customers(lines, FEATURES, TRANSACTIONS, summary)
    assert dropped["CustomerID"].tolist() == ["8"]
    assert report["customers_non_positive_revenue"] == 1 and report["non_positive_revenue_examples"] == ["7"]
    kept, _ = aggregate_customers(lines, FEATURES, {**TRANSACTIONS, "non_positive_revenue": "keep"}, summary)
    assert kept["CustomerID"].tolist() == ["7", "8"]
