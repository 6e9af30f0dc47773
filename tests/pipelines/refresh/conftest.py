"""Two monthly snapshots of the same customers (the generator's truth of who moved, left or is new), a model
trained on month 1, and the refresh pipeline run in memory, month after month."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from customer_segmentation.demo_data import generate_snapshots
from customer_segmentation.pipelines.clustering.nodes import assign_segments, name_segments, package_segmentation_model
from customer_segmentation.pipelines.refresh import create_pipeline
from tests.helpers import KeptDataset, flatten_parameters, project_parameters
from tests.pipelines.clustering.conftest import FEATURES, NAMING, train

ROWS = 3000
# What a refresh hands on to the next one (the catalog keeps them between runs).
CARRIED = {"refresh_snapshots": "refresh_snapshots_before", "segment_history": "segment_history_before"}


def as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """A month as the CSV reader gives it: text cells, rows numbered from 1, no persona."""
    month = frame.drop(columns="persona").astype({f: "string" for f in FEATURES})
    month.insert(0, "source_row", range(1, len(month) + 1))
    return month


@pytest.fixture(scope="session")
def snapshots():
    return generate_snapshots(ROWS, seed=42)


@pytest.fixture(scope="session")
def trained(snapshots) -> tuple[Any, pd.DataFrame]:
    """The served model, trained on month 1, and month 1's customers in their segments (the training snapshot)."""
    customers = snapshots.month_1.drop(columns="persona")
    customers.insert(0, "source_row", range(1, ROWS + 1))
    fitted = train(customers)
    names = name_segments(fitted, NAMING)
    model = package_segmentation_model(fitted, names, 0.9)
    return model, assign_segments(customers, model, names)


def run_refresh(trained, batch: pd.DataFrame, before: dict[str, Any] | None = None, **settings: Any) -> dict:
    """The refresh pipeline on ``batch``; ``before`` holds what the previous refresh left (``CARRIED``), and
    ``settings`` override ``refresh:`` or top-level parameters (``id_column``)."""
    model, training_segments = trained
    params = project_parameters("parameters_data_processing.yml", "parameters_monitoring.yml",
                                "parameters_refresh.yml")
    params["batch_path"] = "data/01_raw/month.csv"
    params.update({k: v for k, v in settings.items() if k in params})
    params["refresh"].update({k: v for k, v in settings.items() if k in params["refresh"]})
    pipeline = create_pipeline()
    before = before or {}
    inputs = {name: MemoryDataset(value) for name, value in flatten_parameters(params).items()
              if name in pipeline.inputs()}
    inputs.update(batch_customers=MemoryDataset(batch), served_model=MemoryDataset(model, copy_mode="assign"),
                  training_segments=MemoryDataset(training_segments),
                  refresh_snapshots_before=MemoryDataset(before.get("refresh_snapshots_before", pd.DataFrame())),
                  segment_history_before=MemoryDataset(before.get("segment_history_before", pd.DataFrame())))
    outputs = {name: KeptDataset() for name in pipeline.datasets() - pipeline.inputs()}
    SequentialRunner().run(pipeline, DataCatalog({**inputs, **outputs}))
    return {name: dataset.load() for name, dataset in outputs.items() if dataset.exists()}


def carried(outputs: dict[str, Any]) -> dict[str, Any]:
    """What a refresh leaves for the next one."""
    return {after: outputs[name] for name, after in CARRIED.items()}


@pytest.fixture(scope="session")
def month_1(trained, snapshots) -> dict:
    """The first refresh: month 1 against the customers the model was trained on (the same customers)."""
    return run_refresh(trained, as_read(snapshots.month_1))


@pytest.fixture(scope="session")
def month_2(trained, snapshots, month_1) -> dict:
    """The second refresh: month 2 against month 1's refresh."""
    return run_refresh(trained, as_read(snapshots.month_2), carried(month_1))
