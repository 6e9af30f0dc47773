"""eda on Spark (``kedro run --env spark``): ``pipeline.py`` with its sample drawn in Spark (``spark_nodes.py``).

Everything after the sample (the standardization, the k sweep, the choice of k, the reports) is the
pandas pipeline's own nodes, on at most ``eda.sweep_sample_size`` rows.
"""

from kedro.pipeline import Pipeline

from . import spark_nodes
from .pipeline import create_pipeline as create_pandas_pipeline


def create_pipeline(**kwargs) -> Pipeline:
    nodes = create_pandas_pipeline().nodes
    for node in nodes:
        if node.name == "sample_customers_node":
            node.func = spark_nodes.sample_customers
    return Pipeline(nodes, inputs={"model_input_customers": "model_input_customers@spark"})
