"""Fit segments (K-Means by default, any segmenter of ``clustering.algorithm``), name them, apply them and score
them (their profiles: ``profiling.py``).

The model itself (build, fit at scale, canonical order), applying it (``score``) and its metrics live
in ``customer_segmentation.segmentation``; the report figures in ``plots.py``; the naming rules in
``naming.py``. These nodes only wire them to the catalog.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.features import FeatureTable
from customer_segmentation.io.filenames import safe_stem
from customer_segmentation.names import BORDERLINE, MEMBERSHIP, RUNNER_UP_ID, RUNNER_UP_NAME
from customer_segmentation.pipelines.eda.selection import parse_n_clusters
from customer_segmentation.segmentation import build_segmentation_model, centres, fit_segmentation_model, score
from customer_segmentation.segmentation.model import prototype_categories
from customer_segmentation.segmentation.contract import (
    attach_contract,
    model_borderline_ratio,
    model_table,
    n_segments,
)
from customer_segmentation.segmentation.explain import explain
from customer_segmentation.segmentation.metrics import silhouette, validity_indices
from customer_segmentation.segmentation.segmenters import segmenter_of
from customer_segmentation.segmentation.space import numeric_features

from . import naming
from .profiling import segment_name_list

logger = logging.getLogger(__name__)

# Scores of clustering_metrics also logged as MLflow metrics (clustering_scores), each under its own name.
TRACKED_METRICS = ("k", "silhouette", "inertia", "calinski_harabasz", "davies_bouldin")


def choose_k(k_selection: dict[str, Any], n_clusters: int | str | None, n_customers: int) -> int:
    """The number of segments: ``n_clusters`` when it is a number, else eda's choice (checked)."""
    override = parse_n_clusters(n_clusters, n_customers)
    if override is not None:
        return override
    k = (k_selection or {}).get("k")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k < n_customers:
        raise ConfigurationError(
            f"k_selection['k'] is {k!r} for {n_customers} customers; expected a whole number from 2 to "
            f"{n_customers - 1}. Run the eda pipeline again (kedro run --pipelines eda) or set n_clusters"
        )
    return int(k)


def check_feature_columns(customers: Any, features: list[str]) -> None:
    """Raises a :class:`CustomerDataError` naming the feature columns ``customers`` (any frame) lacks."""
    missing = [f for f in features if f not in customers.columns]
    if missing:
        raise CustomerDataError(
            f"feature column(s) {missing} missing from the customers; columns found: {list(customers.columns)}. "
            "Run the data_processing pipeline again with this feature table"
        )


def train_segmentation_model(
    customers: pd.DataFrame,
    k_selection: dict[str, Any],
    n_clusters: int | str | None,
    features: dict[str, Any],
    pca_components: int | None,
    n_init: int,
    random_state: int,
    init_sample_size: int | None = None,
    algorithm: str | None = None,
    categories_grouped: dict[str, Any] | None = None,
) -> Pipeline:
    """Fits the segmentation model, segments in the canonical order, carrying its feature table.

    Args:
        customers: Model input: feature columns in their units, plus carried columns.
        k_selection: The eda pipeline's choice; its ``k`` is used when ``n_clusters`` is ``auto``.
        n_clusters: ``auto`` or a number of segments that overrides ``k_selection``.
        features: The feature table.
        pca_components: Principal components kept; ``None`` keeps all.
        n_init: The segmenter's initialisations.
        random_state: Seed.
        init_sample_size: Above this many customers, the segmenter is fitted on a seeded sample of this
            size (K-Means then refines it on all customers); ``None`` never samples.
        algorithm: ``clustering.algorithm``, the segmenter (``segmentation/segmenters/``).
        categories_grouped: The rare categories data_processing grouped as Other, per category feature: the model
            keeps to read them the same way (category features only).

    Returns:
        The fitted model (segment names are added by ``package_segmentation_model``).
    """
    table = FeatureTable.from_config(features)
    check_feature_columns(customers, table.names)
    k = choose_k(k_selection, n_clusters, len(customers))
    categorical = [feature.name for feature in table.categorical]
    model = build_segmentation_model(table.names, k, pca_components, n_init, random_state, algorithm, categorical,
                                     logged=table.logged)
    fit_segmentation_model(model, customers, init_sample_size)
    grouped = categories_grouped or {}
    attach_contract(model, table, category_groups={f: grouped.get(f, {}).get("categories", []) for f in categorical}
                    if categorical else None)
    inertia = segmenter_of(model).inertia(model[-1])
    logger.info("fitted %d segments (%s) on %d customers%s", k, segmenter_of(model).name, len(customers),
                "" if inertia is None else f" (inertia {inertia:.1f})")
    return model


def name_segments(model: Pipeline, naming_rules: dict[str, Any]) -> pd.DataFrame:
    """Names each segment in plain words from its centre, and its categories for category features (rules in
    ``naming.py``).

    Args:
        model: The fitted segmentation model (its feature table gives words, units and actions).
        naming_rules: ``clustering.naming``: threshold, max_traits, lead, personas.

    Returns:
        One row per segment: ``segment_id``, ``segment_name``, ``description``, ``suggested_action``.
    """
    table, rules = model_table(model), naming.NamingRules.from_config(naming_rules)
    features = numeric_features(model)
    z, original = centres(model)
    scores = [dict(zip(features, row)) for row in z]
    categories = prototype_categories(model).to_dict("records")
    distinct = naming.distinct_categories(categories)
    named = [naming.name_segment(score_, table, rules, own) for score_, own in zip(scores, distinct)]
    descriptions = [naming.describe_segment(dict(zip(features, o)), s, table, rules, c)
                    for o, s, c in zip(original, scores, categories)]
    return pd.DataFrame(
        {
            "segment_id": np.arange(len(z)),
            "segment_name": naming.make_unique([name for name, _ in named], z, FeatureTable(table.numeric)),
            "description": descriptions,
            "suggested_action": [action for _, action in named],
        }
    )


