"""One trained copy of the project per test session, shared by the slow clustering, MLflow and serving tests.

A `kedro run` costs ~20 s, so the first test that asks for the trained project runs it and
the others reuse it: the result is cached here, at module level, because a session fixture
imported into several test modules would be set up once per module.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import copy_project, run_kedro
from tests.helpers import FEATURE_NAMES as FEATURES  # noqa: F401 - re-exported to the slow tests

MODEL_NAME = "customer_segmentation"
EXPERIMENT = "customer_segmentation"

_TRAINED: dict[str, Path] = {}


def trained_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of the project after one default `kedro run`."""
    if "project" not in _TRAINED:
        project = copy_project(tmp_path_factory.mktemp("trained"))
        run_kedro(project, "run")
        _TRAINED["project"] = project
    return _TRAINED["project"]


def tracking_uri(project: Path) -> str:
    """The copy's own SQLite store (``conf/base/mlflow.yml`` anchors it at the project root)."""
    return f"sqlite:///{project.as_posix()}/mlflow.db"


@contextmanager
def mlflow_store(project: Path) -> Iterator[object]:
    """An ``MlflowClient`` on the copy's store, with ``models:/`` URIs resolved there too."""
    import mlflow

    previous = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(tracking_uri(project))
    try:
        yield mlflow.MlflowClient(tracking_uri(project))
    finally:
        mlflow.set_tracking_uri(previous)  # None unsets it
