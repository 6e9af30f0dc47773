"""Running the data_processing pipeline in memory, as Kedro would, for fast tests."""

from __future__ import annotations

from typing import Any

import pandas as pd
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from customer_segmentation.pipelines.data_processing import create_pipeline
from tests.conftest import PROJECT_ROOT

OUTPUTS = ("model_input_customers", "rejected_customers", "data_quality_report")


def data_processing_params(**overrides: Any) -> dict[str, Any]:
    """The project's own parameters_data_processing.yml, with overrides."""
    params = yaml.safe_load((PROJECT_ROOT / "conf/base/parameters_data_processing.yml").read_text())
    params.update(overrides)
    return params


class KeptDataset(MemoryDataset):
    """A MemoryDataset the runner cannot release, so the test can read it after the run."""

    def _release(self) -> None:
        pass


def run_data_processing(customers: pd.DataFrame, **overrides: Any) -> dict[str, Any]:
    """Runs the data_processing pipeline on ``customers``; returns its three outputs.

    If a node fails, the exception propagates; outputs saved before it stay readable via
    the ``partial`` attribute of the raised exception.
    """
    params = {f"params:{k}": MemoryDataset(v) for k, v in data_processing_params(**overrides).items()}
    outputs = {name: KeptDataset() for name in OUTPUTS}
    catalog = DataCatalog({"customers": MemoryDataset(customers), **params, **outputs})
    try:
        SequentialRunner().run(create_pipeline(), catalog)
    except Exception as error:
        error.partial = {name: d.load() for name, d in outputs.items() if d.exists()}
        raise
    return {name: dataset.load() for name, dataset in outputs.items()}
