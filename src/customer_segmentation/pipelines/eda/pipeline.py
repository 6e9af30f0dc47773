from kedro.pipeline import Node, Pipeline

from .nodes import build_sweep_metrics, sample_customers, select_k, standardize_features, sweep_k
from .plots import (
    plot_elbow,
    plot_feature_correlations,
    plot_feature_distributions,
    plot_pca_explained_variance,
    plot_validity_indices,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=sample_customers,
                inputs=["model_input_customers", "params:features", "params:eda.sweep_sample_size",
                        "params:eda.random_state"],
                outputs=["eda_sample", "eda_sample_info"],
                name="sample_customers_node",
            ),
            Node(
                func=standardize_features,
                inputs=["eda_sample", "params:features"],
                outputs="eda_scaled_sample",
                name="standardize_features_node",
            ),
            Node(
                func=sweep_k,
                inputs=["eda_scaled_sample", "params:eda.k_range", "params:eda.n_init", "params:eda.n_bootstrap",
                        "params:eda.silhouette_sample_size", "params:eda.random_state", "params:clustering.algorithm"],
                outputs="k_sweep",
                name="sweep_k_node",
            ),
            Node(
                func=select_k,
                inputs=["k_sweep", "params:n_clusters", "eda_sample_info", "params:eda.selection"],
                outputs="k_selection",
                name="select_k_node",
            ),
            Node(
                func=build_sweep_metrics,
                inputs=["k_sweep", "k_selection"],
                outputs=["k_sweep_metrics", "chosen_k"],
                name="build_sweep_metrics_node",
            ),
            Node(
                func=plot_feature_correlations,
                inputs=["eda_sample", "eda_sample_info", "params:features"],
                outputs="feature_correlations_plot",
                name="plot_feature_correlations_node",
            ),
            Node(
                func=plot_feature_distributions,
                inputs=["eda_sample", "eda_sample_info", "params:features"],
                outputs="feature_distributions_plot",
                name="plot_feature_distributions_node",
            ),
            Node(
                func=plot_pca_explained_variance,
                inputs="eda_scaled_sample",
                outputs="pca_explained_variance_plot",
                name="plot_pca_explained_variance_node",
            ),
            Node(
                func=plot_elbow,
                inputs=["k_sweep", "k_selection"],
                outputs="elbow_plot",
                name="plot_elbow_node",
            ),
            Node(
                func=plot_validity_indices,
                inputs=["k_sweep", "k_selection", "params:eda.selection"],
                outputs="validity_indices_plot",
                name="plot_validity_indices_node",
            ),
        ]
    )
