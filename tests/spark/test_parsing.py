"""Cells read on Spark exactly as validation/parsing.py reads them, on random and tricky text, in any partition:
the features, the reasons and the problem records of the pandas path, keyed by each row's source_row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from customer_segmentation.features import FeatureTable
from customer_segmentation.features.derive import compute_features
from customer_segmentation.features.validate import validate_customers
from customer_segmentation.names import REASON_COLUMN
from customer_segmentation.spark.checks import check_rows, problem_records
from customer_segmentation.validation.problems import show_value

# What people and spreadsheets put in number cells: digits, signs, separators, currency, spaces of every kind.
ALPHABET = "0123456789" * 3 + ".,+-eE $€£¥\u00a0\u202f\u2009\t=abcdfinINFNa/?١"
TRICKY = ["58773", "-12.5", "1e6", "$58,773.50", "58 773 €", "1,234,567", "1,5", "72 000", "30 40", "1 234 567",
          " 12 ", "NA", "n/a", "null", "-", "?", "", "inf", "-Infinity", "NaN", "+nan", "1d", "2F", "0x1A", "1_000",
          "=SUM(B2:B4)", " =A1", "١٢", "\u00a058\u202f773", "1e400", "-0", "12\u3000", "1\x1c"]
DATES = ["2014-03-05", "05-03-2014", "31/02/2014", "March 5, 2014", "", "NA", "2014-03-05 18:30", None]
TODAY = pd.Timestamp("2026-01-15")


def _spark_checked(spark, frame: pd.DataFrame, table: FeatureTable, partitions: int = 3) -> pd.DataFrame:
    rows = spark.createDataFrame(frame).repartition(partitions)  # rows shuffled across partitions
    return check_rows(rows, table, today=TODAY).toPandas().sort_values("source_row").reset_index(drop=True)


def _same(spark, frame: pd.DataFrame, table: FeatureTable) -> None:
    """Spark's features and reasons are validate_customers' on pandas, row by row."""
    expected = validate_customers(frame, table, today=TODAY)
    features, _ = compute_features(frame, table, TODAY)
    got = _spark_checked(spark, frame, table)
    for name in table.names:
        np.testing.assert_array_equal(got[f"__feature__{name}"].astype("float64").to_numpy(),
                                      features[name].to_numpy(), err_msg=name)
    reasons = expected.rejected[REASON_COLUMN].reindex(frame.index)
    assert _kept_as_none(got[REASON_COLUMN]) == _kept_as_none(reasons)


def _kept_as_none(reasons: pd.Series) -> list:
    """The reasons, a kept row's as None (a column with no reason at all comes back as NaN from either side)."""
    return [None if pd.isna(reason) else reason for reason in reasons]


def _numbers(cells: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"source_row": np.arange(1, len(cells) + 1), "x": pd.Series(cells, dtype="str")})


# Two features (a table needs two): the cell as a number, and a derivation of it.
NUMBER = FeatureTable.from_config({"x": {}, "x_given": {"derive": "count", "columns": ["x"]}})


def test_tricky_number_cells_read_as_on_pandas(spark):
    _same(spark, _numbers(TRICKY), NUMBER)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=12), min_size=1, max_size=60))
@example(["0"])  # no row rejected at all
def test_random_number_cells_read_as_on_pandas(spark, cells):
    _same(spark, _numbers(cells), NUMBER)


@pytest.mark.parametrize("date_format", [None, "%d-%m-%Y"])
def test_date_cells_read_by_the_pandas_function_itself(spark, date_format):
    frame = pd.DataFrame({"source_row": np.arange(1, len(DATES) + 1), "joined": pd.Series(DATES, dtype="str")})
    table = FeatureTable.from_config({"days": {"derive": "days_since", "column": "joined", "date_format": date_format},
                                      "age": {"derive": "years_since", "column": "joined", "reference": "2020-06-30"}})
    _same(spark, frame, table)


def test_problems_keep_their_source_row_whatever_the_partition(spark):
    rng = np.random.default_rng(5)
    cells = rng.choice(["12", "abc", "", "1e999", "=A1", "$1,000"], size=2000).tolist()
    frame = _numbers(cells).assign(source_row=lambda f: f["source_row"] * 3 + 7)  # not positions
    table = FeatureTable.from_config({"x": {"range": [0, 100]}, "thousands": {"column": "x", "scale": 0.001}})
    expected = validate_customers(frame, table, today=TODAY).problems
    expected = expected.assign(row=frame["source_row"].reindex(expected["row"]).to_numpy(),
                               value=expected["value"].map(show_value))
    checked = check_rows(spark.createDataFrame(frame).repartition(5), table, today=TODAY)
    got = problem_records(checked).toPandas()
    assert len(got) > 500
    assert got.astype(str).to_dict("records") == expected.astype(str).to_dict("records")
