import numpy as np
import pandas as pd
import pytest

from customer_segmentation.io import hashing
from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.pipelines.data_processing.nodes import (
    NoValidRowsError,
    build_data_quality_report,
    engineer_features,
    impute_missing_values,
    remove_duplicate_rows,
    standardize_columns,
    validate_records,
)
from tests.helpers import FEATURE_NAMES as FEATURE_LIST
from tests.helpers import default_features

FEATURES = default_features()


def _dedupe(mapped, features=FEATURES, id_column="auto"):
    """engineer_features then remove_duplicate_rows, as the pipeline chains them."""
    values, source_problems = engineer_features(mapped, features)
    return remove_duplicate_rows(mapped, values, source_problems, features, id_column)


def _validate(unique, strategy="median", features=FEATURES):
    """engineer_features then validate_records, as the pipeline chains them: (valid, rejected, problems)."""
    values, source_problems = engineer_features(unique, features)
    return validate_records(unique, values, source_problems, features, strategy)


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


def test_standardize_columns_finds_each_features_column_and_numbers_rows():
    raw = _raw().rename(columns={"annual_income": "Annual Income (k$)", "age": " AGE "})
    features = {**FEATURES, "annual_income": {**FEATURES["annual_income"], "column": "Annual Income (k$)"}}
    mapped = standardize_columns(raw, features)
    assert {"Annual Income (k$)", "age", "savings"} <= set(mapped.columns), "headers in the table's spelling"
    assert mapped["source_row"].tolist() == [1, 2, 3]
    assert mapped["customer_id"].tolist() == ["A", "B", "C"]


def test_standardize_columns_names_the_missing_column_the_setting_and_the_headers_found():
    raw = _raw().drop(columns="savings")
    with pytest.raises(ConfigurationError) as error:
        standardize_columns(raw, FEATURES)
    message = str(error.value)
    assert "features.savings reads column 'savings', which the file does not have" in message
    assert "set its 'column'" in message and "customer_id, annual_income" in message


def test_standardize_columns_accepts_a_table_of_two_features():
    raw = _raw().drop(columns=["savings", "age"])
    features = {name: FEATURES[name] for name in ("annual_income", "spending_score")}
    assert len(standardize_columns(raw, features)) == 3


def test_standardize_columns_rejects_a_single_feature():
    with pytest.raises(ConfigurationError, match="needs at least two"):
        standardize_columns(_raw(), {"age": FEATURES["age"]})


def test_remove_duplicate_rows_keeps_first_and_counts():
    raw = pd.concat([_raw(), _raw().iloc[[0]]], ignore_index=True)
    unique, summary = _dedupe(standardize_columns(raw, FEATURES))
    assert len(unique) == 3
    assert summary["rows_read"] == 4 and summary["duplicates_removed"] == 1
    assert unique["source_row"].tolist() == [1, 2, 3]


def test_remove_duplicate_rows_keeps_near_duplicates():
    raw = pd.concat([_raw(), _raw(customer_id=["D", "E", "F"])], ignore_index=True)
    unique, summary = _dedupe(standardize_columns(raw, FEATURES))
    assert summary["duplicates_removed"] == 0 and len(unique) == 6


def test_validate_records_parses_currency_and_thousands_separators():
    raw = _raw(annual_income=["$58,773", "72 000", "31000.50"])
    valid, rejected = _validate(standardize_columns(raw, FEATURES), "median")[:2]
    assert valid["annual_income"].tolist() == [58773.0, 72000.0, 31000.5]
    assert rejected.empty


def test_validate_records_rejects_bad_cells_with_column_and_value():
    raw = _raw(spending_score=["140", "abc", "20"], age=["30", "45", "7"])
    with pytest.raises(NoValidRowsError) as error:  # every row bad: the rows come with the error
        _validate(standardize_columns(raw, FEATURES), "median")
    rejected = error.value.rejected
    reasons = dict(zip(rejected["customer_id"], rejected["rejection_reason"]))
    assert reasons["A"] == "spending_score: 140 is outside the allowed range [0, 100]"
    assert reasons["B"] == "spending_score: 'abc' is not a number"
    assert reasons["C"] == "age: 7 is outside the allowed range [18, 100]"
    assert rejected["spending_score"].tolist() == ["140", "abc", "20"], "rejected cells are kept as read"


