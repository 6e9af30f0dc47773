"""data_processing on Spark: the same rows kept, rejected with the same reasons, or counted as duplicates.

The rules of each row are the pandas path's own functions, run on each partition (``spark/checks.py``);
Spark does what needs every row (numbering, duplicates, medians, counts). Only counts and small
summaries reach the driver.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import IntegralType

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.columns import resolve_columns
from customer_segmentation.features.duplicates import find_id_column
from customer_segmentation.features.profiles import Descriptors
from customer_segmentation.names import IMPUTED_COLUMN, ROW_COLUMN
from customer_segmentation.pipelines.data_processing.accounting import (
    NEARLY_CONSTANT,
    check_missing_values,
    features_to_impute,
    quality_report,
)
from customer_segmentation.spark import checks, duplicates
from customer_segmentation.spark.frames import NUMBERED_BY, cell, exact_medians, number_rows
from customer_segmentation.validation.problems import counts_by_reason

logger = logging.getLogger(__name__)


def standardize_columns(customers: DataFrame, features: dict[str, Any], profile_columns: list[str] | None = None,
                        outcomes: dict[str, Any] | None = None) -> DataFrame:
    """Finds the feature table's columns (and the profile and outcome columns) among the file's headers and
    numbers the rows.

    Args:
        customers: The raw customer rows on Spark.
        features: The feature table (``params:features``).
        profile_columns: Columns described per segment (``params:profile_columns``).
        outcomes: Outcome columns (``params:outcomes``).

    Returns:
        The same rows, the table's source headers in its spelling, and a 1-based ``source_row`` first:
        the reader's line numbers for a CSV, else the rows' positions.
    """
    # The pandas path's header rules, applied to the headers alone.
    described = Descriptors.from_config(profile_columns, outcomes)
    headers = resolve_columns(pd.DataFrame(columns=customers.columns), FeatureTable.from_config(features),
                              described=described).columns
    mapped = customers.toDF(*map(str, headers))
    if ROW_COLUMN not in mapped.columns:
        return number_rows(mapped, ROW_COLUMN)
    if mapped.schema[ROW_COLUMN].metadata.get(NUMBERED_BY) == "reader":  # numbered by the CSV reader itself
        return mapped
    numbers = mapped.agg(F.min(ROW_COLUMN).alias("low"), F.count(ROW_COLUMN).alias("n"),
                         F.count(F.lit(1)).alias("rows"), F.count_distinct(ROW_COLUMN).alias("distinct")).first()
    numbered = isinstance(mapped.schema[ROW_COLUMN].dataType, IntegralType) and (
        numbers["rows"] == 0 or (numbers["low"] >= 1 and numbers["n"] == numbers["distinct"] == numbers["rows"]))
    if not numbered:
        raise CustomerDataError(f"the input already has a column named '{ROW_COLUMN}' that does not number "
                                "its rows; rename it")
    return mapped.select(ROW_COLUMN, *[cell(c) for c in mapped.columns if c != ROW_COLUMN])


def check_records(customers: DataFrame, features: dict[str, Any], missing_values: str) -> DataFrame:
    """Computes every feature of the table and every problem of every row.

    Args:
        customers: Rows with the table's headers.
        features: The feature table.
        missing_values: ``median`` keeps rows with missing cells for imputation; ``drop`` rejects them.

    Returns:
        The rows as read, with their features and their problems (``spark/checks.py``).
    """
    check_missing_values(missing_values)
    return checks.check_rows(customers, FeatureTable.from_config(features), reject_missing=missing_values == "drop")


def remove_duplicate_rows(checked: DataFrame, features: dict[str, Any], id_column: str | None
                          ) -> tuple[DataFrame, dict[str, Any]]:
    """Drops duplicate records, keeping the first: the same features (as numbers) and the same other cells.

    Args:
        checked: Output of ``check_records``.
        features: The feature table.
        id_column: The column of customer ids (``auto``: found from its header; ``none``: no ids).

    Returns:
        The unique rows and ``{rows_read, duplicates_removed, input_sha256, conflicting_ids}``.
    """
    table = FeatureTable.from_config(features)
    rows_read, sha256, found = duplicates.find_duplicates(checked, duplicates.duplicate_key(checked, table))
    removed = found.count() if found is not None else 0
    unique = checked.join(found, ROW_COLUMN, "left_anti") if removed else checked
    conflicts = duplicates.conflicting_ids(unique, find_id_column(checked, id_column, table))
    logger.info("read %d rows, %d duplicates removed", rows_read, removed)
    if conflicts and conflicts["ids"]:
        logger.warning("%d %s value(s) are on more than one different record, e.g. %s: the records are kept; "
                       "check whether they are one customer", conflicts["ids"], conflicts["column"],
                       conflicts["examples"][:5])
    return unique, {"rows_read": rows_read, "duplicates_removed": removed, "input_sha256": sha256,
                    "conflicting_ids": conflicts}


def split_records(checked: DataFrame) -> tuple[DataFrame, DataFrame, DataFrame]:
    """Sets the rows with problems aside, with every reason.

    Args:
        checked: Output of ``check_records``, without duplicates.

    Returns:
        Valid rows (every column; features as doubles), rejected rows (cells as read, plus
        ``rejection_reason``) and one record per problem (``row`` = ``source_row``, column, value, reason).
    """
    return checks.valid_rows(checked), checks.rejected_rows(checked), checks.problem_records(checked)


def impute_missing_values(customers: DataFrame, features: dict[str, Any], missing_values: str
                          ) -> tuple[DataFrame, dict[str, int]]:
    """Fills missing feature cells with the column median of the valid rows (computed exactly, in Spark).

    Args:
        customers: The valid rows on Spark (``split_records``).
        features: The feature table, whose features are filled.
        missing_values: The strategy; with ``drop`` no cell is left to fill.

    Returns:
        The rows with every feature filled (lazily, in Spark) and ``imputed_features`` naming the features
        filled in on each row, and the cells filled per feature.
    """
    names = FeatureTable.from_config(features).names
    counted = customers.agg(F.count(F.lit(1)).alias("_rows"),
                            *[F.count_if(cell(f).isNull()).alias(f) for f in names]).first()
    counts = {f: int(counted[f]) for f in names}
    incomplete = features_to_impute(counts, int(counted["_rows"]), missing_values)
    # As on pandas: the features filled in on each row ("annual_income, age"), empty when none.
    flagged = customers.withColumn(IMPUTED_COLUMN, F.concat_ws(", ", *[F.when(cell(f).isNull(), F.lit(f))
                                                                       for f in names]))
    if not incomplete:
        return flagged, counts
    medians = exact_medians(customers, incomplete).iloc[0].to_dict()
    logger.info("imputed missing cells with the median: %s", counts)
    return flagged.fillna(medians), counts


def _constant(low: Column, high: Column, numeric: bool) -> Column:
    """Whether a feature is (nearly, for numbers) constant, as the pandas nodes decide
    (``accounting.NEARLY_CONSTANT``)."""
    equal = low.eqNullSafe(high)
    if not numeric:
        return equal
    return equal | F.coalesce(high - low <= F.lit(NEARLY_CONSTANT) * F.greatest(F.abs(low), F.abs(high)), F.lit(False))


def build_data_quality_report(
    deduplication: dict[str, Any],
    checked_customers: DataFrame,
    rejected_customers: DataFrame,
    model_input_customers: DataFrame,
    cells_imputed: dict[str, int],
    features: dict[str, Any],
) -> dict[str, Any]:
    """The pandas path's data quality report, from counts and per-feature extremes computed in Spark.

    Args:
        deduplication: ``remove_duplicate_rows``' summary (rows read, duplicates, fingerprint).
        checked_customers: The Parquet folder of unique rows with their problems (counted per column and
            reason, each kind where it first occurred: by row, then by its place among the row's problems).
        rejected_customers: The Parquet folder of rejected rows (counted).
        model_input_customers: The Parquet folder of rows kept (counted; min and max of each feature).
        cells_imputed: Cells filled per feature.
        features: The feature table.

    Returns:
        The report; ``rows_read == rows_out + rows_rejected + duplicates_removed``, else it raises.
    """
    table = FeatureTable.from_config(features)
    names = table.names
    kept = model_input_customers.agg(F.count(F.lit(1)).alias("_rows"), *[
        _constant(F.min(cell(f.name)), F.max(cell(f.name)), not f.is_category).alias(f.name) for f in table]).first()
    kinds = (checks.numbered_problems(checked_customers).groupBy("column", "reason")
             .agg(F.count(F.lit(1)).alias("count"), F.min(F.struct("row", "position")).alias("first"))
             .orderBy("first").toPandas())
    constant = [f for f in names if kept["_rows"] and kept[f]]
    return quality_report(deduplication, rejected_customers.count(), int(kept["_rows"]),
                          counts_by_reason(kinds, counts="count"), cells_imputed, constant)
