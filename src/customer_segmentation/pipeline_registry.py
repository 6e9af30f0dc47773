"""Project pipelines: data_processing, eda and clustering, on pandas or on Spark.

The engine follows the configuration environment (``context.py``): ``conf/spark`` runs each pipeline's
Spark version (``pipelines/<name>/spark_pipeline.py``: the same datasets in and out, the per-row work
in Spark), every other environment the pandas one.

The input follows the parameters too: an environment with a ``transactions`` mapping reads an order log, so
``kedro run`` starts with the ``orders`` pipeline (lines checked and aggregated per customer) and data_processing
reads its customer table (``customers_from_orders``) instead of ``customers``; monitoring and the refresh then
take next month's order log (``batch_transactions``), checked and aggregated by the orders pipeline's own nodes
under a namespace, and their reports carry its line accounting (``pipelines/orders/pipeline.py``).
"""
from __future__ import annotations

import importlib

from kedro.framework import project
from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline, pipeline

from customer_segmentation.pipelines.orders.pipeline import create_batch_pipeline

ENGINES = ("pandas", "spark")
# The pipelines that score a new batch with the served model (not part of `kedro run`), and their reports that
# carry the batch's order lines when the batch is an order log.
BATCH_REPORTS = {"monitoring": ("drift_report",), "refresh": ("drift_report", "refresh_report")}
BATCH_PIPELINES = tuple(BATCH_REPORTS)
ORDER_LOG_PIPELINE = "orders"
_engine = {"name": "pandas", "order_log": False}


def use_engine(engine: str) -> None:
    """Registers the pipelines of ``engine`` from now on (the next time Kedro reads them)."""
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r} is not one of {ENGINES}")
    if engine != _engine["name"]:
        _engine["name"] = engine
        project.pipelines.configure(__name__)  # forgets pipelines registered for the other engine


def use_order_log(order_log: bool) -> None:
    """Registers the pipelines for an order log (``True``) or a customer file from now on."""
    if bool(order_log) != _engine["order_log"]:
        _engine["order_log"] = bool(order_log)
        project.pipelines.configure(__name__)


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    Returns:
        A mapping from pipeline names to ``Pipeline`` objects.
    """
    pipelines = find_pipelines(raise_errors=True)
    if _engine["name"] == "spark":
        # The Spark versions of the training pipelines; monitoring and refresh score with pandas either way.
        pipelines = {name: _spark_version(name, pipeline) for name, pipeline in pipelines.items() if name != "__default__"}
    if _engine["order_log"]:
        # Kedro 1.7 finds only the pipelines a run asks for (`--pipelines refresh`): change those that are here.
        if "data_processing" in pipelines:
            pipelines["data_processing"] = pipeline(pipelines["data_processing"],
                                                    inputs={"customers": "customers_from_orders"})
        for name, reports in BATCH_REPORTS.items():
            if name in pipelines:
                pipelines[name] = create_batch_pipeline(pipelines[name], reports)
    else:
        pipelines.pop(ORDER_LOG_PIPELINE, None)
    # `kedro run` trains: monitoring and refresh score a new batch and run on their own (--pipelines refresh).
    pipelines["__default__"] = sum(p for name, p in pipelines.items() if name not in (*BATCH_PIPELINES, "__default__"))
    return pipelines


def _spark_version(name: str, pipeline: Pipeline) -> Pipeline:
    """``pipelines/<name>/spark_pipeline.py``'s pipeline, or ``pipeline`` itself for one without a Spark version."""
    try:
        module = importlib.import_module(f"{__package__}.pipelines.{name}.spark_pipeline")
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}.pipelines.{name}.spark_pipeline":
            raise
        return pipeline
    return module.create_pipeline()
