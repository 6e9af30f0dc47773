"""K-Means: each customer in the segment of the nearest centre (scikit-learn's ``KMeans``).

Borderline: the customer's distance to their own centre is at least ``borderline_ratio`` of their distance to
the runner-up's (the second nearest). The k sweep's figure is the inertia, whose elbow is one of four votes
(``pipelines/eda/selection.py``). On millions of customers the ``n_init`` initialisations run on a sample and
Lloyd's iterations then refine the best centres on every customer, one chunk of rows at a time.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from sklearn.cluster import KMeans

from customer_segmentation.segmentation.space import coordinates_in_chunks
from customer_segmentation.segmentation.segmenters.base import Assignment, Segmenter, runner_up

logger = logging.getLogger(__name__)


class KMeansSegmenter(Segmenter):
    name = "kmeans"
    estimator_class = KMeans
    criterion = "inertia"

    def build(self, k: int, n_init: int, random_state: int) -> KMeans:
        return KMeans(n_clusters=k, n_init=n_init, random_state=random_state)

    def fit_labels(self, estimator: KMeans, coordinates: np.ndarray) -> np.ndarray:
        return estimator.labels_

    def n_segments(self, estimator: KMeans) -> int:
        return int(estimator.n_clusters)

    def centres(self, estimator: KMeans) -> np.ndarray:
        return estimator.cluster_centers_

    def reorder(self, estimator: KMeans, order: np.ndarray) -> None:
        # The training labels (one per customer: 40 MB at 10M rows) are dropped rather than renumbered:
        # customer_segments holds every customer's segment, and the saved model stays small.
        estimator.cluster_centers_ = estimator.cluster_centers_[order]
        if hasattr(estimator, "labels_"):
            del estimator.labels_

    def assign(self, estimator: KMeans, coordinates: np.ndarray, distances: np.ndarray) -> Assignment:
        ids = estimator.predict(coordinates)
        second = runner_up(distances, ids, better="low")
        rows = np.arange(len(ids))
        with np.errstate(divide="ignore", invalid="ignore"):
            closeness = distances[rows, ids] / distances[rows, second]
        return Assignment(ids, second, np.nan_to_num(closeness, nan=0.0))

    def inertia(self, estimator: KMeans) -> float:
        return float(estimator.inertia_)

    def sweep_score(self, estimator: KMeans, coordinates: np.ndarray) -> float:
        return float(estimator.inertia_)

    def refine(self, model: Any, customers: Any) -> None:
        """Lloyd's iterations of the fitted step over all rows, one chunk of rows at a time.

        scikit-learn's stopping rule (squared centre shift at most ``tol`` x the mean variance of the
        coordinates), then a last assignment pass for ``inertia_``, as scikit-learn does. A segment
        left without customers keeps its centre (scikit-learn would move it to a far point).
        """
        kmeans = model[-1]
        k, dims = kmeans.cluster_centers_.shape
        tolerance = None
        for iteration in range(1, kmeans.max_iter + 1):
            current = kmeans.cluster_centers_
            sums, counts = np.zeros((k, dims)), np.zeros(k)
            moments = np.zeros((2, dims))  # sum and sum of squares of the coordinates, for the tolerance
            for _, coordinates in coordinates_in_chunks(model, customers):
                labels = kmeans.predict(coordinates)
                counts += np.bincount(labels, minlength=k)
                for dim in range(dims):
                    sums[:, dim] += np.bincount(labels, weights=coordinates[:, dim], minlength=k)
                if tolerance is None:
                    moments += [coordinates.sum(axis=0), (coordinates**2).sum(axis=0)]
            if tolerance is None:
                mean = moments[0] / len(customers)
                tolerance = kmeans.tol * float(np.mean(moments[1] / len(customers) - mean**2))
            updated = current.copy()
            updated[counts > 0] = sums[counts > 0] / counts[counts > 0, None]
            shift = float(np.sum((updated - current) ** 2))
            kmeans.cluster_centers_, kmeans.n_iter_ = updated, iteration
            logger.info("K-Means refinement %d on all %d customers: squared centre shift %.3g (converged below %.3g)",
                        iteration, len(customers), shift, tolerance)
            if shift <= tolerance:
                break
        inertia = 0.0
        for _, coordinates in coordinates_in_chunks(model, customers):
            inertia += float(np.sum((coordinates - kmeans.cluster_centers_[kmeans.predict(coordinates)]) ** 2))
        kmeans.inertia_ = inertia

    def set_centres(self, estimator: KMeans, centres: np.ndarray, inertia: float, n_iter: int) -> None:
        """Gives the step centres found elsewhere (by Spark's k-means||), in the model space.

        The step is fitted to the centres themselves, starting from them: one Lloyd iteration leaves each
        centre where it is, and the step gets every attribute scikit-learn's ``predict`` and ``transform``
        use. ``inertia_`` and ``n_iter_`` are those of the fit that found the centres.
        """
        params = estimator.get_params()
        estimator.set_params(init=centres, n_init=1, max_iter=1).fit(centres)
        estimator.set_params(**{name: params[name] for name in ("init", "n_init", "max_iter")})
        estimator.inertia_, estimator.n_iter_ = float(inertia), int(n_iter)
