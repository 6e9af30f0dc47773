"""Opening the Kedro project the app serves, outside ``kedro run``.

The app never trains: it opens the project's catalog (``bootstrap_project`` +
``KedroSession``) and reads what the pipelines wrote. Model files are only ever read
from the catalog's own paths.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

PROJECT_ENV = "CUSTOMER_SEGMENTATION_PROJECT"
MODEL_DATASET = "segmentation_model"
TRAIN_COMMAND = "make run"


class ProjectNotFoundError(RuntimeError):
    """The folder the app was pointed at is not this Kedro project."""


@dataclass
class ProjectHandle:
    """An open Kedro project: its catalog, its feature table as configured now, and the MLflow store.

    ``features`` is the configuration today; a served model validates with its own table (its
    contract), and the app only says when the two differ.
    """

    root: Path
    catalog: Any
    features: dict[str, Any] | None
    tracking_uri: str | None
    experiment_name: str | None
    opened_at: float = field(default_factory=time.time)
    session: Any = field(default=None, repr=False)

    def filepath(self, dataset: str) -> str:
        """Where ``dataset`` lives, for messages (``data/06_models/...``)."""
        described = getattr(self.catalog[dataset], "_describe", lambda: {})()
        path = str(described.get("filepath", dataset))
        return path.removeprefix(self.root.as_posix() + "/")


def find_project_root(app_dir: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """The project the app serves: ``$CUSTOMER_SEGMENTATION_PROJECT``, else the parent of ``app_dir``.

    Raises:
        ProjectNotFoundError: the folder has no ``pyproject.toml`` with a ``[tool.kedro]`` table.
    """
    override = environ.get(PROJECT_ENV, "").strip()
    root = Path(override).expanduser() if override else Path(app_dir).resolve().parent
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file() or "[tool.kedro]" not in pyproject.read_text(encoding="utf-8"):
        source = f"${PROJECT_ENV}" if override else "the parent folder of streamlit_app/"
        raise ProjectNotFoundError(
            f"{root} ({source}) is not the customer-segmentation Kedro project: it has no pyproject.toml "
            f"with a [tool.kedro] table. Start the app from the project (`make app`) or set {PROJECT_ENV} "
            "to the project folder."
        )
    return root.resolve()


def open_project(root: Path) -> ProjectHandle:
    """Opens the project's Kedro session and reads the parameters the app validates with.

    Slow the first time in a process (Kedro, kedro-mlflow and MLflow imports): cache the result.
    """
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    root = Path(root).resolve()
    started = time.perf_counter()
    bootstrap_project(root)
    _anchor_project_root(root)
    session = KedroSession.create(project_path=root)
    context = session.load_context()
    catalog = context.catalog
    tracking_uri, experiment = _mlflow_settings(context)
    handle = ProjectHandle(
        root=root,
        catalog=catalog,
        features=_parameter(catalog, "features"),
        tracking_uri=tracking_uri,
        experiment_name=experiment,
        session=session,
    )
    logger.info("opened Kedro project %s in %.1f s", root, time.perf_counter() - started)
    return handle


def _parameter(catalog: Any, name: str) -> Any:
    """A parameter's value, or None when it is not set."""
    try:
        return catalog.load(f"params:{name}")
    except Exception:  # noqa: BLE001 - a missing parameter reads as None
        return None


def legacy_model_files(project: ProjectHandle) -> list[Path]:
    """Model files saved as pickles by earlier versions: never opened by the app (a pickle can run code)."""
    return sorted((project.root / "data" / "06_models").glob("*.pkl/*/*.pkl"))


def latest_model_version(project: ProjectHandle) -> str | None:
    """The newest saved version of ``segmentation_model`` (a Kedro session id), or None if none."""
    from kedro.io.core import VersionNotFoundError

    # The versioned dataset caches the version it found; a run may have saved a newer one since.
    project.catalog.release(MODEL_DATASET)
    dataset = project.catalog[MODEL_DATASET]
    try:
        version = dataset.resolve_load_version()
    except VersionNotFoundError:
        return None
    if version is None:  # the entry is not versioned (not the contract, but readable)
        return "unversioned" if dataset.exists() else None
    return version


def _mlflow_settings(context: Any) -> tuple[str | None, str | None]:
    """Tracking URI and experiment from kedro-mlflow's config, else from ``mlflow.yml`` itself."""
    config = getattr(context, "mlflow", None)
    if config is not None:
        return config.server.mlflow_tracking_uri, config.tracking.experiment.name
    from customer_segmentation.hooks import load_mlflow_config

    conf = load_mlflow_config(context.config_loader)
    if conf is None:  # no mlflow.yml at all
        return None, None
    return (
        conf.get("server", {}).get("mlflow_tracking_uri"),
        conf.get("tracking", {}).get("experiment", {}).get("name"),
    )


def _anchor_project_root(root: Path) -> None:
    """Points the ``${project_root:}`` config resolver at ``root``.

    ``settings.py`` anchors the MLflow store to the folder its *imported* package sits in. When
    the package was imported from another checkout (tests pointing the app at a copy, or
    ``$CUSTOMER_SEGMENTATION_PROJECT``), the app would otherwise read another project's runs.
    """
    try:
        from customer_segmentation import settings
    except ImportError:  # pragma: no cover - the package always has settings
        return
    current = getattr(settings, "PROJECT_ROOT", None)
    if current is not None and Path(current).resolve() != root:
        logger.info("anchoring ${project_root:} to %s (package imported from %s)", root, current)
        settings.PROJECT_ROOT = root
