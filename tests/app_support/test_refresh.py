"""The last refresh as the app reads it: the movement for people, the size history, and the files to sync."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from customer_segmentation.app_support import refresh
from customer_segmentation.app_support.project import open_project
from tests import projects

# Kedro 1.7 registers its config resolvers with a call OmegaConf has deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:register_new_resolver:UserWarning")


@pytest.fixture(scope="module")
def handle(projects_dir):
    return open_project(projects.variant(projects_dir, "refreshed"))


def test_before_any_refresh_there_is_no_report(trained_project):
    assert refresh.last_refresh(open_project(trained_project)) is None


def test_the_movement_table_lists_the_moves_first_then_new_departed_and_stayed(handle):
    table = refresh.movement_table(refresh.segment_movement(handle))
    order = table["Change"].drop_duplicates().tolist()
    assert order == ["moved", "new", "departed", "stayed"] and (table["Customers"] > 0).all()
    moved = table.loc[table["Change"] == "moved", "Customers"]
    assert moved.is_monotonic_decreasing and moved.sum() == 250
    assert set(table.loc[table["Change"] == "departed", "To"]) == {"Departed"}


def test_the_size_history_has_one_row_per_batch_and_one_column_per_segment(handle):
    from customer_segmentation.app_support.monitoring import segment_history

    sizes = refresh.size_history(segment_history(handle))
    assert sizes["Batch"].str.split(" ").str[0].tolist() == ["month_1.csv", "month_2.csv"]
    assert sizes.drop(columns="Batch").sum(axis=1).tolist() == [3000, 3000] and sizes.shape[1] == 5


def test_every_segment_has_an_added_and_a_removed_file_with_the_customers_counted(handle):
    report = refresh.last_refresh(handle)
    files = refresh.audience_files(handle, report)
    assert len(files) == 2 * len(report["segments"])
    for file in files:
        rows = pd.read_csv(io.BytesIO(file.read()), encoding="utf-8-sig")
        assert len(rows) == file.customers and "holdout" in rows.columns
        assert file.file_name == f"segment_{file.segment_id}_{file.path.stem.split('_', 2)[2]}_{file.change}.csv"


def test_a_segment_name_becomes_a_safe_file_name():
    file = refresh.AudienceFile(2, "Young, high spend / <low> savings", "removed", 5, None)
    assert file.file_name == "segment_2_young_high_spend_low_savings_removed.csv"


def test_a_batch_that_was_an_order_log_is_told_in_lines_then_customers():
    from customer_segmentation.app_support.monitoring import order_lines_text

    lines = {"lines_read": 49_773, "lines_kept": 38_923, "lines_rejected": 10_352, "duplicates_removed": 498,
             "customers_out": 299, "first_order_date": "2011-01-06", "last_order_date": "2012-01-06",
             "snapshot_date": "2012-01-07"}
    assert order_lines_text({"alert": "none", "order_lines": lines}) == (
        "49,773 order lines read: 38,923 kept, 10,352 rejected, 498 duplicates removed -> 299 customers (orders "
        "from 2011-01-06 to 2012-01-06, snapshot 2012-01-07)")
    assert order_lines_text({"alert": "none"}) is None  # a customer file
