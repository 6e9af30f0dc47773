"""How well a fitted model separates customers: silhouette on a sample, Calinski-Harabasz, Davies-Bouldin.

All in the model's (standardized) space, or for a segmenter with its own dissimilarity (k-prototypes) in its
embedding (``Segmenter.embedding``: Euclidean distances there are the segmenter's). The two indices come from
per-segment sums in one chunked pass over the rows and equal scikit-learn's; the silhouette (quadratic in rows)
uses a seeded sample.
The Spark engine computes the same sums and sample in Spark and finishes with :func:`indices_from_sums`
and :func:`sample_silhouette`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn import config_context
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state

from customer_segmentation.segmentation.segmenters import segmenter_of
from customer_segmentation.segmentation.space import (
    affine_map,
    categorical_features,
    coordinates_in_chunks,
    model_features,
)


def silhouette(model: Pipeline, customers: pd.DataFrame, labels: np.ndarray, sample_size: int,
               random_state: int) -> float:
    """scikit-learn's silhouette on the sample ``silhouette_score(sample_size=, random_state=)`` draws.

    The sample is taken before the transform: only the sampled rows are projected.
    """
    rows = check_random_state(random_state).permutation(len(labels))[:sample_size]
    coordinates = model[:-1].transform(customers.iloc[rows][model_features(model)])
    return sample_silhouette(segmenter_of(model).embedding(model[-1], coordinates), labels[rows])


def sample_silhouette(coordinates: np.ndarray, labels: np.ndarray) -> float:
    """scikit-learn's (Euclidean) silhouette of sampled customers, from their coordinates in the model space."""
    # Distances in 64 MB chunks: scikit-learn's default (1 GB) would hold the whole 10k x 10k matrix.
    with config_context(working_memory=64):
        return float(silhouette_score(coordinates, labels))


def validity_indices(model: Pipeline, customers: pd.DataFrame, labels: np.ndarray) -> tuple[float, float]:
    """Calinski-Harabasz and Davies-Bouldin indices in the model space, as scikit-learn computes them.

    Chunked passes instead of scikit-learn's copies per segment. When the model's transform is affine, each
    segment's mean in the model space is the transform of its mean in original units; with ``transform: log``
    (log1p is not affine) it is the mean of the segment's coordinates, one more pass. A model of
    numbers and categories is measured in its segmenter's embedding, all rows at once (such models are fitted
    on thousands of customers, not millions).
    """
    if categorical_features(model):
        points = segmenter_of(model).embedding(model[-1], model[:-1].transform(customers[model_features(model)]))
        return float(calinski_harabasz_score(points, labels)), float(davies_bouldin_score(points, labels))
    occupancy = np.bincount(labels)
    segments = np.flatnonzero(occupancy)  # segments that have customers
    counts = occupancy[segments]
    slot = np.full(len(occupancy), -1)
    slot[segments] = np.arange(len(segments))
    if affine_map(model) is not None:
        means = pd.DataFrame({feature: np.bincount(labels, weights=customers[feature].to_numpy())[segments] / counts
                              for feature in model_features(model)})
        centroids = model[:-1].transform(means)
    else:
        sums = 0.0
        for rows, coordinates in coordinates_in_chunks(model, customers):
            members = slot[labels[rows]]
            sums = sums + np.column_stack([np.bincount(members, weights=coordinates[:, j], minlength=len(segments))
                                           for j in range(coordinates.shape[1])])
        centroids = sums / counts[:, None]
    spread = np.zeros(len(segments))  # sum of distances to the segment mean
    within = 0.0  # sum of squared distances to the segment mean
    for rows, coordinates in coordinates_in_chunks(model, customers):
        members = slot[labels[rows]]
        distances = np.linalg.norm(coordinates - centroids[members], axis=1)
        spread += np.bincount(members, weights=distances, minlength=len(segments))
        within += float(np.sum(distances**2))
    return indices_from_sums(counts, centroids, spread, within)


def indices_from_sums(counts: np.ndarray, centroids: np.ndarray, spread: np.ndarray, within: float
                      ) -> tuple[float, float]:
    """Calinski-Harabasz and Davies-Bouldin indices from per-segment sums, as scikit-learn defines them.

    Args:
        counts: Customers in each segment that has any.
        centroids: Each such segment's mean in the model space (one row per segment).
        spread: Each segment's sum of distances to its mean.
        within: The sum of squared distances to the segment means, over all customers.
    """
    n, k = int(np.sum(counts)), len(counts)
    if not 2 <= k <= n - 1:
        raise ValueError(f"{k} segment(s) with customers among {n}; the indices need from 2 to n_customers - 1")
    overall = counts @ centroids / n
    between = float(np.sum(counts * np.sum((centroids - overall) ** 2, axis=1)))
    calinski_harabasz = 1.0 if within == 0.0 else between * (n - k) / (within * (k - 1.0))
    intra = spread / counts
    separation = np.linalg.norm(centroids[:, None, :] - centroids[None, :, :], axis=2)
    if np.allclose(intra, 0) or np.allclose(separation, 0):
        return float(calinski_harabasz), 0.0
    separation[separation == 0] = np.inf
    davies_bouldin = np.mean(np.max((intra[:, None] + intra) / separation, axis=1))
    return float(calinski_harabasz), float(davies_bouldin)
