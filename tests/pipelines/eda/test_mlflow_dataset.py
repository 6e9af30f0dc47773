"""The k sweep's metric histories reach MLflow in one call, with the keys and steps kedro-mlflow would use."""

from customer_segmentation.pipelines.eda import mlflow_dataset
from customer_segmentation.pipelines.eda.mlflow_dataset import BatchedMetricsHistoryDataset


def test_every_point_is_logged_in_one_batch(monkeypatch):
    batches = []

    class RecordingClient:
        def log_batch(self, run_id, metrics):
            batches.append((run_id, metrics))

    monkeypatch.setattr(mlflow_dataset, "MlflowClient", RecordingClient)
    BatchedMetricsHistoryDataset(run_id="run-1", prefix="k_sweep").save({
        "silhouette": [{"value": 0.5, "step": 2}, {"value": 0.61, "step": 3}],
        "inertia": [{"value": 120.0, "step": 2}, {"value": 80.5, "step": 3}],
    })
    assert len(batches) == 1 and batches[0][0] == "run-1"
    assert sorted((m.key, m.step, m.value) for m in batches[0][1]) == [
        ("k_sweep.inertia", 2, 120.0), ("k_sweep.inertia", 3, 80.5),
        ("k_sweep.silhouette", 2, 0.5), ("k_sweep.silhouette", 3, 0.61),
    ]
