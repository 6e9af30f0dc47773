"""Fit K-Means segments, apply them, name them, profile them and report on them.

The model is a scikit-learn ``Pipeline`` of scikit-learn parts only, so MLflow can save
it safely (skops) and serve it without this package: ``select`` (a ``ColumnTransformer``
taking the feature columns in ``features`` order and ignoring the others; a missing one
raises ``columns are missing: {'age'}``) -> ``scaler`` (``StandardScaler``, which also
casts to float) -> ``pca`` (all components by default: a rotation that leaves K-Means
distances unchanged) -> ``kmeans``.

Canonical segment order: after fitting, segments are numbered 0..k-1 by their centres
in original units, ascending by the first feature of ``features`` (``annual_income``
by default), ties broken by the next feature. The fitted centres are stored in that
order, so ``model.predict`` returns the canonical ids directly and a retrain on the
same population gives matching segments the same ids (and so the same names).

At scale: above ``init_sample_size`` customers the K-Means initialisations are tried on a
seeded sample and the best is refined on every customer (see ``train_segmentation_model``);
per-row work runs in chunks of rows, so memory stays bounded; the validity indices are
computed in one pass from per-segment sums, equal to scikit-learn's.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from sklearn import config_context
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from customer_segmentation.pipelines.eda.selection import parse_n_clusters
from customer_segmentation.schema import CustomerDataError, feature_label

from . import naming

logger = logging.getLogger(__name__)

# Scores of clustering_metrics also logged as MLflow metrics (one catalog entry each).
TRACKED_METRICS = ("k", "silhouette", "inertia", "calinski_harabasz", "davies_bouldin")
# Per-row transforms run on this many rows at a time: temporaries of a few MB instead of several
# copies of every row (10M rows x 4 features are 320 MB per copy). Small enough that the C allocator
# reuses their memory from chunk to chunk: fresh memory costs page faults, 4x the arithmetic here.
CHUNK_ROWS = 250_000


def _choose_k(k_selection: dict[str, Any], n_clusters: int | str | None, n_customers: int) -> int:
    override = parse_n_clusters(n_clusters, n_customers)
    if override is not None:
        return override
    k = (k_selection or {}).get("k")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k < n_customers:
        raise ValueError(
            f"k_selection['k'] is {k!r} for {n_customers} customers; expected a whole number from 2 to "
            f"{n_customers - 1}. Run the eda pipeline again (kedro run --pipelines eda) or set n_clusters"
        )
    return int(k)


def _check_columns(customers: pd.DataFrame, features: Sequence[str]) -> None:
    missing = [f for f in features if f not in customers.columns]
    if missing:
        raise CustomerDataError(
            f"feature column(s) {missing} missing from the customers; columns found: {list(customers.columns)}"
        )


def _centres(model: Pipeline) -> tuple[np.ndarray, np.ndarray]:
    """Segment centres as z-scores against the population, and in original units."""
    z = model["pca"].inverse_transform(model["kmeans"].cluster_centers_)
    return z, model["scaler"].inverse_transform(z)


def _to_canonical_order(model: Pipeline) -> None:
    """Renumbers the fitted K-Means segments in the canonical order (see module docstring).

    The training labels (``labels_``, one per customer: 40 MB at 10M rows) are dropped rather than
    renumbered: ``customer_segments`` holds every customer's segment, and the saved model stays small.
    """
    kmeans = model["kmeans"]
    _, original = _centres(model)
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
    columns = _feature_arrays(customers, list(select.feature_names_in_))
    _fit_scaler(scaler, columns)
    sample = np.sort(np.random.default_rng(random_state).choice(len(customers), size=sample_size, replace=False))
    coordinates = model["pca"].fit_transform(scaler.transform(_rows(columns, sample)))
    model["kmeans"].fit(coordinates)
    logger.info("K-Means: best of %d initialisations on %d sampled customers (of %d)",
                model["kmeans"].n_init, sample_size, len(customers))
    _refine_on_all_rows(model, customers)


def _fit_scaler(scaler: StandardScaler, columns: list[np.ndarray]) -> None:
    """Fits ``scaler`` to the mean and variance of all rows, computed in chunks.

    ``StandardScaler.partial_fit`` chunk by chunk spends ~1 s on 10M rows in NaN-aware updates;
    model input has no missing cells. The scaler then learns from two points weighted ``n / 2``
    each at ``mean -/+ sd``: exactly that mean and variance, with its own rules for ``scale_``.
    """
    n_rows = len(columns[0])
    mean = np.array([column.mean() for column in columns])
    squares = np.zeros(len(columns))
    for rows in _chunks(n_rows):
        squares += np.sum((_rows(columns, rows) - mean) ** 2, axis=0)
    sd = np.sqrt(squares / n_rows)
    scaler.fit(np.vstack([mean - sd, mean + sd]), sample_weight=np.full(2, n_rows / 2))


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
        centres = kmeans.cluster_centers_
        sums, counts = np.zeros((k, dims)), np.zeros(k)
        moments = np.zeros((2, dims))  # sum and sum of squares of the coordinates, for the tolerance
        for _, coordinates in _coordinates_in_chunks(model, customers):
            labels = kmeans.predict(coordinates)
            counts += np.bincount(labels, minlength=k)
            for dim in range(dims):
                sums[:, dim] += np.bincount(labels, weights=coordinates[:, dim], minlength=k)
            if tolerance is None:
                moments += [coordinates.sum(axis=0), (coordinates**2).sum(axis=0)]
        if tolerance is None:
            mean = moments[0] / len(customers)
            tolerance = kmeans.tol * float(np.mean(moments[1] / len(customers) - mean**2))
        updated = centres.copy()
        updated[counts > 0] = sums[counts > 0] / counts[counts > 0, None]
        shift = float(np.sum((updated - centres) ** 2))
        kmeans.cluster_centers_, kmeans.n_iter_ = updated, iteration
        logger.info("K-Means refinement %d on all %d customers: squared centre shift %.3g (converged below %.3g)",
                    iteration, len(customers), shift, tolerance)
        if shift <= tolerance:
            break
    inertia = 0.0
    for _, coordinates in _coordinates_in_chunks(model, customers):
        inertia += float(np.sum((coordinates - kmeans.cluster_centers_[kmeans.predict(coordinates)]) ** 2))
    kmeans.inertia_ = inertia


def _chunks(n_rows: int) -> list[slice]:
    return [slice(start, min(start + CHUNK_ROWS, n_rows)) for start in range(0, n_rows, CHUNK_ROWS)]


def _feature_arrays(customers: pd.DataFrame, features: Sequence[str]) -> list[np.ndarray]:
    """Each feature column as a float64 array: a view of the frame's data, not a copy, when it is float64."""
    return [customers[feature].to_numpy(dtype="float64") for feature in features]


