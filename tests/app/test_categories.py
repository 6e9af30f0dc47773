"""The app on a model of numbers and categories (the `telecom` environment, k-prototypes): Predict offers each
category feature's categories to choose from; a file with a category the model does not know gets that row's
problem."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.app_support.project import DATA_SET_ENV
from tests.app.test_pages import metric_values, table_with, texts
from tests.projects import TELECOM_ENV, telecom

pytestmark = pytest.mark.filterwarnings("ignore:register_new_resolver:UserWarning")

UNKNOWN_CATEGORY_CSV = (
    b"customerID,tenure,MonthlyCharges,Contract,InternetService\n"
    b"A1,3,85.5,Month-to-month,Fiber optic\n"
    b"A2,60,20.1,Two year,Satellite\n"
)


@pytest.fixture
def telecom_app(open_app, projects_dir, monkeypatch):
    monkeypatch.setenv(DATA_SET_ENV, TELECOM_ENV)
    project = telecom(projects_dir)
    return lambda page: open_app(project, page), project


def test_predict_offers_the_models_categories_and_scores_the_chosen_one(telecom_app):
    open_page, project = telecom_app
    profiles = pd.read_csv(project / "data/telecom/07_model_output/segment_profiles.csv")
    at = open_page("predict")
    assert not at.exception
    contract, internet = at.selectbox(key="predict_contract"), at.selectbox(key="predict_internet")
    assert contract.options == ["Month-to-month", "One year", "Two year"]
    assert internet.options == ["DSL", "Fiber optic", "No"]
    assert [box.label for box in at.selectbox] == ["Contract", "Internet service"]
    contract.set_value("Month-to-month")
    internet.set_value("Fiber optic")
    at.number_input(key="predict_tenure").set_value(3)
    at.form_submit_button[0].click().run()
    assert not at.exception
    (answer,) = texts(at.success)
    name = answer.removeprefix("This customer belongs to **").removesuffix("**.")
    assert name == profiles.loc[0, "segment_name"], "the new month-to-month fiber subscribers"
    table = table_with(at, "this customer")
    assert table.loc[table["feature"] == "Contract", "this customer"].tolist() == ["Month-to-month"]
    assert table.loc[table["feature"] == "Contract", "segment mean"].str.startswith("mostly Month-to-month").all()


def test_a_file_with_a_category_the_model_does_not_know_lists_that_rows_problem(telecom_app):
    open_page, _ = telecom_app
    at = open_page("score")
    at.file_uploader(key="score_upload").set_value(("customers.csv", UNKNOWN_CATEGORY_CSV, "text/csv"))
    at.run()
    assert not at.exception
    assert metric_values(at) == {"Rows in the file": "2", "Scored": "1", "Rows with problems": "1"}
    problems = table_with(at, "reason")
    assert problems.to_dict("records") == [
        {"row": 2, "column": "internet", "value": "Satellite",
         "reason": "not a category the model knows (known: 'DSL', 'Fiber optic', 'No')"}]
    rows = table_with(at, "runner_up_name")
    assert rows["segment_name"].notna().tolist() == [True, False]


def test_segments_page_profiles_each_category_feature_and_compares_segments_by_them(telecom_app):
    open_page, _ = telecom_app
    at = open_page("segments")
    assert not at.exception
    profiles = table_with(at, "contract_mode")
    assert {"contract_share", "internet_mode", "tenure_mean"} <= set(profiles.columns)
    compared = table_with(at, "effect size d")
    assert {"Contract", "Internet service", "Tenure"} <= set(compared["feature"])
