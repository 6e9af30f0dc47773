"""An order log on Spark: the pandas rules per partition, duplicates and aggregates over all lines.

* Exact duplicate lines need every line: a window over the cells keeps the first (the lowest ``source_row``),
  as pandas does.
* The rules of one line need no other line: ``validation.order_lines.line_values`` runs per partition
  (``mapInPandas``), so a line gets the same reasons on both engines.
* The aggregates (``features/aggregates.py``'s vocabulary) are Spark group-bys over all lines, with the same
  definitions: purchases are lines that are not returns; revenue nets the returns.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pandas as pd
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from customer_segmentation.names import READ_PROBLEM_COLUMN, REASON_COLUMN, ROW_COLUMN
from customer_segmentation.spark.frames import number_rows
from customer_segmentation.validation.order_lines import OrderLog, line_values
from customer_segmentation.validation.problems import problem_kinds, reasons_by_row

KEYS = "__problem_keys"  # each line's problems as problem_kinds words them ("UnitPrice: zero: ...")
# The typed values beside the cells as read: Spark's names ignore case, so "quantity" would clash with "Quantity".
_PREFIX = "__line_"
_TYPES = {"customer_id": T.StringType(), "order_id": T.StringType(), "date": T.TimestampNTZType(),
          "quantity": T.DoubleType(), "amount": T.DoubleType(), "product": T.StringType(),
          "is_return": T.BooleanType()}
_TYPED = T.StructType([T.StructField(_PREFIX + name, kind) for name, kind in _TYPES.items()])


def unique_lines(log: DataFrame) -> tuple[DataFrame, int, int]:
    """The log numbered (``source_row``) without its exact duplicate lines; lines read and duplicates removed."""
    numbered = log if ROW_COLUMN in log.columns else number_rows(log, ROW_COLUMN)
    cells = [F.col(f"`{c}`") for c in log.columns if c not in (ROW_COLUMN, READ_PROBLEM_COLUMN)]
    first = F.row_number().over(Window.partitionBy(*cells).orderBy(ROW_COLUMN))
    unique = numbered.withColumn("_copy", first).filter("_copy = 1").drop("_copy")
    read, kept = numbered.count(), unique.count()
    return unique, read, read - kept


def check_lines(unique: DataFrame, spec: OrderLog) -> DataFrame:
    """Every line's typed values, its cells as text, its ``rejection_reason`` (null when kept) and problem keys."""
    raw = [c for c in unique.columns if c != ROW_COLUMN]
    schema = T.StructType([T.StructField(ROW_COLUMN, T.LongType()), *_TYPED.fields,
                           *[T.StructField(c, T.StringType()) for c in raw],
                           T.StructField(REASON_COLUMN, T.StringType()),
                           T.StructField(KEYS, T.ArrayType(T.StringType()))])

    def check(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield _checked(batch.reset_index(drop=True), spec, raw)

    return unique.mapInPandas(check, schema)


def _checked(batch: pd.DataFrame, spec: OrderLog, raw: list[str]) -> pd.DataFrame:
    lines, records = line_values(batch, spec)
    records = records.assign(key=problem_kinds(records))
    grouped = records.groupby("row")["key"].agg(list).to_dict()
    keys = pd.Series([grouped.get(row, []) for row in batch.index], index=batch.index, dtype=object)
    text = batch[raw].astype("string").astype(object).where(batch[raw].notna(), None)
    lines = lines.astype({"is_return": bool}).add_prefix(_PREFIX)
    return pd.concat([batch[[ROW_COLUMN]].astype("int64"), lines, text,
                      pd.DataFrame({REASON_COLUMN: reasons_by_row(records).reindex(batch.index).astype(object),
                                    KEYS: keys.astype(object)}, index=batch.index)], axis=1)


def kept_lines(checked: DataFrame) -> DataFrame:
    """The lines without a problem, as ``validation.order_lines.LINE_COLUMNS`` and ``source_row``."""
    typed = [F.col(_PREFIX + name).alias(name) for name in _TYPES]
    return checked.filter(F.col(REASON_COLUMN).isNull()).select(*typed, ROW_COLUMN)


def rejected_lines(checked: DataFrame) -> DataFrame:
    """The lines with a problem: ``source_row``, the cells as read and ``rejection_reason``."""
    return checked.filter(F.col(REASON_COLUMN).isNotNull()).drop(*_TYPED.names, KEYS)


def snapshot_date(kept: DataFrame, spec: OrderLog) -> pd.Timestamp:
    """The configured snapshot date, or the day after the log's last kept line."""
    if spec.snapshot_date is not None:
        return pd.Timestamp(spec.snapshot_date)
    return pd.Timestamp(kept.agg(F.max("date")).first()[0]).normalize() + pd.Timedelta(days=1)


def _days(since: Column, snapshot: pd.Timestamp) -> Column:
    seconds = F.timestamp_diff("SECOND", since, F.lit(snapshot.to_pydatetime()).cast("timestamp_ntz"))
    return F.floor(seconds / 86_400).cast("double")


def aggregate(kept: DataFrame, aggregates: Mapping[str, tuple[str, int | None]], snapshot: pd.Timestamp,
              id_column: str) -> DataFrame:
    """One row per customer: the id (under ``id_column``) and each aggregate, as ``features/aggregates.py``."""
    bought = ~F.col("is_return")
    purchase = lambda column: F.when(bought, F.col(column))  # noqa: E731 - a column of purchases only
    orders = F.countDistinct(purchase("order_id")).cast("double")
    revenue = F.sum("amount")
    returned = F.sum(F.when(~bought, -F.col("amount")).otherwise(0.0))
    value_bought = F.sum(F.when(bought, F.col("amount")))
    since = F.lit(snapshot.to_pydatetime()).cast("timestamp_ntz")
    kinds = {
        "recency": lambda days: _days(F.max(purchase("date")), snapshot),
        "tenure": lambda days: _days(F.min(purchase("date")), snapshot),
        "orders": lambda days: orders,
        "revenue": lambda days: revenue,
        "average_order_value": lambda days: revenue / F.when(orders > 0, orders),
        "distinct_products": lambda days: F.countDistinct(purchase("product")).cast("double"),
        "orders_in_last": lambda days: F.countDistinct(
            F.when(bought & (F.col("date") >= since - F.expr(f"INTERVAL {int(days)} DAYS")), F.col("order_id"))
        ).cast("double"),
        "return_rate": lambda days: returned / F.when(value_bought > 0, value_bought),
    }
    columns = [kinds[kind](days).alias(name) for name, (kind, days) in aggregates.items()]
    return kept.groupBy(F.col("customer_id").alias(id_column)).agg(*columns)


__all__ = ["KEYS", "aggregate", "check_lines", "kept_lines", "rejected_lines", "snapshot_date", "unique_lines"]
