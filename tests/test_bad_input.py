"""Every malformed-file case of issue #7 through the reader and the data_processing pipeline.

Each case has a decided behaviour: cleaned, rows rejected with reasons, or a stop with a
message that names the problem and the fix. Whenever the run succeeds, no row is lost.
"""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.io import read_customer_csv
from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.pipelines.data_processing.nodes import NoValidRowsError
from tests.conftest import run_kedro
from tests.helpers import FEATURE_NAMES, run_data_processing

CASES = Path(__file__).parent / "data" / "bad_input"


def _process(name: str, **overrides):
    outputs = run_data_processing(read_customer_csv(CASES / name), **overrides)
    report = outputs["data_quality_report"]
    assert report["rows_read"] == report["rows_out"] + report["rows_rejected"] + report["duplicates_removed"]
    return outputs


def _reasons(outputs) -> dict[str, str]:
    rejected = outputs["rejected_customers"]
    return dict(zip(rejected["customer_id"], rejected["rejection_reason"]))


def test_missing_required_column_stops_with_its_name_and_the_fix():
    with pytest.raises(ConfigurationError) as error:
        _process("missing_column.csv")
    assert "features.age reads column 'age', which the file does not have: set its 'column'" in str(error.value)


def test_extra_and_reordered_columns_are_carried_along():
    clean = _process("extra_reordered_columns.csv")["model_input_customers"]
    assert clean["annual_income"].tolist() == [58773.0, 68467.0, 62328.0]
    assert clean["region"].tolist() == ["North", "South", "East"]


def test_utf8_bom_header_is_recognised():
    assert len(_process("utf8_bom.csv")["model_input_customers"]) == 4


def test_semicolon_delimiter_is_detected():
    clean = _process("semicolon.csv")["model_input_customers"]
    assert clean["savings"].tolist() == [14577.21, 13159.41, 20037.43, 1117.23]


def test_latin1_file_is_read_with_its_accents():
    clean = _process("latin1.csv")["model_input_customers"]
    assert clean["city"].tolist() == ["Zürich", "São Paulo", "Kraków"]


def test_thousands_separators_and_currency_are_parsed_and_ambiguous_commas_rejected():
    outputs = _process("thousands_currency.csv")
    clean = outputs["model_input_customers"].set_index("customer_id")
    assert clean.loc["C1", "annual_income"] == 58773.0 and clean.loc["C1", "savings"] == 14577.21
    assert clean.loc["C2", "annual_income"] == 68467.0 and clean.loc["C2", "savings"] == 13159.41
    assert _reasons(outputs) == {"C3": "annual_income: '1,5' is not a number"}


def test_empty_file_stops_with_a_clear_message():
    with pytest.raises(CustomerDataError, match="is empty: it needs a header line"):
        read_customer_csv(CASES / "empty.csv")


def test_header_only_file_stops_saying_there_are_no_rows():
    with pytest.raises(NoValidRowsError, match="no valid rows: all 0 rows.*no data rows"):
        _process("header_only.csv")


def test_every_row_invalid_stops_but_keeps_the_rejected_rows():
    with pytest.raises(NoValidRowsError, match="all 3 rows.*rejected_customers") as error:
        _process("all_invalid.csv")
    reasons = _reasons(error.value.partial)
    assert list(reasons) == ["C1", "C2", "C3"]
    assert reasons["C3"] == "all feature values are empty (annual_income, spending_score, savings, age)"


def test_nan_and_empty_cells_are_imputed_and_infinities_rejected():
    outputs = _process("nan_inf_empty.csv")
    assert _reasons(outputs) == {
        "C2": "spending_score: inf is not a finite number",
        "C4": "savings: -inf is not a finite number",
    }
    clean = outputs["model_input_customers"]
    assert clean["customer_id"].tolist() == ["C1", "C3", "C5"]
    assert outputs["data_quality_report"]["cells_imputed"] == {
        "annual_income": 1, "spending_score": 1, "savings": 0, "age": 1,
    }
    assert np.isfinite(clean[FEATURE_NAMES].to_numpy()).all()


def test_negative_and_out_of_range_values_reject_their_rows_with_reasons():
    reasons = _reasons(_process("negative_out_of_range.csv"))
    assert reasons == {
        "C1": "annual_income: -58773 is outside the allowed range [0, 10000000]",
        "C2": "spending_score: 101 is outside the allowed range [0, 100]",
        "C3": "age: 17 is outside the allowed range [18, 100]",
    }


def test_duplicate_header_names_stop_with_the_names():
    with pytest.raises(CustomerDataError, match=r"duplicate column names \['age'\]"):
        read_customer_csv(CASES / "duplicate_headers.csv")


def test_single_valid_row_is_kept():
    outputs = _process("single_valid_row.csv")
    assert outputs["model_input_customers"]["customer_id"].tolist() == ["C1"]


def test_constant_feature_is_kept_and_reported():
    outputs = _process("constant_feature.csv")
    assert len(outputs["model_input_customers"]) == 40
    assert outputs["data_quality_report"]["constant_features"] == ["age"]


def test_one_enormous_value_rejects_only_its_row():
    outputs = _process("enormous_value.csv")
    assert _reasons(outputs) == {"C1": "annual_income: 1e+300 is outside the allowed range [0, 10000000]"}
    assert outputs["model_input_customers"]["customer_id"].tolist() == ["C2"]


def test_drop_strategy_rejects_rows_with_missing_cells():
    with pytest.raises(NoValidRowsError) as error:
        _process("nan_inf_empty.csv", missing_values="drop")
    reasons = _reasons(error.value.partial)
    assert len(reasons) == 5
    assert reasons["C1"] == "annual_income: 'NaN' is missing"
    assert reasons["C5"] == "age: 'NA' is missing"


@pytest.mark.slow
def test_kedro_run_on_a_single_valid_row_stops_saying_more_customers_are_needed(project_copy):
    shutil.copy(CASES / "single_valid_row.csv", project_copy / "data/01_raw/segmentation_data.csv")
    result = run_kedro(project_copy, "run", check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "only 1 distinct customer(s) (1 rows) passed validation; segmenting needs at least 3" in output
    rejected = pd.read_csv(project_copy / "data/02_intermediate/rejected_customers.csv")
    assert rejected["customer_id"].tolist() == ["C2"], "the rejected row is written before the stop"


@pytest.mark.slow
def test_kedro_run_with_a_constant_feature_segments_the_customers(project_copy):
    shutil.copy(CASES / "constant_feature.csv", project_copy / "data/01_raw/segmentation_data.csv")
    result = run_kedro(project_copy, "run")
    output = " ".join((result.stdout + result.stderr).split())
    assert "['age'] have the same value for every customer" in output
    segments = pd.read_parquet(project_copy / "data/07_model_output/customer_segments.parquet")
    assert len(segments) == 40 and segments["segment_id"].nunique() >= 2
