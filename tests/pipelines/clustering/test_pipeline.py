"""The clustering pipeline as Kedro runs it, in memory with the project's own parameters."""

import numpy as np
import pandas as pd
import pytest
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from customer_segmentation.io.csv_files import read_customer_csv
from customer_segmentation.pipelines.clustering import create_pipeline
from customer_segmentation.pipelines.data_processing import create_pipeline as create_data_processing_pipeline
from tests.conftest import PROJECT_ROOT
from tests.helpers import KeptDataset, flatten_parameters

CONF = PROJECT_ROOT / "conf" / "base"
CONTRACT_OUTPUTS = {"segmentation_model", "customer_segments", "segment_profiles", "clustering_metrics"}
KEPT = ("segmentation_model", "customer_segments", "segment_profiles", "clustering_metrics")


def _parameters(*files: str, **overrides) -> dict:
    """``params:<key>`` entries for every key and nested key of the project's parameter files."""
    params = {}
    for name in files:
        params.update(yaml.safe_load((CONF / name).read_text()))
    params.update(overrides)
    return flatten_parameters(params)


def _run(pipeline, inputs: dict, kept: tuple[str, ...]) -> dict:
    catalog = DataCatalog({name: MemoryDataset(value) for name, value in inputs.items()})
    for name in kept:
        catalog[name] = KeptDataset()
    SequentialRunner().run(pipeline, catalog)
    return {name: catalog[name].load() for name in kept}


def _segment(customers: pd.DataFrame, k: int = 4, n_clusters="auto") -> dict:
    params = _parameters("parameters.yml", "parameters_data_processing.yml", "parameters_clustering.yml", n_clusters=n_clusters)
    inputs = {"model_input_customers": customers, "k_selection": {"k": k}, "categories_grouped": {}, **params}
    return _run(create_pipeline(), inputs, KEPT)


@pytest.fixture(scope="module")
def demo_input() -> pd.DataFrame:
    """The bundled demo file after data_processing: what `kedro run` segments."""
    params = _parameters("parameters.yml", "parameters_data_processing.yml")
    raw = read_customer_csv(PROJECT_ROOT / "data" / "01_raw" / "segmentation_data.csv")
    return _run(create_data_processing_pipeline(), {"customers": raw, **params}, ("model_input_customers",))[
        "model_input_customers"
    ]


@pytest.fixture(scope="module")
def demo_run(demo_input) -> dict:
    return _segment(demo_input)


def test_pipeline_outputs_the_contract_datasets():
    pipeline = create_pipeline()
    assert CONTRACT_OUTPUTS <= pipeline.all_outputs()
    assert {"model_input_customers", "k_selection", "params:n_clusters"} <= pipeline.inputs()
    assert all(node.name == f"{node.func.__name__}_node" for node in pipeline.nodes)


def test_two_runs_give_identical_segments_and_metrics(demo_input, demo_run):
    again = _segment(demo_input)
    pd.testing.assert_frame_equal(again["customer_segments"], demo_run["customer_segments"])
    pd.testing.assert_frame_equal(again["segment_profiles"], demo_run["segment_profiles"])
    assert again["clustering_metrics"] == demo_run["clustering_metrics"]


def test_model_predicts_the_assigned_segments(demo_run):
    segments = demo_run["customer_segments"]
    assert np.array_equal(demo_run["segmentation_model"].predict(segments), segments["segment_id"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_retrain_on_a_bootstrap_resample_keeps_ids_and_names(demo_input, demo_run, seed):
    resample = demo_input.sample(frac=1.0, replace=True, random_state=seed).reset_index(drop=True)
    retrained = _segment(resample)
    before, after = demo_run["segment_profiles"], retrained["segment_profiles"]
    z_columns = [c for c in before.columns if c.endswith("_z")]
    # Match every segment to the retrained segment with the nearest centre.
    distances = np.linalg.norm(before[z_columns].to_numpy()[:, None] - after[z_columns].to_numpy()[None], axis=2)
    matched = distances.argmin(axis=1)
    assert sorted(matched) == list(range(len(before))), "every segment has its own match"
    assert after.loc[matched, "segment_id"].tolist() == before["segment_id"].tolist()
    assert after.loc[matched, "segment_name"].tolist() == before["segment_name"].tolist()


def test_n_clusters_overrides_the_eda_choice(demo_input):
    assert _segment(demo_input, k=4, n_clusters=5)["clustering_metrics"]["k"] == 5


def test_reference_data_reaches_the_published_silhouette(reference_csv):
    reference = pd.read_csv(reference_csv).astype(float)
    reference.insert(0, "source_row", range(1, len(reference) + 1))
    metrics = _segment(reference, k=2, n_clusters=4)["clustering_metrics"]
    assert metrics["k"] == 4 and metrics["n_customers"] == 250
    assert metrics["silhouette"] >= 0.194, "the public project's K-Means(4) on standardized features"
