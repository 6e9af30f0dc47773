"""The configuration checked before any node runs: a wrong setting costs seconds, not a k sweep (a hook: Kedro
has no other place that runs before the first node and after the catalog exists).

Every parameter is checked against its declaration (``config/parameters.py``: unknown keys, types, bounds),
then the feature table (and that the algorithm can segment on its kinds of features: numbers, categories) and
the naming rules, each message naming the file the setting came from; when the input's headers can be read
cheaply (a CSV's first bytes, a Parquet schema), the table's columns are checked against them too.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl
from kedro.pipeline import Pipeline

from customer_segmentation.catalog_paths import dataset_path
from customer_segmentation.config.parameters import check_algorithm_fits_features, check_parameters
from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.profiles import Descriptors
from customer_segmentation.validation.order_lines import read_order_log_spec

logger = logging.getLogger(__name__)

INPUT_DATASET = "customers"
ORDER_LOG_DATASETS = ("transactions", "batch_transactions")  # the training's order log, next month's


def peek_columns(catalog: Any, name: str) -> list[str] | None:
    """The column names of dataset ``name`` without loading its rows, or None when that is not cheap."""
    columns = getattr(catalog.get(name), "columns", None)
    found = columns() if callable(columns) else None  # the project's customer datasets read their header only
    if found is not None:
        return found
    filepath = dataset_path(catalog, name)
    if filepath and str(filepath).endswith(".parquet") and Path(str(filepath)).exists():
        import pyarrow.dataset as ds

        return list(ds.dataset(str(filepath), format="parquet").schema.names)
    return None


def check_order_log(catalog: Any, table: FeatureTable, inputs: set[str], sources: dict[str, str]) -> None:
    """An order log's mapping against its headers, and ``aggregate:`` features only with an order log."""
    where = sources.get("features", "conf/base/parameters.yml")
    order_log = next((name for name in ORDER_LOG_DATASETS if name in inputs), None)
    if order_log is None:
        if table.aggregates:
            raise ConfigurationError(
                f"features {', '.join(table.aggregates)} ({where}) aggregate an order log's lines, but this run reads "
                "a customer file: add a `transactions:` mapping of your order log's headers to the parameters (and a "
                "`transactions` dataset to the catalog), or read these features from columns instead")
        return
    if not table.aggregates:
        raise ConfigurationError(f"the feature table ({where}) has no `aggregate:` feature, and this run reads an order "
                                 "log: give features such as recency: {aggregate: recency}")
    spec = read_order_log_spec(catalog.load("params:transactions"))
    try:
        headers = peek_columns(catalog, order_log)
    except Exception as error:  # noqa: BLE001 - the first node reads the file and reports properly
        logger.debug("could not peek at the headers of %s: %s", order_log, error)
        headers = None
    missing = spec.missing_columns(headers) if headers is not None else []
    if missing:
        raise ConfigurationError(
            f"transactions ({sources.get('transactions', 'the parameters')}) maps {', '.join(map(repr, missing))}, "
            f"which the order log {_named_file(catalog, order_log)}does not have: set the mapping to your headers, or "
            f"pass the order log that has them. Headers found: {', '.join(headers)}")


def _named_file(catalog: Any, name: str) -> str:
    """``'(data/01_raw/orders_2012_01.parquet, `batch_transactions`) '``: which file a message is about."""
    filepath = dataset_path(catalog, name)
    return f"({filepath}, `{name}`) " if filepath else f"(`{name}`) "


def spark_refuses_categories(table: FeatureTable, where: str) -> str:
    """The message for category features on the Spark engine, which segments on numbers only."""
    names = ", ".join(feature.name for feature in table.categorical)
    columns = ", ".join(feature.column for feature in table.categorical)
    return (f"feature(s) {names} ({where}) are type: category, and the Spark engine (--env spark) segments on "
            f"numbers only. Run this data set on pandas (its own environment, without spark), or move {columns} "
            "from 'features' to 'profile_columns' to describe the segments by them without segmenting on them")


class ConfigCheckHooks:
    """Checks every parameter, the feature table, the naming rules and the input's headers before the first node."""

    def __init__(self) -> None:
        self._sources: dict[str, str] = {}

    @hook_impl
    def after_context_created(self, context: Any) -> None:
        sources = getattr(context.config_loader, "parameter_sources", None)
        self._sources = sources() if callable(sources) else {}

    @hook_impl(tryfirst=True)  # before kedro-mlflow opens an MLflow run for a run that cannot start
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Pipeline, catalog: Any) -> None:
        check_parameters(catalog.load("parameters"), self._sources)
        inputs = pipeline.inputs()
        if "params:features" not in inputs:
            return
        where = self._sources.get("features", "conf/base/parameters.yml")
        table = FeatureTable.from_config(catalog.load("params:features"), where=where)
        if table.categorical and any(name.endswith("@spark") for name in pipeline.datasets()):
            raise ConfigurationError(spark_refuses_categories(table, where))
        if "params:clustering.algorithm" in inputs:
            check_algorithm_fits_features(table, catalog.load("params:clustering.algorithm"), self._sources)
        if "params:clustering.naming" in inputs:
            from customer_segmentation.pipelines.clustering.naming import NamingRules

            NamingRules.from_config(catalog.load("params:clustering.naming"))
        check_order_log(catalog, table, inputs, self._sources)
        if INPUT_DATASET in inputs:
            try:
                headers = peek_columns(catalog, INPUT_DATASET)
            except Exception as error:  # noqa: BLE001 - the first node reads the file and reports properly
                logger.debug("could not peek at the headers of %s: %s", INPUT_DATASET, error)
                headers = None
            if headers is not None:
                table.check_columns(headers, where=where)
                described = Descriptors.from_config(catalog.load("params:profile_columns"),
                                                    catalog.load("params:outcomes"))
                described.check_columns(headers, where=self._sources.get(
                    "outcomes" if described.outcomes else "profile_columns", where))
        logger.info("feature table: %s", ", ".join(f"{f.name} ({f.derive or f.column})" for f in table))
