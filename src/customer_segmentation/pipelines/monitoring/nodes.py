"""Score a new batch of customers with the served model and tell whether the segments still describe them.

The statistics are in ``drift.py``; the alert rule is :func:`decide_alert`:

* ``retrain`` when the segment mix moved a lot (PSI >= ``psi_retrain``), at least ``drifted_share_retrain``
  of the features drifted, or customers sit much further from their centres than at training
  (mean distance ratio >= ``distance_retrain``);
* ``watch`` when the mix moved some (PSI >= ``psi_watch``), any feature drifted, the distance ratio
  reached ``distance_watch`` or the silhouette fell by ``silhouette_drop_watch`` or more;
* ``none`` otherwise. The ``reason`` says which segments and features moved, in plain words;
* ``not_judged`` when fewer than ``min_batch_rows`` customers were scored: a handful of customers would give a PSI
  of several units by chance alone, so their segments are assigned and reported but their drift is not judged.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.categories import most_frequent
from customer_segmentation.features.units import format_share, format_value
from customer_segmentation.io import hashing
from customer_segmentation.names import IMPUTED_COLUMN, PROBLEM_COLUMN, REASON_COLUMN, SEGMENT_COLUMNS, SEGMENT_ID
from customer_segmentation.segmentation.contract import model_table, segment_names
from customer_segmentation.segmentation.customers import segment_customers
from customer_segmentation.segmentation.metrics import silhouette
from customer_segmentation.validation.problems import counts_by_reason

from . import drift

logger = logging.getLogger(__name__)

ALERTS = ("none", "watch", "retrain")
NOT_JUDGED = "not_judged"
NOT_JUDGED_LEVEL = -1  # the alert_level logged to MLflow for a batch too small to judge
HISTORY_COLUMNS = ("scored_at", "batch", "rows", "segment_id", "segment_name", "size", "share", "batch_sha256")


def score_batch(batch_customers: pd.DataFrame, served_model: Pipeline, training_segments: pd.DataFrame,
                batch_path: str) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Validates and scores the batch with the model the app serves; rejected rows are kept with their reasons.

    A missing feature is filled with the training median, as training filled it (named in
    ``imputed_features`` and counted in the summary).

    Args:
        batch_customers: The new customers, as read.
        served_model: The model of the last complete training run (its feature table validates the batch).
        training_segments: The customers it was trained on (their medians fill missing values).
        batch_path: Where the batch came from (its file name names it in the report and the history).

    Returns:
        The scored rows (their columns, features as numbers, segment, distance, runner-up, borderline, imputed
        features), ``{batch, sha256, rows, scored, rejected, rejections_by_reason, rows_imputed}`` (``sha256``: the
        fingerprint of the rows as read) and the rejected rows as read with their ``rejection_reason``.

    Raises:
        CustomerDataError: an empty batch, a batch without a feature's column, or one whose rows all fail.
    """
    name = PurePath(str(batch_path)).name
    if batch_customers.empty:
        raise CustomerDataError(f"the batch {name} has no customer rows; nothing was scored or written")
    segmented = segment_customers(served_model, batch_customers,
                                  medians=training_fill(training_segments, model_table(served_model)))
    imputed = segmented.rows[IMPUTED_COLUMN].dropna()
    summary = {"batch": name, "sha256": batch_fingerprint(batch_customers), "rows": len(batch_customers),
               "scored": segmented.scored_rows, "rejected": len(batch_customers) - segmented.scored_rows,
               "rejections_by_reason": counts_by_reason(segmented.problems),
               "rows_imputed": int((imputed != "").sum())}
    if segmented.scored_rows == 0:
        raise CustomerDataError(f"none of the {len(batch_customers):,} rows of the batch {name} can be scored "
                                f"({summary['rejections_by_reason']}); nothing was written and the history is "
                                "unchanged")
    added = [c for c in (*SEGMENT_COLUMNS, IMPUTED_COLUMN) if c in segmented.rows.columns]
    valid = segmented.valid.drop(columns=[c for c in added if c in segmented.valid.columns])
    valid = valid.join(segmented.rows.loc[valid.index, added])
    valid[SEGMENT_ID] = valid[SEGMENT_ID].astype("int64")
    rejected = batch_customers.reset_index(drop=True).loc[segmented.rows[PROBLEM_COLUMN].notna()]
    rejected = rejected.assign(**{REASON_COLUMN: segmented.rows.loc[rejected.index, PROBLEM_COLUMN]})
    logger.info("batch %s: %d rows, %d scored, %d rejected", name, summary["rows"], summary["scored"],
                summary["rejected"])
    return valid, summary, rejected.reset_index(drop=True)


