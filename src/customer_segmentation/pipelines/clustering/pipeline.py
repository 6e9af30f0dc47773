from kedro.pipeline import Node, Pipeline

from .nodes import (
    assign_segments,
    build_segment_audiences,
    evaluate_segmentation,
    name_segments,
    package_segmentation_model,
    train_segmentation_model,
)
from .profiling import describe_segments, profile_segments
from .plots import plot_profile_heatmap, plot_segment_map, plot_segment_sizes


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=train_segmentation_model,
                inputs=[
                    "model_input_customers",
                    "k_selection",
                    "params:n_clusters",
                    "params:features",
                    "params:clustering.pca_components",
                    "params:clustering.n_init",
                    "params:clustering.random_state",
                    "params:clustering.init_sample_size",
                    "params:clustering.algorithm",
                    "categories_grouped",
                ],
                outputs="fitted_segmentation_model",
                name="train_segmentation_model_node",
            ),
            Node(
                func=name_segments,
                inputs=["fitted_segmentation_model", "params:clustering.naming"],
                outputs="segment_names",
                name="name_segments_node",
            ),
            Node(
                func=package_segmentation_model,
                inputs=["fitted_segmentation_model", "segment_names", "params:clustering.borderline_ratio",
                        "params:transactions"],
                outputs="segmentation_model",
                name="package_segmentation_model_node",
            ),
            Node(
                func=assign_segments,
                inputs=["model_input_customers", "segmentation_model", "segment_names"],
                outputs="customer_segments",
                name="assign_segments_node",
            ),
            Node(
                func=build_segment_audiences,
                inputs="customer_segments",
                outputs="segment_audiences",
                name="build_segment_audiences_node",
            ),
            Node(
                func=describe_segments,
                inputs=["customer_segments", "segment_names", "params:profile_columns", "params:outcomes"],
                outputs=["segment_categories", "segment_outcomes"],
                name="describe_segments_node",
            ),
            Node(
                func=profile_segments,
                inputs=["customer_segments", "segmentation_model", "segment_names", "segment_categories",
                        "segment_outcomes"],
                outputs="segment_profiles",
                name="profile_segments_node",
            ),
            Node(
                func=evaluate_segmentation,
                inputs=[
                    "customer_segments",
                    "segmentation_model",
                    "params:clustering.silhouette_sample_size",
                    "params:clustering.random_state",
                ],
                outputs=["clustering_metrics", "clustering_scores"],
                name="evaluate_segmentation_node",
            ),
            Node(
                func=plot_segment_map,
                inputs=[
                    "customer_segments",
                    "segment_profiles",
                    "params:clustering.map_sample_size",
                    "params:clustering.random_state",
                ],
                outputs="segment_map_plot",
                name="plot_segment_map_node",
            ),
            Node(
                func=plot_profile_heatmap,
                inputs=["segment_profiles", "params:features"],
                outputs="segment_profiles_plot",
                name="plot_profile_heatmap_node",
            ),
            Node(
                func=plot_segment_sizes,
                inputs="segment_profiles",
                outputs="segment_sizes_plot",
                name="plot_segment_sizes_node",
            ),
        ]
    )
