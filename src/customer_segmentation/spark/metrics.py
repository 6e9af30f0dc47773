"""How well the segments separate customers, computed in Spark with the pandas path's definitions.

Each customer's coordinates in the model space come from ``segmentation.space`` on each partition.
Calinski-Harabasz and Davies-Bouldin come from per-segment sums (counts and coordinate sums, then each
customer's distance to its segment's mean), finished by ``segmentation.metrics.indices_from_sums``; the
silhouette is scikit-learn's on a seeded sample brought to the driver. Spark's own ``ClusteringEvaluator``
silhouette (on every customer, but with squared Euclidean distances, so larger) is reported beside it.
"""

from __future__ import annotations

from pyspark import StorageLevel
from pyspark.ml.evaluation import ClusteringEvaluator
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from sklearn.pipeline import Pipeline

from customer_segmentation.names import SEGMENT_ID
from customer_segmentation.segmentation.metrics import indices_from_sums, sample_silhouette
from customer_segmentation.segmentation.space import model_features
from customer_segmentation.spark.frames import cell, seeded_sample
from customer_segmentation.spark.partitions import with_coordinates


def segment_metrics(segments: DataFrame, model: Pipeline, sample_size: int, seed: int, total: int) -> dict[str, float]:
    """``calinski_harabasz``, ``davies_bouldin``, ``silhouette`` (scikit-learn's, on a seeded sample of
    ``sample_size`` customers), ``silhouette_sample_size`` and ``spark_squared_euclidean_silhouette``.

    Args:
        segments: Customers with ``segment_id`` and the model's features.
        model: The fitted model.
        sample_size: Customers sampled for the silhouette.
        seed: Seed of the sample.
        total: ``segments.count()``.
    """
    staged, names = with_coordinates(segments.select(SEGMENT_ID, *map(cell, model_features(model))), model)
    staged = staged.select(SEGMENT_ID, *names).persist(StorageLevel.MEMORY_AND_DISK)  # four passes below
    try:
        sums = staged.groupBy(SEGMENT_ID).agg(F.count(F.lit(1)).alias("n"), *[F.sum(n).alias(n) for n in names])
        totals = sums.orderBy(SEGMENT_ID).toPandas()
        counts = totals["n"].to_numpy(dtype="float64")
        centroids = totals[names].to_numpy() / counts[:, None]
        means = staged.sparkSession.createDataFrame(
            [(int(s), *map(float, c)) for s, c in zip(totals[SEGMENT_ID], centroids)], [SEGMENT_ID, *[f"m{n}" for n in names]])
        distance = F.sqrt(sum(((F.col(n) - F.col(f"m{n}")) ** 2 for n in names), F.lit(0.0)))
        spread = (staged.join(F.broadcast(means), SEGMENT_ID).groupBy(SEGMENT_ID)
                  .agg(F.sum(distance).alias("spread"), F.sum(distance**2).alias("within")).orderBy(SEGMENT_ID).toPandas())
        calinski_harabasz, davies_bouldin = indices_from_sums(counts, centroids, spread["spread"].to_numpy(),
                                                              float(spread["within"].sum()))
        sample = seeded_sample(staged, sample_size, seed, [SEGMENT_ID, *names], total=total)
        points = VectorAssembler(inputCols=names, outputCol="_point").transform(
            staged.withColumn("_segment", F.col(SEGMENT_ID).cast("double")))
        squared = ClusteringEvaluator(featuresCol="_point", predictionCol="_segment", metricName="silhouette",
                                      distanceMeasure="squaredEuclidean").evaluate(points)
    finally:
        staged.unpersist()
    return {"calinski_harabasz": calinski_harabasz, "davies_bouldin": davies_bouldin,
            "silhouette": sample_silhouette(sample[names].to_numpy(), sample[SEGMENT_ID].to_numpy()),
            "silhouette_sample_size": len(sample), "spark_squared_euclidean_silhouette": float(squared)}
