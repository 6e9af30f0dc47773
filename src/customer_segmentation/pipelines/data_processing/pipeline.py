from kedro.pipeline import Node, Pipeline

from .nodes import (
    build_data_quality_report,
    engineer_features,
    group_rare_categories,
    impute_missing_values,
    remove_duplicate_rows,
    standardize_columns,
    validate_records,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=standardize_columns,
                inputs=["customers", "params:features", "params:profile_columns", "params:outcomes"],
                outputs="mapped_customers",
                name="standardize_columns_node",
            ),
            Node(
                func=engineer_features,
                inputs=["mapped_customers", "params:features"],
                outputs=["customer_features", "source_problems"],
                name="engineer_features_node",
            ),
            Node(
                func=remove_duplicate_rows,
                inputs=["mapped_customers", "customer_features", "source_problems", "params:features",
                        "params:id_column"],
                outputs=["unique_customers", "deduplication_summary"],
                name="remove_duplicate_rows_node",
            ),
            Node(
                func=validate_records,
                inputs=["unique_customers", "customer_features", "source_problems", "params:features",
                        "params:missing_values"],
                outputs=["validated_customers", "rejected_customers", "validation_problems"],
                name="validate_records_node",
            ),
            Node(
                func=group_rare_categories,
                inputs=["validated_customers", "params:features", "params:rare_category_share"],
                outputs=["grouped_customers", "categories_grouped"],
                name="group_rare_categories_node",
            ),
            Node(
                func=impute_missing_values,
                inputs=["grouped_customers", "params:features", "params:missing_values"],
                outputs=["model_input_customers", "cells_imputed"],
                name="impute_missing_values_node",
            ),
            Node(
                func=build_data_quality_report,
                inputs=[
                    "deduplication_summary",
                    "rejected_customers",
                    "validation_problems",
                    "model_input_customers",
                    "cells_imputed",
                    "params:features",
                    "categories_grouped",
                ],
                outputs="data_quality_report",
                name="build_data_quality_report_node",
            ),
        ]
    )