def test_validate_records_drop_strategy_rejects_missing_cells():
    raw = _raw(age=["30", "", "61"])
    valid, rejected = _validate(standardize_columns(raw, FEATURES), "drop")[:2]
    assert rejected["rejection_reason"].tolist() == ["age: '' is missing"]
    assert len(valid) == 2


def test_validate_records_rejects_unknown_missing_strategy():
    with pytest.raises(ConfigurationError, match="'missing_values' is 'mean'"):
        _validate(standardize_columns(_raw(), FEATURES), "mean")


def test_impute_missing_values_fills_median_and_counts():
    raw = _raw(age=["30", "", "60"])
    valid, _ = _validate(standardize_columns(raw, FEATURES), "median")[:2]
    filled, counts = impute_missing_values(valid, FEATURES, "median")
    assert filled["age"].tolist() == [30.0, 45.0, 60.0]
    assert counts == {"annual_income": 0, "spending_score": 0, "savings": 0, "age": 1}


def test_impute_missing_values_fails_on_an_empty_column():
    raw = _raw(age=["", "", ""])
    valid, _ = _validate(standardize_columns(raw, FEATURES), "median")[:2]
    with pytest.raises(CustomerDataError, match=r"\['age'\] have no values"):
        impute_missing_values(valid, FEATURES, "median")


def _report_inputs(raw):
    unique, summary = _dedupe(standardize_columns(raw, FEATURES))
    valid, rejected, problems = _validate(unique, "median")
    out, counts = impute_missing_values(valid, FEATURES, "median")
    return summary, rejected, problems, out, counts, FEATURES


def test_build_data_quality_report_balances():
    raw = pd.concat([_raw(age=["30", "", "7"]), _raw().iloc[[0]]], ignore_index=True)
    report = build_data_quality_report(*_report_inputs(raw))
    assert report["rows_read"] == 4
    assert (report["rows_out"], report["rows_rejected"], report["duplicates_removed"]) == (2, 1, 1)
    assert report["rejections_by_reason"] == {"age: outside the allowed range [18, 100]": 1}
    assert report["cells_imputed"]["age"] == 1


def test_validation_stops_before_any_output_when_no_row_is_valid_and_carries_the_rejected_rows():
    raw = _raw(age=["7", "8", "9"])
    with pytest.raises(NoValidRowsError, match="no valid rows: all 3 rows.*failed_run") as error:
        _report_inputs(raw)
    assert len(error.value.rejected) == 3
    assert error.value.rejected["rejection_reason"].str.startswith("age: ").all()


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
    return standardize_columns(frame, FEATURES)


def test_remove_duplicate_rows_matches_dataframe_duplicated():
    mapped = _dirty_frame()
    expected = mapped.drop(columns="source_row").duplicated(keep="first")
    unique, summary = _dedupe(mapped)
    assert summary["duplicates_removed"] == int(expected.sum()) > 0
    pd.testing.assert_frame_equal(unique, mapped.loc[~expected])


def test_remove_duplicate_rows_is_exact_when_every_hash_collides(monkeypatch):
    mapped = _dirty_frame()
    real = hashing.row_hashes
    monkeypatch.setattr(hashing, "row_hashes", lambda frame: (np.zeros(len(frame), dtype="uint64"), real(frame)[1]))
    unique, summary = _dedupe(mapped)
    expected = mapped.drop(columns="source_row").duplicated(keep="first")
    pd.testing.assert_frame_equal(unique, mapped.loc[~expected])


def test_remove_duplicate_rows_treats_any_nan_and_minus_zero_as_pandas_does():
    other_nan = np.frombuffer(np.uint64(0x7FF8_0000_0000_0001).tobytes(), dtype="float64")[0]
    frame = standardize_columns(pd.DataFrame({
        "annual_income": [np.nan, other_nan, 0.0, -0.0, 1.0],
        "spending_score": [5.0, 5.0, 5.0, 5.0, 5.0], "savings": [1.0] * 5, "age": [30.0] * 5,
    }), FEATURES)
    unique, summary = _dedupe(frame)
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
    mapped = standardize_columns(_raw(), FEATURES)
    unique, summary = _dedupe(mapped)
    assert unique is mapped and summary["duplicates_removed"] == 0


