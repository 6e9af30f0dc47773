"""Validation in Spark: every problem of every row as data, with the pandas path's reasons, order and texts.

:func:`check_rows` adds to the rows as read the features (a struct of doubles, ``FEATURES``) and their
problems (``PROBLEMS``: an array of ``(rank, order, column, text, number, reason)`` structs, in the order
``validation/rules.py`` lists them: by column in the feature table's order, whole-row problems last; a
row the reader could not fit to the header has that one problem).
A row is valid when it has none: :func:`valid_rows` gives it with its features as numbers.
:func:`problem_records` and :func:`rejection_reasons` write the problems as the pandas path does, with
:func:`.problems.show_value` and :func:`.problems.problem_text` themselves (a pandas UDF, run on the
rejected rows only).
"""

from __future__ import annotations

from functools import reduce

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from customer_segmentation.features.table import FeatureTable
from customer_segmentation.spark.features import Check, cell, feature_values
from customer_segmentation.validation import reasons
from customer_segmentation.validation.problems import problem_text, show_value
from customer_segmentation.names import READ_PROBLEM_COLUMN
from customer_segmentation.names import REASON_COLUMN, ROW_COLUMN

FEATURES = "__features__"
PROBLEMS = "__problems__"
UNREADABLE = "__unreadable__"  # the source columns whose cells could not be read (they count as text in duplicates)
_INF = float("inf")


def _any(conditions: list[Column]) -> Column:
    return reduce(lambda a, b: a | b, conditions, F.lit(False))


def _all(conditions: list[Column]) -> Column:
    return reduce(lambda a, b: a & b, conditions, F.lit(True))


def _rule_checks(table: FeatureTable, value: dict[str, Column], sources: list[tuple[Column, str]],
                 reject_missing: bool) -> list[Check]:
    """The checks of ``validation/rules.py``: finite and in range, not all empty, (``drop``) not missing."""
    checks = []
    for feature in table:
        v = value[feature.name]
        infinite = F.coalesce(v.isin(_INF, -_INF), F.lit(False))
        low, high = feature.minimum, feature.maximum
        outside = (v < low if low is not None else F.lit(False)) | (v > high if high is not None else F.lit(False))
        checks.append(Check(infinite, feature.name, v, reasons.NOT_FINITE))
        checks.append(Check(F.coalesce(outside & ~infinite, F.lit(False)), feature.name, v,
                            reasons.outside_range(feature.minimum, feature.maximum)))
        huge = F.abs(v) > F.lit(reasons.MAX_MAGNITUDE)
        checks.append(Check(F.coalesce(huge & ~infinite & ~outside, F.lit(False)), feature.name, v, reasons.TOO_LARGE))
    unreadable = _any([flag for flag, _ in sources])
    flagged = _any([check.when for check in checks])
    empty = _all([v.isNull() for v in value.values()]) & ~unreadable & ~flagged
    checks.append(Check(empty, "", None, reasons.all_values_empty(table.names)))
    if reject_missing:
        for feature in table:
            own_unreadable = _any([flag for flag, column in sources if column in feature.sources])
            shown = cell(feature.column) if feature.derive is None else None
            checks.append(Check(value[feature.name].isNull() & ~own_unreadable & ~empty, feature.name, shown,
                                reasons.MISSING, text=feature.derive is None))
    return checks


def _ranks(table: FeatureTable) -> dict[str, int]:
    """Where problems of each column sort within a row, as ``problems.combine`` orders them (whole-row last)."""
    columns = [column for feature in table for column in (*feature.sources, feature.name)]
    return {column: position for position, column in enumerate(columns)}


def problem_order(table: FeatureTable) -> Column:
    """The rank of a problem record's ``column`` within its row (whole-row problems last)."""
    ranks = _ranks(table)
    order = F.lit(len(ranks))
    for column, position in ranks.items():
        order = F.when(F.col("column") == column, position).otherwise(order)
    return order.alias("rank")


