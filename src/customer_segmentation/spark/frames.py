"""Whole-table operations that bring summaries to the driver, never all the rows.

* :func:`number_rows`: 1, 2, 3, ... in the order the rows are read, from per-partition counts.
* :func:`spread`: rows over as many partitions as there are cores, in order.
* :func:`seeded_sample`: at most ``size`` rows drawn at random with a seed, as a pandas frame.
* :func:`exact_medians`: pandas' median of each column (per group), from approximate quantiles and
  the few values around them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

# Set on ``source_row`` by a reader that numbered the rows itself (by their lines): kept as it is.
NUMBERED_BY = "numbered_by"
# percentile_approx's accuracy: the quantile it returns is within n / ACCURACY ranks of the exact one.
ACCURACY = 10_000
_BAND = 3 / ACCURACY  # the band around the median whose values are counted exactly


def cell(name: str) -> Column:
    """The column ``name``, whatever characters it holds (a file's headers: spaces, dots, brackets)."""
    return F.col(f"`{name}`")


def number_rows(frame: DataFrame, column: str) -> DataFrame:
    """``frame`` with ``column`` first: each row's 1-based position in the order Spark reads the rows.

    One job counts the rows of each partition; each row's number is then its partition's offset plus
    its place in the partition (``monotonically_increasing_id`` numbers them within a partition). The
    numbering depends on the input's partitioning, which is fixed for a given file.
    """
    tagged = frame.select(F.spark_partition_id().alias("_partition"), F.monotonically_increasing_id().alias("_id"),
                          "*")
    if frame.rdd.getNumPartitions() == 1:  # a small input: its numbers need no job
        return tagged.select((F.col("_id") + 1).alias(column), *[cell(c) for c in frame.columns])
    counts = dict(tagged.groupBy("_partition").count().collect())
    offsets, total = [], 0
    for partition in range(max(counts, default=-1) + 1):
        offsets.append(total)
        total += counts.get(partition, 0)
    offset = F.element_at(F.array(*[F.lit(o) for o in offsets] or [F.lit(0)]), F.col("_partition") + 1)
    place = F.col("_id") - F.col("_partition").cast("long") * (1 << 33)
    return tagged.select((offset + place + 1).alias(column), *[cell(c) for c in frame.columns])


def spread(frame: DataFrame, order: str) -> DataFrame:
    """``frame`` over at least as many partitions as Spark has cores, each a run of rows in ``order``.

    A file Spark reads as one partition (one Parquet row group, a CSV under 128 MB) would otherwise leave
    every core but one idle while Python works on its rows, and every step after it too.
    """
    cores = frame.sparkSession.sparkContext.defaultParallelism
    if frame.rdd.getNumPartitions() >= cores:
        return frame
    return frame.repartitionByRange(cores, cell(order)).sortWithinPartitions(cell(order))


def seeded_sample(frame: DataFrame, size: int, seed: int, columns: Sequence[str], total: int | None = None
                  ) -> pd.DataFrame:
    """At most ``size`` rows drawn uniformly at random (seeded), as pandas: the whole frame when it is smaller.

    Args:
        frame: The rows.
        size: Most rows to return.
        seed: Seed of the draw.
        columns: Columns to return.
        total: ``frame.count()`` when already known.
    """
    total = frame.count() if total is None else total
    chosen = frame.select(*[cell(c) for c in columns])
    if total > size:
        # Keep a few more rows than needed at random, then the ``size`` with the smallest draws.
        fraction = min(1.0, size / total * 1.1 + 20 / total)
        drawn = chosen.withColumn("_draw", F.rand(seed))
        chosen = drawn.where(F.col("_draw") < fraction).orderBy("_draw").limit(size).drop("_draw")
    return chosen.toPandas()


def _median(below: int, counts: list[tuple[float, int]], n: int) -> float:
    """The median of ``n`` values of which ``below`` lie under the (sorted) ``counts`` of the band's values."""
    wanted = [(n - 1) // 2, n // 2]
    found = []
    for rank in wanted:
        position = below
        for value, count in counts:
            if position + count > rank:
                found.append(value)
                break
            position += count
    if len(found) != 2:
        raise RuntimeError(f"the median's band missed ranks {wanted} of {n} values ({below} below it)")
    return (found[0] + found[1]) / 2


def exact_medians(frame: DataFrame, columns: Sequence[str], by: str | None = None) -> pd.DataFrame:
    """Each column's median as pandas computes it (the mean of the two middle values), per ``by`` group.

    Three jobs, whatever the number of rows: the count and approximate quantiles just below and above
    the median; how many values lie below that band; the distinct values inside it and how often
    each occurs (about ``6 n / ACCURACY`` values). Missing values are skipped, as pandas does.

    Returns:
        One row per group (indexed by ``by``; a single row indexed 0 without ``by``), one column per
        column; NaN where a group has no value.
    """
    group = by or "_group"
    source = frame if by else frame.withColumn("_group", F.lit(0))
    aggregates = []
    for i, column in enumerate(columns):
        value = cell(column)
        aggregates += [F.count(value).alias(f"n{i}"),
                       F.percentile_approx(value, [0.5 - _BAND, 0.5 + _BAND], ACCURACY).alias(f"q{i}")]
    bands = source.groupBy(group).agg(*aggregates)
    with_band = source.join(F.broadcast(bands), group)

    def inside(i: int) -> Column:
        value = cell(columns[i])
        return value.between(F.col(f"q{i}")[0], F.col(f"q{i}")[1])

    below = with_band.groupBy(group).agg(*[
        F.sum((cell(c) < F.col(f"q{i}")[0]).cast("long")).alias(f"b{i}") for i, c in enumerate(columns)])
    band_values = with_band.select(group, F.explode(F.array(*[
        F.when(inside(i), F.struct(F.lit(i).alias("i"), cell(c).cast("double").alias("v")))
        for i, c in enumerate(columns)])).alias("x")).where(F.col("x").isNotNull())
    counted = band_values.groupBy(group, "x.i", "x.v").count().collect()
    sizes = {row[group]: row for row in bands.collect()}
    under = {row[group]: row for row in below.collect()}
    by_group = {key: list(rows) for key, rows in itertools.groupby(
        sorted(counted, key=lambda r: (r[group], r["i"], r["v"])), key=lambda r: (r[group], r["i"]))}
    medians = {}
    for key, stats in sizes.items():
        medians[key] = [
            float("nan") if not stats[f"n{i}"] else _median(
                int(under[key][f"b{i}"] or 0), [(r["v"], r["count"]) for r in by_group.get((key, i), [])],
                stats[f"n{i}"])
            for i in range(len(columns))]
    result = pd.DataFrame.from_dict(medians, orient="index", columns=list(columns), dtype="float64")
    result.index.name = by
    return result.sort_index()
