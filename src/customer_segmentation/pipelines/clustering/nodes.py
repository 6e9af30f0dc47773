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
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from customer_segmentation.pipelines.eda.selection import parse_n_clusters
from customer_segmentation.schema import CustomerDataError, feature_label

from . import naming

logger = logging.getLogger(__name__)

# Scores of clustering_metrics also logged as MLflow metrics (one catalog entry each).
TRACKED_METRICS = ("k", "silhouette", "inertia", "calinski_harabasz", "davies_bouldin")


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
    """Renumbers the fitted K-Means segments in the canonical order (see module docstring)."""
    kmeans = model["kmeans"]
    _, original = _centres(model)
    order = np.lexsort(original.T[::-1])  # lexsort's primary key is its last
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    kmeans.cluster_centers_ = kmeans.cluster_centers_[order]
    kmeans.labels_ = rank[kmeans.labels_].astype(kmeans.labels_.dtype)


def _silhouette(coordinates: np.ndarray, labels: np.ndarray, sample_size: int, random_state: int) -> float:
    # Distances in 64 MB chunks: scikit-learn's default (1 GB) would hold the whole 10k x 10k matrix.
    with config_context(working_memory=64):
        return float(silhouette_score(coordinates, labels, sample_size=sample_size, random_state=random_state))


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

    Returns:
        The fitted model, twice: for the versioned pickle and for the MLflow registry.
    """
    _check_columns(customers, features)
    k = _choose_k(k_selection, n_clusters, len(customers))
    model = build_segmentation_model(features, k, pca_components, n_init, random_state)
    model.fit(customers[list(features)])
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
    coordinates = model[:-1].transform(customers)
    centres = model["kmeans"].cluster_centers_
    ids = model["kmeans"].predict(coordinates)
    names = pd.array(segment_names.sort_values("segment_id")["segment_name"].tolist(), dtype="str")
    return customers.assign(
        segment_id=ids.astype("int64"),
        segment_name=names.take(ids),
        distance_to_centre=np.linalg.norm(coordinates - centres[ids], axis=1),
        map_x=coordinates[:, 0],
        map_y=coordinates[:, 1],
    )


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
    coordinates = model[:-1].transform(customer_segments)
    labels = customer_segments["segment_id"].to_numpy()
    sample = min(len(labels), silhouette_sample_size)
    metrics = {
        "k": int(model["kmeans"].n_clusters),
        "n_customers": len(labels),
        "silhouette": _silhouette(coordinates, labels, sample, random_state),
        "silhouette_sample_size": sample,
        "inertia": float(model["kmeans"].inertia_),
        "calinski_harabasz": float(calinski_harabasz_score(coordinates, labels)),
        "davies_bouldin": float(davies_bouldin_score(coordinates, labels)),
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
    shown = customer_segments.sample(n=min(sample_size, len(customer_segments)), random_state=random_state)
    figure = Figure(figsize=(9, 6.5), layout="constrained")
    ax = figure.subplots()
    colours = _colours(len(segment_profiles))
    for segment, label, colour in zip(segment_profiles["segment_id"], _segment_labels(segment_profiles), colours):
        members = shown[shown["segment_id"] == segment]
        ax.scatter(members["map_x"], members["map_y"], s=8, alpha=0.5, color=colour, label=label, linewidths=0)
    ax.scatter(segment_profiles["map_x"], segment_profiles["map_y"], marker="X", s=220, c=colours, edgecolors="black")
    for segment, x, y in zip(segment_profiles["segment_id"], segment_profiles["map_x"], segment_profiles["map_y"]):
        ax.annotate(str(segment), (x, y), xytext=(8, 8), textcoords="offset points", fontweight="bold")
    total = len(customer_segments)
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
