"""The segmentation model and everything that applies it: one place for the pipelines, the app and serving.

* :mod:`.model` builds the scikit-learn ``Pipeline`` (``select`` -> ``scaler`` -> ``pca`` -> ``kmeans``),
  fits it (on a sample then refined on every row for millions of customers) and numbers the segments
  in the canonical order.
* :mod:`.scoring` applies a fitted model to a frame: :func:`score` gives each row's segment, its
  distance to every centre, the runner-up segment and its position on the segment map.
* :mod:`.metrics` scores a segmentation (silhouette on a sample, Calinski-Harabasz, Davies-Bouldin).
"""

from customer_segmentation.segmentation.model import (
    build_segmentation_model,
    centres,
    fit_segmentation_model,
)
from customer_segmentation.segmentation.scoring import score

__all__ = ["build_segmentation_model", "centres", "fit_segmentation_model", "score"]
