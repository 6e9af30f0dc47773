"""K-Means fitted by pyspark.ml on every row becomes the project's model: the same artefact, numbers and segments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score, silhouette_score

from customer_segmentation.pipelines.clustering import spark_nodes
from customer_segmentation.segmentation.contract import model_table
from customer_segmentation.segmentation.scoring import score
from tests.pipelines.clustering.conftest import FEATURES, TABLE, model_input, train

KMEANS = {"max_iter": 50, "tol": 1e-4, "init_steps": 2}
NAMES = pd.DataFrame({"segment_id": range(4), "segment_name": [f"Segment {i}" for i in range(4)],
                      "description": [f"Customers of segment {i}" for i in range(4)]})


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return model_input(rows=3000, seed=11)


@pytest.fixture(scope="module")
def frame(spark, customers):
    return spark.createDataFrame(customers).persist()


@pytest.fixture(scope="module")
def spark_model(frame):
    """k-means|| in Spark: more customers (3,000) than ``init_sample_size``."""
    return _train_on_spark(frame, "kmeans", init_sample_size=1000)


def _train_on_spark(frame, algorithm: str, init_sample_size: int | None = 100_000):
    return spark_nodes.train_segmentation_model(frame, {"k": 4}, "auto", TABLE, pca_components=None, n_init=10,
                                                random_state=42, init_sample_size=init_sample_size,
                                                algorithm=algorithm, spark_kmeans=KMEANS)


def test_the_scaler_learns_the_population_standard_deviation(spark_model, customers):
    np.testing.assert_allclose(spark_model["scaler"].mean_, customers[FEATURES].mean(), rtol=1e-12)
    np.testing.assert_allclose(spark_model["scaler"].scale_, customers[FEATURES].std(ddof=0), rtol=1e-9)


def test_the_artefact_is_the_pandas_models_pipeline_with_its_contract(spark_model):
    assert list(spark_model.named_steps) == ["select", "scaler", "pca", "kmeans"]
    assert model_table(spark_model).to_config() == model_table(train(model_input(100), k=4)).to_config()
    original = spark_model["scaler"].inverse_transform(spark_model["pca"].inverse_transform(
        spark_model["kmeans"].cluster_centers_))
    assert (np.diff(original[:, 0]) >= 0).all(), "segments in the canonical order (by the first feature)"


def test_spark_and_pandas_find_the_same_segments(spark_model, customers):
    pandas_model = train(customers, k=4)
    assert adjusted_rand_score(pandas_model.predict(customers), spark_model.predict(customers)) >= 0.95


def test_kmeans_on_at_most_init_sample_size_customers_is_the_pandas_fit(frame, customers):
    spark_model, pandas_model = _train_on_spark(frame, "kmeans"), train(customers, k=4)
    assert (spark_model.predict(customers) == pandas_model.predict(customers)).all()
    np.testing.assert_allclose(spark_model["kmeans"].cluster_centers_, pandas_model["kmeans"].cluster_centers_,
                               rtol=1e-6, atol=1e-9)


def test_assignment_in_spark_is_score_on_pandas(spark_model, frame, customers):
    assigned = spark_nodes.assign_segments(frame, spark_model, NAMES).toPandas().sort_values("source_row")
    expected = score(spark_model, customers)
    assert np.array_equal(assigned["segment_id"].to_numpy(), expected["segment_id"].to_numpy())
    np.testing.assert_allclose(assigned["distance_to_centre"], expected["distance_to_centre"], rtol=1e-9)
    np.testing.assert_allclose(assigned[["map_x", "map_y"]], expected[["map_x", "map_y"]], rtol=1e-9, atol=1e-12)


def test_each_customers_runner_up_and_borderline_flag_are_the_pandas_ones(spark_model, frame, customers):
    from customer_segmentation.pipelines.clustering.nodes import assign_segments

    assigned = spark_nodes.assign_segments(frame, spark_model, NAMES).toPandas().sort_values("source_row")
    expected = assign_segments(customers, spark_model, NAMES).sort_values("source_row")
    assert expected["borderline"].any() and not expected["borderline"].all(), "the sample has both kinds"
    for column in ("runner_up_id", "runner_up_name", "borderline"):
        assert assigned[column].astype(str).tolist() == expected[column].astype(str).tolist(), column


def test_metrics_from_spark_aggregates_are_scikit_learns(spark_model, frame, customers):
    segments = spark_nodes.assign_segments(frame, spark_model, NAMES)
    metrics = spark_nodes.evaluate_segmentation(segments, spark_model, 5000, 42)[0]
    space, labels = spark_model[:-1].transform(customers), spark_model.predict(customers)
    assert metrics["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(space, labels), rel=1e-9)
    assert metrics["davies_bouldin"] == pytest.approx(davies_bouldin_score(space, labels), rel=1e-9)
    assert metrics["silhouette"] == pytest.approx(silhouette_score(space, labels), rel=1e-9), "all 3,000 sampled"
    assert metrics["spark_squared_euclidean_silhouette"] > metrics["silhouette"], "squared distances: larger"


def test_profiles_from_spark_aggregates_are_the_pandas_profiles(spark_model, frame, customers):
    from customer_segmentation.pipelines.clustering.nodes import assign_segments
    from customer_segmentation.pipelines.clustering.profiling import profile_segments

    expected = profile_segments(assign_segments(customers, spark_model, NAMES), spark_model, NAMES)
    segments = spark_nodes.assign_segments(frame, spark_model, NAMES)
    pd.testing.assert_frame_equal(spark_nodes.profile_segments(segments, spark_model, NAMES), expected,
                                  check_dtype=False, rtol=1e-9)


def test_a_gaussian_mixture_on_spark_gives_the_pandas_paths_segments(frame, customers):
    from customer_segmentation.pipelines.clustering.nodes import assign_segments

    spark_model = _train_on_spark(frame, "gmm")
    assert list(spark_model.named_steps) == ["select", "scaler", "pca", "gmm"]
    expected = assign_segments(customers, train(customers, k=4, algorithm="gmm"), NAMES)
    assigned = spark_nodes.assign_segments(frame, spark_model, NAMES).toPandas().sort_values("source_row")
    assert assigned["segment_id"].tolist() == expected["segment_id"].tolist()
    assert assigned["runner_up_id"].tolist() == expected["runner_up_id"].tolist()
    np.testing.assert_allclose(assigned["membership_probability"], expected["membership_probability"], atol=1e-6)


def test_a_gaussian_mixture_fitted_on_a_sample_finds_the_same_segments(frame, customers):
    spark_model = _train_on_spark(frame, "gmm", init_sample_size=1500)
    pandas_model = train(customers, k=4, algorithm="gmm")
    assert adjusted_rand_score(pandas_model.predict(customers), spark_model.predict(customers)) >= 0.95


def test_a_gaussian_mixture_needs_a_sample_size_on_spark(frame):
    from customer_segmentation.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="'clustering.init_sample_size' is null"):
        _train_on_spark(frame, "gmm", init_sample_size=None)


def test_segment_mixes_and_outcome_rates_on_spark_are_the_pandas_tables(spark):
    from customer_segmentation.pipelines.clustering import profiling

    rng = np.random.default_rng(5)
    customers = pd.DataFrame({"segment_id": rng.integers(0, 4, 2000),
                              "region": rng.choice(["North", "South", None], 2000),
                              "churn": rng.choice(["Yes", "No", ""], 2000, p=[0.3, 0.6, 0.1])})
    settings = (["region"], {"churned": {"column": "churn", "positive": "Yes"}})
    expected = profiling.describe_segments(customers, NAMES, *settings)
    found = spark_nodes.describe_segments(spark.createDataFrame(customers).repartition(3), NAMES, *settings)
    for spark_table, pandas_table in zip(found, expected):
        assert not pandas_table.empty
        pd.testing.assert_frame_equal(spark_table, pandas_table, check_dtype=False)
