"""`kedro run` from the command line on bad files: a stop with the project's message, or a run that copes."""

import shutil
from pathlib import Path

import pandas as pd

from tests.conftest import run_kedro

CASES = Path(__file__).resolve().parents[1] / "data" / "bad_input"


def test_kedro_run_on_a_single_valid_row_stops_saying_more_customers_are_needed(project_copy):
    shutil.copy(CASES / "single_valid_row.csv", project_copy / "data/01_raw/segmentation_data.csv")
    result = run_kedro(project_copy, "run", check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "only 1 distinct customer(s) (1 rows) passed validation; segmenting needs at least 3" in output
    rejected = pd.read_csv(project_copy / "data/02_intermediate/rejected_customers.csv")
    assert rejected["customer_id"].tolist() == ["C2"], "the rejected row is written before the stop"


def test_kedro_run_with_a_constant_feature_segments_the_customers(project_copy):
    shutil.copy(CASES / "constant_feature.csv", project_copy / "data/01_raw/segmentation_data.csv")
    result = run_kedro(project_copy, "run")
    output = " ".join((result.stdout + result.stderr).split())
    assert "['age'] have the same value for every customer" in output
    segments = pd.read_parquet(project_copy / "data/07_model_output/customer_segments.parquet")
    assert len(segments) == 40 and segments["segment_id"].nunique() >= 2
