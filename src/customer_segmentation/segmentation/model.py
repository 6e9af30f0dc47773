"""Build and fit the segmentation model, with its segments in the canonical order.

The model is a scikit-learn ``Pipeline`` of scikit-learn parts only, so MLflow can save it safely
(skops) and serve it: ``select`` (a ``ColumnTransformer`` taking the feature columns in order and
ignoring the others; a missing one raises ``columns are missing: {'age'}``) -> ``scaler``
(``StandardScaler``, which also casts to float) -> ``pca`` (all components by default: a rotation
that leaves distances unchanged) -> the segmenter's estimator (``segmenters/``: K-Means, a Gaussian
mixture...), the step named after the algorithm.

Canonical segment order: after fitting, segments are numbered 0..k-1 by their centres in original
units, ascending by the first feature, ties broken by the next feature. The fitted segments are
stored in that order, so ``model.predict`` returns the canonical ids directly and a retrain on the
same population gives matching segments the same ids (and so the same names).

At scale: above ``init_sample_size`` customers the scaler learns from every row, chunk by chunk, the
rotation and the segmenter from a seeded sample, and the segmenter may then refine its segments on every
customer (K-Means does).

A feature with ``transform: log`` is taken as its ``log1p`` by ``select`` (a ``FunctionTransformer`` with
``expm1`` as its inverse): the segments are found on the log scale, and the centres are given back in the
feature's unit.

Numbers and categories (``type: category`` features, a segmenter of mixed data such as k-prototypes): the same
three steps, each in two parts (``space.py``): the numbers standardised and rotated as above, each category coded.
``pca_components`` then applies to the numbers, and the segment map is the numbers' first two principal
components: categories have no position on a map, the segment colours show them. The canonical order sorts by the
numbers, then by the categories' codes. The transform steps learn from every customer, the segmenter from a seeded
sample of ``init_sample_size`` above that many.

From another engine: :func:`fit_from_statistics` gives the steps before the segmenter from statistics of
all rows computed elsewhere (by Spark: ``spark/model.py``), so every reader of the model (scoring, the
app, MLflow serving) is unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder, StandardScaler

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.segmentation.segmenters import get_segmenter, segmenter_of
from customer_segmentation.segmentation.space import (
    CATEGORIES,
    NUMBERS,
    categorical_features,
    categories_of,
    chunks,
    feature_arrays,
    in_feature_units,
    logged_features,
    numeric_dimensions,
    numeric_steps,
    select_features,
    selected_features,
    stack_rows,
)

logger = logging.getLogger(__name__)


def build_segmentation_model(
    features: Sequence[str], k: int, pca_components: int | None, n_init: int, random_state: int,
    algorithm: str | None = None, categorical: Sequence[str] = (), logged: Sequence[str] = (),
) -> Pipeline:
    """The unfitted model: select -> scaler -> pca -> the segmenter's estimator.

    Args:
        features: Feature columns, in order.
        k: Number of segments.
        pca_components: Principal components kept; ``None`` keeps all.
        n_init: The segmenter's initialisations; the best is kept.
        random_state: Seed of the initialisations.
        algorithm: ``clustering.algorithm``: the segmenter's name (``segmenters/``; None: the default).
        categorical: The features of ``features`` that are categories (a segmenter of mixed data only).
        logged: The number features clustered on their ``log1p`` (``transform: log``): ``select`` applies it.
    """
    segmenter = get_segmenter(algorithm)
    categorical = [feature for feature in features if feature in set(categorical)]
    numbers = [feature for feature in features if feature not in set(categorical)]
    if bool(categorical) != segmenter.mixed or not numbers:
        raise ConfigurationError(
            f"clustering.algorithm '{segmenter.name}' cannot segment on {len(numbers)} number feature(s) and "
            f"{len(categorical)} category feature(s) {categorical}"
        )
    if pca_components is not None and not 2 <= pca_components <= len(numbers):
        raise ConfigurationError(
            f"parameter 'pca_components' is {pca_components}; use null (keep all) or a number "
            f"between 2 (the segment map needs two) and the number of {'number ' if categorical else ''}features "
            f"({len(numbers)})"
        )
    select = select_features(features, logged)
    if categorical:
        return _mixed_model(select, [list(features).index(f) for f in numbers],
                            [list(features).index(f) for f in categorical], pca_components, random_state,
                            (segmenter.name, segmenter.build(k, n_init, random_state)))
    return Pipeline(
        [
            ("select", select),
            ("scaler", StandardScaler()),
            ("pca", PCA(n_components=pca_components, random_state=random_state)),
            (segmenter.name, segmenter.build(k, n_init, random_state)),
        ]
    )


def _mixed_model(select: ColumnTransformer, numbers: list[int], categories: list[int], pca_components: int | None,
                 random_state: int, segmenter: tuple[str, object]) -> Pipeline:
    """select -> scaler (numbers standardised, categories coded) -> pca (of the numbers) -> segmenter; the
    scaler puts the numbers first, then the category codes."""
    first, codes = list(range(len(numbers))), list(range(len(numbers), len(numbers) + len(categories)))
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, dtype=np.float64)
    scaler = ColumnTransformer([(NUMBERS, StandardScaler(), numbers), (CATEGORIES, encoder, categories)])
    pca = ColumnTransformer([(NUMBERS, PCA(n_components=pca_components, random_state=random_state), first),
                             (CATEGORIES, "passthrough", codes)])
    return Pipeline([("select", select), ("scaler", scaler), ("pca", pca), segmenter])


def fit_segmentation_model(model: Pipeline, customers: pd.DataFrame, init_sample_size: int | None) -> Pipeline:
    """Fits ``model`` on ``customers`` and puts its segments in the canonical order.

    Args:
        model: From :func:`build_segmentation_model`.
        customers: Rows with the feature columns (numeric, complete).
        init_sample_size: Above this many customers, the initialisations are tried on a seeded
            sample of this size and the best is refined on all customers; ``None`` never samples.

    Returns:
        ``model``, fitted.
    """
    k = segmenter_of(model).n_segments(model[-1])
    if init_sample_size is not None and init_sample_size < k:
        raise ConfigurationError(
            f"parameter 'init_sample_size' is {init_sample_size}; use at least the number of segments ({k})"
        )
    features = selected_features(model)
    if categorical_features(model):
        _fit_mixed(model, customers[features], init_sample_size)
    elif init_sample_size is None or len(customers) <= init_sample_size:
        model.fit(customers[features])
    else:
        _fit_from_sample(model, customers[features], init_sample_size, model[-1].random_state)
    canonical_order(model)
    return model


def centres(model: Pipeline) -> tuple[np.ndarray, np.ndarray]:
    """Segment centres as z-scores against the population, and in original units (one row per segment).

    The number features' (``space.numeric_features``: every feature of a model of numbers); a model's
    categories are :func:`prototype_categories`.
    """
    prototypes = segmenter_of(model).centres(model[-1])
    numbers = numeric_dimensions(model)
    if numbers is None:
        z = model["pca"].inverse_transform(prototypes)
        return z, in_feature_units(model, model["scaler"].inverse_transform(z))
    scaler, pca = numeric_steps(model)
    z = pca.inverse_transform(prototypes[:, :numbers])
    return z, in_feature_units(model, scaler.inverse_transform(z))


def prototype_categories(model: Pipeline) -> pd.DataFrame:
    """Each segment's category per category feature (its prototype's: the most frequent among its customers
    when it was fitted), one row per segment; no columns for a model of numbers."""
    prototypes = segmenter_of(model).centres(model[-1])
    numbers = numeric_dimensions(model)
    if numbers is None:
        return pd.DataFrame(index=pd.RangeIndex(len(prototypes)))
    return categories_of(model, prototypes[:, numbers:])


def canonical_order(model: Pipeline) -> Pipeline:
    """Renumbers the fitted segments in the canonical order (see module docstring); returns the model."""
    _, original = centres(model)
    numbers = numeric_dimensions(model)
    if numbers is not None:  # then by the categories' codes
        original = np.hstack([original, segmenter_of(model).centres(model[-1])[:, numbers:]])
    order = np.lexsort(original.T[::-1])  # lexsort's primary key is its last
    segmenter_of(model).reorder(model[-1], order)
    return model


def _fit_from_sample(model: Pipeline, customers: pd.DataFrame, sample_size: int, random_state: int) -> None:
    """Fits ``model`` on many customers without a full-size copy of the data.

    ``n_init`` starts on every row would cost ``n_init`` full fits, and scikit-learn's fits hold several
    copies of all rows. Here the scaler learns the population's mean and standard deviation from all rows,
    chunk by chunk; the PCA rotation and the segmenter are fitted on a seeded sample of ``sample_size`` rows;
    then the segmenter may refine its segments on all rows (K-Means' Lloyd iterations, which from such a
    start converge in a few passes). The segmenter's step keeps its parameters, so refitting it is a plain fit.
    """
    select, scaler = model["select"], model["scaler"]
    select.fit(customers.head(1))  # passthrough (or log1p) of the feature columns: nothing to learn but names
    columns = feature_arrays(customers, list(select.feature_names_in_))
    logged = set(logged_features(model))
    columns = [np.log1p(column) if name in logged else column
               for name, column in zip(select.feature_names_in_, columns, strict=True)]
    _fit_scaler(scaler, columns)
    sample = np.sort(np.random.default_rng(random_state).choice(len(customers), size=sample_size, replace=False))
    coordinates = model["pca"].fit_transform(scaler.transform(stack_rows(columns, sample)))
    segmenter = segmenter_of(model)
    segmenter.fit(model[-1], coordinates)
    logger.info("%s: best of %d initialisations on %d sampled customers (of %d)", segmenter.name,
                model[-1].n_init, sample_size, len(customers))
    segmenter.refine(model, customers)


def _fit_mixed(model: Pipeline, customers: pd.DataFrame, sample_size: int | None) -> None:
    """Fits a model of numbers and categories: the transform steps on every customer, the segmenter on all of
    them or, above ``sample_size``, on a seeded sample (k-prototypes has no cheap pass over millions of rows)."""
    coordinates = model[:-1].fit_transform(customers)
    categorical = list(range(numeric_dimensions(model), coordinates.shape[1]))
    segmenter = segmenter_of(model)
    if sample_size is not None and len(customers) > sample_size:
        rows = np.random.default_rng(model[-1].random_state).choice(len(customers), size=sample_size, replace=False)
        coordinates = coordinates[np.sort(rows)]
        logger.info("%s: fitted on %d sampled customers (of %d)", segmenter.name, sample_size, len(customers))
    segmenter.fit(model[-1], coordinates, categorical)


def _fit_scaler(scaler: StandardScaler, columns: list[np.ndarray]) -> None:
    """Fits ``scaler`` to the mean and variance of all rows, computed in chunks.

    ``StandardScaler.partial_fit`` chunk by chunk spends ~1 s on 10M rows in NaN-aware updates;
    model input has no missing cells.
    """
    n_rows = len(columns[0])
    mean = np.array([column.mean() for column in columns])
    squares = np.zeros(len(columns))
    for rows in chunks(n_rows):
        squares += np.sum((stack_rows(columns, rows) - mean) ** 2, axis=0)
    _fit_scaler_to_moments(scaler, mean, np.sqrt(squares / n_rows), n_rows)


def _fit_scaler_to_moments(scaler: StandardScaler, mean: np.ndarray, sd: np.ndarray, n_rows: int) -> None:
    """Fits ``scaler`` to a known mean and population standard deviation of ``n_rows`` rows.

    The scaler learns from two points weighted ``n / 2`` each at ``mean -/+ sd``: exactly that mean
    and variance, with its own rules for ``scale_`` (a constant feature gets 1).
    """
    scaler.fit(np.vstack([mean - sd, mean + sd]), sample_weight=np.full(2, n_rows / 2))


def _fit_pca_to_covariance(pca: PCA, covariance: np.ndarray, n_rows: int) -> None:
    """Fits ``pca`` to standardized rows whose (population) covariance matrix is ``covariance``.

    It learns from ``2 d`` points at ``-/+ a_j v_j`` along the eigenvectors ``v_j``, spread so that
    their sample covariance is that of ``n_rows`` rows (scikit-learn divides by ``n - 1``): the same
    components, explained variances and sign convention as a fit on the rows themselves.
    """
    eigenvalues, eigenvectors = np.linalg.eigh((covariance + covariance.T) / 2)
    dims = len(eigenvalues)
    spread = np.sqrt(np.clip(eigenvalues, 0, None) * n_rows / max(n_rows - 1, 1) * (2 * dims - 1) / 2)
    axes = (eigenvectors * spread).T
    pca.fit(np.vstack([axes, -axes]))
    pca.n_samples_ = n_rows


def fit_from_statistics(model: Pipeline, n_rows: int, mean: np.ndarray, sd: np.ndarray,
                        covariance: np.ndarray) -> Pipeline:
    """Fits the steps before K-Means from statistics of all rows computed elsewhere.

    Args:
        model: From :func:`build_segmentation_model`.
        n_rows: How many customers the statistics describe.
        mean: Each feature's mean, in ``features`` order.
        sd: Each feature's population standard deviation (divided by ``n_rows``, as scikit-learn's).
        covariance: The population covariance matrix of the standardized features.

    Returns:
        ``model``, its ``select``, ``scaler`` and ``pca`` fitted; the segmenter is fitted by the engine.
    """
    if n_rows < 2:
        raise ValueError(f"n_rows={n_rows}: statistics of at least 2 customers are needed")
    features = selected_features(model)
    model["select"].fit(pd.DataFrame([mean], columns=features))
    _fit_scaler_to_moments(model["scaler"], np.asarray(mean, dtype="float64"), np.asarray(sd, dtype="float64"),
                           n_rows)
    _fit_pca_to_covariance(model["pca"], np.asarray(covariance, dtype="float64"), n_rows)
    return model


__all__ = ["build_segmentation_model", "canonical_order", "centres", "fit_from_statistics", "fit_segmentation_model",
           "prototype_categories"]
