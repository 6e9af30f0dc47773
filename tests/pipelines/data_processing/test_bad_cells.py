"""Issue 23's cases about files and cells through the reader and the data_processing pipeline: short rows,
runaway quotes, huge cells and list cells. Each says what the user sees (the
reason of a rejected row, the message of a stop) and checks that rows in = kept + rejected + duplicates."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.io.csv_files import read_customer_csv
from tests.helpers import run_data_processing

CASES = Path(__file__).resolve().parents[2] / "data" / "bad_input"


def _process(frame: pd.DataFrame, **overrides) -> dict:
    outputs = run_data_processing(frame, **overrides)
    report = outputs["data_quality_report"]
    assert report["rows_read"] == report["rows_out"] + report["rows_rejected"] + report["duplicates_removed"]
    assert report["rows_read"] == len(frame)
    return outputs


def _reasons(outputs: dict) -> dict[str, str]:
    rejected = outputs["rejected_customers"]
    return dict(zip(rejected["customer_id"], rejected["rejection_reason"]))


def test_a_short_row_is_rejected_with_the_field_count_not_padded_and_imputed():
    outputs = _process(read_customer_csv(CASES / "short_rows.csv"))
    reasons = _reasons(outputs)
    assert list(reasons) == ["C2", "C4"]
    assert reasons["C2"].startswith("the line has 4 fields but the header has 5: a cell with a line break that is "
                                    "not quoted, or cells left out?")
    assert reasons["C4"].startswith("the line has 1 fields but the header has 5"), "not 'all feature values are empty'"
    assert outputs["model_input_customers"]["customer_id"].tolist() == ["C1", "C3", "C5"]
    assert outputs["data_quality_report"]["cells_imputed"] == {name: 0 for name in
                                                               ("annual_income", "spending_score", "savings", "age")}


def test_an_unclosed_quote_rejects_its_line_and_the_rows_after_it_are_read(caplog):
    outputs = _process(read_customer_csv(CASES / "unclosed_quote.csv"))
    report = outputs["data_quality_report"]
    assert report["rows_read"] == 201 and report["rows_out"] == 200 and report["rows_rejected"] == 1
    rejected = outputs["rejected_customers"]
    assert rejected["source_row"].tolist() == [5] and rejected["customer_id"].tolist() == ["C5"]
    assert rejected["rejection_reason"].iloc[0] == (
        "a double quote on this line is not closed before the next line: it would take 197 more line(s) (to the "
        "end of the file) into one cell. Close the quote or remove it (a quote inside a quoted cell is written "
        "twice: \"\"); the lines after this one are read as rows")
    assert outputs["model_input_customers"]["customer_id"].iloc[4:6].tolist() == ["C6", "C7"]
    assert "1 line(s) open a double quote that runs over many lines (lines 6)" in caplog.text


def test_a_quote_closed_by_a_stray_quote_further_down_names_that_line():
    header = "customer_id,annual_income,spending_score,savings,age\n"
    rows = [f"C{i},{50000 + i},{i},{1000 + i},{30 + i}" for i in range(1, 21)]
    rows[2], rows[7] = 'C3,"50003,3,1003,33', 'C8,50008,8,1008,"38'
    frame = read_customer_csv((header + "\n".join(rows) + "\n").encode())
    assert len(frame) == 20
    problems = frame.set_index("customer_id")["__read_problem__"].dropna()
    assert list(problems.index) == ["C3", "C8"]
    assert "it would take 5 more line(s) (to line 9) into one cell" in problems["C3"]
    assert "(to the end of the file)" in problems["C8"]


def test_a_quoted_cell_on_two_lines_is_still_one_cell():
    text = 'customer_id,annual_income,spending_score,savings,address\nC1,1,2,3,"12 Main St\nSpringfield, IL"\nC2,1,2,3,x\n'
    frame = read_customer_csv(text.encode())
    assert frame["address"].tolist() == ["12 Main St\nSpringfield, IL", "x"] and "__read_problem__" not in frame
    assert frame["source_row"].tolist() == [1, 3]


def test_a_cell_over_the_csv_field_limit_in_a_ragged_file_is_read(tmp_path):
    # 200 KiB in one cell (Python's csv module stops at 128 KiB by default), and a short row beside it.
    path = tmp_path / "huge_cell.csv"
    path.write_text("customer_id,annual_income,spending_score,savings,age,notes\n"
                    f"C1,58773,32,14577.21,51,{'x' * 200_000}\nC2,68467,50\nC3,62328,61,9000,29,short\n")
    outputs = _process(read_customer_csv(path))
    assert outputs["model_input_customers"]["customer_id"].tolist() == ["C1", "C3"]
    assert len(outputs["model_input_customers"]["notes"].iloc[0]) == 200_000
    assert _reasons(outputs)["C2"].startswith("the line has 3 fields but the header has 6")


def test_list_cells_in_a_feature_column_reject_their_rows_as_text_does():
    frame = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4", "C5"],
                          "annual_income": [58773.0, 68467.0, 62328.0, 50000.0, 58773.0],
                          "spending_score": pd.Series([[32.0], 50.0, np.array([40.0, 1.0]), 61.0, [32.0]], dtype=object),
                          "savings": [14577.21, 13159.41, 1000.0, 9000.0, 14577.21], "age": [51.0, 41.0, 30.0, 29.0, 51.0]})
    outputs = _process(frame)
    assert _reasons(outputs) == {"C1": "spending_score: [32.0] is not a number",
                                 "C3": "spending_score: [40.  1.] is not a number",
                                 "C5": "spending_score: [32.0] is not a number"}
    assert outputs["model_input_customers"]["customer_id"].tolist() == ["C2", "C4"]


def test_a_parquet_list_column_as_a_feature_stops_with_the_projects_message(tmp_path):
    frame = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "annual_income": [58773.0, 68467.0, 62328.0],
                          "spending_score": [[32.0], None, [40.0, 1.0]], "savings": [14577.21, 13159.41, 1000.0],
                          "age": [51.0, 41.0, 30.0]})
    frame.to_parquet(tmp_path / "lists.parquet")
    with pytest.raises(CustomerDataError, match=r"feature\(s\) \['spending_score'\] have no values at all") as error:
        run_data_processing(pd.read_parquet(tmp_path / "lists.parquet"))
    rejected = error.value.partial.get("rejected_customers")
    if rejected is not None:
        assert rejected["rejection_reason"].str.endswith("is not a number").all()
