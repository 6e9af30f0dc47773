"""Project pipelines: data_processing, eda and clustering, on pandas or on Spark.

The engine follows the configuration environment (``context.py``): ``conf/spark`` runs each pipeline's
Spark version (``pipelines/<name>/spark_pipeline.py``: the same datasets in and out, the per-row work
in Spark), every other environment the pandas one.
"""
from __future__ import annotations

import importlib

from kedro.framework import project
from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

ENGINES = ("pandas", "spark")
BATCH_PIPELINES = ("monitoring", "refresh")  # score a new batch with the served model; not part of `kedro run`
_engine = {"name": "pandas"}


def use_engine(engine: str) -> None:
    """Registers the pipelines of ``engine`` from now on (the next time Kedro reads them)."""
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r} is not one of {ENGINES}")
    if engine != _engine["name"]:
        _engine["name"] = engine
        project.pipelines.configure(__name__)  # forgets pipelines registered for the other engine


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    Returns:
        A mapping from pipeline names to ``Pipeline`` objects.
    """
    pipelines = find_pipelines(raise_errors=True)
    if _engine["name"] == "spark":
        # The Spark versions of the training pipelines; monitoring and refresh score with pandas either way.
        pipelines = {name: _spark_version(name, pipeline) for name, pipeline in pipelines.items() if name != "__default__"}
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
