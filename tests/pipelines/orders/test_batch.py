"""Next month's order log in monitoring and the refresh: the orders pipeline's own nodes under a namespace, the
batch's datasets under their own names, and its line accounting in the reports."""

from __future__ import annotations

import logging

import pandas as pd

from customer_segmentation.pipelines import monitoring, orders, refresh
from customer_segmentation.pipelines.orders.batch_nodes import account_batch_lines, add_order_lines
from customer_segmentation.pipelines.orders.pipeline import create_batch_pipeline

REPORT = {"lines_read": 10, "lines_kept": 6, "lines_rejected": 3, "duplicates_removed": 1, "customers_out": 2,
          "snapshot_date": "2012-01-07"}


def _lines(*dates: str) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["1"] * len(dates), "date": pd.to_datetime(list(dates))})


def test_the_accounting_tells_the_dates_the_features_were_computed_from(caplog):
    with caplog.at_level(logging.INFO):
        accounting = account_batch_lines(_lines("2011-01-06 15:26", "2012-01-06 09:25", "2011-06-01 10:00"), REPORT)
    assert accounting == {**REPORT, "first_order_date": "2011-01-06", "last_order_date": "2012-01-06",
                          "days_covered": 366}
    assert "computed from this file's lines alone (2011-01-06 to 2012-01-06, 366 days)" in " ".join(
        caplog.text.split())


def test_a_report_gets_the_lines_under_their_own_key_and_keeps_its_own():
    report = add_order_lines({"alert": "none", "rows": {"rows_read": 2}}, REPORT)
    assert report == {"alert": "none", "rows": {"rows_read": 2}, "order_lines": REPORT}


def test_the_refresh_reads_the_order_log_and_never_writes_the_batch_file():
    composed = create_batch_pipeline(refresh.create_pipeline(), ("drift_report", "refresh_report"))
    assert "batch_transactions" in composed.inputs()
    assert "batch_customers" not in composed.datasets()  # the file at batch_path is read as batch_transactions only
    assert {"batch_rejected_order_lines", "batch_customers_from_orders", "refresh_report",
            "drift_report"} <= composed.all_outputs()


def test_the_batchs_lines_go_through_the_orders_pipelines_own_functions():
    composed = create_batch_pipeline(monitoring.create_pipeline(), ("drift_report",))
    own = {node.func for node in orders.create_pipeline().nodes}
    namespaced = [node for node in composed.nodes if node.namespace == "batch_orders"]
    assert {node.func for node in namespaced} == own
    assert {"params:transactions", "params:features"} <= composed.inputs()


def test_each_report_gets_the_lines_once():
    composed = create_batch_pipeline(refresh.create_pipeline(), ("drift_report", "refresh_report"))
    producers = {output: node.func for node in composed.nodes for output in node.outputs}
    assert producers["refresh_report"] is add_order_lines and producers["drift_report"] is add_order_lines


def test_an_order_log_environment_refreshes_and_monitors_next_months_order_log():
    from kedro.framework.startup import bootstrap_project

    from customer_segmentation.pipeline_registry import register_pipelines, use_order_log
    from tests.projects import PROJECT_ROOT

    bootstrap_project(PROJECT_ROOT)
    try:
        use_order_log(True)
        registered = register_pipelines()
    finally:
        use_order_log(False)
    for name in ("refresh", "monitoring"):
        assert "batch_transactions" in registered[name].inputs() and "batch_customers" not in registered[name].inputs()
        assert "batch_customers" in register_pipelines()[name].inputs()  # a customer file's, as before
