"""Build and fit the segmentation model, with its segments in the canonical order.

The model is a scikit-learn ``Pipeline`` of scikit-learn parts only, so MLflow can save it safely
(skops) and serve it: ``select`` (a ``ColumnTransformer`` taking the feature columns in order and
ignoring the others; a missing one raises ``columns are missing: {'age'}``) -> ``scaler``
(``StandardScaler``, which also casts to float) -> ``pca`` (all components by default: a rotation
that leaves K-Means distances unchanged) -> ``kmeans``.

Canonical segment order: after fitting, segments are numbered 0..k-1 by their centres in original
units, ascending by the first feature, ties broken by the next feature. The fitted centres are
stored in that order, so ``model.predict`` returns the canonical ids directly and a retrain on the
same population gives matching segments the same ids (and so the same names).

At scale: above ``init_sample_size`` customers the K-Means initialisations are tried on a seeded
sample and the best is refined on every customer, one chunk of rows at a time.

From another engine: :func:`fit_from_statistics` and :func:`set_centres` give the same fitted
``Pipeline`` from statistics of all rows and K-Means centres computed elsewhere (by Spark:
``spark/model.py``), so every reader of the model (scoring, the app, MLflow serving) is unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.segmentation.scoring import (
    chunks,
    coordinates_in_chunks,
    feature_arrays,
    model_features,
    stack_rows,
)

logger = logging.getLogger(__name__)


def build_segmentation_model(
    features: Sequence[str], k: int, pca_components: int | None, n_init: int, random_state: int
) -> Pipeline:
    """The unfitted model: select -> scaler -> pca -> kmeans.

    Args:
        features: Feature columns, in order.
        k: Number of segments.
        pca_components: Principal components kept; ``None`` keeps all.
        n_init: K-Means initialisations; the best (lowest inertia) is kept.
        random_state: Seed of the K-Means initialisations.
    """
    if pca_components is not None and not 2 <= pca_components <= len(features):
        raise ConfigurationError(
            f"parameter 'pca_components' is {pca_components}; use null (keep all) or a number "
            f"between 2 (the segment map needs two) and the number of features ({len(features)})"
        )
    select = ColumnTransformer(
        [("features", "passthrough", list(features))], remainder="drop", verbose_feature_names_out=False
    )
    return Pipeline(
        [
            ("select", select),
            ("scaler", StandardScaler()),
            ("pca", PCA(n_components=pca_components, random_state=random_state)),
            ("kmeans", KMeans(n_clusters=k, n_init=n_init, random_state=random_state)),
        ]
    )


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
    k = model["kmeans"].n_clusters
    if init_sample_size is not None and init_sample_size < k:
        raise ConfigurationError(
            f"parameter 'init_sample_size' is {init_sample_size}; use at least the number of segments ({k})"
        )
    features = list(model["select"].transformers[0][2])
    if init_sample_size is None or len(customers) <= init_sample_size:
        model.fit(customers[features])
    else:
        _fit_from_sample(model, customers[features], init_sample_size, model["kmeans"].random_state)
    _to_canonical_order(model)
    return model


def centres(model: Pipeline) -> tuple[np.ndarray, np.ndarray]:
    """Segment centres as z-scores against the population, and in original units (one row per segment)."""
    z = model["pca"].inverse_transform(model["kmeans"].cluster_centers_)
    return z, model["scaler"].inverse_transform(z)


def _to_canonical_order(model: Pipeline) -> None:
    """Renumbers the fitted K-Means segments in the canonical order (see module docstring).

    The training labels (``labels_``, one per customer: 40 MB at 10M rows) are dropped rather than
    renumbered: ``customer_segments`` holds every customer's segment, and the saved model stays small.
    """
    kmeans = model["kmeans"]
    _, original = centres(model)
    order = np.lexsort(original.T[::-1])  # lexsort's primary key is its last
    kmeans.cluster_centers_ = kmeans.cluster_centers_[order]
    del kmeans.labels_


def _fit_from_sample(model: Pipeline, customers: pd.DataFrame, sample_size: int, random_state: int) -> None:
    """Fits ``model`` on many customers without a full-size copy of the data.

    ``n_init`` k-means++ starts on every row would cost ``n_init`` full fits, and scikit-learn's fit
    holds several copies of all rows. Here the scaler learns the population's mean and standard
    deviation from all rows, chunk by chunk; the PCA rotation and the ``n_init`` K-Means
    initialisations are fitted on a seeded sample of ``sample_size`` rows; then Lloyd's iterations
    refine the best sample centres on all rows (``_refine_on_all_rows``), which from such a start
    converge in a few passes. The K-Means step keeps its parameters, so refitting it is a plain fit.
    """
    select, scaler = model["select"], model["scaler"]
    select.fit(customers.head(1))  # passthrough of the feature columns: nothing to learn but their names
    columns = feature_arrays(customers, list(select.feature_names_in_))
    _fit_scaler(scaler, columns)
    sample = np.sort(np.random.default_rng(random_state).choice(len(customers), size=sample_size, replace=False))
    coordinates = model["pca"].fit_transform(scaler.transform(stack_rows(columns, sample)))
    model["kmeans"].fit(coordinates)
    logger.info("K-Means: best of %d initialisations on %d sampled customers (of %d)",
                model["kmeans"].n_init, sample_size, len(customers))
    _refine_on_all_rows(model, customers)


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
        ``model``, its ``select``, ``scaler`` and ``pca`` fitted; set the centres with :func:`set_centres`.
    """
    if n_rows < 2:
        raise ValueError(f"n_rows={n_rows}: statistics of at least 2 customers are needed")
    features = list(model["select"].transformers[0][2])
    model["select"].fit(pd.DataFrame([mean], columns=features))
    _fit_scaler_to_moments(model["scaler"], np.asarray(mean, dtype="float64"), np.asarray(sd, dtype="float64"),
                           n_rows)
    _fit_pca_to_covariance(model["pca"], np.asarray(covariance, dtype="float64"), n_rows)
    return model


