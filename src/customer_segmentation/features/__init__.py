"""The feature table: one place for what is segmented on, in which unit, and how it is read.

* :mod:`.table`: the ``features`` configuration read and checked (:class:`FeatureTable`).
* :mod:`.derive`: feature values computed from a file's columns (``sum``, ``ratio``, ``years_since``, ...).
* :mod:`.units`: values written in their unit ("$26k", "79/100", "34 days").
"""

from customer_segmentation.features.table import Feature, FeatureTable, normalise_header

__all__ = ["Feature", "FeatureTable", "normalise_header"]
