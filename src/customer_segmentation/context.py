"""The project's KedroContext: Kedro's own, plus the engine the pipelines run on, chosen by the configuration.

An environment with a ``spark.yml`` (``conf/spark/``) runs the Spark versions of the pipelines; every
other runs the pandas ones. Kedro registers pipelines without knowing the environment, so the context
(created by every session before it reads a pipeline: ``kedro run``, ``kedro viz``, notebooks, the app)
tells the registry which engine it is (``pipeline_registry.use_engine``) and whether the input is an order log
(a ``transactions`` mapping in the parameters: ``pipeline_registry.use_order_log``).
"""

from __future__ import annotations

from typing import Any

from kedro.framework.context import KedroContext

from customer_segmentation.hooks.spark_session import load_spark_settings
from customer_segmentation.pipeline_registry import use_engine, use_order_log


class ProjectContext(KedroContext):
    """A KedroContext that selects the pipelines' engine from its configuration environment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_engine("spark" if load_spark_settings(self.config_loader) is not None else "pandas")
        use_order_log(self.config_loader["parameters"].get("transactions") is not None)
