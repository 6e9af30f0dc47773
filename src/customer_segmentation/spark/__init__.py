"""The Spark engine: the same pipelines on Apache Spark (``kedro run --env spark``).

Nothing here is a second set of rules: the feature table, the reasons, the model and its scoring are
the pandas path's, turned into Spark column expressions.

* :mod:`.session`: the SparkSession from ``spark.yml`` (where it runs is configuration only).
* :mod:`.frames`: row numbers, seeded samples and exact medians without collecting rows.
* :mod:`.parsing`: numbers and dates in cells, as ``validation/parsing.py`` reads them.
* :mod:`.features`: the feature table's derivations as column expressions, with their source problems.
* :mod:`.rules`: validation problems as data per row, and the texts the pandas path writes.
* :mod:`.duplicates`: exact duplicate rows and the input's fingerprint.
* :mod:`.model`: ``pyspark.ml`` fits turned into the project's scikit-learn model.
* :mod:`.scoring`: that model applied as column expressions; :mod:`.metrics`: its validity indices.

pyspark is an optional dependency (``pip install -e ".[spark]"``): importing this package does not
import it; its modules do.
"""

import warnings

# pyspark 4.3 warns about any pandas >= 3 when its pandas functions are imported; this project runs its
# Spark path on pandas 3 and tests it (tests/spark/). The warning alone is silenced, in this process and,
# through PYTHONWARNINGS, in Spark's Python workers (spark/session.py).
PANDAS_WARNING = "PySpark does not yet fully support pandas"
warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)
