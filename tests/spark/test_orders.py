"""pandas and Spark agree on an order log: the same lines kept and rejected (by reason), the same customers with the
same aggregates, the same report; and whole runs of the shipped retail log as a user types them (``kedro run --env
retail`` on pandas, ``kedro run --env retail_spark`` on local[2] and on a standalone cluster on 127.0.0.1) make the
same decisions with the retail feature table as shipped (``transform: log`` included)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.demo_data import generate_order_log
from customer_segmentation.pipelines.orders import nodes, spark_nodes
from tests.projects import PROJECT_ROOT, copy_project, run_kedro
from tests.spark.cluster import master_state, standalone_cluster

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


SHIPPED_LOG = "data/01_raw/orders.parquet"  # the project's generated order log (conf/retail reads it)


def _outputs(project: Path, env: str) -> dict:
    """What a run of ``env`` wrote that a user reads: the reports, the chosen k, each customer's segment, the
    segment table."""
    data = project / "data" / env
    return {
        "report": json.loads((data / "08_reporting/order_log_report.json").read_text()),
        "quality": json.loads((data / "08_reporting/data_quality_report.json").read_text()),
        "k": json.loads((data / "08_reporting/k_selection.json").read_text())["k"],
        "metrics": json.loads((data / "08_reporting/clustering_metrics.json").read_text()),
        "segments": pd.read_parquet(data / "07_model_output/customer_segments.parquet").astype({"CustomerID": str}),
        "profiles": pd.read_csv(data / "07_model_output/segment_profiles.csv"),
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("orders_spark"))
    shutil.copy(PROJECT_ROOT / SHIPPED_LOG, project / SHIPPED_LOG)
    return project


@pytest.fixture(scope="module")
def pandas_run(project) -> dict:
    """``kedro run --env retail``: the shipped environment on pandas, the reference of both Spark runs."""
    run_kedro(project, "run", "--env", "retail")
    return _outputs(project, "retail")


@pytest.fixture(scope="module")
def local_run(project, pandas_run) -> dict:
    """``kedro run --env retail_spark`` on local[2]."""
    log = run_kedro(project, "run", "--env", "retail_spark", "--params", "spark_master=local[2]")
    return {**_outputs(project, "retail_spark"), "log": log.stdout + log.stderr}


@pytest.fixture(scope="module")
def cluster_run(project, local_run, tmp_path_factory) -> dict:
    """``kedro run --env retail_spark`` on a standalone master and worker on 127.0.0.1 (stopped by process group)."""
    with standalone_cluster(tmp_path_factory.mktemp("cluster")) as (master, web):
        log = run_kedro(project, "run", "--env", "retail_spark", "--params", f"spark_master={master}")
        state = master_state(web)
    return {**_outputs(project, "retail_spark"), "log": log.stdout + log.stderr, "master": master, "state": state}


def _agreement(spark_run: dict, pandas_run: dict) -> tuple[pd.DataFrame, float]:
    joined = pandas_run["segments"].merge(spark_run["segments"], on="CustomerID", suffixes=("_pandas", "_spark"))
    assert len(joined) == len(pandas_run["segments"]) == len(spark_run["segments"]), "the same customers"
    return joined, adjusted_rand_score(joined["segment_id_pandas"], joined["segment_id_spark"])


@pytest.mark.parametrize("engine", ["local_run", "cluster_run"])
def test_spark_runs_of_the_shipped_log_make_the_pandas_decisions(engine, request, pandas_run):
    spark_run = request.getfixturevalue(engine)
    assert spark_run["report"] == pandas_run["report"], "the same lines, reasons and customers"
    assert spark_run["k"] == pandas_run["k"]
    assert {**spark_run["quality"], "input_sha256": None} == {**pandas_run["quality"], "input_sha256": None}
    for name in ("inertia", "silhouette", "calinski_harabasz", "davies_bouldin"):
        assert spark_run["metrics"][name] == pytest.approx(pandas_run["metrics"][name], rel=1e-6), name
    joined, ari = _agreement(spark_run, pandas_run)
    assert ari >= 0.95, f"adjusted Rand index {ari:.3f}"
    names = {run: sorted(set(joined[f"segment_name_{run}"].astype(str))) for run in ("pandas", "spark")}
    assert names["spark"] == names["pandas"]
    assert {"Champions", "Hibernating"} <= set(names["spark"]), names


def test_the_spark_segment_table_is_in_the_features_units(local_run, pandas_run):
    """transform: log clusters on log1p(revenue), but descriptions and profiles say pounds and orders."""
    spark_profiles, pandas_profiles = (run["profiles"].set_index("segment_name").sort_index()
                                       for run in (local_run, pandas_run))
    pd.testing.assert_series_equal(spark_profiles["monetary_median"], pandas_profiles["monetary_median"], rtol=0.05)
    assert spark_profiles["monetary_median"].max() > 1000, "GBP, not log1p(GBP)"
    champions = spark_profiles.loc["Champions", "description"]
    assert "£" in champions and " orders" in champions, champions


def test_the_cluster_run_ran_on_the_standalone_cluster(cluster_run):
    assert f"session on {cluster_run['master']}" in " ".join(cluster_run["log"].split())
    apps = cluster_run["state"]["completedapps"] + cluster_run["state"]["activeapps"]
    assert [app["name"] for app in apps] == ["customer-segmentation"]
