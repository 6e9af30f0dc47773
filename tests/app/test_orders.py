"""The app on a model trained on an order log (`kedro run --env retail` on a generated log): Score a file takes next
month's order lines and shows their accounting before the customers' segments; Predict takes one customer's RFM
values in their units."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from customer_segmentation.app_support.project import DATA_SET_ENV
from customer_segmentation.demo_data import generate_order_log
from customer_segmentation.pipelines.orders.nodes import aggregate_customers, validate_order_lines
from tests.app.test_pages import metric_values, table_with, texts
from tests.bundles import retail_parameters
from tests.projects import RETAIL_ENV, retail, run_in_process

pytestmark = pytest.mark.filterwarnings("ignore:register_new_resolver:UserWarning")


@pytest.fixture
def retail_app(open_app, projects_dir, monkeypatch):
    monkeypatch.setenv(DATA_SET_ENV, RETAIL_ENV)
    project = retail(projects_dir)
    return lambda page: open_app(project, page), project


@pytest.fixture(scope="module")
def next_month() -> pd.DataFrame:
    return generate_order_log(3_000, seed=11, placeholder_id=0).drop(columns="persona")


def trained_model(project):
    from customer_segmentation.segmentation.persistence import load_model

    folder = project / "data/retail/06_models/segmentation_model.skops"
    (version,) = [path.name for path in folder.iterdir()]
    return load_model(folder / version / "segmentation_model.skops")


def test_an_uploaded_order_log_shows_its_line_accounting_and_offers_the_rejected_lines(retail_app, next_month):
    open_page, _ = retail_app
    at = open_page("score")
    at.file_uploader(key="score_upload").set_value(("orders.csv", next_month.to_csv(index=False).encode(), "text/csv"))
    at.run()
    assert not at.exception
    _, _, report = validate_order_lines(next_month, retail_parameters()["transactions"])
    shown = metric_values(at)
    assert {label: shown[label] for label in ("Lines read", "Lines kept", "Lines rejected", "Duplicate lines removed")
            } == {"Lines read": f"{len(next_month):,}", "Lines kept": f"{report['lines_kept']:,}",
                  "Lines rejected": f"{report['lines_rejected']:,}",
                  "Duplicate lines removed": f"{report['duplicates_removed']:,}"}
    reasons = table_with(at, "problem")
    assert dict(zip(reasons["problem"], reasons["lines"])) == report["rejections_by_reason"]
    assert at.download_button(key="score_rejected_download").label == "Download the rejected lines (CSV)"
    last = pd.to_datetime(next_month["InvoiceDate"]).max().normalize() + pd.Timedelta(days=1)
    assert any(f"Recency counts to **{last.date()}**, the day after the last order in this file" in text
               for text in texts(at.info))


def test_every_customer_of_an_uploaded_order_log_gets_a_segment_with_rfm_values_in_units(retail_app, next_month):
    open_page, project = retail_app
    at = open_page("score")
    at.file_uploader(key="score_upload").set_value(("orders.csv", next_month.to_csv(index=False).encode(), "text/csv"))
    at.run()
    parameters = retail_parameters()
    kept, _, summary = validate_order_lines(next_month, parameters["transactions"])
    customers, _ = aggregate_customers(kept, parameters["features"], parameters["transactions"], summary)
    rows = table_with(at, "runner_up_name")
    assert metric_values(at)["Customers in the log"] == str(len(customers)) == str(len(rows))
    assert rows["CustomerID"].tolist() == customers["CustomerID"].tolist() and "0" not in set(rows["CustomerID"])
    pd.testing.assert_frame_equal(rows[["recency", "frequency", "monetary"]], customers[["recency", "frequency",
                                                                                          "monetary"]])
    model = trained_model(project)
    assert rows["segment_id"].tolist() == model.predict(customers[["recency", "frequency", "monetary"]]).tolist()


def test_predict_takes_a_customers_rfm_values_in_their_units(retail_app):
    open_page, project = retail_app
    at = open_page("predict")
    labels = [field.label for field in at.number_input]
    assert labels == ["Days since last order (days)", "Orders (orders)", "Revenue (GBP)"]
    values = {"recency": 12.0, "frequency": 9.0, "monetary": 2100.0}
    for name, value in values.items():
        at.number_input(key=f"predict_{name}").set_value(value)
    at.form_submit_button[0].click().run()
    assert not at.exception
    model = trained_model(project)
    (segment,) = model.predict(pd.DataFrame([values]))
    profiles = pd.read_csv(project / "data/retail/07_model_output/segment_profiles.csv")
    name = profiles.loc[profiles["segment_id"] == segment, "segment_name"].iloc[0]
    assert texts(at.success) == [f"This customer belongs to **{name}**."]
    table = table_with(at, "this customer")
    assert table["this customer"].tolist() == ["12 days", "9 orders", "£2.1k"]


def test_the_monitoring_page_says_what_a_batch_order_log_held(open_app, projects_dir, monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_SET_ENV, RETAIL_ENV)
    project = tmp_path / "project"  # its own copy: monitoring writes reports the shared project's pages read
    shutil.copytree(retail(projects_dir), project)
    batch = tmp_path / "orders_next_month.csv"
    generate_order_log(3_000, seed=5, placeholder_id=0).drop(columns="persona").to_csv(batch, index=False)
    run_in_process(project, pipelines=["monitoring"], params={"batch_path": str(batch)}, env=RETAIL_ENV)
    at = open_app(project, "monitoring")
    assert not at.exception
    report = json.loads((project / "data/retail/08_reporting/drift_report.json").read_text())["order_lines"]
    (caption,) = [text for text in texts(at.caption) if text.startswith("The batch was an order log")]
    assert f"{report['lines_read']:,} order lines read: {report['lines_kept']:,} kept" in caption
    assert f"-> {report['customers_out']:,} customers" in caption
    assert "batch_rejected_order_lines.csv" in caption
