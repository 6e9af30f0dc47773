"""One coherent set of pipeline outputs: the model and everything written by the same run.

The app caches a :class:`ModelBundle` per model version, so a retrain while the app is open
never mixes a new model with old profiles: users keep the bundle they loaded until they
reload, and a bundle whose files disagree with its model is refused.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from customer_segmentation.app_support.project import ProjectHandle
from customer_segmentation.features import FeatureTable
from customer_segmentation.last_complete_run import MANIFEST_DATASET, read_manifest
from customer_segmentation.names import MODEL_DATASET, OPTIONAL_APP_OUTPUTS, REQUIRED_APP_OUTPUTS
from customer_segmentation.segmentation.contract import (
    MODEL_STEPS,
    model_problems,
    model_table,
    n_segments,
    segment_names,
)
from customer_segmentation.segmentation.scoring import predict

logger = logging.getLogger(__name__)

# Stored assignments that must agree with the model's own predictions (the rest may differ
# only where K-Means' last fit step and predict disagree on a tie).
_AGREEMENT_SAMPLE = 1000
_MIN_AGREEMENT = 0.98


class ModelNotAvailableError(RuntimeError):
    """The app cannot serve a model; the message says what to do."""


class NoTrainedModelError(ModelNotAvailableError):
    """No model has been trained in this project yet."""


class UnreadableModelError(ModelNotAvailableError):
    """The model file exists but cannot be loaded or is not the expected pipeline."""


class IncompleteOutputsError(ModelNotAvailableError):
    """Outputs next to the model are missing, unreadable or from another run."""


@dataclass(frozen=True)
class ModelBundle:
    """The model and the outputs of the run that trained it, loaded together."""

    version: str
    model: Any
    table: FeatureTable
    profiles: pd.DataFrame
    segments: pd.DataFrame
    metrics: dict[str, Any]
    k_sweep: pd.DataFrame | None = None
    k_selection: dict[str, Any] | None = None
    quality_report: dict[str, Any] | None = None
    categories: pd.DataFrame | None = None
    outcomes: pd.DataFrame | None = None
    tracking_uri: str | None = None
    experiment_name: str | None = None
    configuration_changed: bool = False
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def features(self) -> list[str]:
        """The model's feature names, in its order."""
        return self.table.names

    @property
    def k(self) -> int:
        return len(self.profiles)

    @property
    def trained_at(self) -> datetime | None:
        return version_time(self.version)

    @property
    def segment_names(self) -> dict[int, str]:
        return dict(enumerate(segment_names(self.model)))


