"""Writes done by the helper processes: report figures and model files are complete, owner-only and logged
to MLflow when the run ends; nodes that load the model get it at once; a failed write fails the run."""

from __future__ import annotations

import stat

import mlflow
import numpy as np
import pandas as pd
import pytest
from kedro.io import DatasetError
from kedro.io.core import Version
from matplotlib.figure import Figure

from customer_segmentation.datasets import ReportFigureDataset, SegmentationModelDataset, helper
from customer_segmentation.datasets.background import wait_for_background_writes
from customer_segmentation.datasets.figure import warm_up
from customer_segmentation.hooks import BackgroundWriteHooks
from customer_segmentation.segmentation import build_segmentation_model, fit_segmentation_model
from customer_segmentation.segmentation.persistence import load_model


@pytest.fixture
def helpers():
    helper.start([warm_up])
    yield
    helper.stop()


def _figure() -> Figure:
    figure = Figure(figsize=(3, 2))
    figure.subplots().plot([1, 2, 3], [3, 1, 2])
    return figure


def _model():
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(60, 2)), columns=["a", "b"])
    return fit_segmentation_model(build_segmentation_model(["a", "b"], 3, None, 2, 0), frame, None), frame


def test_a_figure_is_written_owner_only_and_logged_to_the_run_when_the_run_ends(tmp_path, helpers, mlflow_run):
    path = tmp_path / "reports" / "plot.png"
    ReportFigureDataset(filepath=str(path), save_args={"dpi": 50}, artifact_path="eda").save(_figure())

    BackgroundWriteHooks().after_pipeline_run()
    assert path.read_bytes().startswith(b"\x89PNG")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    logged = [a.path for a in mlflow.MlflowClient().list_artifacts(mlflow_run.info.run_id, "eda")]
    assert logged == ["eda/plot.png"]


def test_without_helpers_a_figure_is_written_before_save_returns(tmp_path):
    path = tmp_path / "plot.png"
    ReportFigureDataset(filepath=str(path)).save(_figure())
    assert path.read_bytes().startswith(b"\x89PNG")


def test_a_figure_that_cannot_be_written_fails_the_run_naming_the_file(tmp_path, helpers):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the reports folder should be")
    ReportFigureDataset(filepath=str(blocker / "plot.png")).save(_figure())
    with pytest.raises(DatasetError, match=rf"writing {blocker / 'plot.png'} failed"):
        wait_for_background_writes()


def test_the_model_is_loaded_from_memory_while_its_versioned_file_is_written(tmp_path, helpers, recwarn):
    model, frame = _model()
    dataset = SegmentationModelDataset(filepath=str(tmp_path / "model.skops"), version=Version(None, None))

    dataset.save(model)
    assert dataset.load() is model  # the nodes after training do not wait for the file
    wait_for_background_writes()
    dataset.release()
    reloaded = dataset.load()
    assert reloaded is not model and (reloaded.predict(frame) == model.predict(frame)).all()
    (saved,) = (tmp_path / "model.skops").glob("*/model.skops")
    assert (load_model(saved).predict(frame) == model.predict(frame)).all()
    assert not [w for w in recwarn if "version" in str(w.message)], "Kedro's save/load version check"
