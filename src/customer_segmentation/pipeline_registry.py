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
        pipelines = {name: importlib.import_module(f"{__package__}.pipelines.{name}.spark_pipeline").create_pipeline()
                     for name in pipelines if name != "__default__"}
    pipelines["__default__"] = sum(pipelines.values())
    return pipelines
