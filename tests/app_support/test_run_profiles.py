"""Two training runs' segments side by side, read from the profiles each run logged to MLflow."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.app_support.run_profiles import run_profiles, side_by_side
from customer_segmentation.app_support.runs import TrackingStoreError, recent_runs
from tests import projects
from tests.projects import tracking_uri


def _profiles(sizes: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"segment_id": range(len(sizes)), "segment_name": [f"S{i}" for i in range(len(sizes))],
                         "size": sizes, "share": [s / sum(sizes) for s in sizes], "age_mean": [30.0 + i for i in
                                                                                                 range(len(sizes))]})


def test_segments_are_matched_by_name_and_a_segment_one_run_lacks_stays_empty():
    first = _profiles([10, 20, 30])
    second = _profiles([15, 45]).assign(segment_name=["S1", "S9"])  # another k: S1 is now id 0
    table = side_by_side(first, second, ["age"], feature_labels={"age": "Age"})
    assert table["Segment"].tolist() == ["S0", "S1", "S2", "S9"]
    assert table.columns.tolist()[:5] == ["Segment", "Id A", "Id B", "Customers A", "Customers B"]
    row = table.set_index("Segment").loc["S1"]
    assert (row["Id A"], row["Id B"], row["Customers A"], row["Customers B"]) == (1, 0, 20, 15)
    assert table["Customers B"].isna().tolist() == [True, False, True, False]
    assert table["Age (mean) A"].tolist()[:3] == [30.0, 31.0, 32.0]


def test_each_training_run_logged_its_profiles_and_a_monitoring_run_none(trained_project, projects_dir):
    runs = recent_runs(tracking_uri(trained_project), "customer_segmentation")
    logged = [run_profiles(tracking_uri(trained_project), run) for run in runs["mlflow_run_id"]]
    assert [len(frame) for frame in logged] == [4, 3]  # the default run, then the one with 3 segments forced
    monitored = projects.variant(projects_dir, "monitored")
    monitoring = recent_runs(tracking_uri(monitored), "customer_segmentation").query("kind == 'monitoring'")
    assert run_profiles(tracking_uri(monitored), monitoring["mlflow_run_id"].iloc[0]) is None


def test_an_unreachable_store_is_reported_as_such(tmp_path):
    with pytest.raises(TrackingStoreError, match="could not read the segment profiles of run abc"):
        run_profiles(f"sqlite:///{tmp_path}/missing/folder/mlflow.db", "abc")
