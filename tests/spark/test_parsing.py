"""Cells read by the Spark expressions exactly as validation/parsing.py reads them, on random and tricky text."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_segmentation.validation.parsing import is_formula, parse_dates, parse_numbers

# What people and spreadsheets put in number cells: digits, signs, separators, currency, spaces of every kind.
ALPHABET = "0123456789" * 3 + ".,+-eE $€£¥\u00a0\u202f\u2009\t=abcdfinINFNa/?١"
TRICKY = ["58773", "-12.5", "1e6", "$58,773.50", "58 773 €", "1,234,567", "1,5", "72 000", "30 40", "1 234 567",
          " 12 ", "NA", "n/a", "null", "-", "?", "", "inf", "-Infinity", "NaN", "+nan", "1d", "2F", "0x1A", "1_000",
          "=SUM(B2:B4)", " =A1", "١٢", "\u00a058\u202f773", "1e400", "-0", "12\u3000", "1\x1c"]


def _spark_numbers(spark, cells: list[str]) -> tuple[list[float | None], list[bool], list[bool]]:
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    from customer_segmentation.spark.parsing import parse_number

    frame = spark.createDataFrame([(i, c) for i, c in enumerate(cells)],
                                  StructType([StructField("i", LongType()), StructField("c", StringType())]))
    value, not_a_number, formula = parse_number(F.col("c"), StringType())
    rows = frame.select("i", value.alias("v"), not_a_number.alias("n"), formula.alias("f")).orderBy("i").collect()
    return [r["v"] for r in rows], [r["n"] for r in rows], [r["f"] for r in rows]


def _same(cells: list[str], spark) -> None:
    series = pd.Series(cells, dtype="str")
    numbers, not_a_number = parse_numbers(series)
    formula = not_a_number & is_formula(series)
    values, flags, formulas = _spark_numbers(spark, cells)
    for cell, expected, got in zip(cells, numbers, values):
        assert (got is None and math.isnan(expected)) or got == expected, (cell, expected, got)
    assert flags == not_a_number.tolist()
    assert formulas == formula.tolist()


def test_tricky_number_cells_read_as_on_pandas(spark):
    _same(TRICKY, spark)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=12), min_size=1, max_size=60))
def test_random_number_cells_read_as_on_pandas(spark, cells):
    _same(cells, spark)


@pytest.mark.parametrize("date_format", [None, "%d-%m-%Y"])
def test_date_cells_read_by_the_pandas_function_itself(spark, date_format):
    from pyspark.sql import functions as F

    from customer_segmentation.spark.parsing import date_parts

    cells = ["2014-03-05", "05-03-2014", "31/02/2014", "March 5, 2014", "", "NA", "2014-03-05 18:30", None]
    expected, _ = parse_dates(pd.Series(cells, dtype="str"), date_format)
    frame = spark.createDataFrame([(i, c) for i, c in enumerate(cells)], "i long, c string")
    rows = frame.select("i", date_parts(F.col("c"), date_format).alias("d")).orderBy("i").collect()
    got = [pd.NaT if r["d"]["nanos"] is None else pd.Timestamp(r["d"]["nanos"]) for r in rows]
    assert got == expected.tolist()
