"""A whole run with the categorical issue's configuration in a Kedro environment (`telecom`: two numbers, two
categories, `algorithm: kprototypes`), beside the demo: segments named by their categories, the served model
answering rows with categories, and the demo's outputs untouched."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.errors import ConfigurationError
from tests.features.configs import TELECOM_PARAMETERS
from tests.projects import TELECOM_ROWS, copy_project, mlflow_store, run_in_process, telecom

CATEGORY_WORDS = ("Month-to-month", "One year", "Two year", "fiber optic", "DSL", "no internet service")


@pytest.fixture(scope="module")
def project(projects_dir) -> Path:
    return telecom(projects_dir)


def test_the_run_segments_on_numbers_and_categories_and_names_segments_by_their_categories(project):
    out = project / "data/telecom"
    profiles = pd.read_csv(out / "07_model_output/segment_profiles.csv")
    segments = pd.read_parquet(out / "07_model_output/customer_segments.parquet")
    selection = json.loads((out / "08_reporting/k_selection.json").read_text())
    assert len(profiles) == selection["k"] == segments["segment_id"].nunique()
    assert profiles["size"].sum() == TELECOM_ROWS
    assert "cost" in pd.read_csv(out / "08_reporting/k_sweep.csv").columns
    assert all(any(word in name for word in CATEGORY_WORDS) for name in profiles["segment_name"]), profiles
    assert profiles["description"].str.startswith("Contract ").all()
    assert set(profiles["contract_mode"]) <= {"Month-to-month", "One year", "Two year"}
    assert profiles["internet_share"].between(0, 1).all() and "internet_z" not in profiles.columns
    personas = pd.read_csv(project / "telecom_personas.csv")["persona"]
    if selection["k"] == 4:
        assert adjusted_rand_score(personas.loc[segments["source_row"] - 1], segments["segment_id"]) >= 0.85


def test_the_quality_report_counts_categories_grouped_as_other(project):
    report = json.loads((project / "data/telecom/08_reporting/data_quality_report.json").read_text())
    assert set(report["categories_grouped"]) == {"contract", "internet"}
    assert report["cells_imputed"]["contract"] == 0 and report["rows_out"] == TELECOM_ROWS


def test_the_demos_outputs_are_untouched(project):
    before = json.loads((project / "demo_outputs.json").read_text())
    now = {p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
           for p in sorted((project / "data").rglob("*")) if p.is_file() and "data/telecom/" not in p.as_posix()
           and p.name != "telecom.csv"}
    assert now == before


def test_the_served_model_answers_a_row_with_categories_and_an_unknown_category_with_its_error(project):
    import mlflow

    with mlflow_store(project):
        model = mlflow.pyfunc.load_model("models:/customer_segmentation_telecom@champion")
    names = set(pd.read_csv(project / "data/telecom/07_model_output/segment_profiles.csv")["segment_name"])
    rows = pd.DataFrame({"tenure": [3, 60], "MonthlyCharges": ["$85.10", 60.0],
                         "Contract": ["Month-to-month", "Two year"], "InternetService": ["Fiber optic", "Satellite"]})
    answer = model.predict(rows)
    assert answer.loc[0, "segment_name"] in names and answer.loc[0, "error"] is None
    assert answer.loc[1, "segment_id"] is None
    assert answer.loc[1, "error"] == ("internet: 'Satellite' is not a category the model knows "
                                      "(known: 'DSL', 'Fiber optic', 'No')")


def test_k_means_with_a_category_feature_stops_the_run_before_any_node_naming_both_fixes(tmp_path):
    """(A Gaussian mixture's refusal, the same check, is in tests/config/test_categories.py.)"""
    project = copy_project(tmp_path)
    (project / "conf/telecom").mkdir()
    (project / "conf/telecom/parameters.yml").write_text(TELECOM_PARAMETERS.replace("kprototypes", "kmeans"))
    with pytest.raises(ConfigurationError) as error:
        run_in_process(project, env="telecom")
    assert str(error.value) == (
        "feature(s) contract, internet (conf/telecom/parameters.yml) are type: category, and clustering.algorithm "
        "'kmeans' (conf/telecom/parameters.yml) segments on numbers only. Either set clustering.algorithm: "
        "kprototypes to segment on numbers and categories together, or move Contract, InternetService from "
        "'features' to 'profile_columns' to describe the segments by them without segmenting on them")
    assert not (project / "data/telecom").exists(), "no node ran"


def test_a_batch_is_monitored_against_a_k_prototypes_model(project, tmp_path):
    import shutil

    from customer_segmentation.demo_data.telecom import generate_telecom_customers

    copy = tmp_path / "project"
    shutil.copytree(project, copy)
    batch = generate_telecom_customers(300, seed=99).drop(columns="persona")
    batch.loc[batch.index[:5], "Contract"] = ""  # missing: filled with training's most frequent contract
    batch.to_csv(copy / "data/01_raw/telecom_batch.csv", index=False)
    run_in_process(copy, pipelines=["monitoring"], params={"batch_path": "data/01_raw/telecom_batch.csv"},
                   env="telecom")
    report = json.loads((copy / "data/telecom/08_reporting/drift_report.json").read_text())
    assert report["batch"]["scored"] == 300 and report["batch"]["rows_imputed"] == 5
    assert set(report["features"]) == {"tenure", "monthly_charges"}  # numbers; categories show in the segment mix
    assert report["alert"] in {"none", "watch", "retrain"}
