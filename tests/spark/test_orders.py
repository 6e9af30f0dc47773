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


SPARK_ENTRIES = """
transactions:
  type: customer_segmentation.datasets.spark_customers.SparkCustomerDataset
  filepath: data/01_raw/orders.csv
customers_from_orders:
  type: MemoryDataset
  copy_mode: assign
rejected_order_lines:
  type: spark.SparkDatasetV2
  filepath: ${globals:data_root}/02_intermediate/rejected_order_lines.parquet
  save_args: {mode: overwrite}
"""


def _order_log_environments(project) -> None:
    """``retail_plain`` (pandas) and ``retail_spark`` (conf/spark plus the order log) on one CSV log; the retail
    feature table without ``transform: log``, which the Spark training does not apply yet."""
    import shutil

    parameters = (project / "conf/retail/parameters.yml").read_text().replace(", transform: log", "")
    naming = "".join((project / "conf/retail/parameters_clustering.yml").read_text().splitlines(True)[2:])
    plain, spark_env = project / "conf/retail_plain", project / "conf/retail_spark"
    shutil.copytree(project / "conf/spark", spark_env)
    plain.mkdir()
    for env in (plain, spark_env):
        (env / "parameters.yml").write_text(parameters)
    shutil.copy(project / "conf/retail/parameters_clustering.yml", plain)
    with (spark_env / "parameters_clustering.yml").open("a") as handle:
        handle.write(naming)
    (plain / "catalog.yml").write_text("transactions:\n  type: customer_segmentation.datasets.customer_csv."
                                       "CustomerCSVDataset\n  filepath: data/01_raw/orders.csv\n")
    with (spark_env / "catalog.yml").open("a") as handle:
        handle.write(SPARK_ENTRIES)


def test_a_whole_order_log_run_on_spark_makes_the_pandas_decisions(tmp_path):
    import json

    from sklearn.metrics import adjusted_rand_score

    from tests.projects import copy_project, run_kedro

    project = copy_project(tmp_path)
    _order_log_environments(project)
    generate_order_log(20_000, seed=42, placeholder_id=0).drop(columns="persona").to_csv(
        project / "data/01_raw/orders.csv", index=False)
    run_kedro(project, "run", "--env", "retail_plain")
    run_kedro(project, "run", "--env", "retail_spark", "--params", "spark_master=local[2]")
    outputs = {env: project / "data" / env for env in ("retail_plain", "retail_spark")}
    reports = {env: json.loads((folder / "08_reporting/order_log_report.json").read_text())
               for env, folder in outputs.items()}
    assert reports["retail_spark"] == reports["retail_plain"]
    k = {env: json.loads((folder / "08_reporting/k_selection.json").read_text())["k"] for env, folder in outputs.items()}
    assert k["retail_spark"] == k["retail_plain"]
    segments = {env: pd.read_parquet(folder / "07_model_output/customer_segments.parquet").astype({"CustomerID": str})
                for env, folder in outputs.items()}
    joined = segments["retail_plain"].merge(segments["retail_spark"], on="CustomerID", suffixes=("_pandas", "_spark"))
    assert len(joined) == len(segments["retail_plain"]) == len(segments["retail_spark"])
    assert adjusted_rand_score(joined["segment_id_pandas"], joined["segment_id_spark"]) >= 0.95
    assert set(joined["segment_name_spark"]) == set(joined["segment_name_pandas"])
