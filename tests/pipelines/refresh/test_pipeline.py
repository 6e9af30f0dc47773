"""The refresh month after month, checked against the generator's truth: who stayed, moved, left or is new, the
movement table, the audiences to sync, the control group, and a second refresh of the same batch."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.errors import CustomerDataError, user_error
from customer_segmentation.pipelines.clustering.nodes import assign_segments, name_segments, package_segmentation_model
from tests.pipelines.clustering.conftest import NAMING, train
from tests.pipelines.refresh.conftest import as_read, carried, run_refresh


def _status(outputs: dict, truth: pd.DataFrame) -> pd.DataFrame:
    refreshed = outputs["refreshed_customers"][["customer_id", "status", "segment_id", "previous_segment_id"]]
    return truth.merge(refreshed, on="customer_id", how="left", suffixes=("_truth", ""))


def test_the_first_refresh_of_the_training_customers_moves_nobody(month_1):
    report = month_1["refresh_report"]
    assert report["compared_with"] == "the customers the model was trained on" and not report["repeat"]
    assert month_1["refreshed_customers"]["status"].eq("stayed").all()
    assert report["customers"]["departed"] == 0 and len(month_1["departed_customers"]) == 0


def test_new_and_departed_customers_are_exactly_the_generators(month_2, snapshots):
    truth = snapshots.truth
    refreshed = month_2["refreshed_customers"]
    new = set(refreshed.loc[refreshed["status"] == "new", "customer_id"])
    assert new == set(truth.loc[truth["status"] == "new", "customer_id"])
    assert set(month_2["departed_customers"]["customer_id"]) == set(truth.loc[truth["status"] == "departed",
                                                                               "customer_id"])
    assert month_2["refreshed_customers"].loc[refreshed["status"] == "new", "previous_segment_id"].isna().all()


def test_the_customers_who_changed_persona_are_the_ones_who_moved(month_2, snapshots):
    matched = _status(month_2, snapshots.truth.loc[snapshots.truth["status"].isin(["stayed", "moved"])])
    moved, stayed = (matched.loc[matched["status_truth"] == s] for s in ("moved", "stayed"))
    assert (moved["status"] == "moved").mean() >= 0.95  # a new persona is a new segment
    assert (stayed["status"] == "stayed").mean() >= 0.98  # fresh values around the same persona: the same segment


def test_the_movement_table_matches_the_generators_transitions(month_2, snapshots, trained):
    _, training = trained
    persona_segment = (training.assign(persona=snapshots.month_1["persona"].to_numpy())
                       .groupby("persona")["segment_id"].agg(lambda s: s.mode()[0]).astype(str))
    truth = snapshots.truth.assign(
        from_segment_id=lambda t: t["persona_1"].map(persona_segment).fillna("new"),
        to_segment_id=lambda t: t["persona_2"].map(persona_segment).fillna("gone"))
    expected = truth.groupby(["from_segment_id", "to_segment_id"]).size()
    table = month_2["segment_movement"].set_index(["from_segment_id", "to_segment_id"])["customers"]
    differences = (table - expected.reindex(table.index, fill_value=0)).abs()
    assert differences.sum() <= 0.02 * len(snapshots.month_2), differences[differences > 0]
    assert table.xs("new", level=0).sum() == (truth["status"] == "new").sum()
    assert table.xs("gone", level=1).sum() == (truth["status"] == "departed").sum()


def test_stayed_moved_and_new_add_up_to_the_scored_customers_and_the_table_to_both_snapshots(month_2, snapshots):
    report, table = month_2["refresh_report"], month_2["segment_movement"]
    customers = report["customers"]
    assert customers["stayed"] + customers["moved"] + customers["new"] == customers["scored"] == len(snapshots.month_2)
    assert customers["departed"] == len(month_2["departed_customers"]) and customers["previous"] == len(
        snapshots.month_1)
    before = month_2["previous_snapshot"].groupby("segment_id").size()
    after = month_2["refreshed_customers"].groupby("segment_id").size()
    from_segments = table.loc[table["from_segment_id"] != "new"].groupby("from_segment_id")["customers"].sum()
    to_segments = table.loc[table["to_segment_id"] != "gone"].groupby("to_segment_id")["customers"].sum()
    assert from_segments.to_dict() == {str(k): v for k, v in before.items()}
    assert to_segments.to_dict() == {str(k): v for k, v in after.items()}
    assert [(s["before"], s["after"]) for s in report["segments"]] == list(zip(before.tolist(), after.tolist()))


def test_the_audience_changes_are_the_movement_into_and_out_of_each_segment(month_2):
    table, files = month_2["segment_movement"], month_2["audience_changes"]
    for segment in month_2["refresh_report"]["segments"]:
        s = str(segment["segment_id"])
        stem = next(key.split("/", 1)[1] for key in files if key.startswith(f"added/segment_{s}_"))
        into = table.loc[(table["to_segment_id"] == s) & (table["from_segment_id"] != s), "customers"].sum()
        out = table.loc[(table["from_segment_id"] == s) & (table["to_segment_id"] != s), "customers"].sum()
        added, removed, full = (files[f"{change}/{stem}"] for change in ("added", "removed", "full"))
        assert len(added) == into == segment["moved_in"] + segment["new"]
        assert len(removed) == out == segment["moved_out"] + segment["departed"]
        assert len(full) == segment["after"] and set(added["customer_id"]) <= set(full["customer_id"])
        assert (removed["status"] == "departed").sum() == segment["departed"]
        assert "holdout" in added.columns and "holdout" in removed.columns and "holdout" in full.columns


def test_the_control_group_has_the_share_set_and_keeps_its_customers_month_after_month(month_1, month_2):
    first, second = month_1["refreshed_customers"], month_2["refreshed_customers"]
    assert abs(second["holdout"].mean() - 0.1) <= 0.02 and abs(first["holdout"].mean() - 0.1) <= 0.02
    both = first[["customer_id", "holdout"]].merge(second[["customer_id", "holdout"]], on="customer_id")
    assert len(both) > 2500 and (both["holdout_x"] == both["holdout_y"]).all()
    departed = month_2["departed_customers"].merge(first[["customer_id", "holdout"]], on="customer_id")
    assert (departed["holdout_x"] == departed["holdout_y"]).all()


def test_a_second_refresh_of_the_same_batch_changes_nothing(trained, snapshots, month_1, month_2):
    again = run_refresh(trained, as_read(snapshots.month_2), carried(month_2))
    assert again["refresh_report"]["repeat"] and again["refresh_report"]["compared_with"] == "the refresh of month.csv"
    pd.testing.assert_frame_equal(again["refreshed_customers"], month_2["refreshed_customers"])
    pd.testing.assert_frame_equal(again["segment_movement"], month_2["segment_movement"])
    pd.testing.assert_frame_equal(again["departed_customers"], month_2["departed_customers"])
    pd.testing.assert_frame_equal(again["segment_history"], month_2["segment_history"])
    assert again["audience_changes"].keys() == month_2["audience_changes"].keys()
    for key, frame in again["audience_changes"].items():
        pd.testing.assert_frame_equal(frame, month_2["audience_changes"][key])
    pd.testing.assert_frame_equal(again["refresh_snapshots"], month_2["refresh_snapshots"])


def test_the_history_gains_one_point_per_new_batch(month_1, month_2):
    history = month_2["segment_history"]
    assert history["scored_at"].nunique() == 2 and len(history) == 2 * month_2["refresh_report"]["segments"].__len__()
    assert history.groupby("scored_at")["size"].sum().tolist() == [3000, 3000]


def test_a_batch_without_ids_stops_with_a_message_naming_the_id_column_setting(trained, snapshots):
    with pytest.raises(Exception) as error:
        run_refresh(trained, as_read(snapshots.month_2).drop(columns="customer_id"))
    cause = user_error(error.value)
    assert isinstance(cause, CustomerDataError)
    assert "the batch has no customer ids, and a refresh matches customers by their id" in str(cause)
    assert "id_column is 'auto'" in str(cause) and "name its column with id_column: <header>" in str(cause)


def test_a_batch_whose_ids_are_all_empty_stops_with_a_message(trained, snapshots):
    with pytest.raises(Exception) as error:
        run_refresh(trained, as_read(snapshots.month_2).assign(customer_id=""))
    cause = user_error(error.value)
    assert isinstance(cause, CustomerDataError)
    assert "none of the 3,000 rows of the batch has a usable customer id in column 'customer_id'" in str(cause)
    assert "Fill in each customer's id" in str(cause)


def test_an_id_column_named_in_the_settings_is_used(trained, snapshots, month_1):
    batch = as_read(snapshots.month_2).rename(columns={"customer_id": "Kundennummer"})
    outputs = run_refresh(trained, batch, carried(month_1), id_column="Kundennummer")
    assert outputs["refresh_report"]["customers"]["new"] == (snapshots.truth["status"] == "new").sum()
    assert "Kundennummer" in outputs["departed_customers"].columns


def test_rejected_rows_are_kept_with_their_reason_and_every_row_is_accounted_for(trained, snapshots, month_1):
    batch = as_read(snapshots.month_2)
    batch.loc[0, "age"] = "7"                               # outside the allowed range
    batch.loc[1, "customer_id"] = " "                       # no id
    batch.loc[2, "customer_id"] = batch.loc[3, "customer_id"]  # an id on two different records
    batch = pd.concat([batch, batch.iloc[[10]]], ignore_index=True)  # an exact duplicate row
    outputs = run_refresh(trained, batch, carried(month_1))
    rows = outputs["refresh_report"]["rows"]
    assert rows["rows_read"] == len(batch) and rows["duplicates_removed"] == 1 and rows["rows_rejected"] == 3
    assert rows["rows_out"] + rows["rows_rejected"] + rows["duplicates_removed"] == rows["rows_read"]
    reasons = outputs["refresh_rejected_customers"].set_index("source_row")["rejection_reason"]
    assert reasons[1].startswith("age: 7 is outside the allowed range")
    assert reasons[2] == "customer_id: ' ' is missing: a refresh matches customers by their id"
    assert reasons[4] == ("customer_id: 'C00000004' is also the id of an earlier row (one row per customer: the first "
                          "is kept)")
    departed = outputs["departed_customers"].set_index("customer_id")["reason"]
    bad_age = batch.loc[0, "customer_id"]
    assert departed[bad_age].startswith("rejected in the batch: age: 7 is outside")


def test_a_status_column_of_the_file_is_kept_beside_the_refreshs_own(trained, snapshots, month_1):
    batch = as_read(snapshots.month_2).assign(status="gold", holdout="no")  # a CRM export's own columns
    refreshed = run_refresh(trained, batch, carried(month_1))["refreshed_customers"]
    assert set(refreshed["status (uploaded)"]) == {"gold"} and set(refreshed["holdout (uploaded)"]) == {"no"}
    assert set(refreshed["status"]) == {"stayed", "moved", "new"} and refreshed["holdout"].dtype == bool


def test_a_share_outside_the_bounds_is_refused_before_anything_runs():
    from customer_segmentation.config.parameters import check_parameters
    from customer_segmentation.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="refresh.holdout_share in conf/base/parameters_refresh.yml"):
        check_parameters({"refresh": {"holdout_share": 0.8}}, {"refresh": "conf/base/parameters_refresh.yml"})
    with pytest.raises(ConfigurationError, match="unknown setting 'refresh.holdout_sal'.*did you mean"):
        check_parameters({"refresh": {"holdout_sal": "x"}}, {"refresh": "conf/base/parameters_refresh.yml"})


def test_after_a_retrain_the_batch_is_compared_with_the_new_models_training_customers(trained, snapshots, month_2):
    customers = snapshots.month_1.drop(columns="persona")
    customers.insert(0, "source_row", range(1, len(customers) + 1))
    fitted = train(customers, k=3)
    names = name_segments(fitted, NAMING)
    model = package_segmentation_model(fitted, names, 0.9)
    retrained = (model, assign_segments(customers, model, names))
    again = run_refresh(retrained, as_read(snapshots.month_2), carried(month_2))
    report = again["refresh_report"]
    assert report["model_changed"] and not report["repeat"]
    assert report["compared_with"] == "the customers the model was trained on"
    assert report["customers"]["moved"] < 400 and len(report["segments"]) == 3  # not every id renumbered as a move
    history = again["segment_history"]  # the same batch under another model: its point replaced, not added
    assert history["scored_at"].nunique() == 2 and history.groupby("scored_at").size().tolist() == [4, 3]
