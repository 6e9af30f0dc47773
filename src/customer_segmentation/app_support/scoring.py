"""Validating and scoring customers for the app with a loaded :class:`ModelBundle`.

The rules are the project's one input contract, with the model's own feature table
(``segmentation.customers.segment_customers``); uploads are read by ``uploads.py`` (CSV and Excel as text,
Parquet with its types) and never unpickled or evaluated. An order log, for a model trained on one, is first
checked and aggregated per customer with the model's own configuration (``orders.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from customer_segmentation.app_support.bundle import ModelBundle
from customer_segmentation.app_support.orders import OrderLogLines, aggregate_upload, upload_order_log
from customer_segmentation.app_support.uploads import read_upload
from customer_segmentation.errors import CustomerDataError
from customer_segmentation.names import ROW_COLUMN
from customer_segmentation.features.categories import most_frequent
from customer_segmentation.segmentation import score
from customer_segmentation.segmentation.contract import model_borderline_ratio, readable_categories
from customer_segmentation.segmentation.customers import segment_customers
from customer_segmentation.segmentation.explain import explain
from customer_segmentation.segmentation.space import known_categories
from customer_segmentation.io.spreadsheets import spreadsheet_safe_csv
from customer_segmentation.validation.problems import PROBLEM_COLUMNS, counts_by_reason
from customer_segmentation.features.validate import validate_customers

PREVIEW_ROWS = 20
# Uploads are scored this many rows at a time; past MAX_REJECTED_ROWS rejected rows, a file more than
# half of whose rows fail is refused with its most common problems (see _stop_when_mostly_unreadable).
UPLOAD_CHUNK_ROWS = 100_000
MAX_REJECTED_ROWS = 100_000


@dataclass(frozen=True)
class Prediction:
    """One customer's segment, how close they are to every segment, and where they sit on the map.

    ``distances``: one row per segment (``segment_id``, ``segment_name``, ``distance``, ``assigned``, and
    ``membership`` for a segmenter that gives probabilities), the best segment first."""

    segment_id: int
    segment_name: str
    description: str
    suggested_action: str
    distances: pd.DataFrame
    map_x: float
    map_y: float
    typical_distance: float | None
    runner_up_id: int
    runner_up_name: str
    borderline: bool


@dataclass(frozen=True)
class FileScore:
    """An uploaded file after validation and scoring: ``rows`` customers (an order log's: once aggregated, its line
    accounting in ``order_log``)."""

    rows: int
    preview: pd.DataFrame
    problems: pd.DataFrame
    scored: pd.DataFrame
    scored_rows: int
    csv: bytes
    order_log: OrderLogLines | None = None


def problems_table(problems: pd.DataFrame) -> pd.DataFrame:
    """Problem records for people: row number (1 = the first line under the header), column, value as read, reason."""
    table = problems[list(PROBLEM_COLUMNS)].copy()
    table["row"] = table["row"].astype("int64")
    table["value"] = [_plain(value) for value in table["value"].tolist()]
    return table.reset_index(drop=True)


def field_messages(bundle: ModelBundle, values: Mapping[str, float | str | None]) -> dict[str, str]:
    """What is wrong with each field of the prediction form, e.g. ``{"age": "7 is outside ..."}``.

    The form has one field per feature, in the feature's unit (a category feature's: one of the model's
    categories); empty when the customer can be scored.
    """
    table = bundle.table.as_feature_values()
    frame = pd.DataFrame([{f: values.get(f) for f in table.names}], dtype="object")
    known = {feature: list(read) for feature, read in readable_categories(bundle.model).items()}
    result = validate_customers(frame, table, reject_missing=True, known_categories=known)
    messages: dict[str, str] = {}
    for line in problems_table(result.problems).itertuples():
        if not line.column:  # a reason about the whole row: every field is empty
            messages.update({name: "Enter a value." for name in table.names if values.get(name) is None})
            continue
        text = "Enter a value." if line.reason == "missing" else (
            f"{line.value} is {line.reason}." if line.value else f"{line.reason.capitalize()}.")
        messages[line.column] = f"{messages[line.column]} {text}" if line.column in messages else text
    return messages


def predict_customer(bundle: ModelBundle, values: Mapping[str, float | str | None], validate: bool = True
                     ) -> Prediction:
    """Scores one customer given as ``{feature: value}`` in the features' units (categories as text).

    Args:
        bundle: The loaded model and profiles.
        values: One value per feature.
        validate: Check ``values`` first; pass False only when :func:`field_messages` just did.

    Raises:
        CustomerDataError: a value is missing or outside its feature's range.
    """
    messages = field_messages(bundle, values) if validate else {}
    if messages:
        raise CustomerDataError("; ".join(f"{f}: {m}" for f, m in messages.items()))
    readable = readable_categories(bundle.model)
    customer = pd.DataFrame([{f.name: readable[f.name].get(str(values[f.name]), str(values[f.name])) if f.is_category
                              else float(values[f.name]) for f in bundle.table}])
    scored = score(bundle.model, customer, all_distances=True)
    names = bundle.segment_names
    flags = explain(scored, list(names.values()), model_borderline_ratio(bundle.model)).iloc[0]
    scores = scored.iloc[0]
    segment_id = int(scores["segment_id"])
    table = pd.DataFrame({
        "segment_id": list(names),
        "segment_name": list(names.values()),
        "distance": [float(scores[f"distance_{i}"]) for i in names],
    })
    by = "distance"
    if f"membership_{segment_id}" in scores.index:  # a segmenter with probabilities: the most probable first
        table["membership"] = [float(scores[f"membership_{i}"]) for i in names]
        by = "membership"
    table["assigned"] = table["segment_id"] == segment_id
    profile = bundle.profiles.loc[bundle.profiles["segment_id"] == segment_id].iloc[0]
    return Prediction(
        segment_id=segment_id,
        segment_name=names[segment_id],
        description=str(profile.get("description", "")),
        suggested_action=str(profile.get("suggested_action", "")),
        distances=table.sort_values(by, ascending=by == "distance", kind="stable").reset_index(drop=True),
        map_x=float(scores["map_x"]),
        map_y=float(scores["map_y"]),
        typical_distance=_typical_distance(bundle, segment_id),
        runner_up_id=int(flags["runner_up_id"]),
        runner_up_name=str(flags["runner_up_name"]),
        borderline=bool(flags["borderline"]),
    )


def score_file(data: bytes, name: str, bundle: ModelBundle) -> FileScore:
    """Reads, validates and scores an uploaded customer file (CSV, Excel, Parquet); invalid rows are listed, not
    dropped. For a model trained on an order log, an upload with the log's headers is an order log: its lines are
    checked and aggregated per customer first (``orders.py``), and the customers scored.

    Returns:
        The preview, the problems, every customer with ``segment_id``, ``segment_name``
        (empty for rejected rows) and ``problem``, and that table as a spreadsheet-safe CSV.

    Raises:
        CustomerDataError: the file as a whole cannot be used (not text, no rows, columns missing).
    """
    raw = read_upload(data, name).reset_index(drop=True)
    if raw.empty:
        raise CustomerDataError(f"{name} has a header but no customer rows")
    spec = upload_order_log(bundle.model, raw.columns)
    if spec is None:
        return _score_customers(raw, name, bundle)
    customers, lines = aggregate_upload(raw, bundle.model, spec, name)
    scored = _score_customers(customers, name, bundle)
    return replace(scored, preview=raw.drop(columns=ROW_COLUMN, errors="ignore").head(PREVIEW_ROWS), order_log=lines)


def _score_customers(raw: pd.DataFrame, name: str, bundle: ModelBundle) -> FileScore:
    parts = []
    for start in range(0, len(raw), UPLOAD_CHUNK_ROWS):
        parts.append(segment_customers(bundle.model, raw.iloc[start:start + UPLOAD_CHUNK_ROWS]))
        _stop_when_mostly_unreadable(parts, start + len(parts[-1].rows), name)
    scored = pd.concat([part.rows for part in parts], ignore_index=True)
    problems = pd.concat([part.problems for part in parts], ignore_index=True)
    scored = scored.drop(columns=["distance_to_centre", ROW_COLUMN], errors="ignore")
    return FileScore(
        rows=len(raw),
        preview=raw.drop(columns=ROW_COLUMN, errors="ignore").head(PREVIEW_ROWS),
        problems=problems_table(problems),
        scored=scored,
        scored_rows=sum(part.scored_rows for part in parts),
        csv=spreadsheet_safe_csv(scored),
    )


def _stop_when_mostly_unreadable(parts: list, rows_done: int, name: str) -> None:
    """Refuses a file most of whose rows fail once many have: explaining millions of bad rows helps no one
    and would tie the server up (each rejected row costs ~15 times a valid one)."""
    rejected = rows_done - sum(part.scored_rows for part in parts)
    if rejected >= MAX_REJECTED_ROWS and rejected > rows_done / 2:
        counts = counts_by_reason(pd.concat([part.problems for part in parts], ignore_index=True))
        common = "; ".join(f"{reason} ({n:,} rows)" for reason, n in list(counts.items())[:3])
        raise CustomerDataError(
            f"{name}: {rejected:,} of the first {rows_done:,} rows cannot be scored, so the file was not scored. "
            f"Most common problems: {common}. Check that it is the right file, or fix these columns, and upload it "
            "again"
        )


def chart_sample(bundle: ModelBundle, max_points: int = 2500, seed: int = 0) -> pd.DataFrame:
    """A fixed random sample of the training customers for charts (every customer when few)."""
    segments = bundle.segments
    if len(segments) <= max_points:
        return segments
    return segments.sample(n=max_points, random_state=seed).sort_index()


def feature_defaults(bundle: ModelBundle) -> dict[str, float | str]:
    """The median training customer, rounded to what a person would type; a category feature's most frequent
    category."""
    numbers = [f.name for f in bundle.table.numeric]
    medians = bundle.segments[numbers].median()
    defaults: dict[str, float | str] = {f: float(round(medians[f])) for f in numbers}
    defaults.update({f.name: most_frequent(bundle.segments[f.name]) for f in bundle.table.categorical})
    return {f: defaults[f] for f in bundle.features}


def category_options(bundle: ModelBundle) -> dict[str, list[str]]:
    """The categories the model knows, per category feature: what the prediction form offers."""
    return known_categories(bundle.model)


def _typical_distance(bundle: ModelBundle, segment_id: int) -> float | None:
    if "distance_to_centre" not in bundle.segments.columns:
        return None
    members = bundle.segments.loc[bundle.segments["segment_id"] == segment_id, "distance_to_centre"]
    return float(members.median()) if len(members) else None


def _plain(value: object) -> str:
    try:
        return _plain_cached(value)
    except TypeError:  # unhashable (a list cell)
        return _show(value)


def _show(value: object) -> str:
    """A cell as a person would read it: ``7`` not ``7.0``, empty for missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value)


_plain_cached = functools.lru_cache(maxsize=65_536)(_show)
