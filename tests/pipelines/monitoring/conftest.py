"""A trained model and its training customers, and the monitoring pipeline run in memory on a batch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from customer_segmentation.demo_data import PERSONAS, generate_customers
from customer_segmentation.pipelines.clustering.nodes import (
    assign_segments,
    name_segments,
    package_segmentation_model,
)
from customer_segmentation.pipelines.monitoring import create_pipeline
from tests.helpers import KeptDataset, flatten_parameters, project_parameters
from tests.pipelines.clustering.conftest import NAMING, model_input, train

OUTPUTS = ("drift_report", "segment_history", "drift_report_plot", "monitoring_scores", "batch_rejected_customers",
           "batch_segments")


@pytest.fixture(scope="session")
def trained() -> tuple[Any, pd.DataFrame]:
    """The served model and the segmented training customers (3,000 demo customers, four personas)."""
    customers = model_input(3000, seed=7)
    fitted = train(customers)
    model = package_segmentation_model(fitted, name_segments(fitted, NAMING), 0.9)
    names = name_segments(fitted, NAMING)
    return model, assign_segments(customers, model, names)


def batch(rows: int = 1000, seed: int = 11, weights: list[float] | None = None, shift: dict | None = None) -> pd.DataFrame:
    """Demo customers as a CSV would hold them: personas mixed by ``weights``, features shifted by ``shift``
    (``{feature: sd}``, in training standard deviations)."""
    frame = generate_customers(rows, seed=seed)
    if weights is not None:
        chosen = [p.name for p in PERSONAS]
        parts = [generate_customers(rows * 4, seed=seed + i).query("persona == @name").head(int(rows * w))
                 for i, (name, w) in enumerate(zip(chosen, weights))]
        frame = pd.concat(parts, ignore_index=True)
    frame = frame.drop(columns="persona")
    for feature, sds in (shift or {}).items():
        frame[feature] = frame[feature] + sds * frame[feature].std()
    return frame.astype({f: "float64" for f in ("annual_income", "spending_score", "savings", "age")})


def run_monitoring(trained, customers: pd.DataFrame, history: pd.DataFrame | None = None, **overrides) -> dict:
    model, training_segments = trained
    params = project_parameters("parameters_monitoring.yml")
    params["monitoring"].update(overrides)
    params["batch_path"] = "data/01_raw/batch.csv"
    pipeline = create_pipeline()
    inputs = {name: MemoryDataset(value) for name, value in flatten_parameters(params).items() if name in pipeline.inputs()}
    inputs.update(batch_customers=MemoryDataset(customers), served_model=MemoryDataset(model, copy_mode="assign"),
                  training_segments=MemoryDataset(training_segments),
                  segment_history_before=MemoryDataset(pd.DataFrame() if history is None else history))
    outputs = {name: KeptDataset() for name in OUTPUTS}
    SequentialRunner().run(pipeline, DataCatalog({**inputs, **outputs}))
    return {name: dataset.load() for name, dataset in outputs.items()}


__all__ = ["batch", "np", "run_monitoring"]
