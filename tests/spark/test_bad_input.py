"""The bad-input corpus through the Spark path: the same rows kept, rejected and counted as duplicates as on
pandas, with the same reasons, row numbers and messages (README "On Apache Spark" lists what differs)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from customer_segmentation.io.csv_files import read_customer_csv
from tests import helpers
from tests.helpers import FEATURE_NAMES, run_data_processing
from tests.spark.engine import run_spark_data_processing

CASES = Path(__file__).parents[1] / "data" / "bad_input"
# Read differently by Spark's CSV reader: only the cells of a carried column differ (see spark/csv.py).
CARRIED_CELLS_DIFFER = {"utf8_stray_latin1_byte.csv": "name"}


def _pandas(path: Path, **overrides) -> tuple[dict | None, BaseException | None]:
    try:
        return run_data_processing(read_customer_csv(path), **overrides), None
    except Exception as error:  # noqa: BLE001 - the decision to compare
        return getattr(error, "partial", None), error


def _spark(path: Path, **overrides) -> tuple[dict | None, BaseException | None]:
    try:
        return run_spark_data_processing(path, **overrides), None
    except Exception as error:  # noqa: BLE001
        return getattr(error, "partial", None), error


def _user_error(error: BaseException | None) -> tuple[str, str] | None:
    from customer_segmentation.errors import user_error

    if error is None:
        return None
    cause = user_error(error) or error
    return type(cause).__name__, str(cause)


def _same_rows(pandas_rows: pd.DataFrame, spark_rows: pd.DataFrame, skip: str | None, numbers: bool) -> None:
    pandas_rows = pandas_rows.sort_values("source_row").reset_index(drop=True)
    assert list(spark_rows.columns) == list(pandas_rows.columns)
    for column in pandas_rows.columns:
        if column == skip:
            continue
        if numbers and column in FEATURE_NAMES:
            pd.testing.assert_series_equal(spark_rows[column].astype("float64"), pandas_rows[column].astype("float64"),
                                           check_names=False)
        else:
            assert spark_rows[column].astype(str).tolist() == pandas_rows[column].astype(str).tolist(), column


def _compare(name: str, **overrides) -> None:
    pandas_outputs, pandas_error = _pandas(CASES / name, **overrides)
    spark_outputs, spark_error = _spark(CASES / name, **overrides)
    assert _user_error(spark_error) == _user_error(pandas_error)
    if pandas_outputs is None:
        return
    assert set(pandas_outputs) <= set(spark_outputs)
    skip = CARRIED_CELLS_DIFFER.get(name)
    for output, numbers in (("model_input_customers", True), ("rejected_customers", False)):
        if output in pandas_outputs:
            _same_rows(pandas_outputs[output], spark_outputs[output], skip, numbers)
    if "validation_problems" in pandas_outputs:
        assert (spark_outputs["validation_problems"].astype(str).to_dict("records")
                == pandas_outputs["validation_problems"].astype(str).to_dict("records"))
    if "data_quality_report" in pandas_outputs:
        report = {k: v for k, v in pandas_outputs["data_quality_report"].items() if k != "input_sha256"}
        assert {k: v for k, v in spark_outputs["data_quality_report"].items() if k != "input_sha256"} == report


@pytest.fixture(autouse=True)
def _keep_pandas_problem_records(monkeypatch):
    monkeypatch.setattr(helpers, "OUTPUTS", (*helpers.OUTPUTS, "validation_problems"))


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.iterdir() if p.suffix in (".csv", ".txt")))
def test_each_bad_file_gets_the_same_decisions_and_messages_as_on_pandas(spark, name):
    _compare(name)


def test_rows_with_missing_cells_are_rejected_alike_with_missing_values_drop(spark):
    _compare("nan_inf_empty.csv", missing_values="drop")


@pytest.mark.parametrize("name", ["birth_dates.csv", "ratio_inf.csv"])
def test_bad_cells_of_derived_features_get_the_same_decisions_as_on_pandas(spark, name):
    """Issue 23: dates out of range, with zones or as words, and infinite ratio sources (``bad_input/derived/``)."""
    import yaml

    _compare(f"derived/{name}", features=yaml.safe_load((CASES / "derived" / "features.yml").read_text()))
