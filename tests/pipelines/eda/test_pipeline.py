"""The eda pipeline as Kedro runs it: in memory, then for real (with MLflow) in a copy of the project."""

import json
from functools import reduce

import pandas as pd
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from matplotlib.figure import Figure

from customer_segmentation.demo_data import generate_customers
from customer_segmentation.pipelines.eda import create_pipeline
from customer_segmentation.pipelines.eda.nodes import SWEEP_COLUMNS
from tests.helpers import KeptDataset

from .helpers import FEATURES, PARAMETERS

PLOTS = ["feature_correlations", "feature_distributions", "pca_explained_variance", "elbow", "validity_indices"]


def _run_in_memory(customers: pd.DataFrame, **overrides) -> dict:
    pipeline = create_pipeline()
    parameters = {**PARAMETERS, "features": FEATURES, "n_clusters": "auto", **overrides}
    datasets = {"model_input_customers": MemoryDataset(customers)}
    for name in (n for n in pipeline.inputs() if n.startswith("params:")):
        value = reduce(lambda node, key: node[key], name.removeprefix("params:").split("."), parameters)
        datasets[name] = MemoryDataset(value)
    produced = {name: KeptDataset() for name in pipeline.datasets() - pipeline.inputs()}
    SequentialRunner().run(pipeline, DataCatalog({**datasets, **produced}))
    return {name: dataset.load() for name, dataset in produced.items()}


def test_pipeline_produces_the_sweep_the_choice_the_figures_and_the_metrics():
    outputs = _run_in_memory(generate_customers(1500, seed=4, n_personas=3, spread=0.5))
    assert list(outputs["k_sweep"].columns) == SWEEP_COLUMNS
    assert outputs["k_selection"]["k"] == 3 and outputs["chosen_k"] == 3
    assert all(isinstance(outputs[name], Figure) for name in (
        "feature_correlations_plot", "feature_distributions_plot", "pca_explained_variance_plot",
        "elbow_plot", "validity_indices_plot"))
    assert [p["step"] for p in outputs["k_sweep_metrics"]["silhouette"]] == list(range(2, 11))


def test_pipeline_samples_large_data_and_records_it():
    outputs = _run_in_memory(generate_customers(3000, seed=4), eda={**PARAMETERS["eda"], "sweep_sample_size": 800,
                                                                    "k_range": [2, 5]})
    selection = outputs["k_selection"]
    assert (selection["rows_used"], selection["rows_total"]) == (800, 3000)
    assert "random sample of 800 of 3,000 customers" in outputs["feature_correlations_plot"].axes[0].get_title()


def test_kedro_run_eda_writes_reports_and_logs_them_to_mlflow(trained_project):
    reporting = trained_project / "data/08_reporting"
    for name in PLOTS:
        assert (reporting / f"{name}.png").stat().st_size > 10_000, name
    sweep = pd.read_csv(reporting / "k_sweep.csv")
    assert list(sweep.columns) == SWEEP_COLUMNS and sweep["k"].tolist() == list(range(2, 11))
    selection = json.loads((reporting / "k_selection.json").read_text())
    assert (selection["k"], selection["method"], selection["structure"]) == (4, "auto", "strong")

    from mlflow.tracking import MlflowClient  # slow import: only here

    client = MlflowClient(tracking_uri=f"sqlite:///{trained_project / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("customer_segmentation")
    run = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time DESC"], max_results=1)[0]
    assert run.data.metrics["chosen_k"] == 4
    history = client.get_metric_history(run.info.run_id, "k_sweep.silhouette")
    assert sorted(m.step for m in history) == list(range(2, 11))
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "reports")}
    assert artifacts >= {f"reports/{name}.png" for name in PLOTS}
