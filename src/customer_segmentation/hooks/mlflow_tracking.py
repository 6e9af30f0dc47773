"""kedro-mlflow's tracking hook, with each parameter logged once and the run re-opened only where needed.

kedro-mlflow 2.0's ``before_node_run`` re-opens the MLflow run before every node (a read, a write and
another read of the store) and logs every parameter a node takes one store write at a time, again
for every node that takes it: for this project's 25 nodes (the feature table alone flattens to ~40
parameters, read by 8 nodes) about 300 writes, more than a second of a small run. This subclass logs
the same parameters under the same names with the same values, each once, in one batch per node;
and it re-opens the run only in a thread that has no active run, which is what the re-opening is for
(a ``ThreadRunner``'s worker threads). Everything else is kedro-mlflow's.

Imported only when a session first calls a tracking hook (``tracking.MlflowTrackingHooks``): this module
imports MLflow.
"""

from __future__ import annotations

import logging
from typing import Any

import mlflow
from kedro.pipeline import Node
from kedro_mlflow.framework.hooks import MlflowHook
from kedro_mlflow.framework.hooks.utils import _flatten_dict
from mlflow.utils.validation import MAX_PARAM_VAL_LENGTH

logger = logging.getLogger(__name__)


def node_parameters(inputs: dict[str, Any]) -> dict[str, Any]:
    """The parameters among a node's inputs, named as kedro-mlflow names them (``params:`` dropped)."""
    return {name.removeprefix("params:"): value for name, value in inputs.items()
            if name.startswith("params:") or name == "parameters"}


class BatchedMlflowHook(MlflowHook):
    """kedro-mlflow's ``MlflowHook`` whose ``before_node_run`` batches the node's new parameters."""

    def __init__(self) -> None:
        super().__init__()
        self._logged: dict[str, str] = {}

    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        self._logged.clear()
        super().before_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)

    def before_node_run(self, node: Node, catalog: Any, inputs: dict[str, Any], is_async: bool) -> None:
        if self.run_id is not None:
            active = mlflow.active_run()
            if active is None or active.info.run_id != self.run_id:  # a runner's worker thread
                mlflow.start_run(run_id=self.run_id, nested=self.mlflow_config.tracking.run.nested)
        if not self._is_mlflow_enabled:
            return
        parameters = node_parameters(inputs)
        if self.flatten:
            parameters = _flatten_dict(d=parameters, recursive=self.recursive, sep=self.sep)
        params, tags = {}, {}
        for name, value in parameters.items():
            name = self.sanitize_param_name(name)
            if name in self._logged:
                continue
            text = str(value)
            if len(text) <= MAX_PARAM_VAL_LENGTH:
                params[name] = text
            elif self.long_params_strategy == "tag":
                logger.warning("Parameter '%s' (value length %d) is set as a tag.", name, len(text))
                tags[name] = text
            elif self.long_params_strategy == "truncate":
                logger.warning("Parameter '%s' (value length %d) is truncated to its %d first characters.",
                               name, len(text), MAX_PARAM_VAL_LENGTH)
                params[name] = text[:MAX_PARAM_VAL_LENGTH]
            else:
                raise ValueError(f"Parameter '{name}' length is {len(text)}, while mlflow forces it to be lower "
                                 f"than '{MAX_PARAM_VAL_LENGTH}'. If you want to bypass it, try to change "
                                 "'long_params_strategy' to 'tag' or 'truncate' in the 'mlflow.yml' configuration file.")
            self._logged[name] = text
        if params:
            mlflow.log_params(params)
        if tags:
            mlflow.set_tags(tags)
