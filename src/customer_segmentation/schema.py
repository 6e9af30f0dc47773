"""The customer input contract, defined once for the pipeline, the app and the tests.

A customer file has (after ``column_mapping``) the canonical feature columns below.
Cells are parsed leniently where the meaning is unambiguous (``"$58,773"`` -> 58773),
checked against the ranges in ``parameters_data_processing.yml`` with a pandera schema,
and every problem is reported per row as ``"<column>: <value> <what is wrong>"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

FEATURES: tuple[str, ...] = ("annual_income", "spending_score", "savings", "age")

FEATURE_INFO: dict[str, dict[str, str]] = {
    "annual_income": {"label": "Annual income", "unit": "USD"},
    "spending_score": {"label": "Spending score", "unit": "score 0-100"},
    "savings": {"label": "Savings", "unit": "USD"},
    "age": {"label": "Age", "unit": "years"},
}

ROW_COLUMN = "source_row"
REASON_COLUMN = "rejection_reason"

# Text that means "no value" in exported spreadsheets.
_MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "?"})
# "58773", "-12.5", "1e6", "$58,773.50", "58 773 €": currency symbols and spaces are noise;
# commas are thousands separators only in groups of three ("1,234,567"); "1,5" is ambiguous.
_CURRENCY = re.compile(r"[\s$€£¥\u00a0\u202f]")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class CustomerDataError(ValueError):
    """Input that cannot be used as customer data; the message says what to do."""


@dataclass(frozen=True)
class ValidationResult:
    """Rows that passed (features as floats, missing cells NaN) and rows that did not."""

    valid: pd.DataFrame
    rejected: pd.DataFrame


def feature_label(feature: str) -> str:
    """``'Annual income (USD)'`` for axis labels and form fields."""
    info = FEATURE_INFO.get(feature, {"label": feature.replace("_", " ").capitalize(), "unit": ""})
    return f"{info['label']} ({info['unit']})" if info["unit"] else info["label"]


def check_features(features: Sequence[str]) -> list[str]:
    """Returns the feature list after checking it names at least two distinct columns."""
    features = list(features)
    if len(set(features)) < 2 or len(set(features)) != len(features):
        raise CustomerDataError(
            f"parameter 'features' should list at least two distinct columns; got {features}"
        )
    return features


def map_columns(
    frame: pd.DataFrame, column_mapping: Mapping[str, str] | None, required: Iterable[str]
) -> pd.DataFrame:
    """Renames the user's headers to canonical names and checks the required ones are there.

    Headers are compared after trimming spaces and a UTF-8 byte-order mark, and
    case-insensitively, so ``" Annual_Income "`` matches ``annual_income``.

    Raises:
        CustomerDataError: a required column is missing, or two columns end up with one name.
    """
    mapping = {_normalise_header(k): v for k, v in (column_mapping or {}).items()}
    required = list(required)
    canonical = {_normalise_header(c): c for c in required}
    renamed = []
    for column in frame.columns:
        key = _normalise_header(str(column))
        renamed.append(mapping.get(key, canonical.get(key, str(column).strip().lstrip("\ufeff"))))
    duplicated = sorted({c for c in renamed if renamed.count(c) > 1})
    if duplicated:
        raise CustomerDataError(
            f"column(s) {duplicated} appear more than once after applying 'column_mapping' "
            f"(headers found: {[str(c) for c in frame.columns]}); keep one column per name "
            "or map the extra ones to other names"
        )
    missing = [c for c in required if c not in renamed]
    if missing:
        raise CustomerDataError(
            f"required column(s) {missing} missing; columns found: {[str(c) for c in frame.columns]}. "
            "Rename them in the file or map your headers to these names with the 'column_mapping' "
            'parameter (conf/base/parameters_data_processing.yml), e.g. "Annual Income (k$)": annual_income'
        )
    mapped = frame.copy(deep=False)
    mapped.columns = renamed
    return mapped


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parses a column of numbers written by people or spreadsheets.

    Returns:
        The values as float64 (NaN where missing or unparseable) and a boolean mask
        of the cells that held text which is not a number.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64"), pd.Series(False, index=values.index)
    text = values.astype("string").str.strip()
    missing = text.isna() | text.str.lower().isin(_MISSING_TOKENS)
    cleaned = text.str.replace(_CURRENCY, "", regex=True)
    grouped = cleaned.str.match(_THOUSANDS).fillna(False).astype(bool)
    cleaned = cleaned.where(~grouped, cleaned.str.replace(",", "", regex=False))
    numbers = pd.to_numeric(cleaned.where(~missing), errors="coerce").astype("float64")
    not_a_number = numbers.isna() & ~missing
    return numbers, not_a_number.astype(bool)


def build_schema(features: Sequence[str], ranges: Mapping[str, Mapping[str, float]]) -> pa.DataFrameSchema:
    """The pandera schema of parsed features: floats within their ranges, missing allowed."""
    columns = {}
    for feature in features:
        bounds = ranges.get(feature, {})
        low, high = bounds.get("min", -np.inf), bounds.get("max", np.inf)
        columns[feature] = pa.Column(
            float,
            checks=[_in_range_or_missing(low, high)],
            nullable=True,
        )
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


def _in_range_or_missing(low: float, high: float) -> pa.Check:
    """``Check.in_range(low, high)`` that passes missing cells itself (they are imputed or rejected later).

    The built-in check drops missing cells first (``ignore_na``): a copy of the whole column,
    most of the validation time at 10M rows.
    """
    return pa.Check(
        lambda values: values.isna() | ((values >= low) & (values <= high)),
        ignore_na=False,
        name="in_range",
        error=f"in_range({low}, {high})",
    )


def validate_customers(
    frame: pd.DataFrame,
    features: Sequence[str],
    ranges: Mapping[str, Mapping[str, float]],
    reject_missing: bool = False,
) -> ValidationResult:
    """Splits customers into valid rows (features as floats) and rejected rows with reasons.

    Args:
        frame: Customers with canonical column names; any other columns are carried along.
        features: Feature columns to parse and check.
        ranges: ``{feature: {min: ..., max: ...}}``; inclusive bounds.
        reject_missing: Reject rows with a missing feature instead of keeping them as NaN.

    Returns:
        ``valid`` with parsed features; ``rejected`` with the original cells plus a
        ``rejection_reason`` naming every offending column and value.
    """
    # Every rule gives a boolean mask over all rows; reason texts are then written for the
    # failing rows only, so millions of valid rows cost a few vectorised passes and no strings.
    problems: list[tuple[np.ndarray, pd.Series, str, str]] = []  # (mask, values shown, column, what)
    parsed = {}
    for feature in features:
        numbers, not_a_number = parse_numbers(frame[feature])
        problems.append((not_a_number.to_numpy(), frame[feature], feature, "is not a number"))
        if reject_missing:
            problems.append(((numbers.isna() & ~not_a_number).to_numpy(), frame[feature], feature, "is missing"))
        parsed[feature] = numbers
    # Numbered by position, so pandera's failure cases point straight at rows.
    typed = pd.DataFrame(parsed, copy=False).reset_index(drop=True)
    # A record without a single feature value cannot be placed in any segment, imputed or not.
    empty = typed.isna().all(axis=1).to_numpy() & ~_any(problems, len(frame))
    try:
        # inplace: nothing is coerced, so pandera need not copy millions of rows first.
        build_schema(features, ranges).validate(typed, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        for column, group in cases.groupby("column", sort=False):
            failed = np.zeros(len(frame), dtype=bool)
            failed[group["index"].to_numpy(dtype="int64")] = True
            infinite = failed & np.isinf(typed[column].to_numpy())
            bounds = ranges.get(column, {})
            allowed = f"[{_show(bounds.get('min', -np.inf))}, {_show(bounds.get('max', np.inf))}]"
            problems.append((infinite, typed[column], column, "is not a finite number"))
            problems.append((failed & ~infinite, typed[column], column, f"is outside the allowed range {allowed}"))
    bad = _any(problems, len(frame)) | empty
    reasons = pd.Series("", index=frame.index[bad], dtype="object")
    for mask, values, column, what in problems:
        reasons = _append(reasons, mask[bad], values[bad], column, what)
    if empty.any():
        reasons[empty[bad]] = "all feature values are empty (" + ", ".join(features) + ")"
    # Parsed features replace the cells as read; the other columns are shared, not copied.
    valid = frame.copy(deep=False)
    for feature, numbers in parsed.items():
        valid[feature] = numbers
    if bad.any():
        valid = valid.loc[~bad]
    rejected = frame.loc[bad].copy()
    rejected[REASON_COLUMN] = reasons.to_numpy()
    return ValidationResult(valid=valid, rejected=rejected)


def _any(problems: list[tuple[np.ndarray, pd.Series, str, str]], rows: int) -> np.ndarray:
    flagged = np.zeros(rows, dtype=bool)
    for mask, *_ in problems:
        flagged |= mask
    return flagged


def _append(reasons: pd.Series, mask: np.ndarray, values: pd.Series, column: str, what: str) -> pd.Series:
    if not mask.any():
        return reasons
    shown = values[mask].map(_show).to_numpy()
    current = reasons[mask].to_numpy()
    text = column + ": " + shown + " " + what
    reasons = reasons.copy()
    reasons[mask] = np.where(current == "", text, current + "; " + text)
    return reasons


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "empty"
    if isinstance(value, (float, int, np.number)) and float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _normalise_header(header: str) -> str:
    return str(header).strip().lstrip("\ufeff").strip().lower()
