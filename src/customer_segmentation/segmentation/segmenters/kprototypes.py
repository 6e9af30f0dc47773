"""K-prototypes: customers described by numbers and categories, each in the segment of the nearest prototype
(the kmodes package's ``KPrototypes``; Huang 1998).

A prototype holds each number's mean (standardised, like a K-Means centre) and each category feature's most
frequent category. A customer's dissimilarity to a prototype is the squared Euclidean distance on the numbers plus
``gamma`` for every category that differs. gamma comes from the data: the mean variance of the numbers in the
model space (1 for standardised numbers), so a category that differs weighs as much as a number one standard
deviation away. kmodes' own default, half the numbers' mean standard deviation, lets the numbers outweigh the
categories (adjusted Rand 0.86 against 0.92 on the telecom personas of ``demo_data``).

Distances (``distance_to_centre``, the runner-up, borderline customers) are the square root of that dissimilarity:
the Euclidean distance once each category is one-hot coded and scaled by sqrt(gamma / 2) (:meth:`embedding`), so
the silhouette and the validity indices measure the segments on the dissimilarity they minimise. Borderline as for
K-Means: own distance / the runner-up's >= ``borderline_ratio``. The k sweep's criterion is the cost (the sum of
dissimilarities to the own prototype), whose elbow is one vote of four.

kmodes loops over the customers in Python, so fitting is slow (seconds per thousand customers and
initialisation); placing customers is vectorised here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from kmodes.kprototypes import KPrototypes

from customer_segmentation.segmentation.segmenters.base import Assignment, Segmenter, runner_up


class KPrototypesSegmenter(Segmenter):
    name = "kprototypes"
    estimator_class = KPrototypes
    criterion = "cost"
    mixed = True

    def build(self, k: int, n_init: int, random_state: int) -> KPrototypes:
        return KPrototypes(n_clusters=k, n_init=n_init, random_state=random_state, init="Cao")

    def fit(self, estimator: KPrototypes, coordinates: np.ndarray, categorical: Sequence[int] = ()) -> None:
        categorical = sorted(int(column) for column in categorical)
        if not categorical or len(categorical) == coordinates.shape[1]:
            raise ValueError(f"k-prototypes segments on numbers and categories together: got {len(categorical)} "
                             f"category column(s) of {coordinates.shape[1]}")
        numbers = np.delete(coordinates, categorical, axis=1)
        variance = float(np.mean(np.var(numbers, axis=0)))
        estimator.set_params(gamma=variance if variance > 0 else 1.0)
        estimator.fit(coordinates, categorical=categorical)
        # Which columns hold categories, for placing customers later (kmodes wants them at every call).
        estimator.categorical_ = categorical

    def fit_labels(self, estimator: KPrototypes, coordinates: np.ndarray) -> np.ndarray:
        return np.asarray(estimator.labels_, dtype="int64")

    def n_segments(self, estimator: KPrototypes) -> int:
        return int(estimator.n_clusters)

    def centres(self, estimator: KPrototypes) -> np.ndarray:
        """The prototypes in the model space: numbers' means, and the category codes in their own columns."""
        stacked = np.asarray(estimator.cluster_centroids_, dtype="float64")  # numbers first, then categories
        categorical = estimator.categorical_
        numbers = [j for j in range(stacked.shape[1]) if j not in categorical]
        prototypes = np.empty_like(stacked)
        prototypes[:, numbers] = stacked[:, :len(numbers)]
        prototypes[:, categorical] = stacked[:, len(numbers):]
        return prototypes[self.order(estimator)]

    @staticmethod
    def order(estimator: KPrototypes) -> np.ndarray:
        """Segment ``i`` is kmodes' prototype ``order[i]`` (kmodes' own prototypes stay as it fitted them)."""
        return getattr(estimator, "segment_order_", np.arange(int(estimator.n_clusters)))

    def reorder(self, estimator: KPrototypes, order: np.ndarray) -> None:
        # kmodes' prototypes are read-only (cluster_centroids_): the order is kept beside them, and every reader
        # of the prototypes (centres, distances) applies it.
        estimator.segment_order_ = self.order(estimator)[np.asarray(order)]
        if hasattr(estimator, "labels_"):  # as K-Means: every customer's segment is in customer_segments
            del estimator.labels_

    def predict(self, estimator: KPrototypes, coordinates: np.ndarray) -> np.ndarray:
        return np.argmin(self.distances(estimator, coordinates), axis=1)

    def distances(self, estimator: KPrototypes, coordinates: np.ndarray) -> np.ndarray:
        """sqrt(squared Euclidean distance on the numbers + gamma x the categories that differ), to every
        prototype; an unknown category (code -1) differs from every prototype's."""
        prototypes = self.centres(estimator)
        categorical = set(estimator.categorical_)
        squared = np.zeros((len(coordinates), len(prototypes)))
        for column in range(coordinates.shape[1]):
            if column in categorical:
                squared += estimator.gamma * (coordinates[:, column, None] != prototypes[None, :, column])
            else:
                difference = coordinates[:, column, None] - prototypes[None, :, column]
                squared += difference * difference
        return np.sqrt(squared)

    def assign(self, estimator: KPrototypes, coordinates: np.ndarray, distances: np.ndarray) -> Assignment:
        ids = np.argmin(distances, axis=1)
        second = runner_up(distances, ids, better="low")
        rows = np.arange(len(ids))
        with np.errstate(divide="ignore", invalid="ignore"):
            closeness = distances[rows, ids] / distances[rows, second]
        return Assignment(ids, second, np.nan_to_num(closeness, nan=0.0))

    def embedding(self, estimator: KPrototypes, coordinates: np.ndarray) -> np.ndarray:
        """The numbers as they are, each category feature one-hot coded x sqrt(gamma / 2): Euclidean distances
        there are :meth:`distances`."""
        weight = np.sqrt(estimator.gamma / 2)
        parts = []
        for column in range(coordinates.shape[1]):
            values = coordinates[:, column]
            if column in estimator.categorical_:
                parts.append((values[:, None] == np.unique(values)[None, :]) * weight)
            else:
                parts.append(values[:, None])
        return np.hstack(parts)

    def sweep_score(self, estimator: KPrototypes, coordinates: np.ndarray) -> float:
        return float(estimator.cost_)
