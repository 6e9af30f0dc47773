"""Throw-away copies of the project, and the one trained project the whole suite shares.

``trained`` is built once per test session (once across pytest-xdist workers too: the first worker builds it
under a file lock, the others wait and reuse it): a fresh copy of the project after two runs in this process
(a Kedro session, as ``kedro run`` would open, without the seconds a new interpreter costs), first with 3
segments forced, then the default. The pipeline, MLflow, registry, app and notebook tests all read it; tests
that change a project copy it first (``variant``). Whole ``kedro`` commands in a new process (what the
command line does: exit codes, messages, logs, kills) are the e2e tests' business (``run_kedro``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from filelock import FileLock


PROJECT_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
LOG_FILE = Path("logs") / "kedro_run.log"
MODEL_NAME = EXPERIMENT = "customer_segmentation"
NEWER_VERSION = "2099-01-01T00.00.00.000Z"  # sorts after any real session id
MODEL_FILE = "data/06_models/segmentation_model.skops"

# What a fresh clone has; outputs, stores and caches are left behind.
_COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "mlflow.db*", "mlruns", "build", "site", "__pycache__", "*.egg-info", ".pytest_cache",
    ".hypothesis", "benchmarks", "docs", "tests", "notebooks", "_artifacts", "*.log", ".viz",
)


def copy_project(destination: Path) -> Path:
    """Copies the project (code, conf, raw data) without outputs, as a fresh clone would have it."""
    target = destination / "project"
    shutil.copytree(PROJECT_ROOT, target, ignore=_COPY_IGNORE)
    for layer in (target / "data").iterdir():
        for item in layer.iterdir():
            if item.name != ".gitkeep" and not (layer.name == "01_raw" and item.name == "segmentation_data.csv"):
                shutil.rmtree(item) if item.is_dir() else item.unlink()
    (target / "conf" / "local").mkdir(parents=True, exist_ok=True)
    (target / "logs").mkdir(exist_ok=True)
    return target


# ---------- `kedro` in a new process (the command line) ----------


def kedro_env(project: Path) -> dict[str, str]:
    """The environment for a process working on ``project``: its own source first, the venv's tools."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(project / "src"), env.get("PYTHONPATH", "")])
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    env["COLUMNS"] = "400"  # rich wraps log and error lines at the terminal width
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_kedro(project: Path, *args: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
    """Runs `kedro <args>` inside ``project`` with the copy's own source first on the path."""
    result = subprocess.run(
        [str(VENV_BIN / "kedro"), *args], cwd=project, env=kedro_env(project), capture_output=True, text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"kedro {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-4000:]}\n"
                             f"{result.stderr[-6000:]}")
    return result


# ---------- the full log of a project (conf/logging.yml writes it to logs/kedro_run.log) ----------


def log_size(project: Path) -> int:
    """Where the project's full log ends now: pass it to :func:`project_log` to read what comes after."""
    path = project / LOG_FILE
    return path.stat().st_size if path.exists() else 0


def project_log(project: Path, since: int = 0) -> str:
    """The project's full log from byte ``since`` on, its whitespace collapsed: Kedro's per-node and per-dataset
    lines are there, not in the terminal."""
    path = project / LOG_FILE
    if not path.exists():
        return ""
    with open(path, "rb") as handle:
        handle.seek(since)
        return " ".join(handle.read().decode("utf-8", errors="replace").split())


def wait_for_log(project: Path, marker: str, process, since: int, timeout: float = 300) -> None:
    """Waits until the run ``process`` has logged ``marker`` in the project's full log after ``since``."""
    deadline = time.monotonic() + timeout
    while marker not in project_log(project, since):
        assert process.poll() is None, f"the run ended before '{marker}':\n{project_log(project, since)[-3000:]}"
        assert time.monotonic() < deadline, f"'{marker}' never logged"
        time.sleep(0.05)


# ---------- a run in this process ----------


@contextmanager
def _inside(project: Path) -> Iterator[None]:
    """The process working on ``project``: its folder, its MLflow store (``${project_root:}``), no MLflow run
    left active by a test before; everything put back after."""
    import mlflow

    from customer_segmentation import settings

    _forget_active_runs()
    previous_dir, previous_root = Path.cwd(), settings.PROJECT_ROOT
    os.chdir(project)
    settings.PROJECT_ROOT = project
    try:
        yield
    finally:
        # kedro-mlflow re-opens the run before every node (nested), leaving the run on this thread's stack of
        # active runs after it ended it: harmless when the process ends, as `kedro run`'s does; here it goes.
        _forget_active_runs()
        settings.PROJECT_ROOT = previous_root
        os.chdir(previous_dir)
        mlflow.set_tracking_uri(None)


def _forget_active_runs() -> None:
    import mlflow

    while mlflow.active_run() is not None:
        try:
            mlflow.end_run()
        except Exception:  # noqa: BLE001 - a run of another store: only this process's stack matters
            break


def run_in_process(project: Path, pipelines: list[str] | None = None, params: dict[str, Any] | None = None,
                   env: str | None = None) -> dict[str, Any]:
    """``kedro run [--pipelines ...] [--params ...] [--env ...]`` on ``project``, in this process.

    The project's hooks, kedro-mlflow's and the catalog are all there, as on the command line; only the new
    interpreter (seconds of imports) is spared. Raises what the run raised.
    """
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    with _inside(project):
        bootstrap_project(project)
        with KedroSession.create(project_path=project, env=env, runtime_params=params) as session:
            return session.run(pipeline_names=pipelines)


# ---------- the shared trained project and its variants ----------


def shared(base: Path, name: str, build) -> Path:
    """``build(folder)``'s project, built once under ``base`` for every test process of the session."""
    folder = base / name
    with FileLock(str(base / f"{name}.lock")):
        if not (folder / "ready").exists():
            shutil.rmtree(folder, ignore_errors=True)
            project = build(folder)
            (folder / "ready").write_text(str(project))
    return Path((folder / "ready").read_text())


def _trained(folder: Path) -> Path:
    project = copy_project(folder)
    run_in_process(project, params={"n_clusters": 3})
    run_in_process(project)
    return project


def trained(base: Path) -> Path:
    """A copy of the project after two runs: 3 segments forced, then the default (the model served)."""
    return shared(base, "trained", _trained)


def untrained(base: Path) -> Path:
    """A fresh clone: no model, no outputs."""
    return shared(base, "untrained", copy_project)


def variant(base: Path, name: str) -> Path:
    """A copy of the trained project in state ``name`` (each built once per session):

    - ``reconfigured``: the feature table in parameters.yml no longer matches what the model was trained on.
    - ``unreadable``: the newest model version is not a model file.
    - ``tampered``: the newest model version names a type outside the trusted list (a pickle-style attack).
    - ``tampered_served``: the same in the served (last complete) model's own file.
    - ``monitored``: two batches of new customers scored by the monitoring pipeline.
    - ``small_batch``: a batch of two customers scored by the monitoring pipeline (too few to judge drift).
    - ``refreshed``: two generated months refreshed (``data/01_raw/month_1.csv``, then ``month_2.csv``), then month 2
      again; the data folder as the first refresh of month 2 left it is kept beside the project
      (``refreshed_once/``).
    - ``missing_segments``: customer_segments.parquet was deleted.
    - ``mixed``: customer_segments.parquet holds other assignments than the model makes.
    - ``retrain...``: a plain copy, for a test that adds a newer model while the app is open.
    """
    def build(folder: Path) -> Path:
        project = folder / "project"
        shutil.copytree(trained(base), project)
        _make(project, name)
        return project

    return shared(base, name, build)


def _make(project: Path, name: str) -> None:
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
    elif name == "tampered_served":  # the served (last complete) model's own file replaced
        write_tampered_model(model_path(project, model_version(project)))
    elif name == "monitored":  # two batches scored: an unchanged one, then one with older customers
        from tests.pipelines.monitoring.conftest import batch

        for file_name, frame in (("march.csv", batch(600, seed=41)), ("april.csv", batch(600, seed=42, shift={"age": 1}))):
            frame.to_csv(project / "data/01_raw" / file_name, index=False)
            run_in_process(project, pipelines=["monitoring"], params={"batch_path": f"data/01_raw/{file_name}"})
    elif name == "small_batch":  # two customers: scored, drift not judged (monitoring.min_batch_rows)
        from tests.pipelines.monitoring.conftest import batch

        batch(2, seed=43).to_csv(project / "data/01_raw/two.csv", index=False)
        run_in_process(project, pipelines=["monitoring"], params={"batch_path": "data/01_raw/two.csv"})
    elif name == "refreshed":
        _refresh_two_months(project)
    elif name == "missing_segments":
        (project / "data/07_model_output/customer_segments.parquet").unlink()
    elif name == "mixed":  # segments rewritten by another run: assignments no longer match the model
        path = project / "data/07_model_output/customer_segments.parquet"
        segments = pd.read_parquet(path)
        segments["segment_id"] = (segments["segment_id"] + 1) % (segments["segment_id"].max() + 1)
        segments.to_parquet(path, index=False)
    elif not name.startswith("retrain"):
        raise ValueError(f"unknown project variant {name!r}")


TELECOM_ENV = "telecom"
TELECOM_ROWS = 600


def _telecom(folder: Path) -> Path:
    from customer_segmentation.demo_data import generate_telecom_customers
    from tests.features.configs import TELECOM_PARAMETERS

    project = folder / "project"
    shutil.copytree(trained(folder.parent), project)
    demo = {p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((project / "data").rglob("*")) if p.is_file()}
    (project / "demo_outputs.json").write_text(json.dumps(demo))
    customers = generate_telecom_customers(TELECOM_ROWS, seed=3)
    customers.pop("persona").to_csv(project / "telecom_personas.csv", index=False)
    customers.to_csv(project / "data/01_raw/telecom.csv", index=False)
    conf = project / "conf" / TELECOM_ENV
    conf.mkdir()
    (conf / "catalog.yml").write_text(yaml.safe_dump({"customers": {
        "type": "customer_segmentation.datasets.customer_csv.CustomerCSVDataset",
        "filepath": "data/01_raw/telecom.csv"}}))
    # The issue's configuration as written, and fewer fits than base's (k-prototypes' are slow: this keeps the
    # run at a few seconds; the same k and segments).
    (conf / "parameters.yml").write_text(TELECOM_PARAMETERS)
    (conf / "parameters_tests.yml").write_text(yaml.safe_dump({"eda": {"k_range": [2, 5], "n_init": 1,
                                                                       "n_bootstrap": 2},
                                                               "clustering": {"n_init": 3}}))
    run_in_process(project, env=TELECOM_ENV)
    return project


def telecom(base: Path) -> Path:
    """A copy of the trained project with a ``telecom`` environment (the categorical issue's configuration: two
    numbers, two categories, ``algorithm: kprototypes``) run on 600 telecom-shaped customers beside the demo.

    ``demo_outputs.json`` holds the demo's files as they were before; ``telecom_personas.csv`` each row's persona.
    """
    return shared(base, "telecom", _telecom)


RETAIL_ENV = "retail"
RETAIL_LINES = 8_000


def _retail(folder: Path) -> Path:
    from customer_segmentation.demo_data import generate_order_log

    project = copy_project(folder)
    log = generate_order_log(RETAIL_LINES, seed=3, placeholder_id=0).drop(columns="persona")
    log.to_parquet(project / "data/01_raw/orders.parquet", index=False)
    # Fewer fits than base's: the same k on this small log, in a few seconds.
    (project / "conf" / RETAIL_ENV / "parameters_tests.yml").write_text(yaml.safe_dump(
        {"eda": {"k_range": [2, 6], "n_init": 1, "n_bootstrap": 2}, "clustering": {"n_init": 3}}))
    run_in_process(project, env=RETAIL_ENV)
    return project


def retail(base: Path) -> Path:
    """A fresh copy of the project after `kedro run --env retail` (the shipped order-log environment) on a
    generated ``RETAIL_LINES``-line order log."""
    return shared(base, "retail", _retail)


def _refresh_two_months(project: Path) -> None:
    from customer_segmentation.demo_data import generate_snapshots

    months = generate_snapshots(3000, seed=42)
    for number, frame in ((1, months.month_1), (2, months.month_2)):
        frame.drop(columns="persona").to_csv(project / f"data/01_raw/month_{number}.csv", index=False)
    for number in (1, 2):
        run_in_process(project, pipelines=["refresh"], params={"batch_path": f"data/01_raw/month_{number}.csv"})
    shutil.copytree(project / "data", project.parent / "refreshed_once")
    run_in_process(project, pipelines=["refresh"], params={"batch_path": "data/01_raw/month_2.csv"})


def model_path(project: Path, version: str) -> Path:
    """Where version ``version`` of the versioned ``segmentation_model`` entry is."""
    return project / MODEL_FILE / version / "segmentation_model.skops"


def save_model(project: Path, model: object, version: str) -> Path:
    """Saves ``model`` as version ``version`` of the versioned ``segmentation_model`` entry."""
    from customer_segmentation.segmentation.persistence import save_model as write_model

    path = model_path(project, version)
    write_model(model, path)
    return path


def model_version(project: Path) -> str:
    """The newest model version in ``project``."""
    return sorted(p.name for p in (project / MODEL_FILE).iterdir())[-1]


def complete_run(project: Path, version: str) -> None:
    """Marks model ``version`` as the last complete run's, as a training run that ends well does
    (``hooks/snapshot.py``'s manifest)."""
    manifest = project / "data/07_model_output/last_complete_run/manifest.json"
    content = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**content, "model_version": version}))


