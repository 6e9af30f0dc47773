"""The model space: a model's feature columns, and the coordinates of rows in its space, chunk by chunk.

The steps before the segmenter (``select`` -> ``StandardScaler`` -> ``PCA``) are one affine map, applied as
``X @ A + b`` (about 4x faster than the steps' own transform per chunk); any other steps go through their own
``transform``. Rows are handled ``CHUNK_ROWS`` at a time, so memory stays bounded at millions of customers.

A model of numbers and categories (``type: category`` features, for k-prototypes) has the same three steps, each
a ``ColumnTransformer`` of two parts, ``numbers`` and ``categories``: ``select`` takes the features in the table's
order, ``scaler`` standardises the numbers and codes each category (``OrdinalEncoder``: 0, 1, ... in sorted order,
-1 for a category it has not seen), ``pca`` rotates the numbers and passes the codes on. Its space is the numbers'
coordinates (principal components: the segment map is the numbers' first two) followed by one code per category
feature.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits

# The two parts of each step of a model of numbers and categories.
NUMBERS, CATEGORIES = "numbers", "categories"

# Per-row transforms run on this many rows at a time: temporaries of a few MB instead of several
# copies of every row (10M rows x 4 features are 320 MB per copy). Small enough that the C allocator
# reuses their memory from chunk to chunk: fresh memory costs page faults, 4x the arithmetic here.
CHUNK_ROWS = 250_000


# A chart's view of the segment map (or of two features) holds the 1st to 99th percentile of the customers
# and this share of that span again on each side; customers and centres beyond it are drawn at its edge.
VIEW_PERCENTILES = (1.0, 99.0)
VIEW_MARGIN = 0.25


def view_limits(values: np.ndarray) -> tuple[float, float]:
    """The range of one chart axis that keeps its view on the bulk of the customers: the data's own range
    unless a few values lie far beyond the 1st-99th percentile (one $666,666 income among $30k-$100k ones)."""
    values = np.asarray(values, dtype="float64")
    values = values[np.isfinite(values)]
    if not len(values):
        return 0.0, 1.0
    low, high = np.percentile(values, VIEW_PERCENTILES)
    margin = VIEW_MARGIN * (high - low) if high > low else max(abs(high), 1.0) * 0.05
    limits = max(float(values.min()), low - margin), min(float(values.max()), high + margin)
    return (limits[0] - 0.5, limits[1] + 0.5) if limits[0] == limits[1] else limits


def beyond_view(x: np.ndarray, y: np.ndarray, x_limits: tuple[float, float], y_limits: tuple[float, float]
                ) -> np.ndarray:
    """Which points lie outside the view (they are drawn at its edge)."""
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    return (x < x_limits[0]) | (x > x_limits[1]) | (y < y_limits[0]) | (y > y_limits[1])


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


def select_features(features: Sequence[str], logged: Sequence[str] = ()) -> ColumnTransformer:
    """The ``select`` step: the feature columns in order, ignoring the others; those in ``logged`` as their
    ``log1p`` (one part per feature then, so the order is kept)."""
    if not logged:
        return ColumnTransformer([("features", "passthrough", list(features))], remainder="drop",
                                 verbose_feature_names_out=False)
    log = FunctionTransformer(np.log1p, inverse_func=np.expm1, feature_names_out="one-to-one")
    return ColumnTransformer([(f"log_{feature}" if feature in logged else feature,
                               log if feature in logged else "passthrough", [feature]) for feature in features],
                             remainder="drop", verbose_feature_names_out=False)


def selected_features(model: Pipeline) -> list[str]:
    """The feature columns ``select`` takes, in order (fitted or not)."""
    return [str(name) for _, _, columns in model["select"].transformers for name in columns]


def logged_features(model: Pipeline) -> list[str]:
    """The features the model clusters on their ``log1p`` (``transform: log``)."""
    return [str(columns[0]) for name, _, columns in model["select"].transformers if name.startswith("log_")]


def in_feature_units(model: Pipeline, values: np.ndarray) -> np.ndarray:
    """Values of the model's number features (one column each, after ``select``) back in the features' units."""
    logged = set(logged_features(model))
    if not logged:
        return values
    values = np.array(values, dtype="float64")
    for position, feature in enumerate(numeric_features(model)):
        if feature in logged:
            values[:, position] = np.expm1(values[:, position])
    return values



def _parts(model: Pipeline) -> dict[str, list[int]] | None:
    """``{numbers: positions, categories: positions}`` in the selected features; None for a model of numbers."""
    scaler = model["scaler"]
    if not isinstance(scaler, ColumnTransformer):
        return None
    return {name: [int(position) for position in columns] for name, _, columns in scaler.transformers}


def categorical_features(model: Pipeline) -> list[str]:
    """The category features the model reads, in the table's order; none for a model of numbers."""
    parts, features = _parts(model), selected_features(model)
    return [] if parts is None else [features[position] for position in parts[CATEGORIES]]


def numeric_features(model: Pipeline) -> list[str]:
    """The number features the model reads, in the table's order: every feature of a model of numbers."""
    parts, features = _parts(model), selected_features(model)
    return features if parts is None else [features[position] for position in parts[NUMBERS]]


def numeric_steps(model: Pipeline) -> tuple[StandardScaler, PCA]:
    """The fitted scaler and rotation of the numbers."""
    if _parts(model) is None:
        return model["scaler"], model["pca"]
    return model["scaler"].named_transformers_[NUMBERS], model["pca"].named_transformers_[NUMBERS]


def numeric_dimensions(model: Pipeline) -> int | None:
    """How many of the model space's first coordinates are the numbers' (the rest are category codes); None when
    every coordinate is a number's."""
    return None if _parts(model) is None else int(numeric_steps(model)[1].n_components_)


def map_positions(model: Pipeline, coordinates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where rows with these model-space ``coordinates`` are on the segment map: the numbers' first two axes (the
    second is 0 when the numbers have one)."""
    numbers = coordinates.shape[1] if numeric_dimensions(model) is None else numeric_dimensions(model)
    return coordinates[:, 0], coordinates[:, 1] if numbers > 1 else np.zeros(len(coordinates))


def known_categories(model: Pipeline) -> dict[str, list[str]]:
    """The categories the fitted model knows, per category feature, in their code order."""
    if _parts(model) is None:
        return {}
    encoder: OrdinalEncoder = model["scaler"].named_transformers_[CATEGORIES]
    return {feature: [str(category) for category in categories]
            for feature, categories in zip(categorical_features(model), encoder.categories_)}


def categories_of(model: Pipeline, codes: np.ndarray) -> pd.DataFrame:
    """Category codes of the model space (one column per category feature) as the categories they stand for."""
    known = known_categories(model)
    return pd.DataFrame({feature: np.asarray(categories, dtype=object)[codes[:, j].astype("int64")]
                         for j, (feature, categories) in enumerate(known.items())})


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
    the pipeline's own transform instead of silently disagreeing with it.
    """
    steps = list(model.named_steps.values())[:-1]
    if [type(step) for step in steps] != [ColumnTransformer, StandardScaler, PCA]:
        return None
    select, scaler, pca = steps
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
    with each chunk (the segmenter's predictions): on (250,000 x 4) blocks their threads cost more than they
    save, up to 10x the CPU time of a pass on two cores that other work shares, where they spin waiting for
    each other.
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
