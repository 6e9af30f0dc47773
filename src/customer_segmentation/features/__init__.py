"""The feature table: one place for what is segmented on, in which unit, and how it is read and checked.

* :mod:`.table`: the ``features`` configuration read and checked (:class:`FeatureTable`); :mod:`.feature`: one
  feature and the vocabulary of its settings; :mod:`.entries`: one configuration entry read into a feature.
* :mod:`.words`: default words from a label and unit ("few purchases", "recent purchase").
* :mod:`.categories`: category features (rare categories grouped as "Other").
* :mod:`.profiles`: profile columns and outcomes, described per segment but not segmented on.
* :mod:`.columns`: the table's columns found among a file's headers.
* :mod:`.derive`: feature values computed from a file's columns (``sum``, ``ratio``, ``years_since``, ...).
* :mod:`.validate`: rows validated against the table, with the rules of ``validation/``.
* :mod:`.duplicates`: what counts as the same customer record; ids on two different records.
* :mod:`.units`: values written in their unit ("$26k", "79/100", "34 days").
"""

from customer_segmentation.features.table import Feature, FeatureTable

__all__ = ["Feature", "FeatureTable"]