def _rows(columns: list[np.ndarray], rows: slice | np.ndarray) -> np.ndarray:
    return np.column_stack([column[rows] for column in columns])


def _affine_map(model: Pipeline) -> tuple[np.ndarray, np.ndarray]:
    """``(A, b)`` such that ``model[:-1].transform(X) == X @ A + b`` (to rounding).

    Standardising and rotating are both affine, so all rows go through one small matrix product
    instead of the steps' validation and copies chunk by chunk (about 4x faster at 10M rows).
    """
    scaler, pca = model["scaler"], model["pca"]
    mean = scaler.mean_ if scaler.with_mean else 0.0
    scale = scaler.scale_ if scaler.with_std else np.ones(pca.n_features_in_)
    rotation = pca.components_.T
    if pca.whiten:
        rotation = rotation / np.sqrt(pca.explained_variance_)
    return rotation / scale[:, None], -(mean / scale + pca.mean_) @ rotation


def _coordinates_in_chunks(model: Pipeline, customers: pd.DataFrame):
    """Yields ``(rows, coordinates)``: each chunk of rows as a slice, and its model-space coordinates."""
    columns = _feature_arrays(customers, list(model.feature_names_in_))
    matrix, offset = _affine_map(model)
    for rows in _chunks(len(customers)):
        yield rows, _rows(columns, rows) @ matrix + offset


def _silhouette(model: Pipeline, customers: pd.DataFrame, labels: np.ndarray, sample_size: int,
                random_state: int) -> float:
    # The sample scikit-learn's silhouette_score(sample_size=, random_state=) draws, taken before the
    # transform: only the sampled rows are projected.
    rows = check_random_state(random_state).permutation(len(labels))[:sample_size]
    coordinates = model[:-1].transform(customers.iloc[rows])
    # Distances in 64 MB chunks: scikit-learn's default (1 GB) would hold the whole 10k x 10k matrix.
    with config_context(working_memory=64):
        return float(silhouette_score(coordinates, labels[rows]))


