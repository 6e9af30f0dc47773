"""Duplicate customer records in Spark, the first of each kept; the input's fingerprint; ids on two records.

What counts as the same customer is ``features/duplicates.py``'s rule: the same features once read
as numbers, the same text in every other column, and a source cell that could not be read compared as
text. As in ``io/hashing.py``, only rows whose hash repeats can be duplicates: one shuffle
of 8-byte hashes finds them, and only those rows are compared exactly, so a hash collision never drops
a row. The first row of each group (the lowest ``source_row``) is kept.

The fingerprint is a SHA-256 of the sums of every row's two hashes (Spark has no order of rows to hash
in sequence): it tells inputs apart from one run to the next on this engine; the pandas path hashes
its rows in order, so the two engines' fingerprints of one file differ.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import MapType

from customer_segmentation.features import duplicates
from customer_segmentation.features.table import FeatureTable
from customer_segmentation.names import READ_PROBLEM_COLUMN, ROW_COLUMN
from customer_segmentation.spark.checks import UNREADABLE, as_read, feature
from customer_segmentation.spark.frames import cell
from customer_segmentation.validation.problems import empty_problems


def duplicate_key(checked: DataFrame, table: FeatureTable) -> list[Column]:
    """The columns that decide whether two checked rows (``spark/checks.check_rows``) are the same customer.

    They are ``features/duplicates.duplicate_key``'s, found by running it on no rows: each feature's value
    and the other cells as read; a source cell that could not be read is compared as text. Maps (from
    Parquet) are compared as JSON: Spark cannot group by them.
    """
    columns = [*as_read(checked), *([READ_PROBLEM_COLUMN] if READ_PROBLEM_COLUMN in checked.columns else [])]
    names = duplicates.duplicate_key(pd.DataFrame(columns=columns), pd.DataFrame(columns=table.names),
                                     empty_problems(), table).columns
    maps = {field.name for field in checked.schema.fields if isinstance(field.dataType, MapType)}
    key = [feature(name) if name in table.names else F.to_json(cell(name)) if name in maps else cell(name)
           for name in names]
    return key + [F.when(cell(f"{UNREADABLE}{column}"), cell(column)) for column in table.source_columns]


def find_duplicates(checked: DataFrame, key: list[Column]) -> tuple[int, str, DataFrame | None]:
    """The number of rows, the input's fingerprint, and the ``source_row`` of every row whose ``key``
    repeats an earlier row's exactly (None when no row does).

    One job hashes every row's key twice and counts each pair of hashes: the counts give the rows read and
    the fingerprint, and only rows whose hashes repeat are then compared exactly (a second job, only when
    there are any). The duplicates (few) are kept in memory for the rest of the run.
    """
    names = [f"_k{i}" for i in range(len(key))]
    keyed = checked.select(ROW_COLUMN, *[k.alias(n) for k, n in zip(key, names)])
    hashed = keyed.withColumns({"_h1": F.xxhash64(F.lit("customer-segmentation"), *names),
                                "_h2": F.xxhash64(F.lit(1), *names)})
    groups = hashed.groupBy("_h1", "_h2").count()
    summary = groups.agg(F.sum("count").alias("n"), F.sum(F.col("_h1").cast("decimal(38,0)") * F.col("count"))
                         .alias("s1"), F.sum(F.col("_h2").cast("decimal(38,0)") * F.col("count")).alias("s2"),
                         F.count_if(F.col("count") > 1).alias("repeated")).first()
    rows = int(summary["n"] or 0)
    fingerprint = hashlib.sha256(f"{len(key)}|{rows}|{summary['s1']}|{summary['s2']}".encode()).hexdigest()
    if not summary["repeated"]:
        return rows, fingerprint, None
    candidates = hashed.join(groups.where(F.col("count") > 1).select("_h1", "_h2"), ["_h1", "_h2"], "left_semi")
    order = Window.partitionBy(*names).orderBy(ROW_COLUMN)
    duplicates = candidates.withColumn("_n", F.row_number().over(order)).where(F.col("_n") > 1).select(ROW_COLUMN)
    return rows, fingerprint, duplicates.persist(StorageLevel.MEMORY_AND_DISK)


def conflicting_ids(unique: DataFrame, column: str | None) -> dict[str, Any] | None:
    """Ids that more than one (different) record carries: ``{column, ids, examples}`` in row order, or None."""
    if column is None:
        return None
    ids = unique.select(ROW_COLUMN, cell(column).cast("string").alias("_id")).where(
        F.col("_id").isNotNull() & (F.trim(F.col("_id")) != ""))
    repeated = ids.groupBy("_id").agg(F.count(F.lit(1)).alias("n"), F.min(ROW_COLUMN).alias("first")).where("n > 1")
    counted = repeated.withColumn("_ids", F.count(F.lit(1)).over(Window.partitionBy(F.lit(0))))
    first = counted.orderBy("first").limit(duplicates.EXAMPLES)
    found = first.collect()
    return {"column": column, "ids": int(found[0]["_ids"]) if found else 0, "examples": [row["_id"] for row in found]}
