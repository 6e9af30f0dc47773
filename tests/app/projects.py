"""Throw-away project copies in the states the app must handle, built once per test process.

``trained`` is a real ``kedro run`` of a fresh copy (all pipelines, MLflow store included): the
AppTest suite, the browser test and the notebook test share it. The other states are copies of
it with one thing changed, so they open as fast as it does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import yaml

from tests.app.bundles import save_model
from tests.conftest import copy_project, run_kedro

NEWER_VERSION = "2099-01-01T00.00.00.000Z"  # sorts after any real session id
_built: dict[str, Path] = {}


def trained(base: Path) -> Path:
    """A copy of the project after two ``kedro run``s: 3 segments forced, then the default.

    The second run's model is the one served; the MLflow store holds both runs to compare.
    """
    if "trained" not in _built:
        project = copy_project(base / "trained")
        run_kedro(project, "run", "--params", "n_clusters=3")
        run_kedro(project, "run")
        _built["trained"] = project
    return _built["trained"]


def untrained(base: Path) -> Path:
    """A fresh clone: no model, no outputs."""
    if "untrained" not in _built:
        _built["untrained"] = copy_project(base / "untrained")
    return _built["untrained"]


def variant(base: Path, name: str) -> Path:
    """A copy of the trained project in state ``name``.

    - ``incompatible``: params:features no longer matches what the model was trained on.
    - ``unreadable``: the newest model version is not a pickle.
    - ``missing_segments``: customer_segments.parquet was deleted.
    - ``mixed``: customer_segments.parquet holds other assignments than the model makes.
    - ``retrain...``: a plain copy, for a test that adds a newer model while the app is open.
    """
    if name in _built:
        return _built[name]
    project = base / name / "project"
    shutil.copytree(trained(base), project)
    if name == "incompatible":
        params_file = project / "conf/base/parameters_data_processing.yml"
        params = yaml.safe_load(params_file.read_text())
        params["features"] = ["annual_income", "spending_score", "age"]
        params_file.write_text(yaml.safe_dump(params))
    elif name == "unreadable":
        path = project / "data/06_models/segmentation_model.pkl" / NEWER_VERSION / "segmentation_model.pkl"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"this is not a pickle\n")
    elif name == "missing_segments":
        (project / "data/07_model_output/customer_segments.parquet").unlink()
    elif name == "mixed":  # segments rewritten by another run: assignments no longer match the model
        path = project / "data/07_model_output/customer_segments.parquet"
        segments = pd.read_parquet(path)
        segments["segment_id"] = (segments["segment_id"] + 1) % (segments["segment_id"].max() + 1)
        segments.to_parquet(path, index=False)
    elif not name.startswith("retrain"):
        raise ValueError(f"unknown project variant {name!r}")
    _built[name] = project
    return project


def model_version(project: Path) -> str:
    """The newest model version in ``project``."""
    return sorted(p.name for p in (project / "data/06_models/segmentation_model.pkl").iterdir())[-1]


def add_model_version(project: Path, version: str = NEWER_VERSION) -> str:
    """Saves the current model again under a newer version, as a retrain on the same data would."""
    import joblib

    current = project / "data/06_models/segmentation_model.pkl" / model_version(project) / "segmentation_model.pkl"
    save_model(project, joblib.load(current), version)
    return version
