"""clustering on Spark (``kedro run --env spark``): ``pipeline.py``'s nodes and datasets, the per-row ones on Spark.

Training, assignment, profiles, metrics and the segment map's sample run in Spark (``spark_nodes.py``);
naming, packaging and the figures of the profiles are the pandas nodes themselves. The customers are
the Spark side of the transcoded Parquet folders (``model_input_customers@spark``, ``customer_segments@spark``).
"""

from kedro.pipeline import Node, Pipeline

from . import spark_nodes
from .pipeline import create_pipeline as create_pandas_pipeline

SPARK_FUNCTIONS = {
    "assign_segments_node": spark_nodes.assign_segments,
    "describe_segments_node": spark_nodes.describe_segments,
    "profile_segments_node": spark_nodes.profile_segments,
    "evaluate_segmentation_node": spark_nodes.evaluate_segmentation,
    "plot_segment_map_node": spark_nodes.plot_segment_map,
}


def create_pipeline(**kwargs) -> Pipeline:
    nodes = []
    for node in create_pandas_pipeline().nodes:
        if node.name == "train_segmentation_model_node":
            node = Node(
                func=spark_nodes.train_segmentation_model,
                # Spark segments numbers only (config_check refuses category features): no categories grouped.
                inputs=[*(name for name in node.inputs if name != "categories_grouped"),
                        "params:clustering.spark_kmeans"],
                outputs="fitted_segmentation_model",
                name=node.name,
            )
        elif node.name == "build_segment_audiences_node":
            node = Node(func=spark_nodes.build_segment_audiences, inputs=["customer_segments", "segment_names"],
                        outputs="segment_audiences", name=node.name)
        elif node.name in SPARK_FUNCTIONS:
            node.func = SPARK_FUNCTIONS[node.name]
        nodes.append(node)
    return Pipeline(nodes, inputs={"model_input_customers": "model_input_customers@spark"},
                    outputs={"customer_segments": "customer_segments@spark"})
