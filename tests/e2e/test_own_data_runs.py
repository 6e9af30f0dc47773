"""`kedro run` from the command line on one's own data: a CRM export, and a feature table that cannot work."""

import json
from pathlib import Path

import pandas as pd
import yaml

from customer_segmentation.demo_data import generate_crm_customers
from tests.conftest import log_size, project_log, run_kedro
from tests.features.configs import CRM


def _use(project: Path, features: dict, data: pd.DataFrame) -> None:
    params_file = project / "conf/base/parameters.yml"
    params = yaml.safe_load(params_file.read_text())
    params["features"] = features
    params_file.write_text(yaml.safe_dump(params, sort_keys=False))
    data.to_csv(project / "data/01_raw/segmentation_data.csv", index=False)


def test_kedro_run_on_a_crm_export_with_the_issues_configuration(project_copy):
    _use(project_copy, CRM, generate_crm_customers(2240, seed=1).drop(columns="persona"))
    run_kedro(project_copy, "run")
    profiles = pd.read_csv(project_copy / "data/07_model_output/segment_profiles.csv")
    report = json.loads((project_copy / "data/08_reporting/data_quality_report.json").read_text())
    assert len(profiles) == 4 and report["rows_read"] == 2240
    assert {"annual_income_mean", "age_mean", "total_spend_mean", "recency_mean"} <= set(profiles.columns)
    print("\n" + profiles[["segment_id", "segment_name", "size", "description"]].to_string(index=False))


def test_kedro_run_stops_in_seconds_on_a_bad_feature_table_listing_every_problem(project_copy):
    bad = {**CRM, "total_spend": {**CRM["total_spend"], "derive": "summ"}, "age": {**CRM["age"], "range": [100, 18]}}
    _use(project_copy, bad, generate_crm_customers(300, seed=1).drop(columns="persona"))
    since = log_size(project_copy)
    result = run_kedro(project_copy, "run", check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1
    assert "has 2 problem(s)" in output and "derive 'summ' is not one of" in output and "[100, 18] is inverted" in output
    log = project_log(project_copy, since)
    assert "Traceback" not in output and "Kedro project" in log and "Running node" not in log