def batch_fingerprint(batch: pd.DataFrame) -> str:
    """The SHA-256 of the batch's content as read (``io/hashing.py``): the same file gives the same fingerprint."""
    hashes, hashed = hashing.row_hashes(batch)
    return hashing.fingerprint(batch, hashes, hashed)


def training_fill(training_segments: pd.DataFrame, table: FeatureTable) -> dict[str, float | str]:
    """What fills a missing feature, as training filled it: the median of a number, the most frequent category."""
    return {feature.name: most_frequent(training_segments[feature.name]) if feature.is_category
            else float(training_segments[feature.name].median()) for feature in table}


def compare_segment_mix(batch_segments: pd.DataFrame, training_segments: pd.DataFrame,
                        served_model: Pipeline) -> dict[str, Any]:
    """Each segment's share at training and in the batch, the PSI and a chi-square test.

    Returns:
        ``{segments: [{segment_id, segment_name, train_share, batch_share, batch_size, psi}], psi,
        chi_square_p_value}``.
    """
    names = segment_names(served_model)
    k = len(names)
    train = np.bincount(training_segments["segment_id"].to_numpy(), minlength=k) / len(training_segments)
    counts = np.bincount(batch_segments["segment_id"].to_numpy(), minlength=k)
    batch = counts / counts.sum()
    terms = drift.population_stability_index(train, batch)
    return {
        "segments": [{"segment_id": i, "segment_name": names[i], "train_share": float(train[i]),
                      "batch_share": float(batch[i]), "batch_size": int(counts[i]), "psi": float(terms[i])}
                     for i in range(k)],
        "psi": float(terms.sum()),
        "chi_square_p_value": drift.chi_square_p_value(counts, train),
    }


