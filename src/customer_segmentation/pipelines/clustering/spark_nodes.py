"""clustering on Spark: the model fitted on every customer, the same artefact as on pandas, applied by ``score``.

Training gives the project's scikit-learn ``Pipeline`` (``spark/model.py``), so naming, packaging, the
registry and the app are the pandas nodes'. Assigning the customers is the pandas node itself, run on each
partition; profiles and metrics are Spark aggregates. Only per-segment aggregates and seeded samples
reach the driver.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType
from sklearn.pipeline import Pipeline

from customer_segmentation.features import FeatureTable
from customer_segmentation.features.profiles import Descriptors
from customer_segmentation.pipelines.clustering import nodes
from customer_segmentation.pipelines.clustering.nodes import (
    audience_name,
    check_feature_columns,
    choose_k,
    tracked_scores,
)
from customer_segmentation.pipelines.clustering.profiling import profile_table, segment_name_list, warn_never_positive
from customer_segmentation.pipelines.clustering.plots import segment_map_figure
from customer_segmentation.segmentation import build_segmentation_model, profiles
from customer_segmentation.segmentation.contract import attach_contract, n_segments
from customer_segmentation.segmentation.segmenters import segmenter_of
from customer_segmentation.segmentation.space import model_features
from customer_segmentation.spark.frames import cell, exact_medians, seeded_sample
from customer_segmentation.spark.metrics import segment_metrics
from customer_segmentation.spark.model import fit_on_spark
from customer_segmentation.spark.partitions import map_partitions

logger = logging.getLogger(__name__)


def train_segmentation_model(
    customers: DataFrame,
    k_selection: dict[str, Any],
    n_clusters: int | str | None,
    features: dict[str, Any],
    pca_components: int | None,
    n_init: int,
    random_state: int,
    init_sample_size: int | None,
    algorithm: str | None,
    spark_kmeans: dict[str, Any],
) -> Pipeline:
    """Fits the segmentation model on the customers in Spark, carrying its feature table; a feature with
    ``transform: log`` is clustered on its ``log1p``, as on pandas (the model's ``select`` step).

    Args:
        customers: Model input on Spark: feature columns in their units, plus carried columns.
        k_selection: The eda pipeline's choice; its ``k`` is used when ``n_clusters`` is ``auto``.
        n_clusters: ``auto`` or a number of segments that overrides ``k_selection``.
        features: The feature table.
        pca_components: Principal components kept; ``None`` keeps all.
        n_init: Initialisations of a segmenter fitted on a sample (k-means|| makes one).
        random_state: Seed of k-means|| and of the sample.
        init_sample_size: Customers a segmenter other than K-Means is fitted on (a seeded sample).
        algorithm: ``clustering.algorithm``, the segmenter (``segmentation/segmenters/``).
        spark_kmeans: ``max_iter``, ``tol`` and ``init_steps`` of ``pyspark.ml.clustering.KMeans``.

    Returns:
        The fitted scikit-learn model (segment names are added by ``package_segmentation_model``).
    """
    table = FeatureTable.from_config(features)
    check_feature_columns(customers, table.names)
    k = choose_k(k_selection, n_clusters, customers.count())
    model = build_segmentation_model(table.names, k, pca_components, n_init, random_state, algorithm,
                                     logged=table.logged)
    fit_on_spark(model, customers, random_state, init_sample_size, spark_kmeans)
    return attach_contract(model, table)


def assign_segments(customers: DataFrame, model: Pipeline, segment_names: pd.DataFrame) -> DataFrame:
    """Places every customer in a segment and on the 2-D segment map: the pandas ``assign_segments`` on each
    partition (``score`` and ``explain``), lazily.

    Returns:
        The customers plus the pandas node's columns: ``segment_id``, ``segment_name``, ``distance_to_centre``,
        ``membership_probability`` (a probabilistic segmenter only), ``runner_up_id``, ``runner_up_name``,
        ``borderline``, ``map_x``/``map_y``.
    """
    return map_partitions(customers, lambda batch: nodes.assign_segments(batch, model, segment_names))


def build_segment_audiences(customer_segments: DataFrame, segment_names: pd.DataFrame) -> DataFrame:
    """Every customer with the columns they carry and their flags, and the ``audience`` they belong to
    (``segment_<id>_<name>``, as the pandas path names its files): written partitioned by it, one folder
    of Parquet files per segment (conf/spark/catalog.yml).
    """
    labels = F.create_map(*[item for row in segment_names.itertuples() for item in (
        F.lit(int(row.segment_id)), F.lit(audience_name(row.segment_id, row.segment_name)))])
    return customer_segments.drop("map_x", "map_y").withColumn("audience", labels[F.col("segment_id")])


def describe_segments(customer_segments: DataFrame, segment_names: pd.DataFrame,
                      profile_columns: list[str] | None = None, outcomes: dict[str, Any] | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each segment's mix of every profile column and its rate of every outcome: each partition counted by the
    pandas rules (``segmentation/profiles.py``), the counts added up in Spark; only counts reach the driver.

    Returns:
        ``segment_categories`` and ``segment_outcomes``, as the pandas node writes them.
    """
    described = Descriptors.from_config(profile_columns, outcomes)
    columns = [*described.profile_columns, *dict.fromkeys(outcome.column for outcome in described.outcomes)]
    rows = customer_segments.select("segment_id", *[cell(c) for c in columns])
    category_counts = _summed(rows, lambda batch: profiles.count_categories(
        batch["segment_id"], batch, described.profile_columns), CATEGORY_COUNTS) if described.profile_columns else None
    outcome_counts = _summed(rows, lambda batch: profiles.count_outcomes(
        batch["segment_id"], batch, described.outcomes), OUTCOME_COUNTS) if described.outcomes else None
    mix, rates = profiles.describe_counts(described, _or_empty(category_counts, CATEGORY_COUNTS),
                                          _or_empty(outcome_counts, OUTCOME_COUNTS), segment_name_list(segment_names))
    warn_never_positive(rates, described)
    return mix, rates


CATEGORY_COUNTS = StructType([StructField("column", StringType()), StructField("category", StringType()),
                              StructField("segment_id", LongType()), StructField("customers", LongType())])
OUTCOME_COUNTS = StructType([StructField("outcome", StringType()), StructField("segment_id", LongType()),
                             StructField("customers", LongType()), StructField("positives", LongType())])


def _summed(rows: DataFrame, count: Any, schema: StructType) -> pd.DataFrame:
    """``count`` of each partition's rows, its counts (customers, positives) added up per key in Spark."""
    values = [name for name in ("customers", "positives") if name in schema.names]
    keys = [name for name in schema.names if name not in values]
    counted = map_partitions(rows, count, schema).groupBy(*keys).agg(*[F.sum(v).alias(v) for v in values])
    return counted.toPandas().astype({v: "int64" for v in values})


def _or_empty(counts: pd.DataFrame | None, schema: StructType) -> pd.DataFrame:
    return counts if counts is not None else pd.DataFrame(columns=schema.names)


def profile_segments(customer_segments: DataFrame, model: Pipeline, segment_names: pd.DataFrame,
                     segment_categories: pd.DataFrame | None = None, segment_outcomes: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """Describes each segment from Spark aggregates: size, share, feature means and (exact) medians, z-scores,
    with ``describe_segments``' mixes and outcome rates.

    Returns:
        One row per segment, ordered by ``segment_id``.
    """
    features = model_features(model)
    sums = customer_segments.groupBy("segment_id").agg(
        F.count(F.lit(1)).alias("_size"), *[F.avg(cell(f)).alias(f) for f in features]).toPandas()
    sums = sums.set_index("segment_id")
    medians = exact_medians(customer_segments, features, by="segment_id")
    return profile_table(model, segment_names, sums["_size"], sums[features], medians, None, segment_categories,
                         segment_outcomes)


def evaluate_segmentation(
    customer_segments: DataFrame, model: Pipeline, silhouette_sample_size: int, random_state: int
) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """Scores the segmentation in the model's (standardized) space, in Spark.

    Returns:
        ``clustering_metrics`` (the pandas path's report, plus ``spark_squared_euclidean_silhouette``:
        Spark's ``ClusteringEvaluator`` on every customer) and its ``TRACKED_METRICS`` for MLflow.
    """
    n_customers = customer_segments.count()
    found = segment_metrics(customer_segments, model, silhouette_sample_size, random_state, n_customers)
    scores = {
        "k": n_segments(model),
        "n_customers": n_customers,
        "silhouette": found["silhouette"],
        "silhouette_sample_size": found["silhouette_sample_size"],
        "inertia": segmenter_of(model).inertia(model[-1]),
        "calinski_harabasz": found["calinski_harabasz"],
        "davies_bouldin": found["davies_bouldin"],
        "spark_squared_euclidean_silhouette": found["spark_squared_euclidean_silhouette"],
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
