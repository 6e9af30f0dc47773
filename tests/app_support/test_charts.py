"""The app's charts: a view on the bulk of the customers, names that do not overlap, labels that fit."""

from __future__ import annotations

import pandas as pd

from customer_segmentation.app_support import charts


def test_a_far_off_customer_is_drawn_at_the_edge_with_a_note(bundle):
    points = bundle.segments.copy()
    points.loc[points.index[0], "map_x"] = 1_000.0
    chart = charts.segment_map(points, bundle.profiles, bundle.table)
    scale = chart.spec["layer"][0]["encoding"]["x"]["scale"]
    assert scale["clamp"] is True and scale["domain"][1] < 50
    assert chart.note == "1 customer far from the others is drawn at the edge of the chart."
    assert charts.segment_map(bundle.segments, bundle.profiles, bundle.table).note is None


def test_centre_names_that_would_overlap_move_below_or_go_to_the_legend():
    centres = [{"x": 0.0, "y": 0.0, "segment_name": "High income, high spend"},
               {"x": 0.02, "y": 0.0, "segment_name": "High income, high spend (older)"},
               {"x": 0.01, "y": 0.01, "segment_name": "High income, high spend (younger)"},
               {"x": 1.0, "y": 1.0, "segment_name": "Young savers"}]
    offsets = charts.label_offsets(centres, "x", "y", (0.0, 1.0), (0.0, 1.0))
    assert offsets == [-18, 22, None, -18]


def test_size_labels_carry_count_and_share_and_leave_room():
    profiles = pd.DataFrame({"segment_id": [0, 1], "segment_name": ["A", "B"], "size": [669, 1], "share": [0.9985,
                                                                                                         0.0015]})
    chart = charts.segment_sizes(profiles)
    assert [row["label"] for row in chart.spec["data"]["values"]] == ["669 (100 %)", "1 (0.1 %)"]
    assert chart.spec["layer"][0]["encoding"]["x"]["scale"]["domainMax"] > 669
