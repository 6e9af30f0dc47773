"""Apply a fitted segmentation model to a frame of customers: the one scoring routine.

:func:`score` is what the clustering pipeline, the app (Predict, Score a file), the notebook, the monitoring
of new batches, the served MLflow model and the Spark engine (per partition) use to place customers in
segments. Rows are moved into the model space chunk by chunk (``space.py``); the segmenter places them
(``segmenters/``), so :func:`score` agrees with ``model.predict`` whatever the algorithm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.names import MAP_COLUMNS, MEMBERSHIP, SCORE_COLUMNS
from customer_segmentation.segmentation.segmenters import segmenter_of
from customer_segmentation.segmentation.space import coordinates_in_chunks, map_positions, model_features

CLOSENESS = "closeness"  # own vs runner-up, 0..1 (``explain.py`` reads it for "borderline"); never written out


def score(model: Pipeline, frame: pd.DataFrame, all_distances: bool = False) -> pd.DataFrame:
    """Places every row of ``frame`` in a segment.

    Args:
        model: A fitted segmentation model.
        frame: Rows with the model's feature columns, complete (numbers, and the categories of a model of mixed
            data); other columns are ignored.
        all_distances: Also return ``distance_<id>`` to every segment centre (and ``membership_<id>`` for a
            segmenter that gives probabilities).

    Returns:
        Indexed like ``frame``: ``segment_id``, ``distance_to_centre`` (standardized units), ``runner_up_id``
        and ``runner_up_distance`` (the next best segment), ``map_x``/``map_y`` (the first two model-space
        axes of the numbers: the segment map), ``closeness`` to the runner-up (0..1), ``membership_probability`` for a
        probabilistic segmenter, and the per-segment columns asked for.
    """
    segmenter, estimator = segmenter_of(model), model[-1]
    k, n = segmenter.n_segments(estimator), len(frame)
    ids, runner_up = np.empty(n, dtype="int64"), np.empty(n, dtype="int64")
    own, second, closeness, map_x, map_y = np.empty((5, n))
    membership = np.empty(n) if segmenter.probabilistic else None
    every = np.empty((n, k)) if all_distances else None
    every_membership = np.empty((n, k)) if all_distances and segmenter.probabilistic else None
    for rows, coordinates in coordinates_in_chunks(model, frame):
        distances = segmenter.distances(estimator, coordinates)
        placed = segmenter.assign(estimator, coordinates, distances)
        ids[rows], runner_up[rows], closeness[rows] = placed.segment_id, placed.runner_up_id, placed.closeness
        positions = np.arange(len(distances))
        own[rows] = distances[positions, placed.segment_id]
        second[rows] = distances[positions, placed.runner_up_id] if k > 1 else np.nan
        map_x[rows], map_y[rows] = map_positions(model, coordinates)
        if membership is not None:
            membership[rows] = placed.probabilities[positions, placed.segment_id]
        if every is not None:
            every[rows] = distances
        if every_membership is not None:
            every_membership[rows] = placed.probabilities
    columns = dict(zip(SCORE_COLUMNS, (ids, own, runner_up, second, map_x, map_y)))
    columns[CLOSENESS] = closeness
    if membership is not None:
        columns[MEMBERSHIP] = membership
    if every is not None:
        columns.update({f"distance_{i}": every[:, i] for i in range(k)})
    if every_membership is not None:
        columns.update({f"membership_{i}": every_membership[:, i] for i in range(k)})
    # As Series over the same index: pandas copies a bare array on assignment, not a Series.
    return pd.DataFrame({name: pd.Series(values, index=frame.index, copy=False) for name, values in columns.items()},
                        copy=False)


def predict(model: Pipeline, frame: pd.DataFrame) -> np.ndarray:
    """Each row's segment id: ``model.predict(frame)`` for any segmenter (kmodes' own predict would need the
    category columns named at every call)."""
    coordinates = model[:-1].transform(frame[model_features(model)])
    return np.asarray(segmenter_of(model).predict(model[-1], coordinates))


__all__ = ["CLOSENESS", "MAP_COLUMNS", "predict", "score"]
