from kedro.pipeline import Node, Pipeline

from .nodes import (
    append_segment_history,
    build_drift_report,
    compare_features,
    compare_fit,
    compare_segment_mix,
    decide_alert,
    score_batch,
)
from .plots import plot_drift_report


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=score_batch,
                inputs=["batch_customers", "served_model", "training_segments", "params:batch_path"],
                outputs=["batch_segments", "batch_summary", "batch_rejected_customers"],
                name="score_batch_node",
            ),
            Node(
                func=compare_segment_mix,
                inputs=["batch_segments", "training_segments", "served_model"],
                outputs="segment_mix",
                name="compare_segment_mix_node",
            ),
            Node(
                func=compare_features,
                inputs=["batch_segments", "training_segments", "served_model", "params:monitoring"],
                outputs="feature_drift",
                name="compare_features_node",
            ),
            Node(
                func=compare_fit,
                inputs=["batch_segments", "training_segments", "served_model", "params:monitoring"],
                outputs="model_fit",
                name="compare_fit_node",
            ),
            Node(
                func=decide_alert,
                inputs=["segment_mix", "feature_drift", "model_fit", "params:monitoring", "served_model"],
                outputs="drift_alert",
                name="decide_alert_node",
            ),
            Node(
                func=build_drift_report,
                inputs=["batch_summary", "segment_mix", "feature_drift", "model_fit", "drift_alert",
                        "params:monitoring"],
                outputs=["drift_report", "monitoring_scores"],
                name="build_drift_report_node",
            ),
            Node(
                func=plot_drift_report,
                inputs="drift_report",
                outputs="drift_report_plot",
                name="plot_drift_report_node",
            ),
            Node(
                func=append_segment_history,
                inputs=["segment_history_before", "drift_report"],
                outputs="segment_history",
                name="append_segment_history_node",
            ),
        ]
    )
