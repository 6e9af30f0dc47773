import pandas as pd
import pytest

from customer_segmentation.pipelines.data_processing.nodes import (
    NoValidRowsError,
    build_data_quality_report,
    impute_missing_values,
    remove_duplicate_rows,
    standardize_columns,
    validate_records,
)
from customer_segmentation.schema import FEATURES, CustomerDataError

FEATURE_LIST = list(FEATURES)
RANGES = {
    "annual_income": {"min": 0, "max": 10_000_000},
    "spending_score": {"min": 0, "max": 100},
    "savings": {"min": -1_000_000, "max": 100_000_000},
    "age": {"min": 18, "max": 100},
}


def _raw(**overrides):
    data = {
        "customer_id": ["A", "B", "C"],
        "annual_income": ["50000", "72000", "31000"],
        "spending_score": ["40", "80", "20"],
        "savings": ["1000", "25000.5", "300"],
        "age": ["30", "45", "61"],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def test_standardize_columns_maps_user_headers_and_numbers_rows():
    raw = _raw().rename(columns={"annual_income": "Annual Income (k$)", "age": " AGE "})
    mapped = standardize_columns(raw, {"Annual Income (k$)": "annual_income"}, FEATURE_LIST)
    assert set(FEATURE_LIST) <= set(mapped.columns)
    assert mapped["source_row"].tolist() == [1, 2, 3]
    assert mapped["customer_id"].tolist() == ["A", "B", "C"]


def test_standardize_columns_names_missing_column_and_parameter():
    raw = _raw().drop(columns="savings")
    with pytest.raises(CustomerDataError) as error:
        standardize_columns(raw, {}, FEATURE_LIST)
    message = str(error.value)
    assert "['savings']" in message and "column_mapping" in message and "'customer_id'" in message


def test_standardize_columns_accepts_a_subset_of_two_features():
    raw = _raw().drop(columns=["savings", "age"])
    mapped = standardize_columns(raw, {}, ["annual_income", "spending_score"])
    assert len(mapped) == 3


def test_standardize_columns_rejects_a_single_feature():
    with pytest.raises(CustomerDataError, match="at least two"):
        standardize_columns(_raw(), {}, ["age"])


def test_remove_duplicate_rows_keeps_first_and_counts():
    raw = pd.concat([_raw(), _raw().iloc[[0]]], ignore_index=True)
    unique, summary = remove_duplicate_rows(standardize_columns(raw, {}, FEATURE_LIST))
    assert len(unique) == 3
    assert summary["rows_read"] == 4 and summary["duplicates_removed"] == 1
    assert unique["source_row"].tolist() == [1, 2, 3]


def test_remove_duplicate_rows_keeps_near_duplicates():
    raw = pd.concat([_raw(), _raw(customer_id=["D", "E", "F"])], ignore_index=True)
    unique, summary = remove_duplicate_rows(standardize_columns(raw, {}, FEATURE_LIST))
    assert summary["duplicates_removed"] == 0 and len(unique) == 6


def test_validate_records_parses_currency_and_thousands_separators():
    raw = _raw(annual_income=["$58,773", "72 000", "31000.50"])
    valid, rejected = validate_records(standardize_columns(raw, {}, FEATURE_LIST), FEATURE_LIST, RANGES, "median")
    assert valid["annual_income"].tolist() == [58773.0, 72000.0, 31000.5]
    assert rejected.empty


def test_validate_records_rejects_bad_cells_with_column_and_value():
    raw = _raw(spending_score=["140", "abc", "20"], age=["30", "45", "7"])
    valid, rejected = validate_records(standardize_columns(raw, {}, FEATURE_LIST), FEATURE_LIST, RANGES, "median")
    assert valid["customer_id"].tolist() == []
    reasons = dict(zip(rejected["customer_id"], rejected["rejection_reason"]))
    assert reasons["A"] == "spending_score: 140 is outside the allowed range [0, 100]"
    assert reasons["B"] == "spending_score: 'abc' is not a number"
    assert reasons["C"] == "age: 7 is outside the allowed range [18, 100]"
    assert rejected["spending_score"].tolist() == ["140", "abc", "20"], "rejected cells are kept as read"


def test_validate_records_drop_strategy_rejects_missing_cells():
    raw = _raw(age=["30", "", "61"])
    valid, rejected = validate_records(standardize_columns(raw, {}, FEATURE_LIST), FEATURE_LIST, RANGES, "drop")
    assert rejected["rejection_reason"].tolist() == ["age: '' is missing"]
    assert len(valid) == 2


def test_validate_records_rejects_unknown_missing_strategy():
    with pytest.raises(CustomerDataError, match="'missing_values' is 'mean'"):
        validate_records(standardize_columns(_raw(), {}, FEATURE_LIST), FEATURE_LIST, RANGES, "mean")


def test_impute_missing_values_fills_median_and_counts():
    raw = _raw(age=["30", "", "60"])
    valid, _ = validate_records(standardize_columns(raw, {}, FEATURE_LIST), FEATURE_LIST, RANGES, "median")
    filled, counts = impute_missing_values(valid, FEATURE_LIST, "median")
    assert filled["age"].tolist() == [30.0, 45.0, 60.0]
    assert counts == {"annual_income": 0, "spending_score": 0, "savings": 0, "age": 1}


def test_impute_missing_values_fails_on_an_empty_column():
    raw = _raw(age=["", "", ""])
    valid, _ = validate_records(standardize_columns(raw, {}, FEATURE_LIST), FEATURE_LIST, RANGES, "median")
    with pytest.raises(CustomerDataError, match=r"\['age'\] have no values"):
        impute_missing_values(valid, FEATURE_LIST, "median")


def _report_inputs(raw):
    unique, summary = remove_duplicate_rows(standardize_columns(raw, {}, FEATURE_LIST))
    valid, rejected = validate_records(unique, FEATURE_LIST, RANGES, "median")
    out, counts = impute_missing_values(valid, FEATURE_LIST, "median")
    return summary, rejected, out, counts, FEATURE_LIST


def test_build_data_quality_report_balances():
    raw = pd.concat([_raw(age=["30", "", "7"]), _raw().iloc[[0]]], ignore_index=True)
    report = build_data_quality_report(*_report_inputs(raw))
    assert report["rows_read"] == 4
    assert (report["rows_out"], report["rows_rejected"], report["duplicates_removed"]) == (2, 1, 1)
    assert report["rejections_by_reason"] == {"age: outside the allowed range [18, 100]": 1}
    assert report["cells_imputed"]["age"] == 1


def test_build_data_quality_report_fails_when_no_row_is_valid():
    raw = _raw(age=["7", "8", "9"])
    with pytest.raises(NoValidRowsError, match="no valid rows: all 3 rows.*rejected_customers.csv"):
        build_data_quality_report(*_report_inputs(raw))
