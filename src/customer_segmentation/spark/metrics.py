"""How well the segments separate customers, computed in Spark with the pandas path's definitions.

Calinski-Harabasz and Davies-Bouldin come from per-segment sums (counts and coordinate sums, then
each customer's distance to its segment's mean), finished by ``segmentation.metrics.indices_from_sums``;
the silhouette is scikit-learn's on a seeded sample brought to the driver. Spark's own
``ClusteringEvaluator`` silhouette (on every customer, but with squared Euclidean distances, so
larger) is reported beside it under its own name.
"""

from __future__ import annotations

import numpy as np
from pyspark.ml.evaluation import ClusteringEvaluator
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from sklearn.pipeline import Pipeline

from customer_segmentation.segmentation.metrics import indices_from_sums, sample_silhouette
from customer_segmentation.segmentation.space import model_features
from customer_segmentation.spark.frames import seeded_sample
from customer_segmentation.spark.scoring import with_coordinates


def validity_indices(segments: DataFrame, model: Pipeline) -> tuple[float, float]:
    """Calinski-Harabasz and Davies-Bouldin of ``segments`` (with ``segment_id``) in the model space."""
    staged, names = with_coordinates(segments.select("segment_id", *model_features(model)), model)
    sums = staged.groupBy("segment_id").agg(F.count(F.lit(1)).alias("n"), *[F.sum(n).alias(n) for n in names])
    totals = sums.orderBy("segment_id").toPandas()
    counts = totals["n"].to_numpy(dtype="float64")
    centroids = totals[names].to_numpy() / counts[:, None]
    means = F.broadcast(staged.sparkSession.createDataFrame(
        [(int(s), *map(float, c)) for s, c in zip(totals["segment_id"], centroids)], ["segment_id", *[f"m{n}" for n in names]]))
    distance = F.sqrt(sum(((F.col(n) - F.col(f"m{n}")) ** 2 for n in names), F.lit(0.0)))
    spread = (staged.join(means, "segment_id").groupBy("segment_id")
              .agg(F.sum(distance).alias("spread"), F.sum(distance**2).alias("within")).orderBy("segment_id").toPandas())
    return indices_from_sums(counts, centroids, spread["spread"].to_numpy(), float(spread["within"].sum()))


def silhouettes(segments: DataFrame, model: Pipeline, sample_size: int, seed: int, total: int
                ) -> tuple[float, int, float]:
    """scikit-learn's silhouette on a seeded sample, its size, and Spark's squared-Euclidean one on every row."""
    staged, names = with_coordinates(segments.select("segment_id", *model_features(model)), model)
    sample = seeded_sample(staged, sample_size, seed, ["segment_id", *names], total=total)
    ours = sample_silhouette(sample[names].to_numpy(), sample["segment_id"].to_numpy())
    points = VectorAssembler(inputCols=names, outputCol="_point").transform(
        staged.withColumn("_segment", F.col("segment_id").cast("double")))
    spark = ClusteringEvaluator(featuresCol="_point", predictionCol="_segment", metricName="silhouette",
                                distanceMeasure="squaredEuclidean").evaluate(points)
    return ours, len(sample), float(np.float64(spark))