def check_rows(frame: DataFrame, table: FeatureTable, reject_missing: bool = False,
               today: pd.Timestamp | None = None) -> DataFrame:
    """``frame`` as read, plus ``FEATURES`` (each feature of ``table`` as a double) and ``PROBLEMS``.

    Args:
        frame: Rows whose headers went through ``resolve_columns``.
        table: The feature table.
        reject_missing: A missing feature is a problem instead of being left to imputation.
        today: Reference date of ``years_since``/``days_since`` features that set none.
    """
    types = {field.name: field.dataType for field in frame.schema.fields}
    values, source_checks = feature_values(table, types, today)
    # Stage the features and the source flags as columns, so every rule reads them once.
    staged = frame.select("*", *[v.alias(f"__f{i}") for i, v in enumerate(values.values())],
                          *[c.when.alias(f"__s{j}") for j, c in enumerate(source_checks)])
    value = {name: F.col(f"__f{i}") for i, name in enumerate(values)}
    flags = [Check(F.col(f"__s{j}"), c.column, c.shown, c.reason, c.text) for j, c in enumerate(source_checks)]
    checks = flags + _rule_checks(table, value, [(c.when, c.column) for c in flags], reject_missing)
    rank = _ranks(table)
    candidates = [F.when(check.when, F.struct(
        F.lit(rank.get(check.column, len(rank))).alias("rank"), F.lit(order).alias("order"),
        F.lit(check.column).alias("column"),
        (check.shown.cast("string") if check.text and check.shown is not None else F.lit(None).cast("string"))
        .alias("text"),
        (check.shown.cast("double") if not check.text and check.shown is not None else F.lit(None).cast("double"))
        .alias("number"),
        F.lit(check.reason).alias("reason"))) for order, check in enumerate(checks)]
    problems = F.sort_array(F.filter(F.array(*candidates), lambda problem: problem.isNotNull()))
    if READ_PROBLEM_COLUMN in frame.columns:  # a row that did not fit the header has that one problem
        misread = F.struct(F.lit(len(rank)).alias("rank"), F.lit(0).alias("order"), F.lit("").alias("column"),
                           F.lit(None).cast("string").alias("text"), F.lit(None).cast("double").alias("number"),
                           F.col(READ_PROBLEM_COLUMN).alias("reason"))
        problems = F.when(F.col(READ_PROBLEM_COLUMN).isNotNull(), F.array(misread)).otherwise(problems)
    features = F.struct(*[value[name].alias(name) for name in values])
    unreadable = F.array_distinct(F.filter(F.array(*[F.when(c.when, F.lit(c.column)) for c in flags]
                                                   or [F.lit(None).cast("string")]), lambda c: c.isNotNull()))
    return staged.select(*[cell(c) for c in frame.columns], features.alias(FEATURES), problems.alias(PROBLEMS),
                         unreadable.alias(UNREADABLE))


def _as_read(checked: DataFrame) -> list[str]:
    """The columns of the rows as read (the reader's problem column is in the problems, not in outputs)."""
    return [c for c in checked.columns if c not in (FEATURES, PROBLEMS, UNREADABLE, READ_PROBLEM_COLUMN)]


def valid_rows(checked: DataFrame) -> DataFrame:
    """The rows without problems, every column kept, each feature a double (replacing a column of its name)."""
    names = checked.schema[FEATURES].dataType.names
    columns = _as_read(checked)
    kept = [F.col(f"{FEATURES}.`{c}`").alias(c) if c in names else cell(c) for c in columns]
    added = [F.col(f"{FEATURES}.`{n}`").alias(n) for n in names if n not in columns]
    return checked.where(F.size(PROBLEMS) == 0).select(*kept, *added)


def rejected_rows(checked: DataFrame) -> DataFrame:
    """The rows with problems, as read, with their problems."""
    return checked.where(F.size(PROBLEMS) > 0).select(*map(cell, _as_read(checked)), PROBLEMS)


@F.pandas_udf(StructType([StructField("shown", StringType()), StructField("sentence", StringType())]))
def _describe(column: pd.Series, text: pd.Series, number: pd.Series, reason: pd.Series) -> pd.DataFrame:
    """The value as shown and the sentence of each problem, by the pandas path's own functions."""
    value = text.astype("object").where(text.notna(), number.astype("object"))
    records = pd.DataFrame({"column": column.astype("object"), "value": value, "reason": reason.astype("object")})
    return pd.DataFrame({"shown": records["value"].map(show_value), "sentence": problem_text(records)})


def _exploded(rejected: DataFrame) -> DataFrame:
    exploded = rejected.select(ROW_COLUMN, F.posexplode(PROBLEMS).alias("position", "p"))
    described = _describe(F.col("p.column"), F.col("p.text"), F.col("p.number"), F.col("p.reason"))
    return exploded.select(ROW_COLUMN, "position", "p.column", "p.reason", described.alias("d"))


def problem_records(rejected: DataFrame) -> DataFrame:
    """One record per problem (``row``, ``column``, ``value`` as shown, ``reason``), ordered by row."""
    return (_exploded(rejected).orderBy(ROW_COLUMN, "position")
            .select(F.col(ROW_COLUMN).alias("row"), "column", F.col("d.shown").alias("value"), "reason"))


def rejection_reasons(rejected: DataFrame) -> DataFrame:
    """The rejected rows as read, with ``rejection_reason``: their problems' sentences joined by ``"; "``."""
    sentences = (_exploded(rejected).groupBy(ROW_COLUMN)
                 .agg(F.sort_array(F.collect_list(F.struct("position", F.col("d.sentence").alias("s")))).alias("x"))
                 .select(ROW_COLUMN, F.array_join(F.col("x.s"), "; ").alias(REASON_COLUMN)))
    return rejected.drop(PROBLEMS).join(sentences, ROW_COLUMN).orderBy(ROW_COLUMN)
