"""The rules of a monthly refresh, defined once: who is who, who moved, what an audience gains and loses, who is
held out of every campaign.

* **Customers are matched by their id**, as text: surrounding spaces dropped, a whole number read as a float
  (``12.0`` from a spreadsheet export) written ``12``; an empty id matches nobody (:func:`customer_keys`).
* **Status**: a customer of the new snapshot is ``new`` (not in the previous one), ``stayed`` (same segment) or
  ``moved``; a customer of the previous snapshot missing from the new one has ``departed``
  (:func:`match_previous`, :func:`departed`).
* **Movement**: one row per (from, to) pair, ``new`` a from-value and ``gone`` a to-value of their own, so the
  counts from a segment add up to its previous size and the counts into it to its new size (:func:`movement`).
* **Audience changes**: a segment's audience gains the customers now in it who were not before (new or moved
  in) and loses those who were in it and are not any more (moved out or departed) (:func:`audience_changes`).
* **Which model**: a snapshot is compared only with one the same model made (:func:`model_fingerprint`): two
  models' segment ids need not mean the same segments (a retrain with another k renumbers them all).
* **Control group**: a customer is in the holdout when the SHA-256 of ``salt``, a separator and their id, read as
  a number, falls in the first ``share`` of 10,000 buckets: the same customer is in or out every month, on any
  machine, as long as the salt stays (:func:`holdout`). Python's ``hash()`` changes between processes: never used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from customer_segmentation.io.ids import id_text

NEW, GONE = "new", "gone"
STAYED, MOVED, DEPARTED = "stayed", "moved", "departed"
STATUSES = (STAYED, MOVED, NEW)
KEY = "customer_id"                       # the id of a snapshot's customer, as matched (:func:`customer_keys`)
SNAPSHOT_COLUMNS = (KEY, "segment_id", "segment_name")
REFRESH_COLUMNS = ("previous_segment_id", "status", "holdout")  # what a refresh adds to a scored customer
MOVEMENT_COLUMNS = ("from_segment_id", "from_segment_name", "to_segment_id", "to_segment_name", "customers", "share")
CHANGES = ("added", "removed")
HOLDOUT_BUCKETS = 10_000
_SEPARATOR = "\x1f"  # between salt and id: salt "ab" + id "c" and salt "a" + id "bc" hash apart
_NAMES = {NEW: "New in this batch", GONE: "Departed"}  # "New customers" is a segment name too (RFM)


def customer_keys(values: pd.Series) -> pd.Series:
    """The ids as matched: text without surrounding spaces, whole numbers without ``.0``; empty ids as NA."""
    text = id_text(values)
    return text.mask(text == "").rename(KEY)


def holdout(keys: pd.Series, share: float, salt: str) -> np.ndarray:
    """True for the customers in the control group (see the module docstring); an empty id is never in it."""
    if not 0 <= share <= 1:
        raise ValueError(f"holdout share {share!r} should be between 0 and 1")
    threshold = round(share * HOLDOUT_BUCKETS)
    prefix = f"{salt}{_SEPARATOR}".encode()

    def bucket(key: str) -> int:
        return int.from_bytes(hashlib.sha256(prefix + key.encode("utf-8")).digest()[:8], "big") % HOLDOUT_BUCKETS

    return np.array([key is not pd.NA and bucket(key) < threshold for key in keys.astype("object").tolist()],
                    dtype=bool)


def model_fingerprint(centres: np.ndarray, names: Sequence[str], features: Sequence[str]) -> str:
    """The SHA-256 of a model's segments: its centres (in the features' units), segment names and features. A
    retrain that finds the same segments gives the same fingerprint; any other gives another."""
    digest = hashlib.sha256(np.ascontiguousarray(centres, dtype="float64").tobytes())
    digest.update(_SEPARATOR.join([*names, "", *features]).encode("utf-8"))
    return digest.hexdigest()


def snapshot(keys: pd.Series, segment_ids: pd.Series, segment_names: pd.Series) -> pd.DataFrame:
    """A snapshot: one row per customer (key, segment id, segment name)."""
    return pd.DataFrame({KEY: keys.to_numpy(), "segment_id": segment_ids.astype("Int64").to_numpy(),
                         "segment_name": segment_names.astype("string").to_numpy()})


def match_previous(keys: pd.Series, segment_ids: pd.Series, previous: pd.DataFrame) -> pd.DataFrame:
    """Each current customer's ``previous_segment_id`` (NA for a new one) and ``status``, indexed like ``keys``."""
    before = previous.set_index(KEY)["segment_id"]
    previous_ids = pd.Series(before.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype="Int64")
    now = segment_ids.astype("Int64")
    status = np.where(previous_ids.isna(), NEW, np.where(previous_ids.to_numpy() == now.to_numpy(), STAYED, MOVED))
    return pd.DataFrame({"previous_segment_id": previous_ids, "status": status}, index=keys.index)


