"""The shipped order-log environment (conf/retail): `kedro run --env retail` on a generated 50k-line log with
cancellations, a placeholder id, zero prices and duplicates. What a user notices: the report balances, the
placeholder is nobody's best customer, revenue nets the returns, the RFM personas come back by name."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.demo_data import generate_order_log
from customer_segmentation.errors import ConfigurationError
from tests.projects import copy_project, mlflow_store, run_in_process

OUTPUTS = "data/retail/07_model_output"


def _with_log(project: Path, lines: int = 50_000) -> pd.DataFrame:
    log = generate_order_log(lines, seed=42, placeholder_id=0)
    log.drop(columns="persona").to_parquet(project / "data/01_raw/orders.parquet", index=False)
    return log


@pytest.fixture(scope="module")
def retail(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    project = copy_project(tmp_path_factory.mktemp("retail"))
    log = _with_log(project)
    run_in_process(project, env="retail")
    return project, log


def test_the_order_log_report_balances(retail):
    project, log = retail
    report = json.loads((project / "data/retail/08_reporting/order_log_report.json").read_text())
    assert report["lines_read"] == len(log)
    assert report["lines_read"] == report["lines_kept"] + report["lines_rejected"] + report["duplicates_removed"]
    assert report["customers_out"] == log.loc[log["persona"].notna(), "CustomerID"].nunique()
    quality = json.loads((project / "data/retail/08_reporting/data_quality_report.json").read_text())
    assert quality["rows_read"] == report["customers_out"]
    assert (project / "data/retail/02_intermediate/rejected_order_lines.csv").exists()


def test_the_placeholder_customer_is_in_no_segment(retail):
    project, _ = retail
    segments = pd.read_parquet(project / f"{OUTPUTS}/customer_segments.parquet")
    assert "0" not in set(segments["CustomerID"].astype(str))
    best = segments.loc[segments["monetary"].idxmax(), "CustomerID"]
    assert str(best) != "0"


def test_revenue_nets_the_huge_order_and_its_cancellation(retail):
    project, log = retail
    segments = pd.read_parquet(project / f"{OUTPUTS}/customer_segments.parquet").set_index("CustomerID")
    huge = log.loc[log["Quantity"].abs() == log["Quantity"].abs().max(), "CustomerID"].iloc[0]
    own = log[(log["CustomerID"] == huge) & (log["UnitPrice"] > 0)].drop(columns="persona").drop_duplicates()
    assert segments.loc[str(huge), "monetary"] == pytest.approx((own["Quantity"] * own["UnitPrice"]).sum())
    assert segments.loc[str(huge), "monetary"] < 0.01 * (own["Quantity"].abs() * own["UnitPrice"]).sum()


def test_the_rfm_personas_are_found_and_named(retail):
    project, log = retail
    segments = pd.read_parquet(project / f"{OUTPUTS}/customer_segments.parquet")
    truth = log[log["persona"].notna()][["CustomerID", "persona"]].drop_duplicates()
    joined = segments.merge(truth.assign(CustomerID=truth["CustomerID"].astype(str)), on="CustomerID")
    assert adjusted_rand_score(joined["persona"], joined["segment_id"]) >= 0.9
    named = joined.groupby("persona")["segment_name"].agg(lambda names: names.mode()[0]).to_dict()
    assert named["champions"] == "Champions" and named["hibernating"] == "Hibernating"
    assert named["new_customers"] == "New customers" and named["at_risk"] == "At risk"


def test_descriptions_are_in_days_orders_and_pounds(retail):
    project, _ = retail
    profiles = pd.read_csv(project / f"{OUTPUTS}/segment_profiles.csv")
    assert profiles["description"].str.contains(r"last order [\d.]+ days ago", case=False).all()
    assert profiles["description"].str.contains(r"revenue £[\d.]+k?", case=False).all()
    champions = profiles.set_index("segment_name").loc["Champions"]
    assert champions["monetary_median"] > 1000  # GBP, not log1p(GBP)


def test_the_mlflow_run_logs_the_line_and_customer_counts(retail):
    project, log = retail
    with mlflow_store(project) as client:
        experiment = client.get_experiment_by_name("customer_segmentation_retail")
        metrics = client.search_runs([experiment.experiment_id])[0].data.metrics
    assert metrics["order_log.lines_read"] == len(log)
    assert metrics["order_log.customers_out"] == log.loc[log["persona"].notna(), "CustomerID"].nunique()


def _env_with(tmp_path: Path, parameters: str) -> Path:
    project = copy_project(tmp_path)
    _with_log(project, 3_000)
    (project / "conf/retail/parameters.yml").write_text(parameters)
    return project


@pytest.mark.parametrize("change, message", [
    (("aggregate: revenue,", "aggregate: revenu,"), r"aggregate 'revenu' is not one of .*did you mean 'revenue'"),
    (("unit_price: UnitPrice", "unit_price: Price"), r"transactions \(conf/retail/parameters.yml\) maps 'Price'"),
])
def test_a_configuration_mistake_stops_the_run_before_any_node(tmp_path, change, message):
    text = (Path(__file__).parents[2] / "conf/retail/parameters.yml").read_text()
    assert change[0] in text
    project = _env_with(tmp_path, text.replace(*change))
    with pytest.raises(ConfigurationError, match=message):
        run_in_process(project, env="retail")
    assert not (project / "data/retail/02_intermediate").exists() or not any(
        (project / "data/retail/02_intermediate").iterdir())
    assert yaml.safe_load((project / "conf/retail/parameters.yml").read_text())["transactions"]


def test_the_summary_shows_the_lines_then_the_customers(retail):
    from customer_segmentation.summary import catalog_paths, summarise

    project, log = retail
    text = summarise(project, catalog_paths(project, "retail"), "http://127.0.0.1:8501", "retail")
    lines = text.splitlines()
    assert lines[1].startswith(f"  lines      {len(log):,} order lines read")
    assert "placeholder customer id ('0'" in lines[2]
    assert any(line.strip().endswith("Champions") or " Champions " in line for line in lines)


def test_the_app_shows_both_levels_of_the_report_and_the_segments_in_units(retail, open_app, monkeypatch):
    from customer_segmentation.app_support.project import DATA_SET_ENV

    project, log = retail
    monkeypatch.setenv(DATA_SET_ENV, "retail")
    runs = open_app(project, "runs")
    assert not runs.exception
    metrics = {metric.label: metric.value for metric in runs.metric}
    assert metrics["Order lines read"] == f"{len(log):,}"
    assert metrics["Customers"] == metrics["Rows used"]
    segments = open_app(project)
    assert not segments.exception
    shown = " ".join(str(element.value) for element in [*segments.markdown, *segments.caption])
    assert "Champions" in shown or any("Champions" in str(d.value) for d in segments.dataframe)


@pytest.mark.parametrize("values, expected", [((4, 25, 20_000), "Champions"), ((300, 1, 80), "Hibernating")])
def test_predict_takes_a_customers_rfm_values(retail, open_app, monkeypatch, values, expected):
    from customer_segmentation.app_support.project import DATA_SET_ENV

    project, _ = retail
    monkeypatch.setenv(DATA_SET_ENV, "retail")
    at = open_app(project, "predict")
    fields = at.number_input
    assert [field.label.split(" (")[0] for field in fields][:3] == ["Days since last order", "Orders", "Revenue"]
    for field, value in zip(fields, values):
        field.set_value(value)
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"This customer belongs to **{expected}**."]
