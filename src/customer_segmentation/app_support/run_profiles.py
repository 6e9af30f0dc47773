"""Two training runs' segments side by side, from the segment profiles each run logged to MLflow.

A training run logs ``segments/segment_profiles.csv`` (the catalog's ``segment_profiles``); runs from before
it did have none, and say so. The file is read as a CSV table: nothing in it is evaluated. MLflow is imported
only when these are called.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence

import pandas as pd

from customer_segmentation.app_support.runs import TrackingStoreError

PROFILES_ARTIFACT = "segments/segment_profiles.csv"


def run_profiles(tracking_uri: str, run_id: str) -> pd.DataFrame | None:
    """The segment profiles MLflow run ``run_id`` logged, or None when it logged none.

    Raises:
        TrackingStoreError: the store cannot be reached or read.
    """
    try:
        from mlflow import MlflowClient

        client = MlflowClient(tracking_uri=tracking_uri)
        logged = {artifact.path for artifact in client.list_artifacts(run_id, PROFILES_ARTIFACT.rsplit("/", 1)[0])}
        if PROFILES_ARTIFACT not in logged:
            return None
        with tempfile.TemporaryDirectory() as folder:
            return pd.read_csv(client.download_artifacts(run_id, PROFILES_ARTIFACT, folder))
    except Exception as error:  # MLflow raises many types for an unreachable or broken store
        raise TrackingStoreError(f"could not read the segment profiles of run {run_id} from {tracking_uri}: "
                                 f"{error}") from error


def side_by_side(first: pd.DataFrame, second: pd.DataFrame, features: Sequence[str],
                 labels: tuple[str, str] = ("A", "B"), feature_labels: Mapping[str, str] | None = None
                 ) -> pd.DataFrame:
    """One row per segment id of either run: its name, customers, share and each feature's mean in both runs
    (empty where a run has no such segment or feature). Segment ids follow the segments' canonical order, so a
    retrain gives a matching segment the same id."""
    columns = ["segment_name", "size", "share", *[f"{f}_mean" for f in features]]
    shown = {"segment_name": "Segment", "size": "Customers", "share": "Share",
             **{f"{f}_mean": f"{(feature_labels or {}).get(f, f)} (mean)" for f in features}}
    parts = []
    for frame, label in zip((first, second), labels):
        present = frame.set_index("segment_id").reindex(columns=columns)
        parts.append(present.rename(columns={c: f"{shown[c]} {label}" for c in columns}))
    table = parts[0].join(parts[1], how="outer").sort_index()
    ordered = [f"{shown[c]} {label}" for c in columns for label in labels]
    return table[ordered].rename_axis("Segment id").reset_index()