def version_time(version: str | None) -> datetime | None:
    """The UTC time in a Kedro version string such as ``2026-11-28T00.04.18.498Z``."""
    if not version:
        return None
    try:
        return datetime.strptime(version, "%Y-%m-%dT%H.%M.%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def load_bundle(project: ProjectHandle, version: str) -> ModelBundle:
    """Loads model ``version`` and the outputs written with it, checking they belong together.

    The model brings its own feature table (the one it was trained with): uploads and the form
    use it. ``configuration_changed`` says when the project's ``features`` differ from it.

    Raises:
        NoTrainedModelError: no model file.
        UnreadableModelError: the file cannot be read safely or is not the expected pipeline.
        IncompleteOutputsError: profiles, segments or metrics missing or from another run.
    """
    model = _load_model(project, version)
    outputs = {name: _load_output(project, name, required=True) for name in REQUIRED_APP_OUTPUTS}
    outputs.update({name: _load_output(project, name, required=False) for name in OPTIONAL_APP_OUTPUTS})
    bundle = _bundle(project, version, model, outputs)
    _check_coherent(bundle, project)
    logger.info("loaded model %s: k=%d, %d customers", version, bundle.k, len(bundle.segments))
    return bundle


def _bundle(project: ProjectHandle, version: str, model: Any, outputs: dict[str, Any]) -> ModelBundle:
    table = model_table(model)
    return ModelBundle(
        version=version,
        model=model,
        table=table,
        profiles=outputs["segment_profiles"].sort_values("segment_id").reset_index(drop=True),
        segments=outputs["customer_segments"],
        metrics=dict(outputs["clustering_metrics"]),
        k_sweep=outputs.get("k_sweep"),
        k_selection=outputs.get("k_selection"),
        quality_report=outputs.get("data_quality_report"),
        categories=_non_empty(outputs.get("segment_categories")),
        outcomes=_non_empty(outputs.get("segment_outcomes")),
        tracking_uri=project.tracking_uri,
        experiment_name=project.experiment_name,
        configuration_changed=_configuration_changed(table, project.features),
    )


def _non_empty(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """The table, or None when it has no rows (no profile columns or outcomes configured)."""
    return table if table is not None and len(table) else None


def _load_model(project: ProjectHandle, version: str) -> Any:
    from kedro.io import DatasetError

    path = project.filepath(MODEL_DATASET)
    try:
        model = project.catalog.load(MODEL_DATASET, version=None if version == "unversioned" else version)
    except DatasetError as error:
        if _missing(error):  # by exception type: messages say "not found" for other reasons too
            raise NoTrainedModelError(f"No trained model yet ({path} has no version {version}).") from error
        raise UnreadableModelError(
            f"The model file {path}/{version} could not be read safely ({_root_cause(error)}). "
            f"Retrain with `{project.train_command}`."
        ) from error
    # Not `transform`: a Gaussian mixture's or k-prototypes' pipeline has none (K-Means' alone does).
    problems = model_problems(model)
    if problems:
        raise UnreadableModelError(
            f"The model file {path}/{version} holds a {type(model).__name__}, not the expected scikit-learn "
            f"Pipeline with steps {list(MODEL_STEPS)} and a segmenter ({'; '.join(problems)}). Retrain with "
            f"`{project.train_command}`."
        )
    return model


def load_last_complete(project: ProjectHandle) -> ModelBundle | None:
    """The bundle of the last run that finished (``hooks/snapshot.py``), or None when there is none.

    Its outputs are the files kept aside when that run ended, not the ones a later run may have
    half-replaced; they are checked to belong to its model like any bundle.
    """
    folder = snapshot_folder(project)
    manifest = read_manifest(folder)
    if manifest is None or not isinstance(manifest.get("files"), dict):
        return None
    version = str(manifest["model_version"])
    files = {name: folder / filename for name, filename in manifest["files"].items()}
    if any(name not in files for name in REQUIRED_APP_OUTPUTS):
        return None
    try:
        model = _load_model(project, version)
        outputs = {name: _read_snapshot_file(path) for name, path in files.items()}
    except Exception as error:  # noqa: BLE001 - no usable last complete run: the caller says so
        logger.warning("the last complete run %s cannot be served: %s", version, error)
        return None
    bundle = _bundle(project, version, model, outputs)
    try:
        _check_coherent(bundle, project)
    except IncompleteOutputsError as error:
        logger.warning("the last complete run %s cannot be served: %s", version, error)
        return None
    return bundle


def snapshot_folder(project: ProjectHandle) -> Path:
    """Where the last complete run's outputs are kept (the folder of the ``served_model`` manifest)."""
    return (project.root / project.filepath(MANIFEST_DATASET)).parent


def _read_snapshot_file(path: Path) -> Any:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".csv":
        return pd.read_csv(path)
    return json.loads(path.read_text())


def _configuration_changed(table: FeatureTable, configured: Any) -> bool:
    try:
        return FeatureTable.from_config(configured).to_config() != table.to_config()
    except Exception:  # noqa: BLE001 - a broken configuration differs from any model's table
        return True


def _load_output(project: ProjectHandle, name: str, required: bool) -> Any:
    try:
        if not project.catalog.exists(name):
            if required:
                raise IncompleteOutputsError(
                    f"The output '{name}' ({project.filepath(name)}) is missing although a model exists. "
                    f"Run `{project.train_command}` to write all outputs."
                )
            return None
        return project.catalog.load(name)
    except IncompleteOutputsError:
        raise
    except Exception as error:
        if not required:
            logger.warning("could not read %s: %s", name, error)
            return None
        raise IncompleteOutputsError(
            f"The output '{name}' ({project.filepath(name)}) could not be read ({_root_cause(error)}); "
            f"a run may be writing it. Wait for it to finish and press 'Reload latest model', "
            f"or run `{project.train_command}`."
        ) from error


def _check_coherent(bundle: ModelBundle, project: ProjectHandle) -> None:
    """Refuses outputs that were not written by the run that trained this model."""
    where = "a run may be in progress; wait for it to finish and press 'Reload latest model'"
    model_k = n_segments(bundle.model)
    ids = sorted(bundle.profiles["segment_id"].astype(int))
    metrics_k = bundle.metrics.get("k")
    if ids != list(range(len(ids))) or (model_k is not None and model_k != len(ids)) or (
        metrics_k is not None and int(metrics_k) != len(ids)
    ):
        raise IncompleteOutputsError(
            f"The outputs do not belong to model {bundle.version}: the model has {model_k} segments, "
            f"segment_profiles has ids {ids}, clustering_metrics says k={metrics_k}; {where}."
        )
    missing = [c for c in [*bundle.features, "segment_id", "segment_name"] if c not in bundle.segments.columns]
    if missing:
        raise IncompleteOutputsError(
            f"customer_segments ({project.filepath('customer_segments')}) lacks the columns {missing}; "
            f"run `{project.train_command}`."
        )
    if bundle.segments.empty:
        return
    step = max(1, len(bundle.segments) // _AGREEMENT_SAMPLE)
    sample = bundle.segments.iloc[::step]
    predicted = predict(bundle.model, sample)
    agreement = float(np.mean(predicted == sample["segment_id"].to_numpy()))
    if agreement < _MIN_AGREEMENT:
        raise IncompleteOutputsError(
            f"customer_segments was not written by model {bundle.version}: only {agreement:.0%} of the "
            f"stored segments match the model's own predictions; {where}."
        )


def _missing(error: BaseException) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, FileNotFoundError) or type(cause).__name__ == "VersionNotFoundError":
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _root_cause(error: BaseException) -> str:
    cause = error
    while cause.__cause__ is not None:
        cause = cause.__cause__
    text = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {text[0] if text else ''}".rstrip(": ")
