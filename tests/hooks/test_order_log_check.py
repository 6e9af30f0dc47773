"""The order log's configuration checked before any node: aggregates only with a `transactions:` mapping."""

from __future__ import annotations

import pytest

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import FeatureTable
from customer_segmentation.hooks.config_check import check_order_log

RFM = FeatureTable.from_config({"recency": {"aggregate": "recency"}, "monetary": {"aggregate": "revenue"}})
SOURCES = {"features": "conf/mall/parameters.yml"}


def test_aggregates_without_an_order_log_are_refused_with_the_file_and_the_fix():
    with pytest.raises(ConfigurationError, match=r"features recency, monetary \(conf/mall/parameters.yml\) aggregate "
                                                 r"an order log's lines.*add a `transactions:` mapping"):
        check_order_log(None, RFM, {"customers", "params:features"}, SOURCES)


def test_an_order_log_without_aggregates_is_refused():
    plain = FeatureTable.from_config({"income": {}, "age": {}})
    with pytest.raises(ConfigurationError, match="has no `aggregate:` feature, and this run reads an order log"):
        check_order_log(None, plain, {"transactions", "params:transactions"}, SOURCES)


def test_an_order_log_environment_runs_the_orders_pipeline_into_data_processing():
    from kedro.framework.startup import bootstrap_project

    from customer_segmentation.pipeline_registry import register_pipelines, use_order_log
    from tests.projects import PROJECT_ROOT

    bootstrap_project(PROJECT_ROOT)
    try:
        use_order_log(True)
        default = register_pipelines()["__default__"]
    finally:
        use_order_log(False)
    assert "transactions" in default.inputs() and "customers" not in default.inputs()
    assert "customers_from_orders" in default.datasets()
    assert "orders" not in register_pipelines()


def test_next_months_order_log_with_other_headers_is_refused_naming_that_file(tmp_path):
    import pandas as pd
    from kedro.io import DataCatalog

    batch = tmp_path / "orders_2012_01.parquet"
    pd.DataFrame({"Invoice": ["1"], "Customer": [7], "Date": ["2012-01-02"], "Qty": [1], "Price": [2.0]}).to_parquet(
        batch)
    catalog = DataCatalog.from_config({"batch_transactions": {"type": "pandas.ParquetDataset", "filepath": str(batch)}})
    catalog["params:transactions"] = {"customer_id": "CustomerID", "order_id": "InvoiceNo", "date": "InvoiceDate",
                                      "quantity": "Quantity", "unit_price": "UnitPrice"}
    with pytest.raises(ConfigurationError) as error:
        check_order_log(catalog, RFM, {"batch_transactions", "params:transactions"}, SOURCES)
    message = str(error.value)
    assert f"which the order log ({batch}, `batch_transactions`) does not have" in message
    assert message.endswith("Headers found: Invoice, Customer, Date, Qty, Price")