def package_segmentation_model(model: Pipeline, segment_names: pd.DataFrame, borderline_ratio: float,
                               order_log: dict[str, Any] | None = None) -> Pipeline:
    """Adds the segment names, the borderline ratio and the order log's mapping to the model's contract, for every
    reader of the model (the app aggregates an uploaded order log with it).

    Args:
        model: The fitted model.
        segment_names: Output of ``name_segments``.
        borderline_ratio: Own / runner-up distance from which a customer is borderline (0 < ratio <= 1).
        order_log: ``params:transactions``, the order log's mapping; None (base's default) for a customer file.

    Returns:
        The model with its full contract (a copy: the fitted model handed in is left as it is).
    """
    if not 0 < borderline_ratio <= 1:
        raise ConfigurationError(f"parameter 'clustering.borderline_ratio' is {borderline_ratio!r}; use a number "
                                 "above 0 and at most 1, e.g. 0.9 (conf/base/parameters_clustering.yml)")
    names = segment_name_list(segment_names)
    return attach_contract(copy.deepcopy(model), model_table(model), names, borderline_ratio, order_log=order_log)


def assign_segments(customers: pd.DataFrame, model: Pipeline, segment_names: pd.DataFrame) -> pd.DataFrame:
    """Places every customer in a segment and on the 2-D segment map.

    Args:
        customers: Customers with the model's feature columns; other columns are kept.
        model: The fitted segmentation model.
        segment_names: Output of ``name_segments``.

    Returns:
        The customers plus ``segment_id``, ``segment_name``, ``distance_to_centre`` (standardized
        units), ``membership_probability`` (a probabilistic segmenter only), ``runner_up_id``,
        ``runner_up_name``, ``borderline`` (``segmentation/explain.py``) and ``map_x``/``map_y`` (first two
        principal components).
    """
    scores = score(model, customers)
    names = segment_name_list(segment_names)
    explained = explain(scores, names, model_borderline_ratio(model))
    added = {
        "segment_id": scores["segment_id"],
        # A categorical: one small code per customer instead of a string (and Parquet stores it as such).
        "segment_name": pd.Series(pd.Categorical.from_codes(scores["segment_id"].to_numpy(), categories=names),
                                  index=customers.index, copy=False),
        "distance_to_centre": scores["distance_to_centre"],
        **({MEMBERSHIP: scores[MEMBERSHIP]} if MEMBERSHIP in scores.columns else {}),
        **{column: explained[column] for column in (RUNNER_UP_ID, RUNNER_UP_NAME, BORDERLINE)},
        "map_x": scores["map_x"],
        "map_y": scores["map_y"],
    }
    return customers.assign(**added)


def build_segment_audiences(customer_segments: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One audience per segment, for campaigns: its customers with every column they carry and their flags.

    Args:
        customer_segments: Output of ``assign_segments``.

    Returns:
        ``{"segment_<id>_<name>": customers}``, without the segment-map coordinates.
    """
    audiences = customer_segments.drop(columns=["map_x", "map_y"])
    names = audiences.groupby("segment_id", observed=True)["segment_name"].first()
    return {audience_name(segment, name): group
            for (segment, group), name in zip(audiences.groupby("segment_id", sort=True), names)}


def audience_name(segment_id: int, segment_name: str) -> str:
    """``segment_<id>_<name in lower case, words joined by _>``: the file (or folder) of a segment's audience."""
    return f"segment_{int(segment_id)}_{safe_stem(segment_name)}"


def tracked_scores(metrics: dict[str, Any]) -> dict[str, dict[str, float]]:
    """``TRACKED_METRICS`` of ``metrics`` as kedro-mlflow's metric histories (one step each); a metric the
    algorithm does not have (None) is left out."""
    return {name: {"value": float(metrics[name]), "step": 0} for name in TRACKED_METRICS
            if metrics.get(name) is not None}


def evaluate_segmentation(
    customer_segments: pd.DataFrame, model: Pipeline, silhouette_sample_size: int, random_state: int
) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """Scores the segmentation in the model's (standardized) space.

    Args:
        customer_segments: Output of ``assign_segments``.
        model: The fitted segmentation model.
        silhouette_sample_size: Customers sampled for the silhouette (quadratic in rows).
        random_state: Seed of the sample.

    Returns:
        ``clustering_metrics`` (the JSON report) and its ``TRACKED_METRICS`` for MLflow.
    """
    labels = customer_segments["segment_id"].to_numpy()
    sample = min(len(labels), silhouette_sample_size)
    calinski_harabasz, davies_bouldin = validity_indices(model, customer_segments, labels)
    metrics = {
        "k": n_segments(model),
        "n_customers": len(labels),
        "silhouette": silhouette(model, customer_segments, labels, sample, random_state),
        "silhouette_sample_size": sample,
        "inertia": segmenter_of(model).inertia(model[-1]),
        "calinski_harabasz": calinski_harabasz,
        "davies_bouldin": davies_bouldin,
    }
    logger.info("clustering metrics: %s", metrics)
    return metrics, tracked_scores(metrics)
