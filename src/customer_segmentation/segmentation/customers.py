"""Customers as a file holds them, validated and placed in segments by a trained model.

The one path from "rows as read" to "rows with a segment" outside training: the app's Score page and
Predict form, the served MLflow model and the monitoring of new batches all call
:func:`segment_customers`. It uses the model's own feature table (its contract), so a file is read
the way the model was trained, whatever the project's configuration says today: a category feature's rare
categories of training are read as "Other", and a category the model never saw is the row's problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.names import MEMBERSHIP, ROW_COLUMN, SCORED_FILE_COLUMNS
from customer_segmentation.segmentation.contract import (
    model_borderline_ratio,
    model_table,
    readable_categories,
    segment_names,
)
from customer_segmentation.segmentation.explain import explain
from customer_segmentation.segmentation.scoring import score
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.columns import resolve_columns
from customer_segmentation.features.validate import validate_customers
from customer_segmentation.names import REASON_COLUMN



@dataclass(frozen=True)
class SegmentedCustomers:
    """Every row of the input with its segment (or its problem), and the details behind it.

    ``rows``: the input's columns as read, plus ``segment_id`` (empty for rejected rows),
    ``segment_name``, ``distance_to_centre``, ``runner_up_id``, ``runner_up_name``, ``borderline``
    (``explain.py``), ``imputed_features`` (the features filled from ``medians``) and ``problem`` (empty for
    scored rows). An input column with one of those names is
    kept as ``<name> (uploaded)``.
    ``valid``: the scored rows with their features as numbers; ``scores``: :func:`score` of them;
    ``problems``: one record per problem, ``row`` being the row's ``source_row`` (its line under the
    header, as the reader numbers it) or else its 1-based position.
    """

    rows: pd.DataFrame
    valid: pd.DataFrame
    scores: pd.DataFrame
    problems: pd.DataFrame

    @property
    def scored_rows(self) -> int:
        return len(self.valid)


def segment_customers(model: Pipeline, frame: pd.DataFrame, medians: Mapping[str, float | str] | None = None,
                      today: pd.Timestamp | None = None) -> SegmentedCustomers:
    """Validates ``frame`` with the model's feature table and scores its valid rows.

    Args:
        model: A trained segmentation model (with its contract).
        frame: Customers as read (text or numbers), any column order, extra columns kept.
        medians: Training medians (a category feature's: its most frequent category) to fill a missing feature
            with, as training did (named in ``imputed_features``); without them a missing feature is the row's
            problem.
        today: Reference date for ``years_since``/``days_since`` features that set none.

    Raises:
        CustomerDataError: the frame lacks a column the model's feature table reads.
    """
    frame = frame.reset_index(drop=True)
    table = model_table(model)
    resolved = resolve_columns(frame, table, trained=True)
    readable = readable_categories(model)
    result = validate_customers(resolved, table, reject_missing=medians is None, today=today,
                                known_categories={feature: list(read) for feature, read in readable.items()})
    valid = result.valid.assign(**{f: result.valid[f].map(read) for f, read in readable.items()
                                   if set(read) != set(read.values())})  # rare categories of training: Other
    valid, imputed = _impute(valid, table, medians)
    scores = score(model, valid)
    names = np.array(segment_names(model), dtype=object)

    rows = frame.rename(columns={c: f"{c} (uploaded)" for c in frame.columns if c in SCORED_FILE_COLUMNS})
    segment_id = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    segment_id.loc[scores.index] = scores["segment_id"].astype("Int64")
    rows["segment_id"] = segment_id
    rows["segment_name"] = pd.Series(names[scores["segment_id"].to_numpy()], index=scores.index).reindex(frame.index)
    rows["distance_to_centre"] = scores["distance_to_centre"].reindex(frame.index)
    if MEMBERSHIP in scores.columns:
        rows[MEMBERSHIP] = scores[MEMBERSHIP].reindex(frame.index)
    explained = explain(scores, list(names), model_borderline_ratio(model))
    rows["runner_up_id"] = explained["runner_up_id"].astype("Int64").reindex(frame.index)
    rows["runner_up_name"] = explained["runner_up_name"].astype("object").reindex(frame.index)
    rows["borderline"] = explained["borderline"].astype("boolean").reindex(frame.index)
    rows["imputed_features"] = imputed.reindex(frame.index)
    rows["problem"] = result.rejected[REASON_COLUMN].reindex(frame.index)
    numbers = frame[ROW_COLUMN] if ROW_COLUMN in frame.columns else pd.Series(frame.index + 1, index=frame.index)
    problems = result.problems.assign(row=numbers.reindex(result.problems["row"]).to_numpy())
    return SegmentedCustomers(rows=rows, valid=valid, scores=scores, problems=problems)


def _impute(valid: pd.DataFrame, table: FeatureTable, medians: Mapping[str, float | str] | None
            ) -> tuple[pd.DataFrame, pd.Series]:
    """The valid rows with missing features filled from ``medians``, and per row the features filled."""
    features = table.names
    names = pd.Series("", index=valid.index, dtype="object")
    if medians is None:
        return valid, names
    missing = valid[features].isna()
    if not missing.to_numpy().any():
        return valid, names
    filled = valid.fillna({f: medians[f] if table[f].is_category else float(medians[f])
                           for f in features if missing[f].any()})
    names[:] = [", ".join(f for f, gap in zip(features, row) if gap) for row in missing.to_numpy()]
    return filled, names
