"""MLflow tracking of a run: kedro-mlflow's hook, with the parameters logged in batches (``mlflow_tracking.py``).

``settings.py`` registers :class:`MlflowTrackingHooks` and disables the plugin's own instance
(``DISABLE_HOOKS_FOR_PLUGINS``), so there is one tracking hook. This class only forwards each hook to
that subclass, which it imports at the first call: loading the project settings (the app, ``kedro
viz``) does not import MLflow.
"""

from __future__ import annotations

from typing import Any

from kedro.framework.hooks import hook_impl


class MlflowTrackingHooks:
    """kedro-mlflow's ``MlflowHook`` (as ``BatchedMlflowHook``), created when a session first needs it."""

    def __init__(self) -> None:
        self._hook: Any = None

    @property
    def hook(self) -> Any:
        if self._hook is None:
            from customer_segmentation.hooks.mlflow_tracking import BatchedMlflowHook

            self._hook = BatchedMlflowHook()
        return self._hook

    @hook_impl
    def after_context_created(self, context: Any) -> None:
        self.hook.after_context_created(context=context)

    @hook_impl
    def after_catalog_created(self, catalog: Any, conf_catalog: dict[str, Any], conf_creds: dict[str, Any],
                              parameters: dict[str, Any], save_version: str, load_versions: dict[str, str]) -> None:
        self.hook.after_catalog_created(catalog=catalog, conf_catalog=conf_catalog, conf_creds=conf_creds,
                                        parameters=parameters, save_version=save_version, load_versions=load_versions)

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        self.hook.before_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)

    @hook_impl
    def before_node_run(self, node: Any, catalog: Any, inputs: dict[str, Any], is_async: bool) -> None:
        self.hook.before_node_run(node=node, catalog=catalog, inputs=inputs, is_async=is_async)

    @hook_impl
    def after_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        self.hook.after_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)

    @hook_impl
    def on_pipeline_error(self, error: Exception, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        self.hook.on_pipeline_error(error=error, run_params=run_params, pipeline=pipeline, catalog=catalog)