def _validity_indices(model: Pipeline, customers: pd.DataFrame, labels: np.ndarray) -> tuple[float, float]:
    """Calinski-Harabasz and Davies-Bouldin indices in the model space, as scikit-learn computes them.

    One chunked pass instead of scikit-learn's copies per segment. The model's transform is affine,
    so each segment's mean in the model space is the transform of its mean in original units.
    """
    occupancy = np.bincount(labels)
    segments = np.flatnonzero(occupancy)  # segments that have customers
    if not 2 <= len(segments) <= len(labels) - 1:
        raise ValueError(f"{len(segments)} segment(s) with customers among {len(labels)}; the indices need "
                         "from 2 to n_customers - 1")
    counts = occupancy[segments]
    means = pd.DataFrame({feature: np.bincount(labels, weights=customers[feature].to_numpy())[segments] / counts
                          for feature in model.feature_names_in_})
    centroids = model[:-1].transform(means)
    slot = np.full(len(occupancy), -1)
    slot[segments] = np.arange(len(segments))
    spread = np.zeros(len(segments))  # sum of distances to the segment mean
    within = 0.0  # sum of squared distances to the segment mean
    for rows, coordinates in _coordinates_in_chunks(model, customers):
        members = slot[labels[rows]]
        distances = np.linalg.norm(coordinates - centroids[members], axis=1)
        spread += np.bincount(members, weights=distances, minlength=len(segments))
        within += float(np.sum(distances**2))
    n, k = len(labels), len(segments)
    overall = counts @ centroids / n
    between = float(np.sum(counts * np.sum((centroids - overall) ** 2, axis=1)))
    calinski_harabasz = 1.0 if within == 0.0 else between * (n - k) / (within * (k - 1.0))
    intra = spread / counts
    separation = np.linalg.norm(centroids[:, None, :] - centroids[None, :, :], axis=2)
    if np.allclose(intra, 0) or np.allclose(separation, 0):
        return float(calinski_harabasz), 0.0
    separation[separation == 0] = np.inf
    davies_bouldin = np.mean(np.max((intra[:, None] + intra) / separation, axis=1))
    return float(calinski_harabasz), float(davies_bouldin)


def _colours(k: int) -> list:
    palette = colormaps["tab10" if k <= 10 else "tab20"]
    return [palette(i % palette.N) for i in range(k)]


