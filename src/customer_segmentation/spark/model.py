"""The segmentation model fitted on Spark, as the project's scikit-learn model.

The scaler and the PCA rotation come from statistics of every row, in one pass (count, means, population
standard deviations, covariances), through ``segmentation.model.fit_from_statistics``: statistics of what the
model's ``select`` step gives, so of ``log1p(value)`` for a feature with ``transform: log``
(``space.logged_features``), as the pandas fit takes them. Then the segmenter:

* K-Means above ``init_sample_size`` customers: ``pyspark.ml``'s ``KMeans`` (k-means||, seeded) finds the
  centres on every row, in the model space, and the K-Means segmenter's ``set_centres`` gives them to the
  scikit-learn step;
* K-Means on at most ``init_sample_size`` customers: scikit-learn's, on every row brought to the driver (at most
  that many rows, in ``source_row`` order), with its ``n_init`` initialisations, as the pandas path fits them. One
  k-means|| initialisation is no match for ten on a few hundred customers: on the shipped order log it kept a
  local optimum with 29 % more inertia, and other segments than pandas (adjusted Rand index 0.65);
* any other segmenter (a Gaussian mixture...): fitted by scikit-learn on a seeded sample of
  ``init_sample_size`` rows brought to the driver, as the pandas path fits it above that many customers.

Segments are then numbered in the canonical order. The result is the same ``Pipeline`` the pandas path
trains: the app, the registry and ``mlflow models serve`` use it unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from pyspark import StorageLevel
from pyspark.ml.clustering import KMeans
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from sklearn.pipeline import Pipeline

from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.names import ROW_COLUMN
from customer_segmentation.segmentation.model import canonical_order, fit_from_statistics
from customer_segmentation.segmentation.segmenters import segmenter_of
from customer_segmentation.segmentation.segmenters.kmeans import KMeansSegmenter
from customer_segmentation.segmentation.space import logged_features, selected_features
from customer_segmentation.spark.frames import cell, seeded_sample
from customer_segmentation.spark.partitions import with_coordinates

logger = logging.getLogger(__name__)


def selected_columns(model: Pipeline) -> list[Column]:
    """What the model's ``select`` step gives, as Spark columns: each feature in order, as its ``log1p`` where the
    model clusters it on that scale (``transform: log``)."""
    logged = set(logged_features(model))
    return [F.log1p(cell(f)) if f in logged else cell(f) for f in selected_features(model)]


def _statistics(customers: DataFrame, features: list[Column]) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Rows, means, population standard deviations and the standardized features' covariance, in one pass."""
    pairs = [(i, j) for i in range(len(features)) for j in range(i, len(features))]
    found = customers.agg(F.count(F.lit(1)).alias("n"), *[F.avg(f).alias(f"m{i}") for i, f in enumerate(features)],
                          *[F.stddev_pop(f).alias(f"s{i}") for i, f in enumerate(features)],
                          *[F.covar_pop(features[i], features[j]).alias(f"c{i}_{j}") for i, j in pairs]
                          ).first()
    n_rows = int(found["n"])
    if n_rows < 2:
        raise CustomerDataError(f"{n_rows} customer(s) cannot be segmented; segment more customers")
    mean = np.array([found[f"m{i}"] for i in range(len(features))], dtype="float64")
    sd = np.array([found[f"s{i}"] for i in range(len(features))], dtype="float64")
    scale = np.where(sd > 10 * np.finfo(float).eps, sd, 1.0)  # scikit-learn's rule for a constant feature
    covariance = np.zeros((len(features), len(features)))
    for i, j in pairs:
        covariance[i, j] = covariance[j, i] = found[f"c{i}_{j}"] / (scale[i] * scale[j])
    return n_rows, mean, sd, covariance


def _fit_kmeans(model: Pipeline, customers: DataFrame, n_rows: int, seed: int, spark_kmeans: dict[str, Any]) -> None:
    """k-means|| on every row in the model space, its centres given to the scikit-learn step."""
    segmenter: Any = segmenter_of(model)
    k = segmenter.n_segments(model[-1])
    staged, names = with_coordinates(customers.select(*map(cell, model.feature_names_in_)), model)
    points = VectorAssembler(inputCols=names, outputCol="_point").transform(staged).select("_point")
    points = points.persist(StorageLevel.MEMORY_AND_DISK)  # K-Means passes over them once per iteration
    try:
        fitted = KMeans(k=k, initMode="k-means||", initSteps=spark_kmeans["init_steps"], maxIter=spark_kmeans["max_iter"],
                        tol=spark_kmeans["tol"], seed=seed, featuresCol="_point").fit(points)
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


def _fit_on_sample(model: Pipeline, customers: DataFrame, n_rows: int, seed: int, sample_size: int | None) -> None:
    """The segmenter fitted by scikit-learn on a seeded sample of rows (in ``source_row`` order), on the driver."""
    segmenter = segmenter_of(model)
    if sample_size is None:
        raise ConfigurationError(f"parameter 'clustering.init_sample_size' is null: on Spark, {segmenter.name} is "
                                 "fitted on a sample of that many customers brought to the driver; set a number, "
                                 "e.g. 100000 (conf/base/parameters_clustering.yml)")
    features = list(model.feature_names_in_)
    sample = seeded_sample(customers, sample_size, seed, [ROW_COLUMN, *features], total=n_rows)
    sample = sample.sort_values(ROW_COLUMN, kind="stable")[features]
    segmenter.fit(model[-1], model[:-1].transform(sample))
    logger.info("%s on Spark: fitted on the driver on %d customers (of %d)", segmenter.name, len(sample), n_rows)


def fit_on_spark(model: Pipeline, customers: DataFrame, seed: int, init_sample_size: int | None,
                 spark_kmeans: dict[str, Any]) -> Pipeline:
    """Fits ``model`` (from ``build_segmentation_model``) on ``customers``, in Spark.

    Args:
        model: The unfitted select -> scaler -> pca -> segmenter pipeline.
        customers: Rows with ``source_row`` and the feature columns (doubles, complete).
        seed: Seed of k-means|| and of the sample.
        init_sample_size: Rows a segmenter other than K-Means is fitted on; K-Means on at most this many
            customers is fitted on the driver, as on pandas (None: k-means|| in Spark whatever the size).
        spark_kmeans: ``max_iter``, ``tol`` and ``init_steps`` of ``pyspark.ml.clustering.KMeans``.

    Returns:
        ``model``, fitted, its segments in the canonical order.
    """
    segmenter = segmenter_of(model)
    k = segmenter.n_segments(model[-1])
    n_rows, mean, sd, covariance = _statistics(customers, selected_columns(model))
    if n_rows <= k:
        raise CustomerDataError(f"{n_rows} customers cannot make {k} segments; segment more customers or lower "
                                "n_clusters")
    fit_from_statistics(model, n_rows, mean, sd, covariance)
    fits_on_driver = init_sample_size is not None and n_rows <= init_sample_size
    if isinstance(segmenter, KMeansSegmenter) and not fits_on_driver:
        _fit_kmeans(model, customers, n_rows, seed, spark_kmeans)
    else:
        _fit_on_sample(model, customers, n_rows, seed, init_sample_size)
    return canonical_order(model)
