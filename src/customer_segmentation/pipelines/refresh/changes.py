"""What changed between the snapshots: the movement table, the audiences to sync, and the refresh report.

Node functions (wired in ``pipeline.py``); the rules are ``segmentation/refresh.py``'s.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.names import IMPUTED_COLUMN, SEGMENT_ID, SEGMENT_NAME
from customer_segmentation.pipelines.clustering.nodes import audience_name
from customer_segmentation.pipelines.data_processing.accounting import quality_report
from customer_segmentation.segmentation import refresh
from customer_segmentation.segmentation.contract import model_table, segment_names

logger = logging.getLogger(__name__)

FULL = "full"
REMOVED_COLUMNS = (SEGMENT_ID, SEGMENT_NAME, "status", "new_segment_id", "new_segment_name", "holdout")


def tabulate_movement(refreshed_customers: pd.DataFrame, departed_customers: pd.DataFrame,
                      served_model: Pipeline) -> pd.DataFrame:
    """One row per (from, to) pair of segments, ``new`` and ``gone``, with its customers and its share of the
    from-group: the totals match both snapshots (``segmentation/refresh.py``'s ``movement``)."""
    return refresh.movement(refreshed_customers[SEGMENT_ID], refreshed_customers["previous_segment_id"],
                            departed_customers["previous_segment_id"], segment_names(served_model))


def build_audience_changes(refreshed_customers: pd.DataFrame, departed_customers: pd.DataFrame,
                           served_model: Pipeline, batch_preparation: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Per segment, the files a marketing tool syncs: ``added/<segment>`` (customers now in it who were not: every
    column), ``removed/<segment>`` (customers who were in it and are not any more: id, the segment left, moved or
    departed, where to) and ``full/<segment>`` (its whole audience). Every customer carries ``holdout``.

    Returns:
        ``{"added/segment_<id>_<name>": frame, "removed/...": frame, "full/...": frame}``, every segment
        present in each folder (an empty file when nothing changed).
    """
    column = batch_preparation["id_column"]
    names = segment_names(served_model)
    customers = refreshed_customers.drop(columns=["map_x", "map_y"], errors="ignore")
    files = {}
    for segment, name in enumerate(names):
        added, moved_out, gone = refresh.audience_changes(
            segment, customers[SEGMENT_ID], customers["previous_segment_id"], departed_customers["previous_segment_id"])
        moved = customers.loc[moved_out]
        removed = pd.concat([
            pd.DataFrame({column: moved[column].to_numpy(), "status": refresh.MOVED,
                          "new_segment_id": moved[SEGMENT_ID].astype("Int64").to_numpy(),
                          "new_segment_name": moved[SEGMENT_NAME].astype("string").to_numpy(),
                          "holdout": moved["holdout"].to_numpy()}),
            pd.DataFrame({column: departed_customers.loc[gone, column].to_numpy(), "status": refresh.DEPARTED,
                          "new_segment_id": pd.array([pd.NA] * int(gone.sum()), dtype="Int64"),
                          "new_segment_name": pd.array([pd.NA] * int(gone.sum()), dtype="string"),
                          "holdout": departed_customers.loc[gone, "holdout"].to_numpy()}),
        ], ignore_index=True).assign(**{SEGMENT_ID: segment, SEGMENT_NAME: name})
        stem = audience_name(segment, name)
        files[f"added/{stem}"] = customers.loc[added].reset_index(drop=True)
        files[f"removed/{stem}"] = removed[[column, *REMOVED_COLUMNS]]
        files[f"{FULL}/{stem}"] = customers.loc[(customers[SEGMENT_ID] == segment).to_numpy()].reset_index(drop=True)
    return files


def _segment_counts(refreshed: pd.DataFrame, movement: pd.DataFrame, names: list[str]) -> list[dict[str, Any]]:
    """Per segment: customers before and after, stayed, moved in and out, new, departed, in the control group."""
    origin, target, customers = movement["from_segment_id"], movement["to_segment_id"], movement["customers"]
    rows = []
    for segment, name in enumerate(names):
        s = str(segment)
        before, after = int(customers[origin == s].sum()), int(customers[target == s].sum())
        stayed = int(customers[(origin == s) & (target == s)].sum())
        new = int(customers[(origin == refresh.NEW) & (target == s)].sum())
        departed = int(customers[(origin == s) & (target == refresh.GONE)].sum())
        rows.append({"segment_id": segment, "segment_name": name, "before": before, "after": after, "stayed": stayed,
                     "moved_in": after - stayed - new, "moved_out": before - stayed - departed, "new": new,
                     "departed": departed,
                     "holdout": int((refreshed["holdout"] & (refreshed[SEGMENT_ID] == segment)).sum())})
    return rows


def _cells_imputed(refreshed: pd.DataFrame, features: list[str]) -> dict[str, int]:
    filled = refreshed[IMPUTED_COLUMN].astype("string").fillna("") if IMPUTED_COLUMN in refreshed else pd.Series()
    return {f: int(filled.str.split(", ").map(lambda names, f=f: f in names).sum()) for f in features}


def build_refresh_report(batch_preparation: dict[str, Any], batch_summary: dict[str, Any],
                         refresh_plan: dict[str, Any], refreshed_customers: pd.DataFrame,
                         departed_customers: pd.DataFrame, segment_movement: pd.DataFrame,
                         drift_report: dict[str, Any], served_model: Pipeline, refresh_settings: dict[str, Any]
                         ) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """The refresh in numbers: rows read, scored and rejected (checked to balance, as data_processing's report),
    customers stayed, moved, new and departed, per segment, the control group and the drift alert; and its
    headline numbers for MLflow (``refresh.stayed``, ``moved``, ``new``, ``departed``, ``holdout``)."""
    rejections = {**batch_preparation["rejections_by_reason"]}
    for reason, count in batch_summary["rejections_by_reason"].items():
        rejections[reason] = rejections.get(reason, 0) + count
    rows = quality_report(
        {"rows_read": batch_preparation["rows_read"], "duplicates_removed": batch_preparation["duplicates_removed"],
         "input_sha256": batch_summary["sha256"]},
        batch_preparation["rejected"] + batch_summary["rejected"], len(refreshed_customers),
        dict(sorted(rejections.items(), key=lambda item: -item[1])),
        _cells_imputed(refreshed_customers, model_table(served_model).names), [])
    status = refreshed_customers["status"].value_counts()
    customers = {"previous": int(len(departed_customers) + refreshed_customers["previous_segment_id"].notna().sum()),
                 "scored": len(refreshed_customers), **{s: int(status.get(s, 0)) for s in refresh.STATUSES},
                 "departed": len(departed_customers)}
    holdout = int(refreshed_customers["holdout"].sum())
    report = {
        "batch": refresh_plan["batch"], "batch_sha256": refresh_plan["batch_sha256"], "repeat": refresh_plan["repeat"],
        "model_changed": refresh_plan["model_changed"], "compared_with": refresh_plan["compared_with"],
        "id_column": batch_preparation["id_column"],
        "refreshed_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "rows": {key: rows[key] for key in ("rows_read", "duplicates_removed", "rows_rejected", "rows_out",
                                            "rejections_by_reason", "cells_imputed")},
        "customers": customers,
        "holdout": {"setting": refresh_settings["holdout_share"], "customers": holdout,
                    "share": holdout / len(refreshed_customers)},
        "segments": _segment_counts(refreshed_customers, segment_movement, segment_names(served_model)),
        "alert": drift_report["alert"], "reason": drift_report["reason"], "psi": drift_report["psi"],
    }
    logger.info("refresh of %s (compared with %s): %s", report["batch"], report["compared_with"], customers)
    scores = {**{key: customers[key] for key in (*refresh.STATUSES, "departed")}, "holdout": holdout}
    return report, {name: {"value": float(value), "step": 0} for name, value in scores.items()}
