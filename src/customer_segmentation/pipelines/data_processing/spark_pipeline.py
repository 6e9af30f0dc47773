"""data_processing on Spark (``kedro run --env spark``): the same input and outputs as ``pipeline.py``.

Every row is checked by the pandas path's functions on each partition (its features and its problems, as
columns), duplicates are removed, and the unique rows are written once with their features and problems
(``checked_customers@spark``, a Parquet folder), which the split and the report then read instead of
recomputing them.
"""

from kedro.pipeline import Node, Pipeline

from .spark_nodes import (
    build_data_quality_report,
    check_records,
    impute_missing_values,
    remove_duplicate_rows,
    split_records,
    standardize_columns,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(func=standardize_columns,
                 inputs=["customers", "params:features", "params:profile_columns", "params:outcomes"],
                 outputs="mapped_customers",
                 name="standardize_columns_node"),
            Node(func=check_records, inputs=["mapped_customers", "params:features", "params:missing_values"],
                 outputs="customer_features", name="check_records_node"),
            Node(func=remove_duplicate_rows, inputs=["customer_features", "params:features", "params:id_column"],
                 outputs=["checked_customers@spark", "deduplication_summary"], name="remove_duplicate_rows_node"),
            Node(func=split_records, inputs="checked_customers@spark",
                 outputs=["validated_customers", "rejected_customers@spark", "validation_problems@spark"],
                 name="split_records_node"),
            Node(func=impute_missing_values, inputs=["validated_customers", "params:features", "params:missing_values"],
                 outputs=["model_input_customers@spark", "cells_imputed"], name="impute_missing_values_node"),
            Node(func=build_data_quality_report,
                 inputs=["deduplication_summary", "checked_customers@spark", "rejected_customers@spark",
                         "model_input_customers@spark", "cells_imputed", "params:features"],
                 outputs="data_quality_report", name="build_data_quality_report_node"),
        ]
    )