def test_input_fingerprint_covers_text_and_numbers_and_ignores_row_numbers():
    def sha(frame):
        return _dedupe(standardize_columns(frame, FEATURES))[1]["input_sha256"]

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
    unique = standardize_columns(raw, FEATURES).set_axis([10, 20, 30])  # as after removing duplicates
    valid, rejected = _validate(unique, "median")[:2]
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
    mapped = standardize_columns(raw, FEATURES)
    mapped_before = mapped.copy()
    unique, _ = _dedupe(mapped)
    unique_before = unique.copy()
    valid, _ = _validate(unique, "median")[:2]
    valid_before = valid.copy()
    impute_missing_values(valid, FEATURES, "median")
    for frame, copy in ((raw, before), (mapped, mapped_before), (unique, unique_before), (valid, valid_before)):
        pd.testing.assert_frame_equal(frame, copy)


def test_rows_that_differ_only_in_number_formatting_are_duplicates():
    raw = _raw(annual_income=["$12,345", "72000", "31000"], age=["30", "45.0", "61"])
    again = _raw(annual_income=["12345", "72000", "31000"], age=["30.0", "45", "61"])
    unique, summary = _dedupe(standardize_columns(pd.concat([raw, again], ignore_index=True), FEATURES))
    assert summary["duplicates_removed"] == 3 and unique["source_row"].tolist() == [1, 2, 3]


def test_two_different_unreadable_rows_are_not_taken_for_duplicates():
    raw = _raw(customer_id=["A", "A", "A"], annual_income=["abc", "xyz", "abc"], spending_score=["40"] * 3,
               savings=["1000"] * 3, age=["30"] * 3)
    _, summary = _dedupe(standardize_columns(raw, FEATURES))
    assert summary["duplicates_removed"] == 1, "only the third, which repeats the first exactly"


def test_an_id_on_two_different_records_is_reported_and_both_are_kept():
    raw = _raw(customer_id=["A", "A", "B"])
    unique, summary = _dedupe(standardize_columns(raw, FEATURES))
    assert len(unique) == 3
    assert summary["conflicting_ids"] == {"column": "customer_id", "ids": 1, "examples": ["A"]}


def test_the_id_column_is_found_by_its_header_or_named_or_switched_off():
    raw = _raw().rename(columns={"customer_id": "CustomerID"})
    mapped = standardize_columns(raw.assign(CustomerID=["A", "A", "B"]), FEATURES)
    assert _dedupe(mapped)[1]["conflicting_ids"]["column"] == "CustomerID"
    assert _dedupe(mapped, id_column="none")[1]["conflicting_ids"] is None


def test_list_cells_from_parquet_are_compared_by_their_text():
    raw = _raw().astype({f: float for f in FEATURE_LIST}).assign(tags=[["a"], ["b"], ["a"]])
    raw = pd.concat([raw, raw.iloc[[0]]], ignore_index=True)
    unique, summary = _dedupe(standardize_columns(raw, FEATURES))
    assert summary["duplicates_removed"] == 1 and len(unique) == 3


@pytest.mark.parametrize("values", [
    ["C001", "C002", "C001", "C003"],              # fixed width: read as words from Arrow's buffers
    ["C1", "C002", "C1", None, "C002", "x"],       # varying width and a missing value: pandas decides
    ["same-length-ids!", "same-length-ids!", "another-id-16-b!"],  # 16 bytes: two words
    ["a-value-longer-than-16-bytes", "a-value-longer-than-16-bytes", "b"],
])
def test_repeated_values_are_found_as_pandas_finds_them(values):
    from customer_segmentation.io.hashing import repeated

    series = pd.Series(values, dtype="str")
    assert repeated(series).tolist() == series.duplicated(keep=False).tolist()
