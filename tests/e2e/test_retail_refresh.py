"""Next month's orders in the shipped order-log environment (conf/retail): train on the 50k-line log, generate the
month after it, refresh with it as `make refresh BATCH=... ENV=retail` does, and monitor it. What a user notices:
both levels of the accounting balance, the customers who changed persona moved, the placeholder id is nobody, the
order log is never overwritten, and a second refresh of the same file changes nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from customer_segmentation.demo_data import generate_next_month
from customer_segmentation.summary import catalog_paths, summarise_refresh
from customer_segmentation.names import INPUT_TAG, KIND_TAG
from tests.projects import copy_project, mlflow_store, run_in_process

BATCH = "data/01_raw/orders_2012_01.parquet"
OUTPUTS = ("data/retail/07_model_output/refresh", "data/retail/07_model_output/audience_changes",
           "data/retail/08_reporting/segment_movement.csv", "data/retail/08_reporting/segment_history.csv",
           "data/retail/02_intermediate/batch_rejected_order_lines.csv",
           "data/retail/02_intermediate/refresh_rejected_customers.csv")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _state(project: Path) -> dict[str, str]:
    files = [p for output in OUTPUTS for p in sorted((project / output).rglob("*") if (project / output).is_dir()
                                                       else [project / output]) if p.is_file()]
    return {p.relative_to(project).as_posix(): _sha(p) for p in files}


def _refresh(project: Path) -> dict:
    run_in_process(project, ["refresh"], {"batch_path": BATCH}, env="retail")
    return json.loads((project / "data/retail/08_reporting/refresh_report.json").read_text())


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("retail_refresh"))
    months = generate_next_month(50_000, seed=42, placeholder_id=0)
    months.month_1.drop(columns="persona").to_parquet(project / "data/01_raw/orders.parquet", index=False)
    months.month_2.drop(columns="persona").to_parquet(project / BATCH, index=False)
    run_in_process(project, env="retail")
    batch_sha = _sha(project / BATCH)
    report = _refresh(project)
    return project, months, report, batch_sha


def test_the_batchs_lines_and_customers_both_balance(refreshed):
    project, months, report, _ = refreshed
    lines, rows = report["order_lines"], report["rows"]
    assert lines["lines_read"] == len(months.month_2)
    assert lines["lines_read"] == lines["lines_kept"] + lines["lines_rejected"] + lines["duplicates_removed"]
    rejected = pd.read_csv(project / "data/retail/02_intermediate/batch_rejected_order_lines.csv")
    assert len(rejected) == lines["lines_rejected"] and rejected["rejection_reason"].notna().all()
    assert lines["customers_out"] == rows["rows_read"] == months.month_2["CustomerID"].loc[
        months.month_2["persona"].notna()].nunique()
    assert rows["rows_read"] == rows["rows_out"] + rows["rows_rejected"] + rows["duplicates_removed"]
    assert lines["snapshot_date"] == "2012-01-07"  # the day after the batch's last order, not the training's


def test_the_customers_who_changed_persona_moved_and_new_and_gone_are_the_generators(refreshed):
    project, months, report, _ = refreshed
    truth = months.truth.assign(CustomerID=months.truth["CustomerID"].astype(str))
    customers = pd.read_parquet(project / "data/retail/07_model_output/refresh/refreshed_customers.parquet")
    matched = truth.merge(customers[["CustomerID", "status"]].astype({"CustomerID": str}), on="CustomerID",
                          how="left", suffixes=("_truth", ""))
    moved = matched.loc[matched["status_truth"] == "moved"]
    assert len(moved) > 0 and (moved["status"] == "moved").all()
    stayed = matched.loc[matched["status_truth"] == "stayed"]
    assert (stayed["status"] == "stayed").mean() >= 0.9
    assert set(matched.loc[matched["status"] == "new", "CustomerID"]) == set(
        truth.loc[truth["status"] == "new", "CustomerID"])
    departed = pd.read_csv(project / "data/retail/07_model_output/refresh/departed_customers.csv")
    assert set(departed["CustomerID"].astype(str)) == set(truth.loc[truth["status"] == "departed", "CustomerID"])
    counts = report["customers"]
    assert counts["stayed"] + counts["moved"] + counts["new"] == counts["scored"] == len(customers)


def test_the_placeholder_id_is_nobody_and_the_order_log_is_not_overwritten(refreshed):
    project, _, report, batch_sha = refreshed
    customers = pd.read_parquet(project / "data/retail/07_model_output/refresh/refreshed_customers.parquet")
    assert "0" not in set(customers["CustomerID"].astype(str))
    assert report["order_lines"]["rejections_by_reason"]  # the guest lines were rejected, with their reason
    assert _sha(project / BATCH) == batch_sha


def test_the_summary_shows_the_batchs_lines_then_its_customers(refreshed):
    project, months, _, _ = refreshed
    text = summarise_refresh(project, catalog_paths(project, "retail"), "http://127.0.0.1:8501", "retail")
    lines = text.splitlines()
    assert lines[1].startswith(f"  lines      {len(months.month_2):,} order lines read")
    assert "snapshot 2012-01-07" in text and "rows       " in text
    assert "data/retail/02_intermediate/batch_rejected_order_lines.csv" in text


def test_a_second_refresh_of_the_same_order_log_changes_nothing(refreshed):
    project, _, first, _ = refreshed
    before = _state(project)
    again = _refresh(project)
    assert _state(project) == before
    assert again["repeat"] and again["customers"] == first["customers"]


def test_monitoring_takes_the_order_log_too(refreshed):
    project, months, _, _ = refreshed
    run_in_process(project, ["monitoring"], {"batch_path": BATCH}, env="retail")
    report = json.loads((project / "data/retail/08_reporting/drift_report.json").read_text())
    assert report["order_lines"]["lines_read"] == len(months.month_2)
    assert report["batch"]["rows"] == report["order_lines"]["customers_out"]
    assert report["alert"] in ("none", "watch")


def test_the_refresh_run_in_mlflow_is_named_for_the_order_log_and_logs_its_lines(refreshed):
    project, months, _, _ = refreshed
    with mlflow_store(project) as client:
        experiment = client.get_experiment_by_name("customer_segmentation_retail")
        runs = client.search_runs([experiment.experiment_id], f"tags.`{KIND_TAG}` = 'refresh'")
    assert runs and runs[0].data.tags[INPUT_TAG] == "orders_2012_01.parquet"
    assert runs[0].data.metrics["batch_order_log.lines_read"] == len(months.month_2)
