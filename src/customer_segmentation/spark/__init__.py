"""The Spark engine: the same pipelines on Apache Spark (``kedro run --env spark``).

Nothing here is a second set of rules: what each row needs (reading cells as numbers and dates, the
derivations, validation and its problem texts, scoring) is the pandas path's functions, run on each
partition (:mod:`.partitions`). Spark's own code is for what needs every row:

* :mod:`.session`: the SparkSession from ``spark.yml`` (where it runs is configuration only).
* :mod:`.csv`: a customer CSV read by Spark as the pandas reader reads it, rows numbered by their line.
* :mod:`.frames`: row numbers, seeded samples and exact medians without collecting rows.
* :mod:`.partitions`: pandas functions per partition (``mapInPandas``); the model-space coordinates.
* :mod:`.checks`: ``features/validate.py`` per partition, its problems as data, split as on pandas.
* :mod:`.duplicates`: exact duplicate rows across partitions and the input's fingerprint.
* :mod:`.model`: the fit from all-row statistics (k-means|| on every row, other segmenters on a sample).
* :mod:`.metrics`: the validity indices from per-segment sums.

pyspark is an optional dependency (``pip install -e ".[spark]"``): importing this package does not
import it; its modules do.
"""

import warnings

# pyspark 4.3 warns about any pandas >= 3 when its pandas functions are imported; this project runs its
# Spark path on pandas 3 and tests it (tests/spark/). The warning alone is silenced, in this process and,
# through PYTHONWARNINGS, in Spark's Python workers (spark/session.py).
PANDAS_WARNING = "PySpark does not yet fully support pandas"
warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)
