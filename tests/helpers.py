"""Running the data_processing pipeline in memory, as Kedro would, for fast tests; killing a kedro run."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from customer_segmentation.pipelines.data_processing import create_pipeline
from tests.projects import PROJECT_ROOT, VENV_BIN, kedro_env, log_size, project_log, wait_for_log

OUTPUTS = ("model_input_customers", "rejected_customers", "data_quality_report")


def project_parameters(*files: str) -> dict[str, Any]:
    """The project's own parameters.yml merged with ``files`` (e.g. ``parameters_eda.yml``) from conf/base."""
    params: dict[str, Any] = {}
    for name in ("parameters.yml", *files):
        params.update(yaml.safe_load((PROJECT_ROOT / "conf/base" / name).read_text()))
    return params


def default_features() -> dict[str, Any]:
    """The project's feature table, as configured in conf/base/parameters.yml."""
    return project_parameters()["features"]


FEATURE_NAMES: list[str] = list(default_features())


def data_processing_params(**overrides: Any) -> dict[str, Any]:
    """The parameters data_processing reads (the feature table included), with overrides."""
    params = project_parameters("parameters_data_processing.yml")
    params.update(overrides)
    return params


class KeptDataset(MemoryDataset):
    """A MemoryDataset the runner cannot release, so the test can read it after the run."""

    def _release(self) -> None:
        pass


def run_data_processing(customers: pd.DataFrame, **overrides: Any) -> dict[str, Any]:
    """Runs the data_processing pipeline on ``customers``; returns its three outputs.

    If a node fails, the exception propagates; outputs saved before it stay readable via
    the ``partial`` attribute of the raised exception.
    """
    params = {f"params:{k}": MemoryDataset(v) for k, v in data_processing_params(**overrides).items()}
    outputs = {name: KeptDataset() for name in OUTPUTS}
    catalog = DataCatalog({"customers": MemoryDataset(customers), **params, **outputs})
    try:
        SequentialRunner().run(create_pipeline(), catalog)
    except Exception as error:
        error.partial = {name: d.load() for name, d in outputs.items() if d.exists()}
        raise
    return {name: dataset.load() for name, dataset in outputs.items()}


def flatten_parameters(params: dict[str, Any]) -> dict[str, Any]:
    """``params:<key>`` for every key and nested key, as Kedro exposes parameters to nodes."""
    flat: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        flat[f"params:{prefix}"] = value
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}", inner)

    for key, value in params.items():
        walk(key, value)
    return flat


def run_all_pipelines(customers: pd.DataFrame, features: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """data_processing, eda and clustering in memory on ``customers`` with the project's parameters.

    Returns every dataset the pipelines produce (figures and MLflow datasets as plain objects).
    """
    from customer_segmentation.pipelines import clustering, data_processing, eda

    params = project_parameters("parameters_data_processing.yml", "parameters_eda.yml", "parameters_clustering.yml")
    params.update(features=features, **overrides)
    pipeline = data_processing.create_pipeline() + eda.create_pipeline() + clustering.create_pipeline()
    inputs = {name: MemoryDataset(value) for name, value in flatten_parameters(params).items()
              if name in pipeline.inputs()}
    produced = {name: KeptDataset() for name in pipeline.datasets() - pipeline.inputs()}
    SequentialRunner().run(pipeline, DataCatalog({"customers": MemoryDataset(customers), **inputs, **produced}))
    return {name: dataset.load() for name, dataset in produced.items() if dataset.exists()}


def kill_kedro_when(project: Path, marker: str, *args: str, timeout: float = 300) -> str:
    """Starts ``kedro run <args>`` in ``project``, SIGKILLs its whole process group (a JVM included) as soon as
    ``marker`` is in the project's full log; returns that log from the run's start."""
    since = log_size(project)
    with open(project / "killed_run.log", "w") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "kedro"), "run", *args], cwd=project, env=kedro_env(project),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            wait_for_log(project, marker, process, since, timeout=timeout)
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == -signal.SIGKILL
    return project_log(project, since)


def tiny_benchmark(script: str, work: Path) -> str:
    """What ``benchmarks/<script> --tiny`` prints, its data and scratch project under ``work``; it must exit 0."""
    import sys

    from tests.projects import PROJECT_ROOT

    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / script), "--tiny",
         "--data-dir", str(work / "data"), "--work-dir", str(work / "work")],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout
