"""The tracking hook logs a node's parameters as kedro-mlflow names them, each once, and is the only one."""

from __future__ import annotations

from importlib.metadata import entry_points
from types import SimpleNamespace

import mlflow

from customer_segmentation import settings
from customer_segmentation.hooks.mlflow_tracking import BatchedMlflowHook


def _hook(run_id: str) -> BatchedMlflowHook:
    hook = BatchedMlflowHook()
    hook.run_id, hook._is_mlflow_enabled, hook.flatten = run_id, True, True
    hook.long_params_strategy = "truncate"
    hook.mlflow_config = SimpleNamespace(tracking=SimpleNamespace(run=SimpleNamespace(nested=True)))
    return hook


def test_parameters_are_flattened_and_logged_once_per_run(mlflow_run, monkeypatch):
    hook = _hook(mlflow_run.info.run_id)
    features = {"age": {"label": "Age", "range": [18, 100]}}
    calls, log_params = [], mlflow.log_params
    monkeypatch.setattr(mlflow, "log_params", lambda params: calls.append(params) or log_params(params))
    hook.before_node_run(node=None, catalog=None, is_async=False,
                         inputs={"params:features": features, "params:n_clusters": "auto", "customers": object()})
    hook.before_node_run(node=None, catalog=None, is_async=False,
                         inputs={"params:features": features, "params:eda.k_range": [2, 10]})
    logged = mlflow.get_run(mlflow_run.info.run_id).data.params
    assert logged == {"features.age.label": "Age", "features.age.range": "[18, 100]", "n_clusters": "auto",
                      "eda.k_range": "[2, 10]"}
    assert [sorted(c) for c in calls] == [["features.age.label", "features.age.range", "n_clusters"], ["eda.k_range"]]


def test_a_long_parameter_is_truncated_as_kedro_mlflow_does(mlflow_run):
    _hook(mlflow_run.info.run_id).before_node_run(node=None, catalog=None, is_async=False, inputs={"params:notes": "x" * 9000})
    assert mlflow.get_run(mlflow_run.info.run_id).data.params["notes"] == "x" * 6000


def test_the_plugins_own_tracking_hook_is_disabled():
    (entry,) = [e for e in entry_points(group="kedro.hooks") if e.value.startswith("kedro_mlflow.")]
    assert entry.dist.metadata["Name"] in settings.DISABLE_HOOKS_FOR_PLUGINS
    assert sum(type(h).__name__ == "MlflowTrackingHooks" for h in settings.HOOKS) == 1
