"""`kedro viz build`: the static kedro-viz export shows every node of every pipeline, with layers."""

from __future__ import annotations

import importlib
import json
import pkgutil

import pytest

import customer_segmentation.pipelines as pipelines_package
from tests.conftest import copy_project, run_kedro

pytestmark = pytest.mark.slow


def _registered_pipelines() -> dict:
    """Every pipeline package, as ``find_pipelines`` registers them: name -> Pipeline."""
    return {
        module.name: importlib.import_module(f"{pipelines_package.__name__}.{module.name}").create_pipeline()
        for module in pkgutil.iter_modules(pipelines_package.__path__)
        if module.ispkg
    }


@pytest.fixture(scope="module")
def viz_main(tmp_path_factory) -> dict:
    project = copy_project(tmp_path_factory.mktemp("viz"))
    run_kedro(project, "viz", "build")
    return json.loads((project / "build" / "api" / "main").read_text())


def test_every_node_of_every_pipeline_is_listed(viz_main):
    registered = _registered_pipelines()
    assert {"data_processing", "eda", "clustering"} <= set(registered)
    assert {p["id"] for p in viz_main["pipelines"]} == {*registered, "__default__"}
    shown: dict[str, set[str]] = {}
    for node in viz_main["nodes"]:
        if node["type"] == "task":
            for pipeline in node["pipelines"]:
                shown.setdefault(pipeline, set()).add(node["name"])
    for name, pipeline in registered.items():
        assert {node.name for node in pipeline.nodes} == shown.get(name), name


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
