"""Issue 23's cases about derived features' cells through the data_processing pipeline: dates out of range, with
time zones, words or other digits (``years_since``), and infinite ``ratio`` sources. The files and their feature
table are in ``tests/data/bad_input/derived/``; rows in = kept + rejected + duplicates."""

from pathlib import Path

import yaml

from customer_segmentation.io.csv_files import read_customer_csv
from tests.helpers import run_data_processing

DERIVED = Path(__file__).resolve().parents[2] / "data" / "bad_input" / "derived"
BIRTH_RANGE = "outside the dates that can be read (1678-01-01 to 2261-12-31)"


def _derived(name: str) -> dict:
    frame = read_customer_csv(DERIVED / name)
    outputs = run_data_processing(frame, features=yaml.safe_load((DERIVED / "features.yml").read_text()))
    report = outputs["data_quality_report"]
    assert report["rows_read"] == len(frame) == report["rows_out"] + report["rows_rejected"] + report["duplicates_removed"]
    return outputs


def _reasons(outputs: dict) -> dict[str, str]:
    rejected = outputs["rejected_customers"]
    return dict(zip(rejected["customer_id"], rejected["rejection_reason"]))


def test_dates_out_of_range_with_zones_words_or_other_digits_get_a_reason_each():
    outputs = _derived("birth_dates.csv")
    reasons = _reasons(outputs)
    assert reasons == {
        "B2": f"birth: '1500-06-01' is {BIRTH_RANGE}",
        "B3": f"birth: '0001-01-01' is {BIRTH_RANGE}",
        "B4": f"birth: '3000-01-01' is {BIRTH_RANGE}",
        "B5": f"birth: '9999-12-31' is {BIRTH_RANGE}",
        "B6": "birth: '-1957' is not a year or a date",
        "B10": "birth: 'today' is not a year or a date",
        "B11": "birth: 'now' is not a year or a date",
        "B12": "birth: '1957.5' is not a year or a date",
        "B13": "birth: '١٩٥٧' is not a year or a date",
    }
    ages = outputs["model_input_customers"].set_index("customer_id")["age"]
    # Dates with a zone are read in UTC: 23:00 at UTC-5 on 1 June is 2 June in UTC (birthday not reached on 31 Dec).
    assert ages.to_dict() == {"B1": 34.0, "B7": 34.0, "B8": 34.0, "B9": 34.0, "B14": 39.0}


def test_an_infinite_ratio_source_rejects_its_row_as_a_plain_column_would():
    outputs = _derived("ratio_inf.csv")
    assert _reasons(outputs) == {
        "R2": "visits: 'inf' is not a finite number",
        "R3": "spend: 'inf' is not a finite number",
        "R4": "visits: '-inf' is not a finite number",
        "R5": "visits: '0' is zero, so per_visit (spend / visits) is undefined",
    }
    clean = outputs["model_input_customers"].set_index("customer_id")
    assert clean["per_visit"].to_dict() == {"R1": 25.0, "R6": 50.0}
