"""The refresh: the batch prepared (one row per id), then the monitoring pipeline's own nodes score it and check it
for drift (composed under the ``monitoring`` namespace, not copied), then the snapshots are compared."""

from kedro.pipeline import Node, Pipeline

from customer_segmentation.pipelines import monitoring

from .changes import build_audience_changes, build_refresh_report, tabulate_movement
from .nodes import (
    choose_previous_snapshot,
    collect_rejected_rows,
    list_departed_customers,
    match_customers,
    prepare_batch,
    record_segment_history,
    record_snapshots,
)

# What the refresh takes from monitoring under the names its catalog gives them; the rest stays in the namespace.
MONITORING_OUTPUTS = {"batch_segments", "batch_summary", "drift_report", "drift_report_plot", "monitoring_scores"}


def _monitoring_checks() -> Pipeline:
    """Monitoring's nodes but its history step (the refresh adds its point only once per batch), on the prepared
    batch; its rejected rows join those rejected for their id."""
    checks = monitoring.create_pipeline()
    checks = checks - checks.only_nodes("append_segment_history_node")
    return Pipeline(checks, namespace="monitoring", inputs={"batch_customers": "refresh_batch",
                                                            "served_model": "served_model",
                                                            "training_segments": "training_segments"},
                    outputs={**{name: name for name in MONITORING_OUTPUTS},
                             "batch_rejected_customers": "batch_rejected_for_rules"},
                    parameters={"params:monitoring", "params:batch_path"})


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline([
        Node(func=prepare_batch, inputs=["batch_customers", "served_model", "params:id_column"],
             outputs=["refresh_batch", "batch_rejected_for_id", "batch_preparation"], name="prepare_batch_node"),
        _monitoring_checks(),
        Node(func=collect_rejected_rows, inputs=["batch_rejected_for_id", "batch_rejected_for_rules"],
             outputs="refresh_rejected_customers", name="collect_rejected_rows_node"),
        Node(func=choose_previous_snapshot,
             inputs=["refresh_snapshots_before", "training_segments", "batch_summary", "served_model",
                     "params:id_column"],
             outputs=["previous_snapshot", "refresh_plan"], name="choose_previous_snapshot_node"),
        Node(func=match_customers, inputs=["batch_segments", "previous_snapshot", "batch_preparation",
                                           "params:refresh"],
             outputs="refreshed_customers", name="match_customers_node"),
        Node(func=list_departed_customers,
             inputs=["previous_snapshot", "refreshed_customers", "refresh_rejected_customers", "batch_preparation",
                     "params:refresh"],
             outputs="departed_customers", name="list_departed_customers_node"),
        Node(func=tabulate_movement, inputs=["refreshed_customers", "departed_customers", "served_model"],
             outputs="segment_movement", name="tabulate_movement_node"),
        Node(func=build_audience_changes,
             inputs=["refreshed_customers", "departed_customers", "served_model", "batch_preparation"],
             outputs="audience_changes", name="build_audience_changes_node"),
        Node(func=record_snapshots, inputs=["refreshed_customers", "previous_snapshot", "refresh_plan",
                                            "batch_preparation"],
             outputs="refresh_snapshots", name="record_snapshots_node"),
        Node(func=record_segment_history, inputs=["segment_history_before", "drift_report"],
             outputs="segment_history", name="record_segment_history_node"),
        Node(func=build_refresh_report,
             inputs=["batch_preparation", "batch_summary", "refresh_plan", "refreshed_customers",
                     "departed_customers", "segment_movement", "drift_report", "served_model", "params:refresh"],
             outputs=["refresh_report", "refresh_scores"], name="build_refresh_report_node"),
    ])
