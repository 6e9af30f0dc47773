"""The segmentation model applied as Spark column expressions: the same numbers as ``segmentation.score``.

The model's steps before K-Means are one affine map (``segmentation.scoring.affine_map``); here it is
written out as one expression per model-space coordinate, and each customer's segment is the nearest
centre. Nothing is shipped to the executors but the numbers of the model.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from sklearn.pipeline import Pipeline

from customer_segmentation.segmentation.segmenters import segmenter_of
from customer_segmentation.segmentation.space import affine_map, model_features
from customer_segmentation.spark.features import cell


def coordinates(model: Pipeline) -> list[Column]:
    """Each model-space coordinate (standardized, rotated) as an expression over the feature columns."""
    affine = affine_map(model)
    if affine is None:
        steps = [type(step).__name__ for step in model.named_steps.values()]
        raise ValueError(f"the model's steps {steps} are not select -> StandardScaler -> PCA -> KMeans; only this "
                         "project's model can be applied in Spark")
    matrix, offset = affine
    features = model_features(model)
    return [sum((cell(f) * float(matrix[i, j]) for i, f in enumerate(features)), F.lit(float(offset[j])))
            for j in range(matrix.shape[1])]


def with_coordinates(frame: DataFrame, model: Pipeline, prefix: str = "_c") -> tuple[DataFrame, list[str]]:
    """``frame`` with the model-space coordinates as columns ``_c0``, ``_c1``, ...; and their names."""
    columns = coordinates(model)
    names = [f"{prefix}{j}" for j in range(len(columns))]
    return frame.select("*", *[c.alias(n) for c, n in zip(columns, names)]), names


def assign(frame: DataFrame, model: Pipeline, segment_names: Sequence[str], borderline_ratio: float) -> DataFrame:
    """``frame`` plus ``segment_id``, ``segment_name``, ``distance_to_centre``, ``runner_up_id``,
    ``runner_up_name``, ``borderline``, ``map_x`` and ``map_y``.

    As ``assign_segments`` on pandas: the nearest centre (the lowest id on a tie), the Euclidean
    distance to it in standardized units, the second nearest centre and whether the customer is nearly
    as close to it (``segmentation/explain.py``), and the first two model-space coordinates.
    """
    staged, names = with_coordinates(frame, model)
    centres = segmenter_of(model).centres(model[-1])
    squared = F.array(*[sum(((F.col(n) - float(centre[j])) ** 2 for j, n in enumerate(names)), F.lit(0.0))
                        for centre in centres])
    staged = staged.withColumn("_squared", squared).withColumn("_nearest", F.array_min("_squared"))
    segment = (F.array_position("_squared", F.col("_nearest")) - 1).cast("int")
    staged = staged.withColumn("_segment", segment)
    # The runner-up: the nearest centre once the customer's own is set aside (the lowest id on a tie).
    others = F.transform("_squared", lambda value, i: F.when(i == F.col("_segment"), F.lit(float("inf")))
                         .otherwise(value))
    staged = staged.withColumn("_others", others).withColumn("_second", F.array_min("_others"))
    staged = staged.withColumn("_runner_up", (F.array_position("_others", F.col("_second")) - 1).cast("int"))
    labels = F.array(*[F.lit(str(name)) for name in segment_names])
    closeness = F.sqrt("_nearest") / F.sqrt("_second")
    added = [F.col("_segment").cast("long").alias("segment_id"),
             F.element_at(labels, F.col("_segment") + 1).alias("segment_name"),
             F.sqrt("_nearest").alias("distance_to_centre"),
             F.col("_runner_up").cast("long").alias("runner_up_id"),
             F.element_at(labels, F.col("_runner_up") + 1).alias("runner_up_name"),
             F.coalesce(F.when(F.col("_second") > 0, closeness >= float(borderline_ratio)), F.lit(False))
             .alias("borderline"),
             F.col(names[0]).alias("map_x"),
             (F.col(names[1]) if len(names) > 1 else F.lit(0.0)).alias("map_y")]
    return staged.select(*[cell(c) for c in frame.columns], *added)
