"""The last refresh for the app: its report, who moved where, the size history, and the audience files to sync.

Everything is read from the refresh's outputs where the catalog puts them; nothing is recomputed. The rules
behind the numbers are ``segmentation/refresh.py``'s.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from customer_segmentation.app_support.project import ProjectHandle
from customer_segmentation.io.filenames import safe_stem
from customer_segmentation.segmentation.refresh import CHANGES, GONE, NEW

logger = logging.getLogger(__name__)

REFRESH_COMMAND = "make refresh BATCH=data/01_raw/next_month.csv"
_KINDS = {NEW: "new", GONE: "departed"}


@dataclass(frozen=True)
class AudienceFile:
    """One file to sync: the customers a segment's audience gained (``added``) or lost (``removed``)."""

    segment_id: int
    segment_name: str
    change: str
    customers: int
    path: Path

    @property
    def file_name(self) -> str:
        """``segment_1_young_high_spend_added.csv``: the segment, safe for any file system, and the change."""
        return f"segment_{self.segment_id}_{safe_stem(self.segment_name, limit=60)}_{self.change}.csv"

    def read(self) -> bytes:
        """The file as the refresh wrote it (spreadsheet-safe CSV with a byte-order mark)."""
        return self.path.read_bytes()


def _path(project: ProjectHandle, dataset: str) -> Path:
    path = Path(project.filepath(dataset))
    return path if path.is_absolute() else project.root / path


def last_refresh(project: ProjectHandle) -> dict[str, Any] | None:
    """The report of the last refresh, or None before the first one."""
    try:
        return json.loads(_path(project, "refresh_report").read_text())
    except (OSError, ValueError):
        return None


def segment_movement(project: ProjectHandle) -> pd.DataFrame | None:
    """The last refresh's movement table (from, to, customers, share), or None."""
    path = _path(project, "segment_movement")
    try:
        return pd.read_csv(path, dtype={"from_segment_id": str, "to_segment_id": str})
    except (OSError, ValueError) as error:
        logger.warning("could not read %s: %s", path, error)
        return None


def _change(origin: str, target: str) -> str:
    if origin in _KINDS or target in _KINDS:
        return _KINDS.get(origin) or _KINDS[target]
    return "stayed" if origin == target else "moved"


def movement_table(movement: pd.DataFrame) -> pd.DataFrame:
    """The pairs that hold customers, for people: from, to, what happened, customers and their share of the
    from-group; moves first, largest first, then new and departed customers, then those who stayed."""
    held = movement.loc[movement["customers"] > 0]
    change = [_change(o, t) for o, t in zip(held["from_segment_id"], held["to_segment_id"])]
    table = pd.DataFrame({"From": held["from_segment_name"].to_numpy(), "To": held["to_segment_name"].to_numpy(),
                          "Change": change, "Customers": held["customers"].to_numpy(),
                          "Share of 'from'": held["share"].to_numpy()})
    order = table["Change"].map({"moved": 0, "new": 1, "departed": 2, "stayed": 3})
    return table.assign(_order=order).sort_values(["_order", "Customers"], ascending=[True, False],
                                                  kind="stable").drop(columns="_order").reset_index(drop=True)


def changes_table(report: dict[str, Any]) -> pd.DataFrame:
    """Per segment: customers before and after, stayed, moved in and out, new, departed, in the control group."""
    return pd.DataFrame(report["segments"]).rename(columns={
        "segment_name": "Segment", "before": "Before", "after": "After", "stayed": "Stayed", "moved_in": "Moved in",
        "moved_out": "Moved out", "new": "New", "departed": "Departed", "holdout": "Control group"}).drop(
        columns="segment_id")


def size_history(history: pd.DataFrame) -> pd.DataFrame:
    """Customers per segment in every scored batch (rows: batches, oldest first; columns: segments)."""
    if history.empty:
        return pd.DataFrame()
    labelled = history.assign(Batch=history["batch"].astype(str) + " (" +
                              history["scored_at"].astype(str).str[:16].str.replace("T", " ") + ")")
    table = labelled.pivot_table(index="Batch", columns="segment_name", values="size", aggfunc="sum", sort=False)
    table.columns.name = None
    return table.reset_index()


def audience_files(project: ProjectHandle, report: dict[str, Any]) -> list[AudienceFile]:
    """The added and removed files of every segment of the last refresh, as the refresh wrote them."""
    folder = _path(project, "audience_changes")
    files = []
    for segment in report["segments"]:
        for change in CHANGES:
            matches = sorted((folder / change).glob(f"segment_{segment['segment_id']}_*.csv"))
            if not matches:
                continue
            count = segment["moved_in"] + segment["new"] if change == "added" else (
                segment["moved_out"] + segment["departed"])
            files.append(AudienceFile(int(segment["segment_id"]), str(segment["segment_name"]), change, int(count),
                                      matches[0]))
    return files
