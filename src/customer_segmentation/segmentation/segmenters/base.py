"""What a segmenter is to the rest of the project: the one interface the pipelines, the app, serving and Spark use.

A segmenter is the last step of the segmentation model (``select`` -> ``scaler`` -> ``pca`` -> segmenter): a
scikit-learn estimator fitted on the customers' coordinates in the model space (standardised, rotated; for a
segmenter of mixed data, the numbers' coordinates then one code per category feature), and this class, which
reads it. Nothing outside ``segmentation/segmenters/`` touches an estimator's own attributes
(``cluster_centers_``, ``means_``, ``inertia_``...): they ask the segmenter for the number of segments, their
centres (for names and profiles), each customer's segment with the runner-up and how close the two are, and
the figure that chooses k.

Distances: each segmenter places customers by its own dissimilarity (:meth:`Segmenter.distances`: Euclidean in
the model space for K-Means and the mixture). :meth:`Segmenter.embedding` gives coordinates whose Euclidean
distances are those, so the silhouette and the other indices measure what the segmenter optimises.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from customer_segmentation.segmentation.space import distances_to


@dataclass(frozen=True)
class Assignment:
    """Customers placed in segments: each row's segment and runner-up, how close it is to the runner-up (0..1,
    where 1 means as close as to its own: ``closeness >= borderline_ratio`` is borderline), and, for segmenters
    that have them, the probabilities of belonging to each segment (one column per segment)."""

    segment_id: np.ndarray
    runner_up_id: np.ndarray
    closeness: np.ndarray
    probabilities: np.ndarray | None = None


class Segmenter(ABC):
    """A segmentation algorithm behind the project's one interface (see the module docstring)."""

    #: The name ``clustering.algorithm`` selects it by.
    name: ClassVar[str]
    #: The scikit-learn estimator class it fits (how a loaded model's segmenter is recognised).
    estimator_class: ClassVar[type]
    #: The k sweep's own figure: ``inertia`` (its elbow is one vote of four) or ``bic`` (the lowest wins).
    criterion: ClassVar[str]
    #: Whether the segmenter gives each customer a probability per segment (shown where distances are).
    probabilistic: ClassVar[bool] = False
    #: Whether it segments on numbers and categories together (``type: category`` features); the others take
    #: numbers only.
    mixed: ClassVar[bool] = False

    @abstractmethod
    def build(self, k: int, n_init: int, random_state: int) -> Any:
        """The unfitted estimator for ``k`` segments."""

    def fit(self, estimator: Any, coordinates: np.ndarray, categorical: Sequence[int] = ()) -> None:
        """Fits ``estimator`` on the coordinates of the customers in the model space.

        ``categorical``: the positions of the columns holding category codes (a segmenter of numbers has none).
        """
        if len(categorical):
            raise ValueError(f"the {self.name} segmenter segments on numbers only; columns {list(categorical)} hold "
                             "categories")
        estimator.fit(coordinates)

    def predict(self, estimator: Any, coordinates: np.ndarray) -> np.ndarray:
        """Each customer's segment id, from their coordinates in the model space."""
        return estimator.predict(coordinates)

    def distances(self, estimator: Any, coordinates: np.ndarray) -> np.ndarray:
        """Each customer's distance to every segment's centre (one column per segment), by the segmenter's own
        dissimilarity: Euclidean in the model space unless a segmenter says otherwise."""
        return distances_to(coordinates, self.centres(estimator))

    def embedding(self, estimator: Any, coordinates: np.ndarray) -> np.ndarray:
        """Coordinates whose Euclidean distances are the segmenter's own (the model space itself by default):
        what the silhouette and the validity indices are computed on."""
        return coordinates

    def refine(self, model: Any, customers: Any) -> None:
        """After a fit on a sample, improves the fitted segments on every customer (nothing by default)."""

    @abstractmethod
    def fit_labels(self, estimator: Any, coordinates: np.ndarray) -> np.ndarray:
        """The segment of each customer the estimator was fitted on, as the fit found it."""

    @abstractmethod
    def n_segments(self, estimator: Any) -> int:
        """How many segments the estimator has (fitted or not)."""

    @abstractmethod
    def centres(self, estimator: Any) -> np.ndarray:
        """Each segment's centre (or prototype) in the model space, one row per segment id."""

    @abstractmethod
    def reorder(self, estimator: Any, order: np.ndarray) -> None:
        """Renumbers the fitted segments: the new segment ``i`` is the old ``order[i]``."""

    @abstractmethod
    def assign(self, estimator: Any, coordinates: np.ndarray, distances: np.ndarray) -> Assignment:
        """Places customers in segments; ``distances`` are theirs to every centre (one column per segment)."""

    def inertia(self, estimator: Any) -> float | None:
        """The sum of squared distances to the own centre, where the algorithm minimises it; None otherwise."""
        return None

    @abstractmethod
    def sweep_score(self, estimator: Any, coordinates: np.ndarray) -> float:
        """The value of :attr:`criterion` for a fit in the k sweep."""


def runner_up(scores: np.ndarray, own: np.ndarray, better: str) -> np.ndarray:
    """The best segment after the own one, by ``scores`` (one column per segment; ``better`` is ``low`` or ``high``)."""
    if scores.shape[1] < 2:
        return own.copy()
    masked = scores.astype("float64", copy=True)
    masked[np.arange(len(own)), own] = np.inf if better == "low" else -np.inf
    return np.argmin(masked, axis=1) if better == "low" else np.argmax(masked, axis=1)
