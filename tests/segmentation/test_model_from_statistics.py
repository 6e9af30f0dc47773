"""A model assembled from statistics computed elsewhere (the Spark engine's path) is the model a fit gives."""

import numpy as np
import pytest

from customer_segmentation.segmentation.model import build_segmentation_model, canonical_order, fit_from_statistics
from customer_segmentation.segmentation.scoring import score
from customer_segmentation.segmentation.segmenters.kmeans import KMeansSegmenter
from tests.pipelines.clustering.conftest import FEATURES


def _statistics(customers):
    values = customers[FEATURES].to_numpy()
    mean, sd = values.mean(axis=0), values.std(axis=0)
    standardized = (values - mean) / sd
    return len(values), mean, sd, standardized.T @ standardized / len(values)


@pytest.mark.parametrize("pca_components", [None, 2])
def test_statistics_give_the_fitted_models_scaler_and_rotation(customers, pca_components):
    fitted = build_segmentation_model(FEATURES, 4, pca_components, 1, 42).fit(customers)
    assembled = fit_from_statistics(build_segmentation_model(FEATURES, 4, pca_components, 1, 42),
                                    *_statistics(customers))
    np.testing.assert_allclose(assembled["scaler"].scale_, fitted["scaler"].scale_)
    np.testing.assert_allclose(assembled["pca"].explained_variance_, fitted["pca"].explained_variance_)
    np.testing.assert_allclose(assembled[:-1].transform(customers), fitted[:-1].transform(customers), atol=1e-9)


def test_centres_found_elsewhere_score_like_the_model_that_found_them(model, customers):
    assembled = fit_from_statistics(build_segmentation_model(FEATURES, 4, None, 10, 42), *_statistics(customers))
    shuffled = model["kmeans"].cluster_centers_[[2, 0, 3, 1]]
    KMeansSegmenter().set_centres(assembled["kmeans"], shuffled, inertia=123.0, n_iter=7)
    canonical_order(assembled)
    np.testing.assert_allclose(assembled["kmeans"].cluster_centers_, model["kmeans"].cluster_centers_)
    assert np.array_equal(score(assembled, customers)["segment_id"], model.predict(customers))
    assert (assembled["kmeans"].inertia_, assembled["kmeans"].n_iter_) == (123.0, 7)
    assert assembled["kmeans"].get_params()["n_init"] == 10, "the step keeps its parameters"
