"""Next month's customers: one row per id, matched with the previous snapshot, and what that snapshot becomes.

The rules (ids, status, holdout, movement, audience changes) are ``segmentation/refresh.py``'s; scoring and
the drift checks are the monitoring pipeline's own nodes (``pipeline.py`` composes them); these nodes wire the
rules to the catalog. What changed between the snapshots (movement, audiences, report) is in ``changes.py``.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.features.duplicates import find_id_column
from customer_segmentation.io import hashing
from customer_segmentation.names import REASON_COLUMN, ROW_COLUMN, SEGMENT_ID, SEGMENT_NAME
from customer_segmentation.pipelines.monitoring.nodes import append_segment_history
from customer_segmentation.segmentation import centres, refresh
from customer_segmentation.segmentation.contract import model_table, segment_names
from customer_segmentation.validation import reasons
from customer_segmentation.validation.problems import ProblemLog, counts_by_reason, reasons_by_row

logger = logging.getLogger(__name__)

TRAINING_SOURCE = "the customers the model was trained on"
CURRENT, PREVIOUS = "current", "previous"
SNAPSHOT_COLUMNS = ("snapshot", "source", "batch_sha256", "model", *refresh.SNAPSHOT_COLUMNS)


def _missing_ids(where: str, id_column: str | None, columns: list[str]) -> CustomerDataError:
    setting = "none" if id_column in (None, "none") else repr(id_column)
    found = "no header such as customer_id, ID or CustomerID was found" if id_column == "auto" else \
        "that column is not there"
    return CustomerDataError(
        f"{where} has no customer ids, and a refresh matches customers by their id (id_column is {setting} in "
        f"conf/base/parameters_data_processing.yml: {found}; columns: {columns}). Add each customer's id to the "
        "file, or name its column with id_column: <header> (or --params id_column=<header>)")


def prepare_batch(batch_customers: pd.DataFrame, served_model: Pipeline, id_column: str | None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """One row per customer id: exact duplicate rows removed, rows without an id or with the id of an earlier
    record rejected with their reason.

    Args:
        batch_customers: Next month's customers, as read.
        served_model: The served model (its feature table tells the id column from the features).
        id_column: ``params:id_column`` (``auto``: found by its header).

    Returns:
        The rows to score, the rejected rows (as read, with ``rejection_reason``) and ``{rows_read,
        duplicates_removed, id_column, rejected, rejections_by_reason}``.

    Raises:
        CustomerDataError: the batch has no id column, or no row has an id.
    """
    batch_customers = batch_customers.reset_index(drop=True)  # a Parquet file's own index must not label rows
    column = find_id_column(batch_customers, id_column, model_table(served_model))
    if column is None:
        raise _missing_ids("the batch", id_column, [c for c in batch_customers.columns if c != ROW_COLUMN])
    content = batch_customers.drop(columns=[ROW_COLUMN], errors="ignore")
    duplicated = hashing.exact_duplicates(content, hashing.row_hashes(content)[0])
    unique = batch_customers.loc[~duplicated]
    keys = refresh.customer_keys(unique[column])
    log = ProblemLog(unique.index)
    log.add(keys.isna().to_numpy(), column, unique[column], reasons.MISSING_ID)
    log.add((keys.duplicated(keep="first") & keys.notna()).to_numpy(), column, unique[column], reasons.REPEATED_ID)
    problems = log.to_frame()
    rejected = unique.loc[problems["row"].unique()]
    rejected = rejected.assign(**{REASON_COLUMN: reasons_by_row(problems).reindex(rejected.index)})
    kept = unique.drop(index=rejected.index)
    if len(unique) and kept.empty:
        raise CustomerDataError(f"none of the {len(batch_customers):,} rows of the batch has a usable customer id in "
                                f"column '{column}' ({counts_by_reason(problems)}); nothing was written. Fill in each "
                                "customer's id, or name the column that holds them with id_column: <header>")
    preparation = {"rows_read": len(batch_customers), "duplicates_removed": int(duplicated.sum()),
                   "id_column": str(column), "rejected": len(rejected),
                   "rejections_by_reason": counts_by_reason(problems)}
    logger.info("batch: %d rows, %d duplicates removed, %d rejected for their id (column %s)",
                len(batch_customers), preparation["duplicates_removed"], len(rejected), column)
    return kept.reset_index(drop=True), rejected.reset_index(drop=True), preparation


def model_fingerprint(model: Pipeline) -> str:
    """The served model's segments as a fingerprint (``segmentation/refresh.py``'s ``model_fingerprint``)."""
    return refresh.model_fingerprint(centres(model)[1], segment_names(model), model_table(model).names)


def choose_previous_snapshot(refresh_snapshots_before: pd.DataFrame, training_segments: pd.DataFrame,
                             batch_summary: dict[str, Any], served_model: Pipeline, id_column: str | None
                             ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The snapshot this batch is compared with, and why.

    The last refresh's customers; for the same batch again under the same model (same fingerprints), the
    snapshot that refresh was compared with, so a second run moves nobody; before any refresh, or when the model
    has changed since the last one (its segment ids need not mean the same), the customers it was trained on.

    Returns:
        The previous snapshot (``segmentation/refresh.py``'s ``SNAPSHOT_COLUMNS``) and ``{batch, batch_sha256,
        model, repeat, model_changed, compared_with}``.
    """
    model = model_fingerprint(served_model)
    stored = refresh_snapshots_before
    last = stored.loc[stored["snapshot"] == CURRENT] if not stored.empty else stored
    same_model = not last.empty and "model" in last.columns and str(last["model"].iloc[0]) == model
    repeat = same_model and last["batch_sha256"].iloc[0] == batch_summary["sha256"]
    if repeat:
        chosen = stored.loc[stored["snapshot"] == PREVIOUS]
        source = str(chosen["source"].iloc[0]) if len(chosen) else TRAINING_SOURCE
        logger.info("the same batch as the last refresh: compared again with %s", source)
    elif same_model:
        chosen, source = last, f"the refresh of {last['source'].iloc[0]}"
    else:
        chosen, source = _training_snapshot(training_segments, served_model, id_column), TRAINING_SOURCE
        if not last.empty:
            logger.warning("the model has changed since the last refresh: this batch is compared with the customers "
                           "the new model was trained on (two models' segment ids need not mean the same)")
    plan = {"batch": batch_summary["batch"], "batch_sha256": batch_summary["sha256"], "model": model,
            "repeat": bool(repeat), "model_changed": bool(not last.empty and not same_model),
            "compared_with": source}
    return chosen[list(refresh.SNAPSHOT_COLUMNS)].reset_index(drop=True), plan


