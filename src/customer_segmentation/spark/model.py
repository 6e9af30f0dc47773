"""The segmentation model fitted on every row with ``pyspark.ml``, as the project's scikit-learn model.

``pyspark.ml``'s ``StandardScaler`` (centred: ``withMean=True``) learns each feature's mean and standard
deviation in one pass; its deviation is the sample one (divided by ``n - 1``), scikit-learn's the
population one (by ``n``), so it is corrected by ``sqrt((n - 1) / n)``. The PCA rotation comes from
the covariance of the standardized features (one more pass), ``pyspark.ml``'s ``KMeans`` (k-means||,
seeded) finds the centres in that space on all rows. The result is the same ``Pipeline`` the pandas
path trains (``segmentation.model.fit_from_statistics``, then the K-Means segmenter's ``set_centres``): the
app, the registry and ``mlflow models serve`` use it unchanged.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
from pyspark import StorageLevel
from pyspark.ml.clustering import KMeans
from pyspark.ml.feature import StandardScaler, VectorAssembler
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from sklearn.pipeline import Pipeline

from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.segmentation.model import canonical_order, fit_from_statistics
from customer_segmentation.segmentation.segmenters import segmenter_of
from customer_segmentation.segmentation.segmenters.kmeans import KMeansSegmenter
from customer_segmentation.segmentation.space import model_features
from customer_segmentation.spark.features import cell
from customer_segmentation.spark.scoring import with_coordinates

logger = logging.getLogger(__name__)


def _moments(customers: DataFrame, features: list[str]) -> tuple[int, np.ndarray, np.ndarray]:
    """Rows, means and population standard deviations, from ``pyspark.ml``'s StandardScaler."""
    vectors = VectorAssembler(inputCols=features, outputCol="_x").transform(customers.select(*map(cell, features)))
    scaler = StandardScaler(withMean=True, withStd=True, inputCol="_x", outputCol="_z").fit(vectors)
    n_rows = customers.count()
    sample_sd = scaler.std.toArray()
    return n_rows, scaler.mean.toArray(), sample_sd * math.sqrt((n_rows - 1) / n_rows)


def _covariance(customers: DataFrame, features: list[str], mean: np.ndarray, scale: np.ndarray, n_rows: int
                ) -> np.ndarray:
    """The population covariance of the standardized features, from the sums of their pairwise products."""
    z = [(cell(f) - float(m)) / float(s) for f, m, s in zip(features, mean, scale)]
    pairs = [(i, j) for i in range(len(z)) for j in range(i, len(z))]
    sums = customers.agg(*[F.sum(z[i] * z[j]).alias(f"s{i}_{j}") for i, j in pairs]).first()
    covariance = np.zeros((len(z), len(z)))
    for i, j in pairs:
        covariance[i, j] = covariance[j, i] = sums[f"s{i}_{j}"] / n_rows
    return covariance


def fit_on_spark(model: Pipeline, customers: DataFrame, seed: int, max_iter: int, tol: float, init_steps: int
                 ) -> Pipeline:
    """Fits ``model`` (from ``build_segmentation_model``) on every row of ``customers``, in Spark.

    Args:
        model: The unfitted select -> scaler -> pca -> kmeans pipeline.
        customers: Rows with the feature columns (doubles, complete).
        seed: Seed of k-means||.
        max_iter, tol, init_steps: ``pyspark.ml`` KMeans' ``maxIter``, ``tol`` and ``initSteps``.

    Returns:
        ``model``, fitted, its segments in the canonical order.
    """
    segmenter = segmenter_of(model)
    if not isinstance(segmenter, KMeansSegmenter):
        raise ConfigurationError(f"clustering.algorithm {segmenter.name!r} cannot be fitted on Spark yet; use kmeans "
                                 "with --env spark")
    features = list(model["select"].transformers[0][2])
    k = segmenter.n_segments(model[-1])
    n_rows, mean, sd = _moments(customers, features)
    if n_rows <= k:
        raise CustomerDataError(f"{n_rows} customers cannot make {k} segments; segment more customers or lower "
                                "n_clusters")
    scale = np.where(sd > 10 * np.finfo(float).eps, sd, 1.0)  # scikit-learn's rule for a constant feature
    fit_from_statistics(model, n_rows, mean, sd, _covariance(customers, features, mean, scale, n_rows))
    staged, names = with_coordinates(customers.select(*map(cell, model_features(model))), model)
    points = VectorAssembler(inputCols=names, outputCol="_point").transform(staged).select("_point")
    points = points.persist(StorageLevel.MEMORY_AND_DISK)  # K-Means passes over them once per iteration
    try:
        fitted = KMeans(k=k, initMode="k-means||", initSteps=init_steps, maxIter=max_iter, tol=tol, seed=seed,
                        featuresCol="_point").fit(points)
    finally:
        points.unpersist()
    centres = np.array(fitted.clusterCenters())
    if len(np.unique(centres, axis=0)) < k:
        raise CustomerDataError(f"K-Means found {len(np.unique(centres, axis=0))} distinct segment centres, not {k}: "
                                "the customers have too few distinct values; lower n_clusters")
    summary: Any = fitted.summary
    logger.info("K-Means on Spark: %d segments on %d customers in %d iterations (cost %.1f)", k, n_rows,
                summary.numIter, summary.trainingCost)
    segmenter.set_centres(model[-1], centres, summary.trainingCost, summary.numIter)
    return canonical_order(model)
