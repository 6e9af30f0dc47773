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

from customer_segmentation.segmentation.persistence import load_model
from tests.app.bundles import MODEL_FILE, model_path, save_model
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

    - ``reconfigured``: the feature table in parameters.yml no longer matches what the model was trained on.
    - ``unreadable``: the newest model version is not a model file.
    - ``tampered``: the newest model version names a type outside the trusted list (a pickle-style attack).
    - ``monitored``: two batches of new customers scored by the monitoring pipeline.
    - ``missing_segments``: customer_segments.parquet was deleted.
    - ``mixed``: customer_segments.parquet holds other assignments than the model makes.
    - ``retrain...``: a plain copy, for a test that adds a newer model while the app is open.
    """
    if name in _built:
        return _built[name]
    project = base / name / "project"
    shutil.copytree(trained(base), project)
    if name == "reconfigured":
        params_file = project / "conf/base/parameters.yml"
        params = yaml.safe_load(params_file.read_text())
        del params["features"]["savings"]
        params_file.write_text(yaml.safe_dump(params, sort_keys=False))
    elif name == "unreadable":
        path = model_path(project, NEWER_VERSION)
        path.parent.mkdir(parents=True)
        path.write_bytes(b"this is not a model file\n")
    elif name == "tampered":
        write_tampered_model(model_path(project, NEWER_VERSION))
    elif name == "monitored":  # two batches scored: an unchanged one, then one with older customers
        from tests.pipelines.monitoring.conftest import batch

        for file_name, frame in (("march.csv", batch(600, seed=41)), ("april.csv", batch(600, seed=42, shift={"age": 1}))):
            frame.to_csv(project / "data/01_raw" / file_name, index=False)
            run_kedro(project, "run", "--pipelines", "monitoring", "--params", f"batch_path=data/01_raw/{file_name}")
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
    return sorted(p.name for p in (project / MODEL_FILE).iterdir())[-1]


def add_model_version(project: Path, version: str = NEWER_VERSION) -> str:
    """Saves the current model again under a newer version, as a retrain on the same data would."""
    save_model(project, load_model(model_path(project, model_version(project))), version)
    return version


class Exploit:
    """Stands for what an attacker would smuggle into a model file: a type that is not on the trusted list."""

    def __init__(self) -> None:
        self.payload = "os.system('...')"


def write_tampered_model(path: Path) -> None:
    """A skops file whose model carries an object of an untrusted type."""
    import skops.io as sio

    from tests.app.bundles import memory_bundle

    model = memory_bundle(rows=200, k=2).model
    model.steps.append(("exploit", Exploit()))
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, path)
