"""Why a customer is in a segment: the runner-up segment, borderline customers, and what would move them.

* The **runner-up** is the second closest segment centre.
* A customer is **borderline** when their distance to their own centre is at least ``ratio`` times their
  distance to the runner-up's (``clustering.borderline_ratio``, 0.9 by default: within 10 %); such a
  customer could as well be in the runner-up segment.
* **What would move them**: K-Means assigns a customer to the nearest centre, so the border between two
  segments is the plane of points at equal distance from both. For each feature alone, the change that
  reaches that plane is solved exactly in the model's space (standardised, rotated) and given back in the
  feature's unit; changes that would leave the feature's valid range, or that cross into a third segment
  before reaching the runner-up, are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.segmentation.contract import DEFAULT_BORDERLINE_RATIO, model_table
from customer_segmentation.segmentation.scoring import model_features

EXPLANATION_COLUMNS = ("runner_up_id", "runner_up_name", "borderline")


def explain(scores: pd.DataFrame, names: list[str], ratio: float = DEFAULT_BORDERLINE_RATIO) -> pd.DataFrame:
    """``runner_up_id``, ``runner_up_name`` (a categorical) and ``borderline`` for scored rows.

    Args:
        scores: ``score(model, frame)``.
        names: One name per segment id.
        ratio: Own distance / runner-up distance from which a customer is borderline.
    """
    runner_up = scores["runner_up_id"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        closeness = scores["distance_to_centre"].to_numpy() / scores["runner_up_distance"].to_numpy()
    return pd.DataFrame({
        "runner_up_id": scores["runner_up_id"],
        "runner_up_name": pd.Series(pd.Categorical.from_codes(runner_up, categories=names), index=scores.index,
                                    copy=False),
        "borderline": pd.Series(np.nan_to_num(closeness, nan=0.0) >= ratio, index=scores.index, copy=False),
    }, copy=False)


def changes_to_runner_up(model: Pipeline, customer: pd.DataFrame, segment: int, runner_up: int) -> pd.DataFrame:
    """For each feature alone, the change that would bring one customer to the border with ``runner_up``.

    Args:
        model: The fitted model.
        customer: One row with the model's features, in their units.
        segment: The customer's segment id.
        runner_up: The segment to move to.

    Returns:
        One row per feature that can do it within its range, smallest change (in sd) first: ``feature``,
        ``change`` and ``new_value`` in the feature's unit, ``change_sd``.
    """
    features = model_features(model)
    scaler, pca, kmeans = model["scaler"], model["pca"], model["kmeans"]
    centres = kmeans.cluster_centers_
    own, other = centres[segment], centres[runner_up]
    # In model space: nearer to `other` once w . p >= b; p = R (x - mean) / scale, so along feature j alone
    # w . p changes by (R^T w)_j / scale_j per unit of the feature.
    w = other - own
    b = (other @ other - own @ own) / 2
    values = customer[features].to_numpy(dtype="float64")[0]
    position = pca.transform(scaler.transform(customer[features].astype("float64")))[0]
    gradient = (pca.components_.T @ w) / scaler.scale_
    needed = b - w @ position
    table = model_table(model)
    rows = []
    for j, feature in enumerate(features):
        if abs(gradient[j]) < 1e-12:
            continue
        change = needed / gradient[j] * (1 + 1e-9)
        new_value = values[j] + change
        spec = table[feature]
        if (spec.minimum is not None and new_value < spec.minimum) or (spec.maximum is not None and new_value > spec.maximum):
            continue
        rows.append({"feature": feature, "change": change, "new_value": new_value,
                     "change_sd": abs(change) / scaler.scale_[j]})
    changes = pd.DataFrame(rows, columns=["feature", "change", "new_value", "change_sd"])
    if len(changes):
        moved = pd.DataFrame([dict(zip(features, values), **{row.feature: row.new_value})
                              for row in changes.itertuples()])[features]
        changes = changes.loc[model.predict(moved) == runner_up]
    return changes.sort_values("change_sd").reset_index(drop=True)