def _training_snapshot(training_segments: pd.DataFrame, served_model: Pipeline, id_column: str | None
                       ) -> pd.DataFrame:
    column = find_id_column(training_segments, id_column, model_table(served_model))
    if column is None:
        raise _missing_ids("the customers the model was trained on (the first refresh is compared with them)",
                           id_column, [str(c) for c in training_segments.columns])
    keys = refresh.customer_keys(training_segments[column])
    frame = refresh.snapshot(keys, training_segments[SEGMENT_ID], training_segments[SEGMENT_NAME])
    return frame.loc[keys.notna().to_numpy()].drop_duplicates(refresh.KEY)


def match_customers(batch_segments: pd.DataFrame, previous_snapshot: pd.DataFrame,
                    batch_preparation: dict[str, Any], refresh_settings: dict[str, Any]) -> pd.DataFrame:
    """Every scored customer with ``previous_segment_id`` (empty for a new one), ``status`` (stayed, moved, new)
    and ``holdout`` (in the control group); a column of the file with one of those names is kept as
    ``<name> (uploaded)``.

    Args:
        batch_segments: The scored customers (monitoring's ``score_batch``).
        previous_snapshot: Output of ``choose_previous_snapshot``.
        batch_preparation: Output of ``prepare_batch`` (the id column).
        refresh_settings: ``params:refresh`` (``holdout_share``, ``holdout_salt``).
    """
    batch_segments = batch_segments.rename(columns={c: f"{c} (uploaded)" for c in refresh.REFRESH_COLUMNS
                                                    if c in batch_segments.columns})
    keys = refresh.customer_keys(batch_segments[batch_preparation["id_column"]])
    matched = refresh.match_previous(keys, batch_segments[SEGMENT_ID], previous_snapshot)
    in_holdout = refresh.holdout(keys, refresh_settings["holdout_share"], refresh_settings["holdout_salt"])
    customers = batch_segments.assign(previous_segment_id=matched["previous_segment_id"], status=matched["status"],
                                      holdout=in_holdout)
    logger.info("refresh: %s", customers["status"].value_counts().to_dict())
    return customers


