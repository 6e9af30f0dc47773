import numpy as np
import pandas as pd
import pytest

from customer_segmentation.pipelines.data_processing import hashing
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


# ---------- remove_duplicate_rows at scale: hashes find candidates, DataFrame.duplicated decides ----------


def _dirty_frame(rows: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Numbers, text and missing cells, with exact duplicates and rows that differ only in their text."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "customer_id": [f"C{i % 1500}" for i in range(rows)],
        "annual_income": rng.integers(0, 5, rows).astype(float),
        "spending_score": rng.choice([1.0, np.nan, 0.0, -0.0], rows),
        "savings": rng.integers(0, 3, rows).astype(float),
        "age": rng.integers(20, 22, rows).astype(float),
    })
    return standardize_columns(frame, {}, FEATURE_LIST)


def test_remove_duplicate_rows_matches_dataframe_duplicated():
    mapped = _dirty_frame()
    expected = mapped.drop(columns="source_row").duplicated(keep="first")
    unique, summary = remove_duplicate_rows(mapped)
    assert summary["duplicates_removed"] == int(expected.sum()) > 0
    pd.testing.assert_frame_equal(unique, mapped.loc[~expected])


def test_remove_duplicate_rows_is_exact_when_every_hash_collides(monkeypatch):
    mapped = _dirty_frame()
    real = hashing.row_hashes
    monkeypatch.setattr(hashing, "row_hashes", lambda frame: (np.zeros(len(frame), dtype="uint64"), real(frame)[1]))
    unique, summary = remove_duplicate_rows(mapped)
    expected = mapped.drop(columns="source_row").duplicated(keep="first")
    pd.testing.assert_frame_equal(unique, mapped.loc[~expected])


def test_remove_duplicate_rows_treats_any_nan_and_minus_zero_as_pandas_does():
    other_nan = np.frombuffer(np.uint64(0x7FF8_0000_0000_0001).tobytes(), dtype="float64")[0]
    frame = standardize_columns(pd.DataFrame({
        "annual_income": [np.nan, other_nan, 0.0, -0.0, 1.0],
        "spending_score": [5.0, 5.0, 5.0, 5.0, 5.0], "savings": [1.0] * 5, "age": [30.0] * 5,
    }), {}, FEATURE_LIST)
    unique, summary = remove_duplicate_rows(frame)
    assert summary["duplicates_removed"] == 2 == int(frame.drop(columns="source_row").duplicated().sum())
    assert unique["source_row"].tolist() == [1, 3, 5]


def test_row_hashes_of_distinct_rows_do_not_collide():
    """Rows one unit apart, or with values swapped between columns, hash apart: no needless exact checks."""
    grid = np.arange(60, dtype=float)
    a, b, c = (g.ravel() for g in np.meshgrid(grid, grid, grid, indexing="ij"))
    frame = pd.DataFrame({"annual_income": a, "spending_score": b, "savings": c, "age": np.full(len(a), 40.0)})
    hashes, columns = hashing.row_hashes(frame)
    assert columns == list(frame.columns)
    assert len(np.unique(hashes)) == len(frame) == 216_000


def test_remove_duplicate_rows_passes_the_frame_on_when_nothing_is_dropped():
    mapped = standardize_columns(_raw(), {}, FEATURE_LIST)
    unique, summary = remove_duplicate_rows(mapped)
    assert unique is mapped and summary["duplicates_removed"] == 0


def test_input_fingerprint_covers_text_and_numbers_and_ignores_row_numbers():
    def sha(frame):
        return remove_duplicate_rows(standardize_columns(frame, {}, FEATURE_LIST))[1]["input_sha256"]

    numbers = _raw().astype({f: float for f in FEATURE_LIST})
    assert sha(numbers) == sha(numbers.copy())
    assert sha(numbers) != sha(numbers.assign(customer_id=["A", "B", "X"]))
    assert sha(numbers) != sha(numbers.assign(age=[30.0, 45.0, 62.0]))
    assert sha(_raw()) != sha(_raw(customer_id=["A", "B", "X"])), "all-text files too"
    chunked = pd.concat([numbers.iloc[:1], numbers.iloc[1:]], ignore_index=True)
    assert sha(chunked) == sha(numbers), "however the text column is chunked in memory"
    assert len(sha(numbers)) == 64


def test_validate_records_orders_several_reasons_per_row_on_any_index():
    raw = _raw(spending_score=["abc", "80", ""], age=["7", "45", ""], annual_income=["50000", "72000", ""],
               savings=["1000", "25000.5", ""])
    unique = standardize_columns(raw, {}, FEATURE_LIST).set_axis([10, 20, 30])  # as after removing duplicates
    valid, rejected = validate_records(unique, FEATURE_LIST, RANGES, "median")
    assert valid.index.tolist() == [20]
    assert rejected.index.tolist() == [10, 30]
    assert rejected["rejection_reason"].tolist() == [
        "spending_score: 'abc' is not a number; age: 7 is outside the allowed range [18, 100]",
        "all feature values are empty (annual_income, spending_score, savings, age)",
    ]


def test_data_processing_nodes_leave_their_inputs_unchanged():
    # The catalog hands the same frame from node to node (MemoryDataset copy_mode: assign).
    raw = pd.concat([_raw(age=["30", "", "7"]), _raw().iloc[[0]]], ignore_index=True)
    before = raw.copy()
    mapped = standardize_columns(raw, {}, FEATURE_LIST)
    mapped_before = mapped.copy()
    unique, _ = remove_duplicate_rows(mapped)
    unique_before = unique.copy()
    valid, _ = validate_records(unique, FEATURE_LIST, RANGES, "median")
    valid_before = valid.copy()
    impute_missing_values(valid, FEATURE_LIST, "median")
    for frame, copy in ((raw, before), (mapped, mapped_before), (unique, unique_before), (valid, valid_before)):
        pd.testing.assert_frame_equal(frame, copy)
