"""The segmenters, by the name ``clustering.algorithm`` gives them: the only place that names an algorithm.

A new algorithm is one module here (a :class:`~.base.Segmenter`) plus one line in :data:`SEGMENTERS`.
"""

from __future__ import annotations

import difflib
from typing import Any

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.segmentation.segmenters.base import Assignment, Segmenter
from customer_segmentation.segmentation.segmenters.gmm import GaussianMixtureSegmenter
from customer_segmentation.segmentation.segmenters.kmeans import KMeansSegmenter
from customer_segmentation.segmentation.segmenters.kprototypes import KPrototypesSegmenter

SEGMENTERS: dict[str, Segmenter] = {
    "kmeans": KMeansSegmenter(),
    "gmm": GaussianMixtureSegmenter(),
    "kprototypes": KPrototypesSegmenter(),
}
DEFAULT = "kmeans"


def get_segmenter(name: Any, where: str = "conf/base/parameters_clustering.yml") -> Segmenter:
    """The segmenter ``clustering.algorithm`` names.

    Raises:
        ConfigurationError: no segmenter has that name (the message lists them, and the nearest).
    """
    if name is None:
        return SEGMENTERS[DEFAULT]
    segmenter = SEGMENTERS.get(str(name).strip().lower())
    if segmenter is None:
        close = difflib.get_close_matches(str(name), list(SEGMENTERS), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ConfigurationError(f"parameter 'clustering.algorithm' is {name!r}{hint}; use one of "
                                 f"{', '.join(SEGMENTERS)} ({where})")
    return segmenter


def segmenter_of(model: Any) -> Segmenter:
    """The segmenter of a fitted segmentation model (or of its last step).

    Raises:
        ValueError: the model's last step is not an estimator of a known segmenter.
    """
    estimator = model[-1] if hasattr(model, "steps") else model
    for segmenter in SEGMENTERS.values():
        if isinstance(estimator, segmenter.estimator_class):
            return segmenter
    raise ValueError(f"the model's last step is a {type(estimator).__name__}, not one of the segmenters "
                     f"{', '.join(SEGMENTERS)}")


__all__ = ["DEFAULT", "SEGMENTERS", "Assignment", "Segmenter", "get_segmenter", "segmenter_of"]
