"""Recent runs from the MLflow tracking store (MLflow is imported only when these are called)."""

from __future__ import annotations

import logging

import pandas as pd

from customer_segmentation.names import FEATURES_TAG, KEDRO_RUN_TAG, KIND_TAG

logger = logging.getLogger(__name__)

RUN_COLUMNS = ("mlflow_run_id", "run_name", "status", "start_time", "kedro_run_id", "kind", "features")
# What people call the metrics the runs log.
METRIC_NAMES = {"k": "Segments (k)", "silhouette": "Silhouette", "calinski_harabasz": "Calinski-Harabasz",
                "davies_bouldin": "Davies-Bouldin", "inertia": "Inertia", "chosen_k": "Chosen k (eda)"}


class TrackingStoreError(RuntimeError):
    """The MLflow tracking store cannot be read."""


def recent_runs(tracking_uri: str, experiment_name: str, max_results: int = 20) -> pd.DataFrame:
    """The newest runs of the experiment: ids, name, status, start time, Kedro run id and metrics.

    Returns:
        One row per run, newest first, with a ``metrics.<name>`` column per metric;
        empty (with the base columns) when the experiment has no runs yet.

    Raises:
        TrackingStoreError: the store cannot be reached or read.
    """
    try:
        from mlflow import MlflowClient

        client = MlflowClient(tracking_uri=tracking_uri)
        experiment = client.get_experiment_by_name(experiment_name)
        if experiment is None:
            return pd.DataFrame(columns=list(RUN_COLUMNS))
        runs = client.search_runs(
            [experiment.experiment_id], max_results=max_results, order_by=["attributes.start_time DESC"]
        )
    except Exception as error:  # MLflow raises many types for an unreachable or broken store
        raise TrackingStoreError(f"could not read MLflow runs from {tracking_uri}: {error}") from error
    rows = []
    for run in runs:
        row = {
            "mlflow_run_id": run.info.run_id,
            "run_name": run.info.run_name,
            "status": run.info.status,
            "start_time": pd.to_datetime(run.info.start_time, unit="ms", utc=True),
            "kedro_run_id": run.data.tags.get(KEDRO_RUN_TAG),
            "kind": run.data.tags.get(KIND_TAG, "training"),
            "features": run.data.tags.get(FEATURES_TAG),
        }
        row.update({f"metrics.{k}": v for k, v in sorted(run.data.metrics.items())})
        rows.append(row)
    return pd.DataFrame(rows, columns=list(RUN_COLUMNS) + sorted({c for r in rows for c in r} - set(RUN_COLUMNS)))


def find_run(tracking_uri: str, experiment_name: str, version: str) -> dict | None:
    """The MLflow run that trained model ``version`` (tagged ``run_id=<version>``), or None."""
    if not version or "'" in version:  # versions are folder names; never let one alter the filter
        return None
    try:
        from mlflow import MlflowClient

        client = MlflowClient(tracking_uri=tracking_uri)
        experiment = client.get_experiment_by_name(experiment_name)
        if experiment is None:
            return None
        runs = client.search_runs(
            [experiment.experiment_id], filter_string=f"tags.{KEDRO_RUN_TAG} = '{version}'", max_results=1
        )
    except Exception as error:
        raise TrackingStoreError(f"could not read MLflow runs from {tracking_uri}: {error}") from error
    if not runs:
        return None
    run = runs[0]
    return {
        "mlflow_run_id": run.info.run_id,
        "run_name": run.info.run_name,
        "status": run.info.status,
        "start_time": pd.to_datetime(run.info.start_time, unit="ms", utc=True),
        "metrics": dict(run.data.metrics),
    }


def aliased_version(tracking_uri: str, model_name: str, alias: str) -> dict | None:
    """What ``models:/<model_name>@<alias>`` points to: ``{version, mlflow_run_id, kedro_run_id}`` (the Kedro run
    id is the model version the app names), or None when the registry has no such alias yet.

    Raises:
        TrackingStoreError: the store cannot be reached or read.
    """
    try:
        from mlflow import MlflowClient
        from mlflow.exceptions import MlflowException

        client = MlflowClient(tracking_uri=tracking_uri)
        try:
            aliases = client.get_registered_model(model_name).aliases or {}
        except MlflowException as error:
            if error.error_code == "RESOURCE_DOES_NOT_EXIST":  # nothing registered yet
                return None
            raise
        if alias not in aliases:
            return None
        version = client.get_model_version(model_name, str(aliases[alias]))
        run_id = version.run_id or (version.tags or {}).get("run_id")
        kedro_run = client.get_run(run_id).data.tags.get(KEDRO_RUN_TAG) if run_id else None
    except Exception as error:  # MLflow raises many types for an unreachable or broken store
        raise TrackingStoreError(f"could not read the model registry at {tracking_uri}: {error}") from error
    return {"version": str(version.version), "mlflow_run_id": run_id, "kedro_run_id": kedro_run}


def training_runs(runs: pd.DataFrame, features: list[str] | None) -> pd.DataFrame:
    """The training runs among ``runs``; with ``features``, only those trained on that feature set
    (runs from before runs were tagged with their features are kept)."""
    training = runs.loc[runs["kind"].fillna("training") == "training"]
    if features is None:
        return training
    same = training["features"].isna() | (training["features"] == ",".join(features))
    return training.loc[same]
