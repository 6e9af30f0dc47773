"""Duplicate customer records in Spark, the first of each kept; ids on two records; the input's fingerprint.

What counts as the same customer is ``data_processing/duplicates.py``'s rule: the same features once read
as numbers, the same text in every other column, and a source cell that could not be read compared as
text. As in ``data_processing/hashing.py``, only rows whose hash repeats can be duplicates: one shuffle
of 8-byte hashes finds them, and only those rows are compared exactly, so a hash collision never drops
a row. The first row of each group (the lowest ``source_row``) is kept.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import MapType

from customer_segmentation.features.table import FeatureTable
from customer_segmentation.pipelines.data_processing.duplicates import EXAMPLES
from customer_segmentation.spark.features import cell
from customer_segmentation.spark.rules import FEATURES, PROBLEMS, UNREADABLE
from customer_segmentation.validation.rules import ROW_COLUMN


def duplicate_key(checked: DataFrame, table: FeatureTable) -> list[Column]:
    """The columns that decide whether two checked rows (``spark/rules.check_rows``) are the same customer."""
    sources = set(table.source_columns)
    key = []
    for field in checked.schema.fields:
        name = field.name
        if name in (ROW_COLUMN, FEATURES, PROBLEMS, UNREADABLE) or name in sources or name in table.names:
            continue
        key.append(F.to_json(cell(name)) if isinstance(field.dataType, MapType) else cell(name))
    key += [F.col(f"{FEATURES}.`{name}`") for name in table.names]
    key += [F.when(F.array_contains(UNREADABLE, column), cell(column)) for column in table.source_columns]
    return key


def duplicate_rows(checked: DataFrame, key: list[Column]) -> DataFrame:
    """``source_row`` of every row whose ``key`` repeats an earlier row's exactly.

    The result is small (the duplicates only) and kept for the rest of the run, so later jobs do not
    find them again.
    """
    names = [f"_k{i}" for i in range(len(key))]
    keyed = checked.select(ROW_COLUMN, *[k.alias(n) for k, n in zip(key, names)])
    hashed = keyed.withColumn("_h", F.xxhash64(*names))
    repeated = hashed.groupBy("_h").count().where(F.col("count") > 1).select("_h")
    candidates = hashed.join(repeated, "_h", "left_semi")
    order = Window.partitionBy(*names).orderBy(ROW_COLUMN)
    duplicates = candidates.withColumn("_n", F.row_number().over(order)).where(F.col("_n") > 1).select(ROW_COLUMN)
    return duplicates.persist(StorageLevel.MEMORY_AND_DISK)


def conflicting_ids(unique: DataFrame, column: str | None) -> dict[str, Any] | None:
    """Ids that more than one (different) record carries: ``{column, ids, examples}`` in row order, or None."""
    if column is None:
        return None
    ids = unique.select(ROW_COLUMN, cell(column).cast("string").alias("_id")).where(
        F.col("_id").isNotNull() & (F.trim(F.col("_id")) != ""))
    repeated = ids.groupBy("_id").agg(F.count(F.lit(1)).alias("n"), F.min(ROW_COLUMN).alias("first")).where("n > 1")
    found = repeated.agg(F.count(F.lit(1)).alias("ids")).first()["ids"]
    examples = [row["_id"] for row in repeated.orderBy("first").limit(EXAMPLES).collect()]
    return {"column": column, "ids": int(found), "examples": examples}


def fingerprint(rows: DataFrame, key: list[Column]) -> tuple[int, str]:
    """The number of rows and a SHA-256 of their ``key`` values, whatever the rows' order.

    Spark has no order of rows to hash in sequence: each row's two 64-bit hashes are summed and
    xor-ed over all rows, and those (with the count) are hashed. It tells inputs apart from one run
    to the next on this engine; the pandas path hashes differently.
    """
    h1 = F.xxhash64(F.lit("customer-segmentation"), *key)
    h2 = F.xxhash64(F.lit(1), *key)
    summary = rows.agg(F.count(F.lit(1)).alias("n"), F.sum(h1.cast("decimal(38,0)")).alias("s"),
                       F.bit_xor(h2).alias("x")).first()
    text = f"{len(key)}|{summary['n']}|{summary['s']}|{summary['x']}"
    return int(summary["n"]), hashlib.sha256(text.encode()).hexdigest()
