"""Opening the Kedro project the app serves, outside ``kedro run``.

The app never trains: it reads the project's configuration with the project's own config loader
(``settings.py``: environments, resolvers, merge strategy) and builds the Data Catalog from it, then
reads what the pipelines wrote. No Kedro session is opened: the app needs the catalog's datasets and
file paths, not the run hooks, so kedro-mlflow and MLflow are not imported (seconds at start-up) until
a page asks MLflow for its runs. Datasets are created when first used (Kedro's lazy catalog). Model
files are only ever read from the catalog's own paths.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from customer_segmentation.catalog_paths import entry_path
from customer_segmentation.last_complete_run import MANIFEST_DATASET, read_manifest
from customer_segmentation.names import APP_DATASETS, MODEL_DATASET

logger = logging.getLogger(__name__)

PROJECT_ENV = "CUSTOMER_SEGMENTATION_PROJECT"
# The data set the app serves: a Kedro environment (`make app ENV=mall`); the default one when unset.
DATA_SET_ENV = "CUSTOMER_SEGMENTATION_ENV"
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
    env: str | None = None
    data_set: str = "demo"
    features_source: str = "conf/base/parameters.yml"
    opened_at: float = field(default_factory=time.time)

    catalog_config: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def train_command(self) -> str:
        """What trains this data set's model: ``make run`` (``make run ENV=mall`` for an environment's)."""
        return f"{TRAIN_COMMAND} ENV={self.env}" if self.env else TRAIN_COMMAND

    def filepath(self, dataset: str) -> str:
        """Where ``dataset`` lives (``data/06_models/...``), read from the configuration: the dataset (an MLflow
        one, say) need not be created for it."""
        path = entry_path(self.catalog_config.get(dataset)) or dataset
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


def open_project(root: Path, env: str | None = None) -> ProjectHandle:
    """Reads the project's configuration and builds its catalog, as ``kedro run`` would (see the module docstring).

    Args:
        root: The project folder.
        env: The configuration environment, i.e. the data set (default: ``$CUSTOMER_SEGMENTATION_ENV``, else the
            project's default run environment).
    """
    from kedro.framework.project import settings
    from kedro.framework.startup import bootstrap_project
    from kedro.io import DataCatalog

    root = Path(root).resolve()
    env = env or os.environ.get(DATA_SET_ENV, "").strip() or None
    started = time.perf_counter()
    bootstrap_project(root)
    _anchor_project_root(root)
    loader = settings.CONFIG_LOADER_CLASS(conf_source=str(root / settings.CONF_SOURCE), env=env,
                                          **settings.CONFIG_LOADER_ARGS)
    config = _absolute_paths(root, dict(loader["catalog"]))
    catalog = DataCatalog.from_config(config, _credentials(loader))
    for name in APP_DATASETS:  # created now, in one thread: Kedro's lazy creation is not safe across threads
        if name in config:
            catalog.get(name)
    parameters = loader["parameters"]
    mlflow_config = _mlflow_config(loader) or {}
    sources = loader.parameter_sources() if hasattr(loader, "parameter_sources") else {}
    handle = ProjectHandle(
        root=root,
        catalog=catalog,
        features=parameters.get("features"),
        tracking_uri=mlflow_config.get("server", {}).get("mlflow_tracking_uri"),
        experiment_name=mlflow_config.get("tracking", {}).get("experiment", {}).get("name"),
        env=env,
        data_set=str(loader["globals"].get("data_set", env or "demo")),
        features_source=sources.get("features", "conf/base/parameters.yml"),
        catalog_config=config,
    )
    logger.info("opened Kedro project %s in %.1f s", root, time.perf_counter() - started)
    return handle


def _absolute_paths(root: Path, config: dict[str, Any]) -> dict[str, Any]:
    """Relative ``filepath``/``path`` values made absolute against ``root``, as a Kedro context does."""
    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: (str(root / value) if key in ("filepath", "path") and isinstance(value, str)
                          and "://" not in value and not Path(value).is_absolute() else walk(value))
                    for key, value in node.items()}
        return node
    return walk(config)


def _credentials(loader: Any) -> dict[str, Any]:
    try:
        return dict(loader["credentials"])
    except Exception:  # noqa: BLE001 - no credentials file: none are needed
        return {}


def _mlflow_config(loader: Any) -> dict[str, Any] | None:
    from customer_segmentation.hooks.mlflow_store import load_mlflow_config

    return load_mlflow_config(loader)


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


def last_complete_version(project: ProjectHandle) -> str | None:
    """The model version of the last run that completed (``hooks/snapshot.py``'s manifest): the one registered
    as ``champion``, which monitoring and ``mlflow models serve`` use too. None before any run completed."""
    manifest = read_manifest((project.root / project.filepath(MANIFEST_DATASET)).parent)
    if manifest is None:
        return None
    version = str(manifest["model_version"])
    return version if (project.root / project.filepath(MODEL_DATASET) / version).is_dir() else None


def served_model_version(project: ProjectHandle) -> str | None:
    """The model version the app serves: the last complete run's. A newer version whose run was killed or failed
    (after the model was saved and logged, before it was registered) is not served; a project where no run has
    completed since runs were kept aside serves its newest version."""
    return last_complete_version(project) or latest_model_version(project)


def registered_model(project: ProjectHandle) -> tuple[str | None, str | None]:
    """``(registered model name, alias)`` the catalog registers the model under (``segmentation_model``)."""
    entry = project.catalog_config.get(MODEL_DATASET) or {}
    return entry.get("registered_model_name"), entry.get("alias")


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