def add_model_version(project: Path, version: str = NEWER_VERSION) -> str:
    """Saves the current model again under a newer version, as a retrain on the same data would."""
    from customer_segmentation.segmentation.persistence import load_model

    save_model(project, load_model(model_path(project, model_version(project))), version)
    return version


class Exploit:
    """Stands for what an attacker would smuggle into a model file: a type that is not on the trusted list."""

    def __init__(self) -> None:
        self.payload = "os.system('...')"


def write_tampered_model(path: Path) -> None:
    """A skops file whose model carries an object of an untrusted type."""
    import skops.io as sio

    from tests.bundles import memory_bundle

    model = memory_bundle(rows=200, k=2).model
    model.steps.append(("exploit", Exploit()))
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, path)


# ---------- the MLflow store of a copy ----------


def tracking_uri(project: Path) -> str:
    """The copy's own SQLite store (``conf/base/mlflow.yml`` anchors it at the project root)."""
    return f"sqlite:///{project.as_posix()}/mlflow.db"


@contextmanager
def mlflow_store(project: Path) -> Iterator[Any]:
    """An ``MlflowClient`` on the copy's store, with ``models:/`` URIs resolved there too."""
    import mlflow

    previous = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(tracking_uri(project))
    try:
        yield mlflow.MlflowClient(tracking_uri(project))
    finally:
        mlflow.set_tracking_uri(previous)  # None unsets it