def list_departed_customers(previous_snapshot: pd.DataFrame, refreshed_customers: pd.DataFrame,
                            refresh_rejected_customers: pd.DataFrame, batch_preparation: dict[str, Any],
                            refresh_settings: dict[str, Any]) -> pd.DataFrame:
    """The customers of the previous snapshot missing from this one: their id, previous segment, holdout flag and
    why (not in the batch, or their row of the batch was rejected, with its reason)."""
    column = batch_preparation["id_column"]
    gone = refresh.departed(previous_snapshot, refresh.customer_keys(refreshed_customers[column]))
    rejected = pd.Series(refresh_rejected_customers[REASON_COLUMN].to_numpy(),
                         index=refresh.customer_keys(refresh_rejected_customers[column]).to_numpy()) \
        if len(refresh_rejected_customers) else pd.Series(dtype="object")
    rejected = rejected[rejected.index.notna() & ~rejected.index.duplicated()]
    why = rejected.reindex(gone[refresh.KEY].to_numpy())
    return pd.DataFrame({
        column: gone[refresh.KEY].to_numpy(),
        "previous_segment_id": gone["segment_id"].astype("Int64").to_numpy(),
        "previous_segment_name": gone["segment_name"].to_numpy(),
        "holdout": refresh.holdout(gone[refresh.KEY], refresh_settings["holdout_share"],
                                   refresh_settings["holdout_salt"]),
        "reason": ["not in the batch" if pd.isna(r) else f"rejected in the batch: {r}" for r in why.tolist()],
    })


def collect_rejected_rows(id_rejected: pd.DataFrame, batch_rejected_customers: pd.DataFrame) -> pd.DataFrame:
    """Every row of the batch that was not scored, as read, with its ``rejection_reason``, in file order."""
    rows = pd.concat([frame for frame in (id_rejected, batch_rejected_customers) if len(frame)] or [id_rejected],
                     ignore_index=True)
    return rows.sort_values(ROW_COLUMN, kind="stable").reset_index(drop=True) if ROW_COLUMN in rows else rows


def record_snapshots(refreshed_customers: pd.DataFrame, previous_snapshot: pd.DataFrame,
                     refresh_plan: dict[str, Any], batch_preparation: dict[str, Any]) -> pd.DataFrame:
    """This refresh's snapshot and the one it was compared with, each row marked with the batch's fingerprint:
    what the next refresh compares with (``choose_previous_snapshot``)."""
    keys = refresh.customer_keys(refreshed_customers[batch_preparation["id_column"]])
    current = refresh.snapshot(keys, refreshed_customers[SEGMENT_ID], refreshed_customers[SEGMENT_NAME])
    parts = [current.assign(snapshot=CURRENT, source=refresh_plan["batch"]),
             previous_snapshot.assign(snapshot=PREVIOUS, source=refresh_plan["compared_with"])]
    frame = pd.concat(parts, ignore_index=True).assign(batch_sha256=refresh_plan["batch_sha256"],
                                                       model=refresh_plan["model"])
    frame[refresh.KEY] = frame[refresh.KEY].astype("string")
    frame["segment_name"] = frame["segment_name"].astype("string")
    return frame[list(SNAPSHOT_COLUMNS)].astype({c: "category" for c in ("snapshot", "source", "batch_sha256",
                                                                          "model")})


def record_segment_history(segment_history_before: pd.DataFrame, drift_report: dict[str, Any]) -> pd.DataFrame:
    """Monitoring's segment history with this batch's sizes added, once: a second refresh of the same batch
    (same fingerprint) leaves the history as it was (``segmentation/refresh.py``'s ``without_repeated_point``)."""
    return refresh.without_repeated_point(append_segment_history(segment_history_before, drift_report))
