"""The monitoring pipeline's outputs for the app: the latest drift report and the segment history."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from customer_segmentation.app_support.project import ProjectHandle
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.units import format_value

logger = logging.getLogger(__name__)

MONITORING_COMMAND = "kedro run --pipelines monitoring --params batch_path=data/01_raw/new_customers.csv"


def latest_drift_report(project: ProjectHandle) -> dict[str, Any] | None:
    """The drift report of the last monitored batch, or None before the first one."""
    path = Path(project.filepath("drift_report"))
    path = path if path.is_absolute() else project.root / path
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def order_lines_text(report: dict[str, Any]) -> str | None:
    """The batch's order lines, for a batch that was an order log (its drift or refresh report's ``order_lines``):
    "49,773 order lines read: 38,923 kept, 10,352 rejected, 498 duplicates removed -> 299 customers (orders from
    2011-01-06 to 2012-01-06, snapshot 2012-01-07)"; None for a customer file."""
    lines = report.get("order_lines")
    if not lines:
        return None
    return (f"{lines['lines_read']:,} order lines read: {lines['lines_kept']:,} kept, {lines['lines_rejected']:,} "
            f"rejected, {lines['duplicates_removed']:,} duplicates removed -> {lines['customers_out']:,} customers "
            f"(orders from {lines['first_order_date']} to {lines['last_order_date']}, snapshot "
            f"{lines['snapshot_date']})")


def segment_history(project: ProjectHandle) -> pd.DataFrame:
    """One row per segment and monitored batch (empty before the first batch)."""
    try:
        return project.catalog.load("segment_history")
    except Exception as error:  # noqa: BLE001 - a history that cannot be read shows as none
        logger.warning("could not read segment_history: %s", error)
        return pd.DataFrame()


def segment_mix_table(report: dict[str, Any]) -> pd.DataFrame:
    """Each segment's share at training and in the batch, and the change, for people."""
    mix = pd.DataFrame(report["segment_mix"])
    return pd.DataFrame({"Segment": mix["segment_name"], "At training": mix["train_share"],
                         "In the batch": mix["batch_share"], "Change (points)": (mix["batch_share"] -
                                                                               mix["train_share"]) * 100,
                         "Customers in the batch": mix["batch_size"]})


def feature_table(report: dict[str, Any], table: FeatureTable | None = None) -> pd.DataFrame:
    """Each feature's shift: means (in units when the feature table is known), shift and distance in sd, the
    test that decided and whether it drifted."""
    rows = []
    for name, result in report["features"].items():
        feature = table.get(name) if table is not None else None
        shown = (lambda v: format_value(feature, v)) if feature is not None else (lambda v: f"{v:,.4g}")
        rows.append({"Feature": result["label"], "Mean at training": shown(result["train_mean"]),
                     "Mean in the batch": shown(result["batch_mean"]), "Shift (sd)": result["mean_shift_sd"],
                     "Wasserstein / sd": result["wasserstein_normalised"], "KS p-value": result["ks_p_value"],
                     "Decided by": result["method"], "Drifted": result["drifted"]})
    return pd.DataFrame(rows)