def _segment_labels(segment_profiles: pd.DataFrame) -> list[str]:
    return [f"{i}: {name}" for i, name in zip(segment_profiles["segment_id"], segment_profiles["segment_name"])]


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
        raise ValueError(
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


def train_segmentation_model(
    customers: pd.DataFrame,
    k_selection: dict[str, Any],
    n_clusters: int | str | None,
    features: list[str],
    pca_components: int | None,
    n_init: int,
    random_state: int,
    init_sample_size: int | None = None,
) -> tuple[Pipeline, Pipeline]:
    """Fits the segmentation model with segments in the canonical order.

    Args:
        customers: Model input: feature columns in original units, plus carried columns.
        k_selection: The eda pipeline's choice; its ``k`` is used when ``n_clusters`` is ``auto``.
        n_clusters: ``auto`` or a number of segments that overrides ``k_selection``.
        features: Feature columns.
        pca_components: Principal components kept; ``None`` keeps all.
        n_init: K-Means initialisations.
        random_state: Seed.
        init_sample_size: Above this many customers, the initialisations are tried on a seeded
            sample of this size and the best is refined on all customers; ``None`` never samples.

    Returns:
        The fitted model, twice: for the versioned pickle and for the MLflow registry.
    """
    _check_columns(customers, features)
    k = _choose_k(k_selection, n_clusters, len(customers))
    if init_sample_size is not None and init_sample_size < k:
        raise ValueError(
            f"parameter 'init_sample_size' is {init_sample_size}; use at least the number of segments ({k})"
        )
    model = build_segmentation_model(features, k, pca_components, n_init, random_state)
    if init_sample_size is None or len(customers) <= init_sample_size:
        model.fit(customers[list(features)])
    else:
        _fit_from_sample(model, customers[list(features)], init_sample_size, random_state)
    _to_canonical_order(model)
    logger.info("fitted %d segments on %d customers (inertia %.1f)", k, len(customers), model["kmeans"].inertia_)
    return model, model


def name_segments(model: Pipeline, threshold: float, max_traits: int) -> pd.DataFrame:
    """Names each segment in plain words from its centre (rules in ``naming.py``).

    Args:
        model: The fitted segmentation model.
        threshold: ``|z|`` from which a feature counts as high or low.
        max_traits: Most traits listed in a name.

    Returns:
        One row per segment: ``segment_id``, ``segment_name``, ``description``, ``suggested_action``.
    """
    features = list(model.feature_names_in_)
    z, original = _centres(model)
    scores = [dict(zip(features, row)) for row in z]
    named = [naming.name_segment(score, threshold, max_traits) for score in scores]
    descriptions = [naming.describe_segment(dict(zip(features, o)), score) for o, score in zip(original, scores)]
    return pd.DataFrame(
        {
            "segment_id": np.arange(len(z)),
            "segment_name": naming.make_unique([name for name, _ in named], z, features),
            "description": descriptions,
            "suggested_action": [action for _, action in named],
        }
    )


def assign_segments(customers: pd.DataFrame, model: Pipeline, segment_names: pd.DataFrame) -> pd.DataFrame:
    """Places every customer in a segment and on the 2-D segment map.

    Args:
        customers: Customers with the model's feature columns; other columns are kept.
        model: The fitted segmentation model.
        segment_names: Output of ``name_segments``.

    Returns:
        The customers plus ``segment_id``, ``segment_name``, ``distance_to_centre``
        (standardized units) and ``map_x``/``map_y`` (first two principal components).
    """
    centres = model["kmeans"].cluster_centers_
    ids = np.empty(len(customers), dtype="int64")
    distances, map_x, map_y = np.empty((3, len(customers)))
    for rows, coordinates in _coordinates_in_chunks(model, customers):
        ids[rows] = model["kmeans"].predict(coordinates)
        distances[rows] = np.linalg.norm(coordinates - centres[ids[rows]], axis=1)
        map_x[rows], map_y[rows] = coordinates[:, 0], coordinates[:, 1]
    names = segment_names.sort_values("segment_id")["segment_name"].tolist()
    added = {
        "segment_id": ids,
        # A categorical: one small code per customer instead of a string (and Parquet stores it as such).
        "segment_name": pd.Categorical.from_codes(ids, categories=names),
        "distance_to_centre": distances,
        "map_x": map_x,
        "map_y": map_y,
    }
    # As Series: pandas copies a bare array on assignment (10M rows: 80 MB per column), not a Series.
    return customers.assign(**{name: pd.Series(values, index=customers.index, copy=False)
                               for name, values in added.items()})


def profile_segments(customer_segments: pd.DataFrame, model: Pipeline, segment_names: pd.DataFrame) -> pd.DataFrame:
    """Describes each segment: size, share, feature means and medians, centre z-scores.

    Args:
        customer_segments: Output of ``assign_segments``.
        model: The fitted segmentation model.
        segment_names: Output of ``name_segments``.

    Returns:
        One row per segment, ordered by ``segment_id``.
    """
    features = list(model.feature_names_in_)
    segments = pd.RangeIndex(model["kmeans"].n_clusters, name="segment_id")
    groups = customer_segments.groupby("segment_id")[features]
    size = groups.size().reindex(segments, fill_value=0)
    z, _ = _centres(model)
    centres = model["kmeans"].cluster_centers_
    return pd.concat(
        [
            segment_names.set_index("segment_id").reindex(segments),
            pd.DataFrame({"size": size, "share": size / size.sum()}, index=segments),
            groups.mean().reindex(segments).add_suffix("_mean"),
            groups.median().reindex(segments).add_suffix("_median"),
            pd.DataFrame(z, index=segments, columns=features).add_suffix("_z"),
            pd.DataFrame({"map_x": centres[:, 0], "map_y": centres[:, 1]}, index=segments),
        ],
        axis=1,
    ).reset_index()


def evaluate_segmentation(
    customer_segments: pd.DataFrame, model: Pipeline, silhouette_sample_size: int, random_state: int
) -> dict[str, Any]:
    """Scores the segmentation in the model's (standardized) space.

    Args:
        customer_segments: Output of ``assign_segments``.
        model: The fitted segmentation model.
        silhouette_sample_size: Customers sampled for the silhouette (quadratic in rows).
        random_state: Seed of the sample.

    Returns:
        ``clustering_metrics`` (the JSON report) and each of ``TRACKED_METRICS`` for MLflow.
    """
    labels = customer_segments["segment_id"].to_numpy()
    sample = min(len(labels), silhouette_sample_size)
    calinski_harabasz, davies_bouldin = _validity_indices(model, customer_segments, labels)
    metrics = {
        "k": int(model["kmeans"].n_clusters),
        "n_customers": len(labels),
        "silhouette": _silhouette(model, customer_segments, labels, sample, random_state),
        "silhouette_sample_size": sample,
        "inertia": float(model["kmeans"].inertia_),
        "calinski_harabasz": calinski_harabasz,
        "davies_bouldin": davies_bouldin,
    }
    logger.info("clustering metrics: %s", metrics)
    return {"clustering_metrics": metrics, **{name: metrics[name] for name in TRACKED_METRICS}}


def plot_segment_map(
    customer_segments: pd.DataFrame, segment_profiles: pd.DataFrame, sample_size: int, random_state: int
) -> Figure:
    """Customers on the first two principal components, coloured by segment, centres marked.

    Args:
        customer_segments: Output of ``assign_segments``.
        segment_profiles: Output of ``profile_segments``.
        sample_size: Most customers drawn (a seeded sample when there are more).
        random_state: Seed of the sample.
    """
    # numpy's Generator draws the sample without shuffling every row, as DataFrame.sample would.
    total = len(customer_segments)
    rows = np.random.default_rng(random_state).choice(total, size=min(sample_size, total), replace=False)
    shown = customer_segments.iloc[np.sort(rows)]
    figure = Figure(figsize=(9, 6.5), layout="constrained")
    ax = figure.subplots()
    colours = _colours(len(segment_profiles))
    for segment, label, colour in zip(segment_profiles["segment_id"], _segment_labels(segment_profiles), colours):
        members = shown[shown["segment_id"] == segment]
        ax.scatter(members["map_x"], members["map_y"], s=8, alpha=0.5, color=colour, label=label, linewidths=0)
    ax.scatter(segment_profiles["map_x"], segment_profiles["map_y"], marker="X", s=220, c=colours, edgecolors="black")
    for segment, x, y in zip(segment_profiles["segment_id"], segment_profiles["map_x"], segment_profiles["map_y"]):
        ax.annotate(str(segment), (x, y), xytext=(8, 8), textcoords="offset points", fontweight="bold")
    shown_of = f"all {total:,}" if len(shown) == total else f"{len(shown):,} of {total:,}"
    ax.set(
        xlabel="Map x (principal component 1)",
        ylabel="Map y (principal component 2)",
        title=f"Segment map: {shown_of} customers, centres marked X",
    )
    ax.legend(loc="best", fontsize="small", markerscale=2, framealpha=0.9)
    return figure


def plot_profile_heatmap(segment_profiles: pd.DataFrame) -> Figure:
    """Centre z-score of every feature per segment: how each segment differs from the population.

    Args:
        segment_profiles: Output of ``profile_segments``.
    """
    z_columns = [c for c in segment_profiles.columns if c.endswith("_z")]
    z = segment_profiles[z_columns].to_numpy()
    limit = max(1.0, float(np.abs(z).max()))
    figure = Figure(figsize=(2.2 * len(z_columns) + 4, 0.6 * len(z) + 2), layout="constrained")
    ax = figure.subplots()
    image = ax.imshow(z, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    for (row, column), value in np.ndenumerate(z):
        colour = "white" if abs(value) > limit / 2 else "black"
        ax.text(column, row, f"{value:+.1f}", ha="center", va="center", color=colour)
    ax.set_xticks(range(len(z_columns)), [feature_label(c.removesuffix("_z")) for c in z_columns])
    ax.set_yticks(range(len(z)), _segment_labels(segment_profiles))
    ax.set_title("Segment centres vs the whole population (z-score: sd from the mean)")
    figure.colorbar(image, ax=ax, label="z-score")
    return figure


def plot_segment_sizes(segment_profiles: pd.DataFrame) -> Figure:
    """Number of customers and share per segment.

    Args:
        segment_profiles: Output of ``profile_segments``.
    """
    figure = Figure(figsize=(9, 0.6 * len(segment_profiles) + 2), layout="constrained")
    ax = figure.subplots()
    labels = _segment_labels(segment_profiles)
    bars = ax.barh(labels, segment_profiles["size"], color=_colours(len(segment_profiles)))
    counts = [f"{n:,} ({s:.0%})" for n, s in zip(segment_profiles["size"], segment_profiles["share"])]
    ax.bar_label(bars, counts, padding=4)
    ax.invert_yaxis()
    ax.margins(x=0.2)
    ax.set(xlabel="Customers", title="Segment sizes")
    return figure
