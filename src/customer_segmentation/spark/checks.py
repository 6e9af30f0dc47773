"""Validation on Spark: ``features/validate.py`` itself on each partition, every problem kept as data.

:func:`check_rows` runs ``compute_features`` and ``check_features`` on each batch of rows, indexed by their
``source_row`` (so problems are keyed by it, whatever the partition), and adds to the rows as read:

* ``__feature__<name>``: each feature's value (a double; null where missing or unreadable);
* ``__unreadable__<column>``: whether the row's source cell in ``column`` could not be read (duplicates
  compare such cells as text);
* ``rejection_reason`` (``validation/problems.reasons_by_row``; null for a valid row) and ``__problems__``:
  the row's problem records in order (``column``, ``value`` as ``show_value`` shows it, ``reason``).

:func:`valid_rows`, :func:`rejected_rows` and :func:`problem_records` then split them as ``split_rows`` does.
"""

from __future__ import annotations

import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, BooleanType, DoubleType, StringType, StructField, StructType

from customer_segmentation.features.derive import compute_features
from customer_segmentation.features.table import FeatureTable
from customer_segmentation.features.validate import check_features
from customer_segmentation.names import READ_PROBLEM_COLUMN, REASON_COLUMN, ROW_COLUMN
from customer_segmentation.spark.frames import cell, spread
from customer_segmentation.spark.partitions import map_partitions
from customer_segmentation.validation.problems import reasons_by_row, show_value

FEATURE = "__feature__"
UNREADABLE = "__unreadable__"
PROBLEMS = "__problems__"
RECORD = ("column", "value", "reason")
_ADDED = (FEATURE, UNREADABLE, PROBLEMS, REASON_COLUMN, READ_PROBLEM_COLUMN)


def _records_by_row(problems: pd.DataFrame, rows: pd.Index) -> list[list[dict[str, str]] | None]:
    """Each row's problem records in their order (None for a row without any)."""
    shown = problems.assign(value=problems["value"].map(show_value))
    records: list[list[dict[str, str]] | None] = [None] * len(rows)
    positions = rows.get_indexer(shown["row"])
    for position, record in zip(positions.tolist(), shown[list(RECORD)].to_dict("records")):
        records[position] = (records[position] or []) + [record]
    return records


def _check(batch: pd.DataFrame, table: FeatureTable, reject_missing: bool, today: pd.Timestamp) -> pd.DataFrame:
    rows = batch.set_index(batch[ROW_COLUMN].to_numpy())  # problems keyed by source_row, not by position
    features, source_problems = compute_features(rows, table, today)
    problems = check_features(rows, features, source_problems, table, reject_missing)
    added = {f"{FEATURE}{name}": features[name].to_numpy() for name in table.names}
    for column in table.source_columns:
        unreadable = source_problems.loc[source_problems["column"] == column, "row"]
        added[f"{UNREADABLE}{column}"] = rows.index.isin(unreadable)
    added[REASON_COLUMN] = reasons_by_row(problems).reindex(rows.index).to_numpy()
    added[PROBLEMS] = _records_by_row(problems, rows.index)
    return batch.assign(**added)


def check_rows(frame: DataFrame, table: FeatureTable, reject_missing: bool = False,
               today: pd.Timestamp | None = None) -> DataFrame:
    """``frame`` as read, plus each row's features and problems (see the module docstring).

    Args:
        frame: Rows whose headers went through ``resolve_columns``, numbered by ``source_row``.
        table: The feature table.
        reject_missing: A missing feature is a problem instead of being left to imputation.
        today: Reference date of ``years_since``/``days_since`` features that set none (default: the
            driver's today, the same on every executor).
    """
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today)
    record = StructType([StructField(name, StringType()) for name in RECORD])
    schema = StructType([
        *frame.schema.fields,
        *[StructField(f"{FEATURE}{name}", DoubleType()) for name in table.names],
        *[StructField(f"{UNREADABLE}{column}", BooleanType(), False) for column in table.source_columns],
        StructField(REASON_COLUMN, StringType()),
        StructField(PROBLEMS, ArrayType(record)),
    ])
    checked = map_partitions(spread(frame, ROW_COLUMN), lambda rows: _check(rows, table, reject_missing, today), schema)
    # Kept once computed: duplicates and the write pass over the rows several times, and the checks (in
    # Python) cost more to run again than to keep.
    return checked.persist(StorageLevel.MEMORY_AND_DISK)


def as_read(checked: DataFrame) -> list[str]:
    """The columns of the rows as read (the reader's problem column is in the problems, never in outputs)."""
    return [c for c in checked.columns if not c.startswith(_ADDED)]


def feature(name: str) -> Column:
    return F.col(f"`{FEATURE}{name}`")


def valid_rows(checked: DataFrame) -> DataFrame:
    """The rows without problems, as ``split_rows`` gives them: every column, each feature a double
    (in place of a column of its name, else after the others)."""
    columns = as_read(checked)
    names = [c.removeprefix(FEATURE) for c in checked.columns if c.startswith(FEATURE)]
    kept = [feature(c).alias(c) if c in names else cell(c) for c in columns]
    added = [feature(name).alias(name) for name in names if name not in columns]
    return checked.where(F.col(REASON_COLUMN).isNull()).select(*kept, *added)


def rejected_rows(checked: DataFrame) -> DataFrame:
    """The rows with problems, as read, with their ``rejection_reason``."""
    return checked.where(F.col(REASON_COLUMN).isNotNull()).select(*map(cell, as_read(checked)), REASON_COLUMN)


def numbered_problems(checked: DataFrame) -> DataFrame:
    """One record per problem: ``row`` (``source_row``), its ``position`` among the row's, ``column``,
    ``value`` and ``reason``."""
    exploded = checked.where(F.col(REASON_COLUMN).isNotNull()).select(
        F.col(ROW_COLUMN).alias("row"), F.posexplode(PROBLEMS).alias("position", "p"))
    return exploded.select("row", "position", *[F.col(f"p.{name}").alias(name) for name in RECORD])


def problem_records(checked: DataFrame) -> DataFrame:
    """The ``validation_problems`` of the pandas path: ``row``, ``column``, ``value``, ``reason``, by row."""
    return numbered_problems(checked).orderBy("row", "position").drop("position")

