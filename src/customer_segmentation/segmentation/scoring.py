"""Apply a fitted segmentation model to a frame of customers: the one scoring routine.

:func:`score` is what the clustering pipeline, the app (Predict, Score a file), the notebook, the
monitoring of new batches and the served MLflow model use to place customers in segments.

Rows are scored ``CHUNK_ROWS`` at a time, so memory stays bounded at millions of customers. For the
model this project builds (``select`` -> ``StandardScaler`` -> ``PCA`` -> ``KMeans``) the steps before
K-Means are one affine map, applied as ``X @ A + b`` (about 4x faster than the steps' own transform
per chunk); any other pipeline goes through its own ``transform``. Either way the segment ids are
the K-Means step's ``predict``, so :func:`score` agrees with ``model.predict`` (tested).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from threadpoolctl import threadpool_limits

# Per-row transforms run on this many rows at a time: temporaries of a few MB instead of several
# copies of every row (10M rows x 4 features are 320 MB per copy). Small enough that the C allocator
# reuses their memory from chunk to chunk: fresh memory costs page faults, 4x the arithmetic here.
CHUNK_ROWS = 250_000

SCORE_COLUMNS = ("segment_id", "distance_to_centre", "runner_up_id", "runner_up_distance", "map_x", "map_y")


def chunks(n_rows: int) -> list[slice]:
    """Consecutive slices of at most ``CHUNK_ROWS`` rows covering ``range(n_rows)``."""
    return [slice(start, min(start + CHUNK_ROWS, n_rows)) for start in range(0, n_rows, CHUNK_ROWS)]


def feature_arrays(frame: pd.DataFrame, features: Sequence[str]) -> list[np.ndarray]:
    """Each feature column as a float64 array: a view of the frame's data, not a copy, when it is float64."""
    return [frame[feature].to_numpy(dtype="float64") for feature in features]


def stack_rows(columns: list[np.ndarray], rows: slice | np.ndarray) -> np.ndarray:
    return np.column_stack([column[rows] for column in columns])


def model_features(model: Pipeline) -> list[str]:
    """The feature columns the model reads, in its order."""
    return [str(name) for name in model.feature_names_in_]


def _is_passthrough(transformer: object) -> bool:
    """A fitted ``ColumnTransformer``'s "passthrough": scikit-learn >= 1.9 stores it as an identity
    ``FunctionTransformer`` in ``transformers_`` (without this, every model took the slow path)."""
    if isinstance(transformer, str):
        return transformer == "passthrough"
    return (isinstance(transformer, FunctionTransformer) and transformer.func is None
            and transformer.inverse_func is None and not transformer.validate)


def affine_map(model: Pipeline) -> tuple[np.ndarray, np.ndarray] | None:
    """``(A, b)`` with ``model[:-1].transform(X) == X @ A + b`` (to rounding), or None for other pipelines.

    Only the exact step types this project builds qualify: a step added or swapped falls back to
    the pipeline's own transform instead of silently disagreeing with it. The Spark engine applies
    the same map as column expressions (``spark/scoring.py``).
    """
    steps = list(model.named_steps.values())
    if [type(step) for step in steps] != [ColumnTransformer, StandardScaler, PCA, KMeans]:
        return None
    select, scaler, pca = steps[:3]
    kept = [t for t in select.transformers_ if t[1] != "drop"]
    if len(kept) != 1 or not _is_passthrough(kept[0][1]) or list(kept[0][2]) != model_features(model):
        return None
    mean = scaler.mean_ if scaler.with_mean else 0.0
    scale = scaler.scale_ if scaler.with_std else np.ones(pca.n_features_in_)
    rotation = pca.components_.T
    if pca.whiten:
        rotation = rotation / np.sqrt(pca.explained_variance_)
    return rotation / scale[:, None], -(mean / scale + pca.mean_) @ rotation


def coordinates_in_chunks(model: Pipeline, frame: pd.DataFrame) -> Iterator[tuple[slice, np.ndarray]]:
    """Yields ``(rows, coordinates)``: each chunk of rows as a slice, and its coordinates in the model space.

    While it runs, BLAS and OpenMP use one thread (``threadpool_limits``), also for what the caller does
    with each chunk (``KMeans.predict``): on (250,000 x 4) blocks their threads cost more than they save,
    up to 10x the CPU time of a pass on two cores that other work shares (the run's helpers, other
    jobs), where they spin waiting for each other.
    """
    features = model_features(model)
    affine = affine_map(model)
    with threadpool_limits(limits=1):
        if affine is None:
            for rows in chunks(len(frame)):
                yield rows, np.asarray(model[:-1].transform(frame.iloc[rows][features]), dtype="float64")
            return
        matrix, offset = affine
        columns = feature_arrays(frame, features)
        for rows in chunks(len(frame)):
            yield rows, stack_rows(columns, rows) @ matrix + offset


def distances_to(coordinates: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Euclidean distance of every row of ``coordinates`` to every centre, one column per centre.

    Summed one coordinate at a time into one (rows x centres) array: half the time of a norm per centre,
    and the same numbers."""
    squared = np.zeros((len(coordinates), len(centres)))
    for dim in range(coordinates.shape[1]):
        difference = coordinates[:, dim, None] - centres[None, :, dim]
        difference *= difference
        squared += difference
    return np.sqrt(squared, out=squared)


def score(model: Pipeline, frame: pd.DataFrame, all_distances: bool = False) -> pd.DataFrame:
    """Places every row of ``frame`` in a segment.

    Args:
        model: A fitted segmentation model (its last step a fitted ``KMeans``).
        frame: Rows with the model's feature columns, numeric and complete; other columns are ignored.
        all_distances: Also return ``distance_<id>`` to every segment centre.

    Returns:
        Indexed like ``frame``: ``segment_id``, ``distance_to_centre`` (standardized units),
        ``runner_up_id`` and ``runner_up_distance`` (the next closest segment), ``map_x``/``map_y``
        (the first two model-space axes: the segment map), and with ``all_distances`` one
        ``distance_<id>`` column per segment.
    """
    kmeans = model[-1]
    centres = kmeans.cluster_centers_
    k = len(centres)
    n = len(frame)
    ids, runner_up = np.empty(n, dtype="int64"), np.empty(n, dtype="int64")
    own, second, map_x, map_y = np.empty((4, n))
    every = np.empty((n, k)) if all_distances else None
    for rows, coordinates in coordinates_in_chunks(model, frame):
        ids[rows] = kmeans.predict(coordinates)
        distances = distances_to(coordinates, centres)
        own[rows] = distances[np.arange(len(distances)), ids[rows]]
        distances_without_own = distances.copy()
        distances_without_own[np.arange(len(distances)), ids[rows]] = np.inf
        runner_up[rows] = np.argmin(distances_without_own, axis=1) if k > 1 else ids[rows]
        second[rows] = distances_without_own[np.arange(len(distances)), runner_up[rows]] if k > 1 else np.nan
        map_x[rows] = coordinates[:, 0]
        map_y[rows] = coordinates[:, 1] if coordinates.shape[1] > 1 else 0.0
        if every is not None:
            every[rows] = distances
    columns = dict(zip(SCORE_COLUMNS, (ids, own, runner_up, second, map_x, map_y)))
    if every is not None:
        columns.update({f"distance_{i}": every[:, i] for i in range(k)})
    # As Series over the same index: pandas copies a bare array on assignment, not a Series.
    return pd.DataFrame({name: pd.Series(values, index=frame.index, copy=False) for name, values in columns.items()},
                        copy=False)
