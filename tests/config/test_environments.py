"""A data set of one's own in a Kedro environment, run beside the demo: its own outputs, MLflow experiment and
registered model, and the demo's outputs and model untouched."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.features.test_own_data import mall_customers
from tests.projects import mlflow_store, run_in_process


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(trained_project, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The trained demo project with a `mall` environment run beside it (the demo's files hashed before)."""
    project = tmp_path_factory.mktemp("environments") / "project"
    shutil.copytree(trained_project, project)
    before = {layer: _digest(project / "data" / layer) for layer in ("05_model_input", "07_model_output", "08_reporting")}
    (project / "conf/mall").mkdir()
    mall_customers(400).to_csv(project / "data/01_raw/mall.csv", index=False)
    (project / "conf/mall/catalog.yml").write_text(yaml.safe_dump({"customers": {
        "type": "customer_segmentation.datasets.customer_csv.CustomerCSVDataset", "filepath": "data/01_raw/mall.csv"}}))
    (project / "conf/mall/parameters.yml").write_text(yaml.safe_dump({"features": {
        "annual_income": {"column": "Annual Income (k$)", "label": "Annual income", "unit": "USD", "scale": 1000},
        "spending_score": {"column": "Spending Score (1-100)", "label": "Spending score", "unit": "score",
                           "range": [0, 100]}}}))
    run_in_process(project, env="mall")
    return project, before


def test_an_environment_writes_its_own_outputs_and_leaves_the_demos(project):
    root, before = project
    profiles = pd.read_csv(root / "data/mall/07_model_output/segment_profiles.csv")
    assert [c for c in profiles.columns if c.endswith("_mean")] == ["annual_income_mean", "spending_score_mean"]
    assert profiles["size"].sum() == 400
    for layer, digests in before.items():
        assert _digest(root / "data" / layer) == digests, f"the demo's {layer} changed"


def test_an_environment_has_its_own_experiment_and_registered_model(project):
    root, _ = project
    with mlflow_store(root) as client:
        experiments = {e.name for e in client.search_experiments()}
        champion = client.get_model_version_by_alias("customer_segmentation_mall", "champion")
        demo = client.get_model_version_by_alias("customer_segmentation", "champion")
        mall_runs = client.search_runs([client.get_experiment_by_name("customer_segmentation_mall").experiment_id])
    assert {"customer_segmentation", "customer_segmentation_mall"} <= experiments
    assert champion.run_id == mall_runs[0].info.run_id and demo.run_id != champion.run_id
    assert mall_runs[0].data.tags["mlflow.runName"].startswith("mall · mall.csv · 400 rows · 2 features · k=")


def test_the_app_serves_the_environment_it_is_given(project, monkeypatch):
    from customer_segmentation.app_support.bundle import load_bundle
    from customer_segmentation.app_support.project import DATA_SET_ENV, latest_model_version, open_project

    root, _ = project
    monkeypatch.setenv(DATA_SET_ENV, "mall")
    handle = open_project(root)
    bundle = load_bundle(handle, latest_model_version(handle))
    assert (handle.data_set, handle.train_command) == ("mall", "make run ENV=mall")
    assert bundle.features == ["annual_income", "spending_score"] and len(bundle.segments) == 400


def test_a_refresh_in_an_environment_writes_its_own_files_and_leaves_the_demos(project):
    root, before = project
    run_in_process(root, pipelines=["refresh"], params={"batch_path": "data/01_raw/mall.csv"}, env="mall")
    report = json.loads((root / "data/mall/08_reporting/refresh_report.json").read_text())
    assert report["customers"]["scored"] == report["customers"]["stayed"] == 400  # its training customers again
    assert report["id_column"] == "CustomerID"
    assert len(list((root / "data/mall/07_model_output/audience_changes/full").glob("segment_*.csv"))) >= 2
    assert not (root / "data/07_model_output/refresh").exists()
    for layer, digests in before.items():
        assert _digest(root / "data" / layer) == digests, f"the demo's {layer} changed"
