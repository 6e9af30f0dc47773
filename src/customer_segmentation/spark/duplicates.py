"""Exact duplicate rows in Spark, the first of each kept, and the input's fingerprint.

As in ``data_processing/hashing.py``, only rows whose hash repeats can be duplicates: one shuffle of
8-byte hashes finds them, and only those rows are compared exactly (by every column), so a hash
collision never drops a row. The first row of each group (the lowest ``source_row``) is kept.
"""

from __future__ import annotations

import hashlib

from pyspark import StorageLevel
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from customer_segmentation.spark.features import cell
from customer_segmentation.validation.rules import ROW_COLUMN


def duplicate_rows(rows: DataFrame, content: list[str]) -> DataFrame:
    """``source_row`` of every row that repeats an earlier row's ``content`` columns exactly.

    The result is small (the duplicates only) and kept in memory for the rest of the run, so later
    jobs do not find them again.
    """
    hashed = rows.select(ROW_COLUMN, *[cell(c) for c in content], F.xxhash64(*[cell(c) for c in content]).alias("_h"))
    repeated = hashed.groupBy("_h").count().where(F.col("count") > 1).select("_h")
    candidates = hashed.join(repeated, "_h", "left_semi")
    order = Window.partitionBy(*[cell(c) for c in content]).orderBy(ROW_COLUMN)
    duplicates = candidates.withColumn("_n", F.row_number().over(order)).where(F.col("_n") > 1).select(ROW_COLUMN)
    return duplicates.persist(StorageLevel.MEMORY_AND_DISK)


def fingerprint(rows: DataFrame, content: list[str]) -> tuple[int, str]:
    """The number of rows and a SHA-256 of the ``content`` columns' values, whatever the rows' order.

    Spark has no order of rows to hash in sequence: each row's two 64-bit hashes are summed and
    xor-ed over all rows, and those (with the column names and the count) are hashed. It tells
    inputs apart from one run to the next on this engine; the pandas path hashes differently.
    """
    h1 = F.xxhash64(F.lit("customer-segmentation"), *[cell(c) for c in content])
    h2 = F.xxhash64(F.lit(1), *[cell(c) for c in content])
    summary = rows.agg(F.count(F.lit(1)).alias("n"), F.sum(h1.cast("decimal(38,0)")).alias("s"),
                       F.bit_xor(h2).alias("x")).first()
    text = f"{content}|{summary['n']}|{summary['s']}|{summary['x']}"
    return int(summary["n"]), hashlib.sha256(text.encode()).hexdigest()
