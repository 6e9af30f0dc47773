"""Validating and scoring customers with a loaded :class:`ModelBundle`.

Validation is the project's one input contract (:func:`schema.validate_customers` with
``params:validation_ranges``); uploads are parsed as text by :func:`io.read_customer_csv`
and never unpickled or evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_segmentation.app_support.bundle import ModelBundle
from customer_segmentation.app_support.export import spreadsheet_safe_csv
from customer_segmentation.io import read_customer_csv
from customer_segmentation.schema import REASON_COLUMN, CustomerDataError, map_columns, validate_customers

PROBLEM_COLUMNS = ("row", "column", "value", "reason")
SCORE_COLUMNS = ("segment_id", "segment_name", "problem")
PREVIEW_ROWS = 20
# "<shown value> is <what is wrong>", as schema.validate_customers writes it.
_WHAT = re.compile(r"^(?P<shown>.*?) ?(?P<what>is (?:not a number|missing|not a finite number|outside .*))$")


@dataclass(frozen=True)
class Prediction:
    """One customer's segment, how close they are to every segment, and where they sit on the map."""

    segment_id: int
    segment_name: str
    description: str
    suggested_action: str
    distances: pd.DataFrame
    map_x: float
    map_y: float
    typical_distance: float | None


@dataclass(frozen=True)
class FileScore:
    """An uploaded file after validation and scoring."""

    rows: int
    preview: pd.DataFrame
    problems: pd.DataFrame
    scored: pd.DataFrame
    scored_rows: int
    csv: bytes


def score_frame(bundle: ModelBundle, customers: pd.DataFrame) -> pd.DataFrame:
    """Segment, distance to its centre and map position of valid customers (index kept).

    Args:
        bundle: The loaded model and profiles.
        customers: Parsed rows with the bundle's feature columns (no missing values).

    Returns:
        Columns ``segment_id``, ``segment_name``, ``distance_to_centre``, ``map_x``, ``map_y``.
    """
    if customers.empty:
        return pd.DataFrame(
            {"segment_id": pd.Series(dtype="int64"), "segment_name": pd.Series(dtype="object"),
             "distance_to_centre": pd.Series(dtype="float64"), "map_x": pd.Series(dtype="float64"),
             "map_y": pd.Series(dtype="float64")},
            index=customers.index,
        )
    features = customers[bundle.features].astype("float64")
    projected = bundle.model[:-1].transform(features)
    distances = bundle.model[-1].transform(projected)
    # Pipeline.predict is the last step's predict on these same projected rows.
    ids = np.asarray(bundle.model[-1].predict(projected), dtype="int64")
    names = bundle.segment_names
    return pd.DataFrame(
        {
            "segment_id": ids,
            "segment_name": [names.get(int(i), f"Segment {i}") for i in ids],
            "distance_to_centre": distances[np.arange(len(ids)), ids],
            "map_x": projected[:, 0],
            "map_y": projected[:, 1],
        },
        index=customers.index,
    )


def problems_table(rejected: pd.DataFrame, features: Sequence[str], first_row: int = 1) -> pd.DataFrame:
    """One line per problem: row number (1 = first data row), column, value as read, reason.

    Args:
        rejected: ``validate_customers(...).rejected`` of a frame with a 0-based RangeIndex.
        features: The feature columns that were checked.
        first_row: The number of the frame's first row.
    """
    # A reason lists "<column>: ..." parts joined by "; "; split only where a feature name follows.
    splitter = re.compile("; (?=(?:" + "|".join(re.escape(f) for f in features) + "): )")
    lines = []
    for index, reason in rejected[REASON_COLUMN].items():
        for part in splitter.split(str(reason)):
            column, _, rest = part.partition(": ")
            if column not in features:  # a reason about the whole row, e.g. "all feature values are empty"
                lines.append({"row": int(index) + first_row, "column": "", "value": "", "reason": str(part)})
                continue
            match = _WHAT.match(rest)
            what = match.group("what") if match else rest
            value = rejected.at[index, column]
            lines.append(
                {
                    "row": int(index) + first_row,
                    "column": column,
                    "value": _show(value),
                    "reason": what.removeprefix("is "),
                }
            )
    return pd.DataFrame(lines, columns=list(PROBLEM_COLUMNS)).astype({"row": "int64"})


def field_messages(
    values: Mapping[str, float | None], features: Sequence[str], ranges: Mapping[str, Mapping[str, float]]
) -> dict[str, str]:
    """What is wrong with each field of the prediction form, e.g. ``{"age": "7 is outside ..."}``.

    Empty when the customer can be scored.
    """
    frame = pd.DataFrame([{f: values.get(f) for f in features}], dtype="object")
    frame = frame.astype({f: "float64" for f in features if not isinstance(values.get(f), str)})
    result = validate_customers(frame, features, ranges, reject_missing=True)
    messages: dict[str, str] = {}
    for line in problems_table(result.rejected, features).itertuples():
        if line.reason == "missing":
            text = "Enter a value."
        else:
            text = f"{line.value} is {line.reason}." if line.value else f"Value is {line.reason}."
        messages[line.column] = f"{messages[line.column]} {text}" if line.column in messages else text
    return messages


