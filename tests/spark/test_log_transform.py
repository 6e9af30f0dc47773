"""``transform: log`` on Spark: the model fitted in Spark clusters log1p(value) as the pandas fit does, and every
number a person reads (centres, profiles) is in the feature's unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score

from customer_segmentation.pipelines.clustering import nodes, spark_nodes
from customer_segmentation.pipelines.clustering.profiling import profile_segments
from customer_segmentation.segmentation import centres

FEATURES = {"recency": {"unit": "days"}, "orders": {"unit": "orders", "transform": "log"},
            "revenue": {"unit": "GBP", "transform": "log"}}
OPTIONS = {"pca_components": None, "n_init": 10, "random_state": 42, "init_sample_size": 100_000,
           "algorithm": "kmeans"}
KMEANS = {"max_iter": 50, "tol": 1e-4, "init_steps": 2}
NAMES = pd.DataFrame({"segment_id": range(3), "segment_name": ["A", "B", "C"], "description": ["a", "b", "c"]})


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    """Three groups apart in orders and revenue by factors of ten (log-normal, as shops' are) and in recency."""
    rng = np.random.default_rng(3)
    groups = [(600, 200, 0.3, 200), (300, 80, 1.6, 1500), (100, 20, 2.8, 12_000)]
    frames = [pd.DataFrame({"recency": rng.normal(days, 15, n).clip(0),
                            "orders": np.round(rng.lognormal(mu, 0.3, n)) + 1,
                            "revenue": rng.lognormal(np.log(money), 0.4, n)}) for n, days, mu, money in groups]
    customers = pd.concat(frames, ignore_index=True)
    return customers.assign(source_row=np.arange(1, len(customers) + 1))


@pytest.fixture(scope="module")
def frame(spark, customers):
    return spark.createDataFrame(customers).persist()


@pytest.fixture(scope="module")
def models(frame, customers):
    pandas_model = nodes.train_segmentation_model(customers, {"k": 3}, "auto", FEATURES, **OPTIONS)
    # k-means|| in Spark (more customers than init_sample_size), on the log scale.
    spark_model = spark_nodes.train_segmentation_model(frame, {"k": 3}, "auto", FEATURES, spark_kmeans=KMEANS,
                                                       **{**OPTIONS, "init_sample_size": 500})
    return pandas_model, spark_model


def test_the_scaler_learns_the_log_scale_of_logged_features(models, customers):
    pandas_model, spark_model = models
    logged = customers.assign(orders=np.log1p(customers["orders"]), revenue=np.log1p(customers["revenue"]))
    np.testing.assert_allclose(spark_model["scaler"].mean_, logged[list(FEATURES)].mean(), rtol=1e-12)
    np.testing.assert_allclose(spark_model["scaler"].scale_, pandas_model["scaler"].scale_, rtol=1e-9)
    np.testing.assert_allclose(np.abs(spark_model["pca"].components_), np.abs(pandas_model["pca"].components_),
                               atol=1e-9)


def test_spark_finds_the_pandas_segments_and_centres_in_the_features_units(models, customers):
    pandas_model, spark_model = models
    assert adjusted_rand_score(spark_model.predict(customers), pandas_model.predict(customers)) >= 0.95
    revenue = centres(spark_model)[1][:, 2]
    np.testing.assert_allclose(revenue, centres(pandas_model)[1][:, 2], rtol=0.05)
    assert sorted(revenue) == pytest.approx([200, 1500, 12_000], rel=0.2), "GBP (geometric means), not log1p(GBP)"


def test_profiles_and_metrics_on_spark_are_the_pandas_ones(models, frame, customers):
    _, spark_model = models
    segments = spark_nodes.assign_segments(frame, spark_model, NAMES)
    expected = profile_segments(nodes.assign_segments(customers, spark_model, NAMES), spark_model, NAMES)
    profiles = spark_nodes.profile_segments(segments, spark_model, NAMES)
    pd.testing.assert_frame_equal(profiles, expected, check_dtype=False, rtol=1e-9)
    assert profiles["revenue_median"].max() > 5000, "profiles in GBP"
    metrics = spark_nodes.evaluate_segmentation(segments, spark_model, 5000, 42)[0]
    space, labels = spark_model[:-1].transform(customers), spark_model.predict(customers)
    assert metrics["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(space, labels), rel=1e-9)
    assert metrics["davies_bouldin"] == pytest.approx(davies_bouldin_score(space, labels), rel=1e-9)
