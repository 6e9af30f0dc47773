"""A report figure: a PNG file rendered by a helper process while the run goes on, and logged to MLflow.

Example ``catalog.yml`` entry::

    segment_map_plot:
      type: customer_segmentation.datasets.ReportFigureDataset
      filepath: data/08_reporting/segment_map.png
      save_args: {dpi: 110}
      artifact_path: reports      # also logged to the MLflow run, under reports/ (omit: not logged)

Rendering is most of what a report figure costs (about 3 s for the eight of a run on two cores).
``save`` hands the matplotlib figure to a helper process (``helper.py``), which renders it and writes
the file as ``AtomicDataset`` over kedro-datasets' ``MatplotlibDataset`` does (a temporary file renamed
into place, readable by its owner only: the same bytes as before). Once the file is written, and before
the run ends, it is logged to the MLflow run that was active when the figure was saved (the role
kedro-mlflow's ``MlflowArtifactDataset`` had, which logs a file the moment ``save`` returns). No run
active (tracking disabled for the pipeline, a save outside ``kedro run``): the file only.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from kedro.io import AbstractDataset, DatasetError

from customer_segmentation.datasets import helper
from customer_segmentation.datasets.background import HelperWrite, register

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def write_figure(dataset: dict[str, Any], figure: Figure) -> None:
    """Renders ``figure`` into the file of the ``AtomicDataset`` configured by ``dataset`` (in a helper)."""
    from customer_segmentation.datasets.atomic import AtomicDataset

    AtomicDataset(dataset).save(figure)


def warm_up() -> None:
    """Imports what rendering needs and loads the fonts, so that a helper's first figure is not the slow one."""
    import io

    import kedro_datasets.matplotlib  # noqa: F401  # what write_figure's MatplotlibDataset imports (pyplot)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1))
    figure.subplots().set_title("warm-up")
    figure.savefig(io.BytesIO(), format="png")


def _log_artifact(run_id: str, path: str, artifact_path: str | None, _: Any) -> None:
    from mlflow import MlflowClient

    MlflowClient().log_artifact(run_id, path, artifact_path)


def _active_run_id() -> str | None:
    import mlflow

    run = mlflow.active_run()
    return run.info.run_id if run is not None else None


class ReportFigureDataset(AbstractDataset["Figure", None]):
    """Writes a matplotlib figure as a PNG file from a helper process, then logs it to the MLflow run."""

    helper_warm_up = staticmethod(warm_up)

    def __init__(self, filepath: str, save_args: dict[str, Any] | None = None, artifact_path: str | None = None,
                 metadata: dict[str, Any] | None = None) -> None:
        self._filepath = PurePosixPath(filepath)
        self._save_args = dict(save_args or {})
        self._artifact_path = artifact_path
        self.metadata = metadata

    def save(self, data: Figure) -> None:
        target = str(self._filepath)
        config = {"type": "matplotlib.MatplotlibDataset", "filepath": target, "save_args": self._save_args}
        future = helper.submit(write_figure, config, data)
        run_id = _active_run_id() if self._artifact_path is not None else None
        then = partial(_log_artifact, run_id, target, self._artifact_path) if run_id else None
        write = HelperWrite(future, target, then)
        if not helper.running():  # written already: log it now, as the save of any other dataset would
            write.wait()
        else:
            register(write)

    def load(self) -> None:
        raise DatasetError(f"{self._filepath} is a report image: it is written, not read back")

    def _exists(self) -> bool:
        return Path(str(self._filepath)).is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "save_args": self._save_args, "artifact_path": self._artifact_path}
