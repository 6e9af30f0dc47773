"""Shared by every page: the cached project and model bundle, the sidebar model panel, "no model".

Heavy objects are cached once per process (``st.cache_resource``); which model version a
browser session uses is kept in its session state, so a retrain while the app is open never
changes the model under a user's feet: they keep it until they press "Reload latest model".
The model served is the last complete run's, the one the registry's ``champion`` points to: a newer model whose
run did not complete (killed after logging it, before registering it) is named in the sidebar, not served.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from customer_segmentation.app_support.bundle import (
    ModelBundle,
    ModelNotAvailableError,
    NoTrainedModelError,
    load_bundle,
    load_last_complete,
    snapshot_folder,
    version_time,
)
from customer_segmentation.app_support.project import (
    ProjectHandle,
    ProjectNotFoundError,
    find_project_root,
    latest_model_version,
    legacy_model_files,
    open_project,
    registered_model,
    served_model_version,
)
from customer_segmentation.app_support.text import as_text
from customer_segmentation.last_complete_run import MANIFEST

logger = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parent
VERSION_KEY = "model_version"
GENERATION_KEY = "model_loaded_with"  # opened_at of the project handle the served bundle was read with
PREVIOUS_KEY = "previous_model"  # (version, generation) served before the last reload


@st.cache_resource(show_spinner="Opening the Kedro project (first start takes a few seconds)...")
def get_project(root: str) -> ProjectHandle:
    return open_project(Path(root))


@st.cache_resource(show_spinner="Loading the model...", max_entries=4)
def get_bundle(root: str, version: str, generation: float) -> ModelBundle:
    # ``generation`` (the project handle's opened_at) ties the bundle to the parameters it was read with,
    # and keeps a served bundle apart from a reload of the same version next to newer files.
    return load_bundle(get_project(root), version)


@st.cache_resource(show_spinner="Loading the last complete run...", max_entries=2)
def get_last_complete(root: str, generation: float, manifest_time: float) -> ModelBundle | None:
    # ``manifest_time`` (the manifest's mtime) re-reads the set when a newer run has completed.
    return load_last_complete(get_project(root))


@st.cache_data(ttl=300, show_spinner=False)
def training_run(tracking_uri: str, experiment: str, version: str) -> dict | None:
    from customer_segmentation.app_support.runs import find_run  # imports MLflow: only when asked

    return find_run(tracking_uri, experiment, version)


# The alias moves when a run completes (or by hand): read every 5 minutes at most, not on every page run of every
# session (20 sessions re-reading the registry each 30 s showed in the Model & runs page's p95 under load).
@st.cache_data(ttl=300, max_entries=8, show_spinner=False)
def champion(tracking_uri: str, model_name: str, alias: str) -> dict | None:
    from customer_segmentation.app_support.runs import aliased_version  # imports MLflow: only when asked

    return aliased_version(tracking_uri, model_name, alias)


@st.cache_data(ttl=30, show_spinner="Reading MLflow runs...")
def recent_runs(tracking_uri: str, experiment: str, max_results: int):
    from customer_segmentation.app_support.runs import recent_runs as read_runs

    return read_runs(tracking_uri, experiment, max_results)


@st.cache_data(ttl=300, show_spinner="Reading the runs' segment profiles...")
def run_profiles(tracking_uri: str, run_id: str):
    from customer_segmentation.app_support.run_profiles import run_profiles as read_profiles

    return read_profiles(tracking_uri, run_id)


def warm_up() -> None:
    """Opens the project and loads the model it serves into the caches, before any page asks (serve.py)."""
    handle = get_project(str(find_project_root(APP_DIR)))
    version = served_model_version(handle)
    if version is not None:
        get_bundle(str(handle.root), version, handle.opened_at)


def project() -> ProjectHandle:
    """The open project, or a clear error and the end of the page."""
    try:
        root = find_project_root(APP_DIR)
    except ProjectNotFoundError as error:
        st.error(as_text(error))
        st.stop()
    try:
        return get_project(str(root))
    except Exception as error:  # a broken conf/ must read as a message, not a traceback
        logger.exception("could not open the Kedro project")
        st.error(f"The Kedro project at {as_text(root)} could not be opened: {as_text(error)}")
        st.stop()


def optional_output(handle: ProjectHandle, name: str):
    """A small output such as the data quality report, or None if it is not there (yet)."""
    try:
        return handle.catalog.load(name) if handle.catalog.exists(name) else None
    except Exception:
        logger.warning("could not read %s", name, exc_info=True)
        return None


def pinned_version(handle: ProjectHandle) -> str | None:
    """The model version this browser session uses (the last complete run's when it first asks)."""
    if st.session_state.get(VERSION_KEY) is None:
        st.session_state[VERSION_KEY] = served_model_version(handle)
    return st.session_state[VERSION_KEY]


def reload_latest_model(root: str) -> None:
    """Button callback: re-read the project (parameters included) and take the last complete run's model."""
    if st.session_state.get(VERSION_KEY) and st.session_state.get(GENERATION_KEY):
        st.session_state[PREVIOUS_KEY] = (st.session_state[VERSION_KEY], st.session_state[GENERATION_KEY])
    get_project.clear(root)
    st.session_state[VERSION_KEY] = None
    st.session_state[GENERATION_KEY] = None


def bundle_or_message() -> ModelBundle | None:
    """The session's model bundle; if there is none, the page's explanation has been shown."""
    handle = project()
    try:
        return _session_bundle(handle)
    finally:  # drawn last: it shows the version actually served (after a fallback, say)
        sidebar_model_panel(handle, st.session_state.get(VERSION_KEY))


def _session_bundle(handle: ProjectHandle) -> ModelBundle | None:
    version = pinned_version(handle)
    if version is None:
        show_no_model()
        return None
    generation = st.session_state.get(GENERATION_KEY) or handle.opened_at
    try:
        bundle = get_bundle(str(handle.root), version, generation)
    except NoTrainedModelError:
        st.session_state[VERSION_KEY] = None
        show_no_model()
    except ModelNotAvailableError as error:
        previous = _previous_bundle(handle, version)
        if previous is not None:
            st.warning(f"The newest model ({version}) cannot be served yet: {as_text(error)} "
                       f"Still serving the model trained in run {previous.version}.", icon=":material/history:")
            return previous
        complete = _last_complete_bundle(handle, generation)
        if complete is not None and complete.version != version:
            st.warning(f"The newest run ({version}) did not complete: {as_text(error)} Showing the last complete run "
                       f"({complete.version}) instead.", icon=":material/history:")
            return complete
        st.error(as_text(error), icon=":material/error:")
        st.caption("Train a model that fits the current configuration with:")
        st.code(handle.train_command, language="bash")
    else:
        st.session_state[GENERATION_KEY] = generation
        st.session_state.pop(PREVIOUS_KEY, None)
        if bundle.configuration_changed:
            st.info(f"The feature table in {as_text(handle.features_source)} has changed since this model was trained. "
                    "The app reads files and the form with the model's own features "
                    f"({as_text(', '.join(bundle.features))}); run `{handle.train_command}` to train on the new "
                    "configuration.", icon=":material/info:")
        return bundle
    return None


def _last_complete_bundle(handle: ProjectHandle, generation: float) -> ModelBundle | None:
    manifest = snapshot_folder(handle) / MANIFEST
    try:
        manifest_time = manifest.stat().st_mtime
    except OSError:
        return None
    return get_last_complete(str(handle.root), generation, manifest_time)


def _previous_bundle(handle: ProjectHandle, failed_version: str) -> ModelBundle | None:
    """After a reload whose newest model cannot be used (a run still writing, say), the one served before.

    It comes from the cache as it was loaded, never re-read next to the new run's files.
    """
    previous = st.session_state.pop(PREVIOUS_KEY, None)
    if not previous or previous[0] == failed_version:
        return None
    version, generation = previous
    try:
        bundle = get_bundle(str(handle.root), version, generation)
    except ModelNotAvailableError:
        return None
    st.session_state[VERSION_KEY], st.session_state[GENERATION_KEY] = version, generation
    return bundle


def registry_line(handle: ProjectHandle, version: str) -> None:
    """Which registered version the ``champion`` alias points to, and whether it is the model shown: said plainly
    when they differ (an alias moved by hand, a run that registered but did not complete)."""
    name, alias = registered_model(handle)
    if not (name and alias and handle.tracking_uri):
        return
    try:
        registered = champion(handle.tracking_uri, name, alias)
    except Exception as error:  # noqa: BLE001 - the line is informative only
        st.caption(f"Model registry: unavailable ({as_text(error)})")
        return
    if registered is None:
        st.caption(f"Model registry: no `{as_text(name)}@{as_text(alias)}` yet.")
    elif registered["kedro_run_id"] == version:
        st.caption(f"Registered as `{as_text(name)}` version {registered['version']} (`@{as_text(alias)}`): the model "
                   "monitoring and `mlflow models serve` use too.")
    else:
        st.warning(f"The registry's `{as_text(name)}@{as_text(alias)}` is version {registered['version']} (Kedro "
                   f"run `{as_text(registered['kedro_run_id'])}`), not the model shown here (Kedro run "
                   f"`{as_text(version)}`, the last complete run's): `mlflow models serve` answers with the "
                   "registry's.",
                   icon=":material/call_split:")


def show_no_model() -> None:
    st.warning("No trained model yet. Train one from the project folder, then press 'Reload latest model':",
               icon=":material/model_training:")
    st.code(project().train_command, language="bash")
    legacy = legacy_model_files(project())
    if legacy:
        st.caption(f"{len(legacy)} model file(s) saved by an earlier version as pickles (e.g. "
                   f"{as_text(legacy[-1].relative_to(project().root))}) are not opened: a pickle can run code when loaded. "
                   "Retraining saves the model in the safe skops format.")


def sidebar_model_panel(handle: ProjectHandle, version: str | None) -> None:
    """Which model is served, whether a newer one exists, and the reload button."""
    with st.sidebar:
        st.caption("Data set")
        st.text(handle.data_set if handle.env is None else f"{handle.data_set} (conf/{handle.env})")
        st.caption("Model")
        if version is None:
            st.markdown("No trained model yet")
        else:
            trained = version_time(version)
            st.markdown(f"Trained {trained:%Y-%m-%d %H:%M} UTC" if trained else f"Version {version}")
            st.caption(f"Kedro run `{version}`")
            latest = served_model_version(handle)
            if latest is not None and latest != version:
                st.info("A newer model has been trained.", icon=":material/update:")
            newest = latest_model_version(handle)
            if newest is not None and newest != version and newest != latest and newest > (latest or ""):
                st.warning(f"A newer model (Kedro run `{newest}`) was saved by a run that did not complete: it is not "
                           "registered and not shown. Shown: the last complete run's model, the registry's champion.",
                           icon=":material/history:")
        st.button("Reload latest model", key="reload_model", on_click=reload_latest_model, args=(str(handle.root),),
                  help="Serve the last complete run's model (and re-read the project's parameters).")