def predict_customer(bundle: ModelBundle, values: Mapping[str, float | None], validate: bool = True) -> Prediction:
    """Scores one customer given as ``{feature: value}`` in original units.

    Args:
        bundle: The loaded model and profiles.
        values: One value per feature.
        validate: Check ``values`` first; pass False only when :func:`field_messages` just did.

    Raises:
        CustomerDataError: a value is missing or outside ``params:validation_ranges``.
    """
    messages = field_messages(values, bundle.features, bundle.validation_ranges) if validate else {}
    if messages:
        raise CustomerDataError("; ".join(f"{f}: {m}" for f, m in messages.items()))
    customer = pd.DataFrame([{f: float(values[f]) for f in bundle.features}])
    projected = bundle.model[:-1].transform(customer)
    distances = bundle.model[-1].transform(projected)[0]
    segment_id = int(bundle.model[-1].predict(projected)[0])
    profiles = bundle.profiles
    table = pd.DataFrame(
        {
            "segment_id": profiles["segment_id"].astype(int),
            "segment_name": profiles["segment_name"].astype(str),
            "distance": distances[profiles["segment_id"].astype(int).to_numpy()],
        }
    )
    table["assigned"] = table["segment_id"] == segment_id
    profile = profiles.loc[profiles["segment_id"] == segment_id].iloc[0]
    return Prediction(
        segment_id=segment_id,
        segment_name=str(profile["segment_name"]),
        description=str(profile.get("description", "")),
        suggested_action=str(profile.get("suggested_action", "")),
        distances=table.sort_values("distance").reset_index(drop=True),
        map_x=float(projected[0, 0]),
        map_y=float(projected[0, 1]),
        typical_distance=_typical_distance(bundle, segment_id),
    )


def score_file(data: bytes, name: str, bundle: ModelBundle) -> FileScore:
    """Reads, validates and scores an uploaded customer CSV; invalid rows are listed, not dropped.

    Returns:
        The preview, the problems, every row of the file with ``segment_id``, ``segment_name``
        (empty for rejected rows) and ``problem``, and that table as a spreadsheet-safe CSV.

    Raises:
        CustomerDataError: the file as a whole cannot be used (not text, no rows, columns missing).
    """
    raw = read_customer_csv(data, name=name).reset_index(drop=True)
    if raw.empty:
        raise CustomerDataError(f"{name} has a header but no customer rows")
    mapped = map_columns(raw, bundle.column_mapping, bundle.features)
    result = validate_customers(mapped, bundle.features, bundle.validation_ranges, reject_missing=True)
    problems = problems_table(result.rejected, bundle.features)
    segments = score_frame(bundle, result.valid)

    scored = raw.drop(columns=[c for c in SCORE_COLUMNS if c in raw.columns])
    segment_ids = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    segment_ids.loc[segments.index] = segments["segment_id"].astype("Int64")
    scored["segment_id"] = segment_ids
    scored["segment_name"] = segments["segment_name"].reindex(raw.index)
    scored["problem"] = result.rejected[REASON_COLUMN].reindex(raw.index)
    return FileScore(
        rows=len(raw),
        preview=raw.head(PREVIEW_ROWS),
        problems=problems,
        scored=scored,
        scored_rows=len(segments),
        csv=spreadsheet_safe_csv(scored),
    )


def chart_sample(bundle: ModelBundle, max_points: int = 4000, seed: int = 0) -> pd.DataFrame:
    """A fixed random sample of the training customers for charts (every customer when few)."""
    segments = bundle.segments
    if len(segments) <= max_points:
        return segments
    return segments.sample(n=max_points, random_state=seed).sort_index()


def feature_defaults(bundle: ModelBundle) -> dict[str, float]:
    """The median training customer, rounded to what a person would type."""
    medians = bundle.segments[bundle.features].median()
    return {f: float(round(medians[f])) for f in bundle.features}


def _typical_distance(bundle: ModelBundle, segment_id: int) -> float | None:
    if "distance_to_centre" not in bundle.segments.columns:
        return None
    members = bundle.segments.loc[bundle.segments["segment_id"] == segment_id, "distance_to_centre"]
    return float(members.median()) if len(members) else None


def _show(value: object) -> str:
    """A cell as a person would read it: ``7`` not ``7.0``, empty for missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value)
