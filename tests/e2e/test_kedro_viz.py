"""`kedro viz build`: the static kedro-viz export shows every node of every pipeline, with layers."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import pytest

import customer_segmentation.pipelines as pipelines_package
from customer_segmentation.pipeline_registry import ORDER_LOG_PIPELINE
from tests.conftest import copy_project, run_kedro



def _registered_pipelines() -> dict:
    """Every pipeline package, as ``find_pipelines`` registers them: name -> Pipeline."""
    return {
        module.name: importlib.import_module(f"{pipelines_package.__name__}.{module.name}").create_pipeline()
        for module in pkgutil.iter_modules(pipelines_package.__path__)
        if module.ispkg
    }


@pytest.fixture(scope="module")
def viz_build(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("viz"))
    run_kedro(project, "viz", "build")
    return project / "build" / "api"


@pytest.fixture(scope="module")
def viz_main(viz_build) -> dict:
    return json.loads((viz_build / "main").read_text())


def test_every_node_of_every_pipeline_is_listed(viz_main, viz_build):
    registered = _registered_pipelines()
    assert {"data_processing", "eda", "clustering", "monitoring", ORDER_LOG_PIPELINE} <= set(registered)
    registered.pop(ORDER_LOG_PIPELINE)  # registered only in an environment that reads an order log (conf/retail)
    assert {p["id"] for p in viz_main["pipelines"]} == {*registered, "__default__"}
    for name, pipeline in registered.items():
        # The main view holds the default pipeline; each pipeline has its own view too.
        view = json.loads((viz_build / "pipelines" / name).read_text())
        # A namespaced node (refresh runs monitoring's nodes under `monitoring.`) shows its short name in its box; a
        # node two pipelines share as it is (monitoring's plot_drift_report) is one node to kedro-viz.
        shown = {node["name"] for node in view["nodes"] if node["type"] == "task"}
        assert {node.name.rsplit(".", 1)[-1] for node in pipeline.nodes} == shown, name
        assert view["layers"], f"kedro-viz dropped the layers of {name}: a node reads a later layer than it writes"


def test_node_names_are_readable(viz_main):
    tasks = [node["name"] for node in viz_main["nodes"] if node["type"] == "task"]
    assert all(name.endswith("_node") and "(" not in name for name in tasks)


def test_catalogued_datasets_carry_their_layers(viz_main):
    layers = {node["name"]: node.get("layer") for node in viz_main["nodes"] if node["type"] == "data"}
    for name, layer in {
        "customers": "raw",
        "model_input_customers": "model_input",
        "segmentation_model": "models",
        "customer_segments": "model_output",
        "segment_profiles": "model_output",
        "clustering_metrics": "reporting",
    }.items():
        assert layers[name] == layer, name


def test_layers_are_shown_in_data_engineering_order(viz_main):
    # kedro-viz hides all layers when a node reads a later layer than it writes.
    shown = viz_main["layers"]
    assert shown, "kedro-viz disabled layers: a dataset's layer comes after a layer that depends on it"
    order = ["raw", "intermediate", "primary", "feature", "model_input", "models", "model_output", "reporting"]
    assert shown == [layer for layer in order if layer in shown]