def compare_features(batch_segments: pd.DataFrame, training_segments: pd.DataFrame, served_model: Pipeline,
                     monitoring: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each number feature's distribution in the batch against training (``drift.feature_drift``), on seeded
    samples (a category feature's mix shows in the segment mix, not here)."""
    train = drift.sample_rows(training_segments, monitoring["sample_size"], monitoring["random_state"])
    batch = drift.sample_rows(batch_segments, monitoring["sample_size"], monitoring["random_state"])
    return {feature.name: {"label": feature.label, **drift.feature_drift(
                train[feature.name].to_numpy(dtype="float64"), batch[feature.name].to_numpy(dtype="float64"),
                monitoring["wasserstein_threshold"], monitoring["ks_p_value"], monitoring["reference_rows"])}
            for feature in model_table(served_model).numeric}


def compare_fit(batch_segments: pd.DataFrame, training_segments: pd.DataFrame, served_model: Pipeline,
                monitoring: dict[str, Any]) -> dict[str, float]:
    """How well the model still fits: mean distance to the own centre and silhouette, batch against training
    (both silhouettes on seeded samples of the same size)."""
    size, seed = monitoring["silhouette_sample_size"], monitoring["random_state"]

    def fit_of(frame: pd.DataFrame) -> tuple[float, float | None]:
        labels = frame["segment_id"].to_numpy()
        score = silhouette(served_model, frame, labels, min(size, len(frame)), seed) \
            if len(np.unique(labels)) > 1 and len(frame) > len(np.unique(labels)) else None
        return float(frame["distance_to_centre"].mean()), score

    train_distance, train_silhouette = fit_of(training_segments)
    batch_distance, batch_silhouette = fit_of(batch_segments)
    return {"train_mean_distance": train_distance, "batch_mean_distance": batch_distance,
            "distance_ratio": batch_distance / train_distance if train_distance else float("nan"),
            "train_silhouette": train_silhouette, "batch_silhouette": batch_silhouette}


def decide_alert(segment_mix: dict[str, Any], features: dict[str, dict[str, Any]], fit: dict[str, float],
                 monitoring: dict[str, Any], served_model: Pipeline) -> dict[str, Any]:
    """``none``, ``watch`` or ``retrain`` (rule in the module docstring), or ``not_judged`` for a batch too small,
    and the reason in plain words."""
    scored = sum(segment["batch_size"] for segment in segment_mix["segments"])
    if scored < monitoring["min_batch_rows"]:
        return _not_judged(scored, monitoring["min_batch_rows"])
    level, causes = 0, []

    def raise_to(new_level: int, cause: str) -> None:
        nonlocal level
        level = max(level, new_level)
        causes.append(cause)

    psi = segment_mix["psi"]
    if psi >= monitoring["psi_watch"]:
        moved = sorted(segment_mix["segments"], key=lambda s: -abs(s["batch_share"] - s["train_share"]))[:3]
        words = ", ".join(f"{s['segment_name']} {format_share(s['train_share'])} -> {format_share(s['batch_share'])}"
                          for s in moved if abs(s["batch_share"] - s["train_share"]) >= 0.02)
        raise_to(2 if psi >= monitoring["psi_retrain"] else 1,
                 f"the segment mix has shifted (PSI {psi:.2f}): {words}")
    table = model_table(served_model)
    drifted = [name for name, result in features.items() if result["drifted"]]
    if drifted:
        share = len(drifted) / len(features)
        words = ", ".join(f"{table[n].label.lower()} ({_moved(table[n], features[n])})" for n in drifted)
        raise_to(2 if share >= monitoring["drifted_share_retrain"] else 1,
                 f"{len(drifted)} of {len(features)} features moved: {words}")
    ratio = fit["distance_ratio"]
    if ratio >= monitoring["distance_watch"]:
        raise_to(2 if ratio >= monitoring["distance_retrain"] else 1,
                 f"customers sit {ratio:.1f}x further from their segment centres than at training")
    if fit["batch_silhouette"] is not None and fit["train_silhouette"] is not None and (
            fit["train_silhouette"] - fit["batch_silhouette"] >= monitoring["silhouette_drop_watch"]):
        raise_to(1, f"the segments separate the batch less well (silhouette {fit['batch_silhouette']:.2f}, "
                    f"{fit['train_silhouette']:.2f} at training)")
    alert = ALERTS[level]
    if not causes:
        reason = (f"The batch looks like the training customers: segment mix stable (PSI {psi:.2f}), no feature "
                  "moved, customers as close to their centres as at training.")
    else:
        advice = {"watch": "Keep an eye on the next batches.", "retrain": "Retrain the model (make run) on "
                  "recent customers."}[alert]
        reason = "; ".join(causes)
        reason = f"{reason[0].upper()}{reason[1:]}. {advice}"
    logger.info("monitoring alert: %s: %s", alert, reason)
    return {"alert": alert, "level": level, "reason": reason}


def _not_judged(scored: int, minimum: int) -> dict[str, Any]:
    reason = (f"Drift not judged: only {scored:,} customer(s) of the batch were scored, fewer than the {minimum:,} "
              "(monitoring.min_batch_rows) the drift statistics need; their segments are assigned as usual. Score a "
              "larger batch (several weeks together) to judge drift.")
    logger.info("monitoring alert: %s: %s", NOT_JUDGED, reason)
    return {"alert": NOT_JUDGED, "level": NOT_JUDGED_LEVEL, "reason": reason}


def _moved(feature: Any, result: dict[str, Any]) -> str:
    if abs(result["mean_shift_sd"]) < 0.1:  # same mean, another shape
        return (f"same mean, {format_value(feature, result['batch_mean'])}, but spread differently: "
                f"{result['wasserstein_normalised']:.2f} sd apart")
    direction = "up" if result["batch_mean"] > result["train_mean"] else "down"
    return (f"mean {format_value(feature, result['train_mean'])} -> {format_value(feature, result['batch_mean'])}, "
            f"{direction} {abs(result['mean_shift_sd']):.1f} sd")


def build_drift_report(batch_summary: dict, segment_mix: dict, features: dict, fit: dict, alert: dict,
                       monitoring: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """The JSON drift report and its headline numbers for MLflow (``psi``, ``drifted_features``, ``alert_level``
    0/1/2, -1 when not judged), as kedro-mlflow's metric histories of one step."""
    report = {"alert": alert["alert"], "judged": alert["alert"] != NOT_JUDGED, "reason": alert["reason"],
              "batch": batch_summary,
              "segment_mix": segment_mix["segments"], "psi": segment_mix["psi"],
              "chi_square_p_value": segment_mix["chi_square_p_value"], "features": features, "fit": fit,
              "thresholds": monitoring, "scored_at": datetime.now(UTC).isoformat(timespec="milliseconds")}
    drifted = float(sum(result["drifted"] for result in features.values()))
    scores = {"psi": float(segment_mix["psi"]), "drifted_features": drifted, "alert_level": float(alert["level"])}
    return report, {name: {"value": value, "step": 0} for name, value in scores.items()}


def append_segment_history(segment_history_before: pd.DataFrame, drift_report: dict[str, Any]) -> pd.DataFrame:
    """The history of segment sizes with one row per segment for this batch added at its end (a history written
    before the batch's fingerprint was recorded gets an empty ``batch_sha256``)."""
    batch = drift_report["batch"]
    rows = pd.DataFrame([{"scored_at": drift_report["scored_at"], "batch": batch["batch"], "rows": batch["rows"],
                          "segment_id": s["segment_id"], "segment_name": s["segment_name"], "size": s["batch_size"],
                          "share": s["batch_share"], "batch_sha256": batch.get("sha256", "")}
                         for s in drift_report["segment_mix"]], columns=list(HISTORY_COLUMNS))
    if segment_history_before.empty:
        return rows
    return pd.concat([segment_history_before.reindex(columns=list(HISTORY_COLUMNS)), rows], ignore_index=True)
