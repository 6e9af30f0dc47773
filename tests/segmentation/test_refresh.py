"""The rules of a refresh: ids as matched, the control group, statuses, the movement table, audience changes, and
a history that keeps one point per batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.segmentation import refresh

NAMES = ["Budget-conscious", "Young", "Savers"]


def test_ids_match_whatever_the_export_did_to_them():
    keys = refresh.customer_keys(pd.Series([" C01 ", "C02", "", None]))
    assert keys.tolist()[:2] == ["C01", "C02"] and keys.isna().tolist() == [False, False, True, True]
    assert refresh.customer_keys(pd.Series([12.0, 7, 3.5])).tolist() == ["12", "7", "3.5"]
    assert refresh.customer_keys(pd.Series(["12"])).iloc[0] == refresh.customer_keys(pd.Series([12.0])).iloc[0]


def test_the_control_group_has_the_share_asked_for_and_depends_only_on_the_id_and_the_salt():
    ids = pd.Series([f"C{i:07d}" for i in range(20_000)])
    group = refresh.holdout(ids, 0.1, "salt")
    assert abs(group.mean() - 0.1) < 0.01
    shuffled = ids.sample(frac=1, random_state=1)
    assert (refresh.holdout(shuffled, 0.1, "salt") == group[shuffled.index.to_numpy()]).all()
    assert (refresh.holdout(ids.head(100), 0.1, "salt") == group[:100]).all()
    other = refresh.holdout(ids, 0.1, "another salt")
    assert abs(other.mean() - 0.1) < 0.01 and (other != group).mean() > 0.1


def test_a_larger_control_group_keeps_everyone_of_the_smaller_one():
    ids = pd.Series([f"C{i}" for i in range(5_000)])
    small, large = refresh.holdout(ids, 0.05, "s"), refresh.holdout(ids, 0.2, "s")
    assert not (small & ~large).any() and large.sum() > small.sum()


def test_no_control_group_at_share_0_everyone_at_1_and_never_an_empty_id():
    ids = refresh.customer_keys(pd.Series(["a", "b", ""]))
    assert refresh.holdout(ids, 0.0, "s").tolist() == [False, False, False]
    assert refresh.holdout(ids, 1.0, "s").tolist() == [True, True, False]
    with pytest.raises(ValueError, match="between 0 and 1"):
        refresh.holdout(ids, 1.5, "s")


def _previous() -> pd.DataFrame:
    return refresh.snapshot(pd.Series(["a", "b", "c", "d"]), pd.Series([0, 0, 1, 2]),
                            pd.Series(["Budget-conscious", "Budget-conscious", "Young", "Savers"]))


def test_each_customer_stayed_moved_or_is_new_and_the_missing_ones_departed():
    keys = pd.Series(["a", "b", "c", "e"], name="customer_id")
    matched = refresh.match_previous(keys, pd.Series([0, 1, 1, 2]), _previous())
    assert matched["status"].tolist() == ["stayed", "moved", "stayed", "new"]
    assert matched["previous_segment_id"].tolist()[:3] == [0, 0, 1] and pd.isna(matched["previous_segment_id"].iloc[3])
    assert refresh.departed(_previous(), keys)["customer_id"].tolist() == ["d"]


def test_the_movement_table_adds_up_to_both_snapshots():
    keys = pd.Series(["a", "b", "c", "e", "f"])
    now = pd.Series([0, 1, 1, 2, 2])
    matched = refresh.match_previous(keys, now, _previous())
    gone = refresh.departed(_previous(), keys)
    table = refresh.movement(now, matched["previous_segment_id"], gone["segment_id"], NAMES)
    from_totals = table.groupby("from_segment_id")["customers"].sum()
    to_totals = table.groupby("to_segment_id")["customers"].sum()
    assert from_totals.to_dict() == {"0": 2, "1": 1, "2": 1, "new": 2}
    assert to_totals.to_dict() == {"0": 1, "1": 2, "2": 2, "gone": 1}
    assert len(table) == 4 * 4 - 1
    assert not ((table["from_segment_id"] == "new") & (table["to_segment_id"] == "gone")).any()
    row = table.set_index(["from_segment_id", "to_segment_id"]).loc[("0", "1")]
    assert row["customers"] == 1 and row["share"] == 0.5 and row["to_segment_name"] == "Young"
    assert table.groupby("from_segment_id")["share"].sum().round(9).tolist() == [1.0] * 4
    assert table.loc[table["to_segment_id"] == "gone", "to_segment_name"].unique().tolist() == ["Departed"]


def test_customers_new_to_the_batch_are_not_mixed_up_with_an_rfm_segment_called_new_customers():
    keys = pd.Series(["a", "b", "c", "e", "f"])
    now = pd.Series([0, 1, 1, 2, 2])
    matched = refresh.match_previous(keys, now, _previous())
    gone = refresh.departed(_previous(), keys)
    names = ["Champions", "New customers", "Hibernating"]
    table = refresh.movement(now, matched["previous_segment_id"], gone["segment_id"], names)
    origins = table.drop_duplicates("from_segment_id").set_index("from_segment_id")["from_segment_name"]
    assert origins.is_unique  # one row of the movement chart per origin
    assert origins["1"] == "New customers" and origins["new"] == "New in this batch"


def test_an_audience_gains_the_customers_moved_in_or_new_and_loses_those_moved_out_or_departed():
    keys = pd.Series(["a", "b", "c", "e"])
    now = pd.Series([0, 1, 1, 0])
    matched = refresh.match_previous(keys, now, _previous())
    gone = refresh.departed(_previous(), keys)
    added, moved_out, departed = refresh.audience_changes(0, now, matched["previous_segment_id"], gone["segment_id"])
    assert keys[added].tolist() == ["e"] and keys[moved_out].tolist() == ["b"] and not departed.any()
    added, moved_out, departed = refresh.audience_changes(2, now, matched["previous_segment_id"], gone["segment_id"])
    assert not added.any() and not moved_out.any() and gone.loc[departed, "customer_id"].tolist() == ["d"]


def _history(*points: tuple[str, str, list[int]]) -> pd.DataFrame:
    return pd.DataFrame([{"scored_at": at, "batch_sha256": sha, "segment_id": i, "size": size}
                         for at, sha, sizes in points for i, size in enumerate(sizes)])


def test_the_history_keeps_one_point_per_batch():
    repeated = _history(("t1", "x", [5, 6]), ("t2", "y", [4, 7]), ("t3", "y", [4, 7]))
    assert refresh.without_repeated_point(repeated)["scored_at"].unique().tolist() == ["t1", "t2"]
    rescored = _history(("t1", "x", [5, 6]), ("t2", "y", [4, 7]), ("t3", "y", [3, 8]))  # another model, say
    assert refresh.without_repeated_point(rescored)["scored_at"].unique().tolist() == ["t1", "t3"]
    new_batch = _history(("t1", "x", [5, 6]), ("t2", "y", [4, 7]))
    assert refresh.without_repeated_point(new_batch).equals(new_batch)
    unknown = _history(("t1", "", [5, 6]), ("t2", "", [5, 6]))  # monitored before fingerprints were kept
    assert refresh.without_repeated_point(unknown).equals(unknown)



def test_a_model_is_known_by_its_segments():
    centres = np.array([[1.0, 2.0], [3.0, 4.0]])
    first = refresh.model_fingerprint(centres, ["A", "B"], ["x", "y"])
    assert first == refresh.model_fingerprint(centres.copy(), ["A", "B"], ["x", "y"])
    assert first != refresh.model_fingerprint(centres + 0.5, ["A", "B"], ["x", "y"])
    assert first != refresh.model_fingerprint(centres, ["A", "C"], ["x", "y"])
    assert first != refresh.model_fingerprint(centres[:1], ["A"], ["x", "y"])
