"""Model registry: a model logged during a run is registered (and aliased) only when the whole run succeeded."""

from __future__ import annotations

import logging

from kedro.framework.hooks import hook_impl

logger = logging.getLogger(__name__)


class ModelRegistryHooks:
    """Registers the models ``MlflowSegmentationModelDataset`` logged, after every node and write has succeeded."""

    @hook_impl(trylast=True)  # after the background writes have been waited for (BackgroundWriteHooks, tryfirst)
    def after_pipeline_run(self) -> None:
        # Imported here: the dataset module imports scikit-learn, not needed to load the settings.
        from customer_segmentation.datasets.mlflow_model import take_pending_registrations

        pending = take_pending_registrations()
        if not pending:
            return
        import mlflow

        client = mlflow.MlflowClient()
        for registration in pending:
            registered = mlflow.register_model(registration.model_uri, registration.registered_model_name,
                                               tags={"run_id": registration.run_id} if registration.run_id else None)
            if registration.alias:
                client.set_registered_model_alias(registration.registered_model_name, registration.alias,
                                                  registered.version)
            logger.info("registered %s version %s%s", registration.registered_model_name, registered.version,
                        f" as @{registration.alias}" if registration.alias else "")

    @hook_impl
    def on_pipeline_error(self) -> None:
        from customer_segmentation.datasets.mlflow_model import take_pending_registrations

        dropped = take_pending_registrations()
        if dropped:
            logger.warning("the run failed: the model it logged was not registered (%s)",
                           ", ".join(p.model_uri for p in dropped))
