"""Contract-shaped models and bundles built in memory, for fast tests without a Kedro session."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import yaml
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from customer_segmentation.app_support import ModelBundle
from customer_segmentation.demo_data import generate_customers
from customer_segmentation.schema import FEATURES
from tests.conftest import PROJECT_ROOT

VERSION = "2026-01-02T03.04.05.678Z"


def project_params() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "conf/base/parameters_data_processing.yml").read_text())


def fit_model(customers: pd.DataFrame, features: list[str], k: int, seed: int = 0) -> Pipeline:
    """The contract's pipeline: select -> scaler -> pca -> kmeans."""
    select = ColumnTransformer([("features", "passthrough", features)], remainder="drop",
                               verbose_feature_names_out=False)
    model = Pipeline([("select", select), ("scaler", StandardScaler()),
                      ("pca", PCA(n_components=len(features))),
                      ("kmeans", KMeans(n_clusters=k, n_init=4, random_state=seed))])
    return model.fit(customers[features])


def save_model(project: Path, model: object, version: str) -> Path:
    """Saves ``model`` as version ``version`` of the versioned ``segmentation_model`` entry."""
    path = project / "data/06_models/segmentation_model.pkl" / version / "segmentation_model.pkl"
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)
    return path


def memory_bundle(rows: int = 1200, k: int = 4, seed: int = 3) -> ModelBundle:
    """A bundle with a real fitted model, segments and profiles shaped like the pipeline's."""
    features = list(FEATURES)
    customers = generate_customers(rows, seed=seed)
    model = fit_model(customers, features, k)
    projected = model[:-1].transform(customers[features])
    ids = model.predict(customers[features])
    distances = model.transform(customers[features])
    segments = customers[["customer_id", *features]].assign(
        segment_id=ids, segment_name=[f"Segment {chr(65 + i)}" for i in ids],
        distance_to_centre=distances[np.arange(rows), ids], map_x=projected[:, 0], map_y=projected[:, 1],
    )
    groups = segments.groupby("segment_id")
    profiles = pd.DataFrame({
        "segment_id": range(k),
        "segment_name": [f"Segment {chr(65 + i)}" for i in range(k)],
        "description": [f"Description of {chr(65 + i)}" for i in range(k)],
        "suggested_action": [f"Action for {chr(65 + i)}" for i in range(k)],
        "size": groups.size().to_numpy(),
        "share": (groups.size() / rows).to_numpy(),
        **{f"{f}_mean": groups[f].mean().to_numpy() for f in features},
        **{f"{f}_median": groups[f].median().to_numpy() for f in features},
        "map_x": groups["map_x"].mean().to_numpy(), "map_y": groups["map_y"].mean().to_numpy(),
    })
    params = project_params()
    return ModelBundle(
        version=VERSION, model=model, features=features, validation_ranges=params["validation_ranges"],
        column_mapping=params["column_mapping"] or {}, profiles=profiles, segments=segments,
        metrics={"k": k, "n_customers": rows, "silhouette": 0.5},
    )
