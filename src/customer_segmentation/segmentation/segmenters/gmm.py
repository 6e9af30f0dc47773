"""Gaussian mixture: each customer in the segment they most probably belong to (scikit-learn's ``GaussianMixture``).

Segments may be elongated and of different sizes; every customer gets a membership probability per segment,
shown where K-Means shows distances. Borderline: the runner-up's probability is at least ``borderline_ratio``
of the own segment's (0.9: the two are within 10 %). With ``n_clusters: auto`` the k with the lowest BIC
(Bayesian information criterion) is chosen. On millions of customers it is fitted on a seeded sample.
"""

from __future__ import annotations

import numpy as np
from sklearn.mixture import GaussianMixture

from customer_segmentation.segmentation.segmenters.base import Assignment, Segmenter, runner_up

_PARAMETERS = ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_")


class GaussianMixtureSegmenter(Segmenter):
    name = "gmm"
    estimator_class = GaussianMixture
    criterion = "bic"
    probabilistic = True

    def build(self, k: int, n_init: int, random_state: int) -> GaussianMixture:
        return GaussianMixture(n_components=k, n_init=n_init, random_state=random_state, covariance_type="full")

    def fit_labels(self, estimator: GaussianMixture, coordinates: np.ndarray) -> np.ndarray:
        return estimator.predict(coordinates)

    def n_segments(self, estimator: GaussianMixture) -> int:
        return int(estimator.n_components)

    def centres(self, estimator: GaussianMixture) -> np.ndarray:
        return estimator.means_

    def reorder(self, estimator: GaussianMixture, order: np.ndarray) -> None:
        for name in _PARAMETERS:
            setattr(estimator, name, getattr(estimator, name)[order])

    def assign(self, estimator: GaussianMixture, coordinates: np.ndarray, distances: np.ndarray) -> Assignment:
        probabilities = estimator.predict_proba(coordinates)
        ids = np.argmax(probabilities, axis=1)
        second = runner_up(probabilities, ids, better="high")
        rows = np.arange(len(ids))
        own = probabilities[rows, ids]
        with np.errstate(divide="ignore", invalid="ignore"):
            closeness = probabilities[rows, second] / own
        return Assignment(ids, second, np.nan_to_num(closeness, nan=0.0), probabilities=probabilities)

    def sweep_score(self, estimator: GaussianMixture, coordinates: np.ndarray) -> float:
        return float(estimator.bic(coordinates))
