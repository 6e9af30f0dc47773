"""A CRM export in its own environment with profile columns and an outcome: each segment's response rate
(with its interval and lift) in the profiles, the descriptions, MLflow, the summary and the app, and the rates
recover the generator's persona rates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from customer_segmentation.demo_data.crm import CRM_RESPONSE_RATES, generate_crm_customers
from tests.projects import copy_project, mlflow_store, run_in_process

CRM_PARAMETERS = """\
features:
  annual_income: {column: Income, label: Annual income, unit: USD, range: [0, 10000000]}
  age: {derive: years_since, column: Year_Birth, reference: "2014-12-31", label: Age, unit: years, range: [18, 100]}
  total_spend:
    derive: sum
    columns: [MntWines, MntFruits, MntMeatProducts, MntFishProducts, MntSweetProducts, MntGoldProds]
    label: Total spend
    unit: USD
    range: [0, null]
  recency: {column: Recency, label: Days since last purchase, unit: days, range: [0, 3650]}
profile_columns: [education_level, Marital_Status]
outcomes:
  response: {column: Response, positive: 1, label: Accepted the last campaign}
"""


@pytest.fixture(scope="module")
def crm(tmp_path_factory) -> tuple[Path, pd.Series]:
    """A project with a `crm` environment, run once; and each customer's persona."""
    project = copy_project(tmp_path_factory.mktemp("crm"))
    customers = generate_crm_customers(2240, seed=7, extras=True)
    customers.drop(columns="persona").to_csv(project / "data/01_raw/crm.csv", index=False)
    (project / "conf/crm").mkdir()
    (project / "conf/crm/catalog.yml").write_text(yaml.safe_dump({"customers": {
        "type": "customer_segmentation.datasets.customer_csv.CustomerCSVDataset", "filepath": "data/01_raw/crm.csv"}}))
    (project / "conf/crm/parameters.yml").write_text(CRM_PARAMETERS)
    run_in_process(project, env="crm")
    return project, customers.set_index("ID")["persona"]


def _persona_of_segments(project: Path, personas: pd.Series) -> dict[int, str]:
    segments = pd.read_parquet(project / "data/crm/07_model_output/customer_segments.parquet")
    joined = segments.assign(persona=segments["ID"].astype(int).map(personas))
    return joined.groupby("segment_id")["persona"].agg(lambda p: p.mode()[0]).to_dict()


def test_each_segments_response_rate_recovers_its_personas(crm):
    project, personas = crm
    rates = pd.read_csv(project / "data/crm/07_model_output/segment_outcomes.csv")
    persona = _persona_of_segments(project, personas)
    assert len(rates) == len(persona) == 4
    for row in rates.itertuples():
        expected = CRM_RESPONSE_RATES[persona[row.segment_id]]
        assert row.rate_low - 0.03 <= expected <= row.rate_high + 0.03, (row.segment_name, expected, row.rate)
        assert row.lift == pytest.approx(row.rate / row.overall_rate)
    best = rates.loc[rates["rate"].idxmax()]
    assert persona[best["segment_id"]] == "affluent_loyal" and best["lift"] > 1.8


def test_profiles_and_descriptions_carry_the_rates_and_the_mix(crm):
    project, _ = crm
    profiles = pd.read_csv(project / "data/crm/07_model_output/segment_profiles.csv")
    assert {"response_rate", "response_rate_low", "response_rate_high", "response_lift", "education_level_mix",
            "Marital_Status_mix"} <= set(profiles.columns)
    words = r"Accepted the last campaign \d+ % \(\d+-\d+ %\) vs 1\d % overall"
    assert profiles["description"].str.contains(words).all()
    mix = pd.read_csv(project / "data/crm/07_model_output/segment_categories.csv")
    education = mix[mix["column"] == "education_level"]
    assert set(education["category"]) == {"Graduation", "PhD", "Master", "2n Cycle", "Basic"}
    assert education.groupby("segment_id")["share"].sum().round(6).eq(1).all()


def test_the_mlflow_run_keeps_the_outcome_and_mix_tables(crm):
    project, _ = crm
    with mlflow_store(project) as client:
        run = client.search_runs([client.get_experiment_by_name("customer_segmentation_crm").experiment_id])[0]
        logged = {item.path for item in client.list_artifacts(run.info.run_id, "segments")}
    assert logged == {"segments/segment_outcomes.csv", "segments/segment_categories.csv",
                      "segments/segment_profiles.csv"}


def test_the_summary_names_the_segment_most_likely_to_respond(crm):
    from customer_segmentation.summary import catalog_paths, summarise

    project, _ = crm
    text = summarise(project, catalog_paths(project, "crm"), "http://127.0.0.1:8501", "crm")
    rates = pd.read_csv(project / "data/crm/07_model_output/segment_outcomes.csv")
    best = rates.loc[rates["rate"].idxmax(), "segment_name"]
    assert f"most likely Accepted the last campaign: {best}, " in text


def test_the_segments_page_shows_outcomes_mix_and_compares_rates(crm, open_app, monkeypatch):
    from customer_segmentation.app_support.project import DATA_SET_ENV

    project, _ = crm
    monkeypatch.setenv(DATA_SET_ENV, "crm")
    at = open_app(project)
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert "Outcomes by segment" in headings and "Mix of each segment" in headings
    outcomes = next(d.value for d in at.dataframe if "lift" in d.value.columns)
    assert len(outcomes) == 4 and outcomes["95 % interval"].str.fullmatch(r"\d+-\d+ %").all()
    compared = next(d.value for d in at.dataframe if "effect size d" in d.value.columns)
    assert "Accepted the last campaign" in set(compared["feature"])
    assert any(c.value.startswith("In this audience: Accepted the last campaign") for c in at.caption)
