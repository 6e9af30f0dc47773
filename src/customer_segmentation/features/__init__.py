"""The feature table: one place for what is segmented on, in which unit, and how it is read and checked.

* :mod:`.table`: the ``features`` configuration read and checked (:class:`FeatureTable`).
* :mod:`.columns`: the table's columns found among a file's headers.
* :mod:`.derive`: feature values computed from a file's columns (``sum``, ``ratio``, ``years_since``, ...).
* :mod:`.validate`: rows validated against the table, with the rules of ``validation/``.
* :mod:`.duplicates`: what counts as the same customer record; ids on two different records.
* :mod:`.units`: values written in their unit ("$26k", "79/100", "34 days").
"""

from customer_segmentation.features.table import Feature, FeatureTable

__all__ = ["Feature", "FeatureTable"]
