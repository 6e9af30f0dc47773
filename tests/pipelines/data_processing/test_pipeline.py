"""The data_processing pipeline as Kedro runs it: in memory, then in a session on a copy of the project."""

import json

import pandas as pd

from customer_segmentation.demo_data import add_dirt, generate_customers
from customer_segmentation.io.csv_files import read_customer_csv
from tests.projects import run_in_process
from tests.helpers import FEATURE_NAMES
from tests.helpers import run_data_processing as _run

def test_pipeline_accounts_for_every_row_of_dirty_demo_data(tmp_path):
    path = tmp_path / "dirty.csv"
    add_dirt(generate_customers(2000, seed=3), seed=3).to_csv(path, index=False)
    outputs = _run(read_customer_csv(path))
    report = outputs["data_quality_report"]
    assert report["rows_read"] == 2020
    assert report["rows_out"] + report["rows_rejected"] + report["duplicates_removed"] == report["rows_read"]
    assert report["duplicates_removed"] == 20
    assert report["rows_rejected"] >= 8, "the impossible and non-numeric cells are rejected"
    assert sum(report["cells_imputed"].values()) > 0
    clean = outputs["model_input_customers"]
    assert clean[FEATURE_NAMES].notna().all().all()
    assert clean["customer_id"].is_unique
    assert outputs["rejected_customers"]["rejection_reason"].str.len().gt(0).all()


def test_pipeline_keeps_every_reference_row(reference_csv):
    outputs = _run(read_customer_csv(reference_csv))
    report = outputs["data_quality_report"]
    assert (report["rows_read"], report["rows_out"], report["rows_rejected"]) == (250, 250, 0)
    reference = pd.read_csv(reference_csv)
    pd.testing.assert_frame_equal(
        outputs["model_input_customers"][list(reference.columns)].reset_index(drop=True),
        reference.astype(float),
    )


def test_kedro_run_data_processing_writes_balanced_outputs(trained_project):
    project_copy = trained_project
    report = json.loads((project_copy / "data/08_reporting/data_quality_report.json").read_text())
    clean = pd.read_parquet(project_copy / "data/05_model_input/model_input_customers.parquet")
    rejected = pd.read_csv(project_copy / "data/02_intermediate/rejected_customers.csv", dtype=str)
    raw = pd.read_csv(project_copy / "data/01_raw/segmentation_data.csv", dtype=str)
    assert report["rows_read"] == len(raw)
    assert report["rows_out"] == len(clean) and report["rows_rejected"] == len(rejected)
    assert len(clean) + len(rejected) + report["duplicates_removed"] == len(raw)
    assert rejected["rejection_reason"].notna().all()


def test_kedro_run_reads_a_feature_from_the_column_the_table_names(project_copy):
    raw = project_copy / "data/01_raw/segmentation_data.csv"
    pd.read_csv(raw, dtype=str).rename(columns={"age": "Age (years)"}).to_csv(raw, index=False)
    run_in_process(project_copy, pipelines=["data_processing"], params={"features": {"age": {"column": "Age (years)"}}})
    clean = pd.read_parquet(project_copy / "data/05_model_input/model_input_customers.parquet")
    assert clean["age"].between(18, 100).all() and "Age (years)" in clean.columns
