"""Every malformed-file case of issue #7 through the reader and the data_processing pipeline.

Each case has a decided behaviour: cleaned, rows rejected with reasons, or a stop with a
message that names the problem and the fix. Whenever the run succeeds, no row is lost.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.io.csv_files import read_customer_csv
from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.pipelines.data_processing.nodes import NoValidRowsError
from tests.helpers import FEATURE_NAMES, run_data_processing

CASES = Path(__file__).resolve().parents[2] / "data" / "bad_input"


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
    reasons = _reasons({"rejected_customers": error.value.rejected})
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
    reasons = _reasons({"rejected_customers": error.value.rejected})
    assert len(reasons) == 5
    assert reasons["C1"] == "annual_income: 'NaN' is missing"
    assert reasons["C5"] == "age: 'NA' is missing"


# ---------- files the reader must get right (hardening issue) ----------


def test_a_row_with_more_fields_than_the_header_is_rejected_naming_its_line():
    outputs = _process("too_many_fields.csv")
    rejected = outputs["rejected_customers"]
    assert rejected["source_row"].tolist() == [2]
    assert rejected["rejection_reason"].iloc[0].startswith(
        "the line has 6 fields but the header has 5: a comma inside a cell that is not quoted?")
    assert outputs["model_input_customers"]["customer_id"].tolist() == ["C1", "C3"]
    assert "__read_problem__" not in rejected.columns and "__read_problem__" not in outputs["model_input_customers"]


def test_old_mac_line_endings_are_read():
    assert _process("mac_line_endings.csv")["model_input_customers"]["customer_id"].tolist() == ["C1", "C2", "C3", "C4"]


def test_a_delimiter_at_the_end_of_every_line_keeps_the_columns_in_place():
    frame = read_customer_csv(CASES / "trailing_delimiter.csv")
    assert list(frame.columns) == ["source_row", "customer_id", "annual_income", "spending_score", "savings", "age"]
    clean = _process("trailing_delimiter.csv")["model_input_customers"]
    assert clean["customer_id"].tolist() == ["C1", "C2", "C3", "C4"] and clean["age"].tolist() == [51, 41, 29, 38]


@pytest.mark.parametrize("name", ["utf16_unicode_text.txt", "utf32_bom.csv"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(name):
    clean = _process(name)["model_input_customers"]
    assert len(clean) == 4 and clean["savings"].tolist()[1] == 13159.41
    if name.startswith("utf16"):
        assert clean["customer_id"].iloc[0] == "Zoë"


def test_one_stray_latin1_byte_does_not_turn_a_utf8_file_into_mojibake(caplog):
    frame = read_customer_csv(CASES / "utf8_stray_latin1_byte.csv")
    names = frame.set_index("customer_id")["name"]
    assert names["C0"] == "José Müller" and names["C1"] == "Zoë Ångström"
    assert names["C152"] == "François Øre", "the one Latin-1 line read as Latin-1"
    assert "1 line(s) are not UTF-8 (lines 154)" in caplog.text


def test_blank_lines_do_not_shift_the_reported_rows():
    rejected = _process("blank_lines.csv")["rejected_customers"]
    assert rejected["source_row"].tolist() == [6], "C3 is on the 7th line of the file, the 6th under the header"
    assert rejected["rejection_reason"].tolist() == ["age: 7 is outside the allowed range [18, 100]"]


def test_spaces_in_numbers_are_thousands_separators_only_in_groups_of_three():
    outputs = _process("space_separators.csv")
    clean = outputs["model_input_customers"].set_index("customer_id")
    assert clean.loc["C1", "annual_income"] == 72000 and clean.loc["C1", "savings"] == 14577.21
    assert clean.loc["C3", "annual_income"] == 1234567
    assert _reasons(outputs) == {"C2": "annual_income: '30 40' is not a number"}


def test_an_excel_formula_without_a_saved_value_is_rejected_not_imputed(tmp_path):
    from openpyxl import Workbook

    from customer_segmentation.io.excel_files import read_customer_excel

    book = Workbook()
    sheet = book.active
    sheet.append(["customer_id", "annual_income", "spending_score", "savings", "age"])
    sheet.append(["C1", 58773, 32, 14577.21, 51])
    sheet.append(["C2", "=SUM(B2:B2)", 50, 13159.41, 41])  # openpyxl saves no value for a formula
    sheet.append(["C3", 62328, 61, 9000, 29])
    book.save(tmp_path / "customers.xlsx")
    outputs = run_data_processing(read_customer_excel(tmp_path / "customers.xlsx"))
    assert _reasons(outputs) == {"C2": "annual_income: '=SUM(B2:B2)' is a formula whose value was never saved: open "
                                       "the file in its spreadsheet program, save it and export it again"}
    assert outputs["data_quality_report"]["cells_imputed"]["annual_income"] == 0


def test_parquet_list_cells_are_carried_and_deduplicated_without_a_traceback(tmp_path):
    frame = pd.DataFrame({"customer_id": ["C1", "C2", "C1"], "tags": [["vip"], ["new", "web"], ["vip"]],
                          "annual_income": [58773.0, 68467.0, 58773.0], "spending_score": [32.0, 50.0, 32.0],
                          "savings": [14577.21, 13159.41, 14577.21], "age": [51.0, 41.0, 51.0]})
    frame.to_parquet(tmp_path / "lists.parquet")
    outputs = run_data_processing(pd.read_parquet(tmp_path / "lists.parquet"))
    assert outputs["data_quality_report"]["duplicates_removed"] == 1
    assert [list(t) for t in outputs["model_input_customers"]["tags"]] == [["vip"], ["new", "web"]]


def test_rows_that_differ_only_in_number_formatting_are_counted_as_duplicates():
    report = _process("number_format_duplicates.csv")["data_quality_report"]
    assert report["duplicates_removed"] == 1 and report["rows_out"] == 2


def test_an_id_on_two_different_records_is_reported(caplog):
    report = _process("conflicting_ids.csv")["data_quality_report"]
    assert report["rows_out"] == 3, "both records are kept"
    assert report["conflicting_ids"] == {"column": "customer_id", "ids": 1, "examples": ["C1"]}
    assert "1 customer_id value(s) are on more than one different record" in caplog.text


def test_a_file_with_too_many_columns_is_refused_before_it_is_parsed():
    header = ",".join(f"c{i}" for i in range(20_000))
    with pytest.raises(CustomerDataError, match="has 20,000 columns; at most 1,000 are read"):
        read_customer_csv((header + "\n" + ",".join("1" for _ in range(20_000)) + "\n").encode())
