"""Two training runs' segments side by side (matched by name), from the profiles each run logged to MLflow.

A training run logs ``segments/segment_profiles.csv`` (the catalog's ``segment_profiles``); runs from before it
was logged have none, and the app says so. The file is read as a CSV table: nothing in it is evaluated. MLflow is
imported only when these are called.
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
    """One row per segment name of either run: its id, customers, share and each feature's mean (to 0.1) in both
    runs, empty where a run has no segment of that name.

    Segments are matched by name, not id: names are made from the centres, so two runs' segments of the same kind
    of customers carry the same name, while ids are renumbered when the number of segments changes. Rows follow
    the first run's segments, then the second run's others.
    """
    columns = ["segment_id", "size", "share", *[f"{f}_mean" for f in features]]
    shown = {"segment_id": "Id", "size": "Customers", "share": "Share",
             **{f"{f}_mean": f"{(feature_labels or {}).get(f, f)} (mean)" for f in features}}
    parts = []
    for frame, label in zip((first, second), labels):
        present = frame.assign(segment_name=frame["segment_name"].astype(str)).set_index("segment_name")
        present = present.reindex(columns=columns).sort_values("segment_id")
        present[columns[3:]] = present[columns[3:]].round(1)
        parts.append(present.rename(columns={c: f"{shown[c]} {label}" for c in columns}))
    names = list(dict.fromkeys([*parts[0].index, *parts[1].index]))
    table = parts[0].reindex(names).join(parts[1].reindex(names))
    ordered = [f"{shown[c]} {label}" for c in columns for label in labels]
    table = table[ordered].astype({f"Id {label}": "Int64" for label in labels})
    return table.rename_axis("Segment").reset_index()
