from kedro.pipeline import Node, Pipeline

from .nodes import aggregate_customers, track_order_log, validate_order_lines


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=validate_order_lines,
                inputs=["transactions", "params:transactions"],
                outputs=["order_lines", "rejected_order_lines", "order_line_summary"],
                name="validate_order_lines_node",
            ),
            Node(
                func=aggregate_customers,
                inputs=["order_lines", "params:features", "params:transactions", "order_line_summary"],
                outputs=["customers_from_orders", "order_log_report"],
                name="aggregate_customers_node",
            ),
            Node(
                func=track_order_log,
                inputs="order_log_report",
                outputs="order_log_metrics",
                name="track_order_log_node",
            ),
        ]
    )
