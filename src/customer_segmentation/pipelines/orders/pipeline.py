from kedro.pipeline import Node, Pipeline

from .batch_nodes import account_batch_lines, add_order_lines
from .nodes import aggregate_customers, track_order_log, validate_order_lines

BATCH_NAMESPACE = "batch_orders"
# The batch's datasets: next month's order log in, its customers, rejected lines and report out, under their own
# names (never those of the training log, nor the batch file's: batch_customers is the file at batch_path).
BATCH_DATASETS = {"transactions": "batch_transactions", "order_lines": "batch_order_lines",
                  "rejected_order_lines": "batch_rejected_order_lines",
                  "customers_from_orders": "batch_customers_from_orders",
                  "order_log_report": "batch_order_log_report", "order_log_metrics": "batch_order_log_metrics"}


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


def create_batch_pipeline(scoring: Pipeline, reports: tuple[str, ...]) -> Pipeline:
    """``scoring`` (monitoring or refresh) on next month's order log: its lines checked and aggregated by this
    pipeline's own nodes (namespace ``batch_orders``, the training's rules and feature table), its customers then
    scored as a customer file's, and its line accounting added to each of ``reports``."""
    lines = Pipeline(create_pipeline(), namespace=BATCH_NAMESPACE,
                     inputs={"transactions": BATCH_DATASETS["transactions"]},
                     outputs={name: BATCH_DATASETS[name] for name in BATCH_DATASETS if name != "transactions"},
                     parameters={"params:transactions", "params:features"})
    customers = Pipeline(scoring, inputs={"batch_customers": "batch_customers_from_orders"},
                         outputs={report: f"{report}_of_customers" for report in reports})
    accounting = Pipeline(
        [Node(func=account_batch_lines, inputs=["batch_order_lines", "batch_order_log_report"],
              outputs="batch_line_accounting", name="account_batch_lines_node")]
        + [Node(func=add_order_lines, inputs=[f"{report}_of_customers", "batch_line_accounting"], outputs=report,
                name=f"add_order_lines_to_{report}_node") for report in reports])
    return lines + customers + accounting