def departed(previous: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """The customers of ``previous`` whose key is not among ``keys`` (the new snapshot's)."""
    return previous.loc[~previous[KEY].isin(keys.dropna())].reset_index(drop=True)


def movement(segment_ids: pd.Series, previous_segment_ids: pd.Series, departed_segment_ids: pd.Series,
             names: Sequence[str]) -> pd.DataFrame:
    """The transition table: every (from, to) pair of the segments, ``new`` and ``gone`` with its customers.

    Args:
        segment_ids: Each current customer's segment.
        previous_segment_ids: Their previous segment (NA for a new customer), aligned with ``segment_ids``.
        departed_segment_ids: The previous segment of each departed customer.
        names: The segment names, by id.

    Returns:
        ``MOVEMENT_COLUMNS``: ids as text (``"0"``, ``"new"``, ``"gone"``), ``share`` the part of the from-group
        (a segment's previous customers, or the new ones) that went to ``to``. ``new -> gone`` is left out.
    """
    origin = previous_segment_ids.astype("Int64").astype("string").fillna(NEW).to_numpy()
    pairs = pd.DataFrame({"from": np.concatenate([origin, departed_segment_ids.astype("Int64").astype("string")]),
                          "to": np.concatenate([segment_ids.astype("Int64").astype("string").to_numpy(),
                                                np.full(len(departed_segment_ids), GONE, dtype=object)])})
    counts = pairs.value_counts().to_dict()
    segments = [str(i) for i in range(len(names))]
    extra = sorted({value for value in pairs["from"].tolist() + pairs["to"].tolist()}
                   - {*segments, NEW, GONE}, key=_segment_order)  # ids the current model does not have
    rows = [(origin_, target) for origin_ in [*segments, *extra, NEW] for target in [*segments, *extra, GONE]
            if not (origin_ == NEW and target == GONE)]
    table = pd.DataFrame(rows, columns=["from_segment_id", "to_segment_id"])
    table["customers"] = [int(counts.get(pair, 0)) for pair in rows]
    totals = table.groupby("from_segment_id")["customers"].transform("sum")
    table["share"] = (table["customers"] / totals.where(totals > 0)).fillna(0.0)
    table["from_segment_name"] = table["from_segment_id"].map(lambda v: segment_label(v, names))
    table["to_segment_name"] = table["to_segment_id"].map(lambda v: segment_label(v, names))
    return table[list(MOVEMENT_COLUMNS)]


def segment_label(value: str, names: Sequence[str]) -> str:
    """The name of a movement table's from/to value: a segment's name, ``New in this batch`` or ``Departed``."""
    if value in _NAMES:
        return _NAMES[value]
    position = int(value)
    return names[position] if position < len(names) else f"Segment {position}"


def _segment_order(value: str) -> tuple[int, str]:
    return (int(value), "") if value.lstrip("-").isdigit() else (10**9, value)


def audience_changes(segment: int, segment_ids: pd.Series, previous_segment_ids: pd.Series,
                     departed_segment_ids: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What ``segment``'s audience gains and loses: masks of the current customers added, of the current customers
    moved out, and of the departed customers who were in it."""
    now = segment_ids.astype("Int64").to_numpy()
    before = previous_segment_ids.astype("Int64").fillna(-1).to_numpy()
    added = (now == segment) & (before != segment)
    moved_out = (before == segment) & (now != segment)
    gone = departed_segment_ids.astype("Int64").to_numpy() == segment
    return added, moved_out, gone


def without_repeated_point(history: pd.DataFrame, key: str = "batch_sha256", point: str = "scored_at",
                           values: Sequence[str] = ("segment_id", "size")) -> pd.DataFrame:
    """``history`` whose last point repeats the one before it (same ``key``) kept once.

    The earlier point stays when both hold the same ``values`` (a second refresh of the same batch changes
    nothing, not even the time it was scored); else the newer one replaces it (the same batch under another
    model).
    """
    if history.empty or key not in history.columns:
        return history
    points = history[point].drop_duplicates().tolist()
    if len(points) < 2:
        return history
    last, earlier = (history.loc[history[point] == p] for p in points[-1:] + points[-2:-1])
    same_batch = last[key].iloc[0] == earlier[key].iloc[0] and pd.notna(last[key].iloc[0]) and last[key].iloc[0] != ""
    if not same_batch:
        return history
    unchanged = last[list(values)].shape == earlier[list(values)].shape and np.array_equal(
        last[list(values)].to_numpy(dtype="float64"), earlier[list(values)].to_numpy(dtype="float64"))
    dropped = last.index if unchanged else earlier.index
    return history.drop(index=dropped).reset_index(drop=True)
