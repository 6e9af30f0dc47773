"""clustering on Spark: K-Means fitted on every customer by ``pyspark.ml``, the same model artefact as on pandas.

Training gives the project's scikit-learn ``Pipeline`` (``spark/model.py``), so naming, packaging,
the registry and the app are the pandas nodes'. Assigning, profiling and scoring the customers run in
Spark; only per-segment aggregates and seeded samples reach the driver.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from sklearn.pipeline import Pipeline

from customer_segmentation.features import FeatureTable
from customer_segmentation.pipelines.clustering.nodes import (
    audience_name,
    check_feature_columns,
    choose_k,
    profile_table,
    tracked_scores,
)
from customer_segmentation.pipelines.clustering.plots import segment_map_figure
from customer_segmentation.segmentation import build_segmentation_model
from customer_segmentation.segmentation.contract import attach_contract, model_borderline_ratio
from customer_segmentation.segmentation.contract import n_segments
from customer_segmentation.segmentation.segmenters import segmenter_of
from customer_segmentation.segmentation.space import model_features
from customer_segmentation.spark import metrics, scoring
from customer_segmentation.spark.features import cell
from customer_segmentation.spark.frames import exact_medians, seeded_sample
from customer_segmentation.spark.model import fit_on_spark

logger = logging.getLogger(__name__)


def _names(segment_names: pd.DataFrame) -> list[str]:
    return segment_names.sort_values("segment_id")["segment_name"].astype(str).tolist()


def train_segmentation_model(
    customers: DataFrame,
    k_selection: dict[str, Any],
    n_clusters: int | str | None,
    features: dict[str, Any],
    pca_components: int | None,
    random_state: int,
    spark_kmeans: dict[str, Any],
) -> Pipeline:
    """Fits the segmentation model on every customer with ``pyspark.ml``, carrying its feature table.

    Args:
        customers: Model input on Spark: feature columns in their units, plus carried columns.
        k_selection: The eda pipeline's choice; its ``k`` is used when ``n_clusters`` is ``auto``.
        n_clusters: ``auto`` or a number of segments that overrides ``k_selection``.
        features: The feature table.
        pca_components: Principal components kept; ``None`` keeps all.
        random_state: Seed of k-means||.
        spark_kmeans: ``max_iter``, ``tol`` and ``init_steps`` of ``pyspark.ml.clustering.KMeans``.

    Returns:
        The fitted scikit-learn model (segment names are added by ``package_segmentation_model``).
    """
    table = FeatureTable.from_config(features)
    check_feature_columns(customers, table.names)
    k = choose_k(k_selection, n_clusters, customers.count())
    model = build_segmentation_model(table.names, k, pca_components, 1, random_state)
    fit_on_spark(model, customers, random_state, **spark_kmeans)
    return attach_contract(model, table)


def assign_segments(customers: DataFrame, model: Pipeline, segment_names: pd.DataFrame) -> DataFrame:
    """Places every customer in a segment and on the 2-D segment map, in Spark.

    Returns:
        The customers plus the columns of the pandas ``assign_segments``: ``segment_id``, ``segment_name``,
        ``distance_to_centre``, ``runner_up_id``, ``runner_up_name``, ``borderline``, ``map_x``/``map_y``.
    """
    return scoring.assign(customers, model, _names(segment_names), model_borderline_ratio(model))


def build_segment_audiences(customer_segments: DataFrame, segment_names: pd.DataFrame) -> DataFrame:
    """Every customer with the columns they carry and their flags, and the ``audience`` they belong to
    (``segment_<id>_<name>``, as the pandas path names its files): written partitioned by it, one folder
    of Parquet files per segment (conf/spark/catalog.yml).
    """
    labels = F.create_map(*[item for row in segment_names.itertuples()
                            for item in (F.lit(int(row.segment_id)), F.lit(audience_name(row.segment_id, row.segment_name)))])
    return customer_segments.drop("map_x", "map_y").withColumn("audience", labels[F.col("segment_id")])


def profile_segments(customer_segments: DataFrame, model: Pipeline, segment_names: pd.DataFrame) -> pd.DataFrame:
    """Describes each segment from Spark aggregates: size, share, feature means and (exact) medians, z-scores.

    Returns:
        One row per segment, ordered by ``segment_id``.
    """
    features = model_features(model)
    sums = customer_segments.groupBy("segment_id").agg(
        F.count(F.lit(1)).alias("_size"), *[F.avg(cell(f)).alias(f) for f in features]).toPandas()
    sums = sums.set_index("segment_id")
    medians = exact_medians(customer_segments, features, by="segment_id")
    return profile_table(model, segment_names, sums["_size"], sums[features], medians)


def evaluate_segmentation(
    customer_segments: DataFrame, model: Pipeline, silhouette_sample_size: int, random_state: int
) -> dict[str, Any]:
    """Scores the segmentation in the model's (standardized) space, in Spark.

    Returns:
        ``clustering_metrics`` (the pandas path's report, plus ``spark_squared_euclidean_silhouette``:
        Spark's ``ClusteringEvaluator`` on every customer) and its ``TRACKED_METRICS`` for MLflow.
    """
    n_customers = customer_segments.count()
    calinski_harabasz, davies_bouldin = metrics.validity_indices(customer_segments, model)
    silhouette, sample, spark_silhouette = metrics.silhouettes(customer_segments, model, silhouette_sample_size,
                                                               random_state, n_customers)
    scores = {
        "k": n_segments(model),
        "n_customers": n_customers,
        "silhouette": silhouette,
        "silhouette_sample_size": sample,
        "inertia": segmenter_of(model).inertia(model[-1]),
        "calinski_harabasz": calinski_harabasz,
        "davies_bouldin": davies_bouldin,
        "spark_squared_euclidean_silhouette": spark_silhouette,
    }
    logger.info("clustering metrics: %s", scores)
    return scores, tracked_scores(scores)


def plot_segment_map(
    customer_segments: DataFrame, segment_profiles: pd.DataFrame, sample_size: int, random_state: int
) -> Figure:
    """The segment map of a seeded sample of the customers, brought to the driver.

    Returns:
        The figure of ``plots.segment_map_figure``.
    """
    total = customer_segments.count()
    shown = seeded_sample(customer_segments, sample_size, random_state, ["segment_id", "map_x", "map_y"], total=total)
    return segment_map_figure(shown, segment_profiles, total)
