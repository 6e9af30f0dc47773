"""Whole-table summaries without collecting rows: exact medians, row numbers, bounded samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.spark.frames import ACCURACY, exact_medians, number_rows, seeded_sample, spread


@pytest.mark.parametrize("rows", [1, 2, 5, 6, 101, 3 * ACCURACY + 7])
def test_medians_are_pandas_medians_odd_even_and_tied(spark, rows):
    rng = np.random.default_rng(rows)
    frame = pd.DataFrame({"x": rng.normal(50_000, 20_000, rows), "score": rng.integers(0, 100, rows).astype(float)})
    frame.loc[frame.sample(frac=0.1, random_state=1).index, "x"] = np.nan  # missing cells are skipped
    medians = exact_medians(spark.createDataFrame(frame), ["x", "score"]).iloc[0]
    expected = frame[["x", "score"]].median()
    assert medians["x"] == expected["x"] or (np.isnan(expected["x"]) and np.isnan(medians["x"]))
    assert medians["score"] == expected["score"]


def test_medians_per_group_are_pandas_groupby_medians(spark):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"segment_id": rng.integers(0, 4, 5000), "age": rng.integers(18, 90, 5000).astype(float),
                          "income": rng.lognormal(10, 1, 5000)})
    medians = exact_medians(spark.createDataFrame(frame), ["age", "income"], by="segment_id")
    pd.testing.assert_frame_equal(medians, frame.groupby("segment_id")[["age", "income"]].median(), check_exact=True)


def test_rows_are_numbered_one_to_n_in_file_order_across_partitions(spark, tmp_path):
    pd.DataFrame({"v": np.arange(10_000)}).to_parquet(tmp_path / "rows.parquet", row_group_size=1000)
    frame = spark.read.parquet(str(tmp_path / "rows.parquet")).repartition(1).repartition(7, "v").sortWithinPartitions("v")
    numbered = number_rows(spark.read.parquet(str(tmp_path / "rows.parquet")), "source_row").toPandas()
    assert numbered["source_row"].tolist() == list(range(1, 10_001))
    assert (numbered["v"] + 1 == numbered["source_row"]).all()
    assert sorted(number_rows(frame, "n").toPandas()["n"]) == list(range(1, 10_001))


def test_a_sample_is_bounded_seeded_and_the_whole_frame_when_smaller(spark):
    frame = spark.range(20_000).withColumnRenamed("id", "v")
    first, again = (seeded_sample(frame, 500, 42, ["v"]) for _ in range(2))
    assert len(first) == 500 and first["v"].is_unique
    pd.testing.assert_frame_equal(first, again)
    assert len(seeded_sample(frame, 50_000, 42, ["v"])) == 20_000


def test_rows_read_as_one_partition_are_spread_over_the_cores_in_their_order(spark):
    frame = spark.range(1, 1001).withColumnRenamed("id", "source_row").coalesce(1)
    spread_out = spread(frame, "source_row")
    parts = spread_out.rdd.glom().map(lambda rows: [row.source_row for row in rows]).collect()
    assert len(parts) == spark.sparkContext.defaultParallelism == 2 and all(parts)
    assert [n for part in parts for n in part] == list(range(1, 1001))
    assert spread(spread_out, "source_row") is spread_out, "enough partitions already: left as it is"
