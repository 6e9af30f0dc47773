"""Spreadsheet-safe CSV export."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from customer_segmentation.io.spreadsheets import spreadsheet_safe_csv


def read_back(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", "\r=1", " =cmd|' /C calc'!A0",
                                  "=HYPERLINK(\"http://x\")", "\uff1d1+1", "=SUM(A1,B1)"])
def test_text_cells_that_a_spreadsheet_would_run_get_a_leading_quote(cell):
    out = read_back(spreadsheet_safe_csv(pd.DataFrame({"name": [cell]})))
    assert out.at[0, "name"] == "'" + cell


@pytest.mark.parametrize("cell", ["-1500", "+3.5", "-1,500", "-1e5", "58773", "Anna", "$58,773", "a=b", "x;-5", "1;2,5"])
def test_numbers_and_plain_text_are_left_alone(cell):
    out = read_back(spreadsheet_safe_csv(pd.DataFrame({"value": [cell]})))
    assert out.at[0, "value"] == cell


def test_numeric_columns_stay_numbers_even_when_negative():
    frame = pd.DataFrame({"savings": [-1500.5, 200.0], "segment_id": pd.array([1, pd.NA], dtype="Int64")})
    text = spreadsheet_safe_csv(frame).decode("utf-8-sig")
    assert text.split("\r\n") == ["savings,segment_id", "-1500.5,1", "200.0,", ""]


def test_line_breaks_inside_a_cell_keep_it_one_cell():
    out = read_back(spreadsheet_safe_csv(pd.DataFrame({"note": ["a\rb", "c\nd"], "n": [1, 2]})))
    assert out["note"].tolist() == ["a\rb", "c\nd"] and out["n"].tolist() == ["1", "2"]


def test_headers_are_neutralised_too():
    out = read_back(spreadsheet_safe_csv(pd.DataFrame({"=evil()": ["x"]})))
    assert list(out.columns) == ["'=evil()"]


def test_file_starts_with_a_byte_order_mark_so_excel_reads_utf8():
    data = spreadsheet_safe_csv(pd.DataFrame({"name": ["Zoë"]}))
    assert data.startswith(b"\xef\xbb\xbf") and "Zoë".encode() in data


@pytest.mark.parametrize(("cell", "safe"), [
    ("x;=HYPERLINK(\"http://x\")", "x;'=HYPERLINK(\"http://x\")"),   # a semicolon list separator splits the cell
    ("Smith,@SUM(A1)", "Smith,'@SUM(A1)"), ("a|+1+1", "a|'+1+1"), ("\t=1", "'\t'=1"),
])
def test_a_formula_after_a_list_separator_is_neutralised_too(cell, safe):
    assert read_back(spreadsheet_safe_csv(pd.DataFrame({"name": [cell]}))).at[0, "name"] == safe
