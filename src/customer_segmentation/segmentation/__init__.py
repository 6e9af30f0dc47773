"""The segmentation model and everything that applies it: one place for the pipelines, the app and serving.

* :mod:`.segmenters`: the algorithms (K-Means, a Gaussian mixture, k-prototypes for numbers and categories), one
  module each, behind one interface.
* :mod:`.model` builds the scikit-learn ``Pipeline`` (``select`` -> ``scaler`` -> ``pca`` -> segmenter), fits
  it (at scale: on a sample, refined on every row where the segmenter can) and numbers the segments in the
  canonical order.
* :mod:`.space`: the model space (feature columns, coordinates chunk by chunk, distances).
* :mod:`.scoring` applies a fitted model to a frame: :func:`score` gives each row's segment, its distance to
  its centre, the runner-up segment and its position on the segment map.
* :mod:`.explain`: borderline customers and what would move them; :mod:`.metrics`: how well segments separate.
* :mod:`.contract`: what a model carries (its feature table, segment names); :mod:`.customers`: rows as read
  to rows with a segment; :mod:`.persistence`: skops files; :mod:`.serving`: the MLflow pyfunc model.
"""

from customer_segmentation.segmentation.model import (
    build_segmentation_model,
    centres,
    fit_segmentation_model,
)
from customer_segmentation.segmentation.scoring import score

__all__ = ["build_segmentation_model", "centres", "fit_segmentation_model", "score"]