def set_centres(model: Pipeline, centres: np.ndarray, inertia: float, n_iter: int) -> Pipeline:
    """Gives the K-Means step centres found elsewhere (in the model space), then the canonical order.

    The step is fitted to the centres themselves, starting from them: one Lloyd iteration leaves each
    centre where it is, and the step gets every attribute scikit-learn's ``predict`` and ``transform``
    use. ``inertia_`` and ``n_iter_`` are those of the fit that found the centres.

    Returns:
        ``model``, fitted, its segments in the canonical order.
    """
    kmeans = model["kmeans"]
    centres = np.asarray(centres, dtype="float64")
    if centres.shape != (kmeans.n_clusters, model["pca"].n_components_):
        raise ValueError(f"centres of shape {centres.shape} for {kmeans.n_clusters} segments in "
                         f"{model['pca'].n_components_} dimensions")
    params = kmeans.get_params()
    kmeans.set_params(init=centres, n_init=1, max_iter=1).fit(centres)
    kmeans.set_params(**{name: params[name] for name in ("init", "n_init", "max_iter")})
    kmeans.inertia_, kmeans.n_iter_ = float(inertia), int(n_iter)
    _to_canonical_order(model)
    return model


def _refine_on_all_rows(model: Pipeline, customers: pd.DataFrame) -> None:
    """Lloyd's iterations of the fitted K-Means step over all rows, one chunk of rows at a time.

    scikit-learn's stopping rule (squared centre shift at most ``tol`` x the mean variance of the
    coordinates), then a last assignment pass for ``inertia_``, as scikit-learn does. A segment
    left without customers keeps its centre (scikit-learn would move it to a far point).
    """
    kmeans = model["kmeans"]
    k, dims = kmeans.cluster_centers_.shape
    tolerance = None
    for iteration in range(1, kmeans.max_iter + 1):
        current = kmeans.cluster_centers_
        sums, counts = np.zeros((k, dims)), np.zeros(k)
        moments = np.zeros((2, dims))  # sum and sum of squares of the coordinates, for the tolerance
        for _, coordinates in coordinates_in_chunks(model, customers):
            labels = kmeans.predict(coordinates)
            counts += np.bincount(labels, minlength=k)
            for dim in range(dims):
                sums[:, dim] += np.bincount(labels, weights=coordinates[:, dim], minlength=k)
            if tolerance is None:
                moments += [coordinates.sum(axis=0), (coordinates**2).sum(axis=0)]
        if tolerance is None:
            mean = moments[0] / len(customers)
            tolerance = kmeans.tol * float(np.mean(moments[1] / len(customers) - mean**2))
        updated = current.copy()
        updated[counts > 0] = sums[counts > 0] / counts[counts > 0, None]
        shift = float(np.sum((updated - current) ** 2))
        kmeans.cluster_centers_, kmeans.n_iter_ = updated, iteration
        logger.info("K-Means refinement %d on all %d customers: squared centre shift %.3g (converged below %.3g)",
                    iteration, len(customers), shift, tolerance)
        if shift <= tolerance:
            break
    inertia = 0.0
    for _, coordinates in coordinates_in_chunks(model, customers):
        inertia += float(np.sum((coordinates - kmeans.cluster_centers_[kmeans.predict(coordinates)]) ** 2))
    kmeans.inertia_ = inertia


__all__ = ["build_segmentation_model", "centres", "fit_from_statistics", "fit_segmentation_model", "model_features",
           "set_centres"]
