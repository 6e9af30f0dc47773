"""`kedro run` from the command line on a file the feature table cannot read: one message, no traceback, before
any node."""

import pandas as pd

from tests.conftest import log_size, project_log, run_kedro


def test_kedro_run_stops_before_any_node_with_the_missing_column_and_no_traceback(project_copy):
    raw = project_copy / "data/01_raw/segmentation_data.csv"
    pd.read_csv(raw, dtype=str).rename(columns={"age": "Age (years)"}).to_csv(raw, index=False)
    since = log_size(project_copy)
    result = run_kedro(project_copy, "run", check=False)
    assert result.returncode == 1
    output = " ".join((result.stdout + result.stderr).split())
    assert "features.age reads column 'age', which the file does not have: set its 'column'" in output
    assert "Headers found in the file: customer_id, annual_income, spending_score, savings, Age (years)" in output
    log = project_log(project_copy, since)
    assert "Traceback" not in output and "Kedro project" in log and "Running node" not in log, "stopped before the first node"


