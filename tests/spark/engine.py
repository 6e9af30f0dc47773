"""Running the Spark pipelines in this process, as Kedro would, on the tests' SparkSession."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from tests.helpers import KeptDataset, data_processing_params

# conf/spark/spark.yml's settings for the tests: small data, two cores.
LOCAL_SETTINGS = {
    "spark.master": "local[2]",
    "spark.driver.memory": "1g",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.log.level": "ERROR",
}
OUTPUTS = ("model_input_customers@spark", "rejected_customers@spark", "validation_problems@spark")
FOLDERS = ("checked_customers@spark", *OUTPUTS)


class PersistedDataset(KeptDataset):
    """Keeps a Spark DataFrame in Spark's memory once computed (and never releases it)."""

    def save(self, data: Any) -> None:
        super().save(data.persist())


def to_pandas(frame: Any) -> pd.DataFrame:
    """A Spark DataFrame as pandas, rows in ``source_row`` order (Spark writes no order)."""
    table = frame.toPandas()
    return table.sort_values("source_row").reset_index(drop=True) if "source_row" in table else table


def run_spark_data_processing(path: Path, **overrides: Any) -> dict[str, Any]:
    """The Spark data_processing pipeline on the customer file at ``path``; its outputs, as pandas.

    If a node fails, the exception propagates; outputs saved before it are in its ``partial``.
    """
    from customer_segmentation.datasets.spark_customers import SparkCustomerDataset
    from customer_segmentation.pipelines.data_processing.spark_pipeline import create_pipeline

    params = {f"params:{k}": MemoryDataset(v) for k, v in data_processing_params(**overrides).items()}
    # Where conf/spark/catalog.yml writes Parquet folders, the rows are kept in Spark's memory: later nodes
    # read them instead of recomputing every row, without the writes (the kedro runs write them).
    folders = {name: PersistedDataset() for name in FOLDERS}
    report = KeptDataset()
    catalog = DataCatalog({"customers": SparkCustomerDataset(filepath=str(path)), **params, **folders,
                           "data_quality_report": report})

    def collected() -> dict[str, Any]:
        found = {name.removesuffix("@spark"): to_pandas(d.load()) for name, d in folders.items()
                 if name in OUTPUTS and d.exists()}
        return {**found, **({"data_quality_report": report.load()} if report.exists() else {})}

    try:
        SequentialRunner().run(create_pipeline(), catalog)
        return collected()
    except Exception as error:
        error.partial = collected()
        raise
    finally:
        # Once collected, the kept rows are freed: a session running the whole bad-input corpus ran out of heap.
        for dataset in folders.values():
            if dataset.exists():
                dataset.load().unpersist()
