"""Contract-shaped models and bundles built in memory, for fast tests without a Kedro session."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.app_support.bundle import ModelBundle
from customer_segmentation.demo_data import generate_customers
from customer_segmentation.features import FeatureTable
from customer_segmentation.segmentation import build_segmentation_model, fit_segmentation_model
from customer_segmentation.segmentation.contract import attach_contract
from tests.helpers import default_features
from tests.projects import PROJECT_ROOT

VERSION = "2026-01-02T03.04.05.678Z"


def fit_model(customers: pd.DataFrame, table: FeatureTable, k: int, seed: int = 0) -> Pipeline:
    """The contract's pipeline (select -> scaler -> pca -> kmeans) with its feature table and segment names."""
    model = build_segmentation_model(table.names, k, None, 4, seed)
    fit_segmentation_model(model, customers, None)
    return attach_contract(model, table, [f"Segment {chr(65 + i)}" for i in range(k)])


def memory_bundle(rows: int = 1200, k: int = 4, seed: int = 3) -> ModelBundle:
    """A bundle with a real fitted model, segments and profiles shaped like the pipeline's."""
    table = FeatureTable.from_config(default_features())
    features = table.names
    customers = generate_customers(rows, seed=seed)
    model = fit_model(customers, table, k)
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
    return ModelBundle(
        version=VERSION, model=model, table=table, profiles=profiles, segments=segments,
        metrics={"k": k, "n_customers": rows, "silhouette": 0.5},
    )


def telecom_input(rows: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Telecom-shaped customers as data_processing writes them for the categorical issue's table (two numbers, two
    categories), and each one's persona."""
    from customer_segmentation.demo_data import generate_telecom_customers

    raw = generate_telecom_customers(rows, seed=seed)
    customers = pd.DataFrame({"source_row": range(1, rows + 1), "customerID": raw["customerID"],
                              "tenure": raw["tenure"].astype("float64"),
                              "monthly_charges": raw["MonthlyCharges"].astype("float64"),
                              "contract": raw["Contract"].astype("str"),
                              "internet": raw["InternetService"].astype("str")})
    return customers, raw["persona"]


def telecom_bundle(rows: int = 800, seed: int = 3) -> ModelBundle:
    """A bundle of a k-prototypes model on :func:`telecom_input`, built by the pipeline's own nodes in memory."""
    from customer_segmentation.pipelines.clustering.nodes import (
        assign_segments,
        name_segments,
        package_segmentation_model,
        train_segmentation_model,
    )
    from customer_segmentation.pipelines.clustering.profiling import profile_segments
    from tests.features.configs import TELECOM
    from tests.pipelines.clustering.conftest import NAMING

    customers, _ = telecom_input(rows, seed)
    fitted = train_segmentation_model(customers, {"k": 4}, "auto", TELECOM, None, 2, 42, None, "kprototypes", {})
    names = name_segments(fitted, NAMING)
    model = package_segmentation_model(fitted, names, 0.9)
    segments = assign_segments(customers, model, names)
    return ModelBundle(version=VERSION, model=model, table=FeatureTable.from_config(TELECOM),
                       profiles=profile_segments(segments, model, names), segments=segments,
                       metrics={"k": 4, "n_customers": rows, "silhouette": 0.5})


RETAIL_CONF = PROJECT_ROOT / "conf" / "retail"


def retail_parameters() -> dict:
    """The shipped order-log environment's parameters (conf/retail): its ``transactions`` mapping, RFM feature
    table and persona naming."""
    import yaml

    return {**yaml.safe_load((RETAIL_CONF / "parameters.yml").read_text()),
            **yaml.safe_load((RETAIL_CONF / "parameters_clustering.yml").read_text())}


def retail_bundle(lines: int = 8_000, seed: int = 3, k: int = 5) -> ModelBundle:
    """A bundle of an RFM model trained on a generated order log by the pipeline's own nodes, in memory: the
    orders pipeline's line checks and aggregates, then clustering with conf/retail's parameters."""
    from customer_segmentation.demo_data import generate_order_log
    from customer_segmentation.pipelines.clustering.nodes import (
        assign_segments,
        name_segments,
        package_segmentation_model,
        train_segmentation_model,
    )
    from customer_segmentation.pipelines.clustering.profiling import profile_segments
    from customer_segmentation.pipelines.orders.nodes import aggregate_customers, validate_order_lines

    parameters = retail_parameters()
    features, mapping = parameters["features"], parameters["transactions"]
    log = generate_order_log(lines, seed=seed, placeholder_id=0).drop(columns="persona")
    kept, _, summary = validate_order_lines(log, mapping)
    customers, _ = aggregate_customers(kept, features, mapping, summary)
    customers.insert(0, "source_row", range(1, len(customers) + 1))
    fitted = train_segmentation_model(customers, {"k": k}, "auto", features, None, 4, 42, None, "kmeans", {})
    names = name_segments(fitted, parameters["clustering"]["naming"])
    model = package_segmentation_model(fitted, names, 0.9, mapping)
    segments = assign_segments(customers, model, names)
    return ModelBundle(version=VERSION, model=model, table=FeatureTable.from_config(features),
                       profiles=profile_segments(segments, model, names), segments=segments,
                       metrics={"k": k, "n_customers": len(customers), "silhouette": 0.5})
