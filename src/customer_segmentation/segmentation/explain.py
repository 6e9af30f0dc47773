"""Why a customer is in a segment: the runner-up segment, borderline customers, and what would move them.

* The **runner-up** is the second best segment for the customer, by the segmenter's own measure (the second
  nearest centre for K-Means, the second most probable segment for a Gaussian mixture).
* A customer is **borderline** when their closeness to the runner-up reaches ``ratio``
  (``clustering.borderline_ratio``, 0.9 by default): K-Means' own distance / the runner-up's distance, a
  mixture's runner-up probability / own probability. Such a customer could as well be in the runner-up segment.
* **What would move them**: for each feature alone, the smallest change that puts the customer in the
  runner-up segment, found on the model itself (a scan outwards in steps of 0.05 sd, then bisection to
  1e-9 sd), so it holds for any segmenter; changes that would leave the feature's valid range, or that cross
  into a third segment before reaching the runner-up, are left out. A category feature's change is another of
  its categories (each one the model knows is tried).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.names import BORDERLINE, RUNNER_UP_ID, RUNNER_UP_NAME
from customer_segmentation.segmentation.contract import DEFAULT_BORDERLINE_RATIO, model_table
from customer_segmentation.segmentation.scoring import CLOSENESS, predict
from customer_segmentation.segmentation.space import known_categories, model_features, numeric_steps

_STEP_SD, _MOST_SD, _BISECTIONS = 0.05, 6.0, 40


def explain(scores: pd.DataFrame, names: list[str], ratio: float = DEFAULT_BORDERLINE_RATIO) -> pd.DataFrame:
    """``runner_up_id``, ``runner_up_name`` (a categorical) and ``borderline`` for scored rows.

    Args:
        scores: ``score(model, frame)``.
        names: One name per segment id.
        ratio: Closeness to the runner-up from which a customer is borderline.
    """
    runner_up = scores[RUNNER_UP_ID].to_numpy()
    return pd.DataFrame({
        RUNNER_UP_ID: scores[RUNNER_UP_ID],
        RUNNER_UP_NAME: pd.Series(pd.Categorical.from_codes(runner_up, categories=names), index=scores.index,
                                  copy=False),
        BORDERLINE: pd.Series(scores[CLOSENESS].to_numpy() >= ratio, index=scores.index, copy=False),
    }, copy=False)


def changes_to_runner_up(model: Pipeline, customer: pd.DataFrame, segment: int, runner_up: int) -> pd.DataFrame:
    """For each feature alone, the change that would bring one customer into the ``runner_up`` segment.

    Args:
        model: The fitted model.
        customer: One row with the model's features, in their units.
        segment: The customer's segment id.
        runner_up: The segment to move to.

    Returns:
        One row per feature that can do it within its range, smallest change (in sd) first: ``feature``,
        ``change`` and ``new_value`` in the feature's unit, ``change_sd``; a category feature's ``new_value`` is
        the category (its ``change`` and ``change_sd`` empty, after the numbers).
    """
    table = model_table(model)
    values = {f.name: customer[f.name].iloc[0] if f.is_category else float(customer[f.name].iloc[0]) for f in table}
    spread = numeric_steps(model)[0].scale_
    rows = []
    for j, spec in enumerate(table.numeric):
        for direction in (1.0, -1.0):
            found = _first_crossing(model, values, spec.name, direction * spread[j], segment, runner_up,
                                    spec.minimum, spec.maximum)
            if found is not None:
                rows.append({"feature": spec.name, "change": found - values[spec.name], "new_value": found,
                             "change_sd": abs(found - values[spec.name]) / spread[j]})
    for feature, categories in known_categories(model).items():
        others = [category for category in categories if category != values[feature]]
        moved = _predict(model, values, feature, np.asarray(others, dtype=object)) == runner_up if others else []
        rows += [{"feature": feature, "change": np.nan, "new_value": category, "change_sd": np.nan}
                 for category, to_runner_up in zip(others, moved) if to_runner_up]
    changes = pd.DataFrame(rows, columns=["feature", "change", "new_value", "change_sd"])
    changes = changes.sort_values("change_sd").drop_duplicates("feature", keep="first")
    return changes.reset_index(drop=True)


def _first_crossing(model: Pipeline, values: dict[str, object], feature: str, step: float, segment: int,
                    runner_up: int, low: float | None, high: float | None) -> float | None:
    """``feature``'s nearest value, going by ``step`` (one sd, signed), that the model puts in ``runner_up``;
    None when the feature's range ends, or another segment comes, first."""
    offsets = np.arange(1, int(_MOST_SD / _STEP_SD) + 1) * _STEP_SD
    candidates = values[feature] + offsets * step
    inside = np.ones(len(candidates), dtype=bool)
    if low is not None:
        inside &= candidates >= low
    if high is not None:
        inside &= candidates <= high
    candidates = candidates[inside]
    if not len(candidates):
        return None
    predicted = _predict(model, values, feature, candidates)
    leaving = np.flatnonzero(predicted != segment)
    if not len(leaving) or predicted[leaving[0]] != runner_up:
        return None
    inner = values[feature] if leaving[0] == 0 else candidates[leaving[0] - 1]
    outer = candidates[leaving[0]]
    for _ in range(_BISECTIONS):
        middle = (inner + outer) / 2
        if _predict(model, values, feature, np.array([middle]))[0] == runner_up:
            outer = middle
        else:
            inner = middle
    return float(outer)


def _predict(model: Pipeline, values: dict[str, object], feature: str, candidates: np.ndarray) -> np.ndarray:
    """The segment of the customer with ``feature`` set to each of ``candidates``, the other values unchanged."""
    rows = pd.DataFrame({name: np.repeat(np.asarray([value]), len(candidates)) for name, value in values.items()})
    rows[feature] = candidates
    return predict(model, rows[model_features(model)])
