"""The segmenter seam: another algorithm (a Gaussian mixture) behind the same interface finds the personas,
and everything that places, explains or profiles customers works with it unchanged."""

from __future__ import annotations

import ast

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.demo_data import generate_customers
from customer_segmentation.errors import ConfigurationError
from customer_segmentation.pipelines.clustering.nodes import (
    assign_segments,
    evaluate_segmentation,
    name_segments,
    package_segmentation_model,
)
from customer_segmentation.pipelines.clustering.profiling import profile_segments
from customer_segmentation.pipelines.eda.nodes import select_k, standardize_features, sweep_k
from customer_segmentation.segmentation.explain import changes_to_runner_up
from customer_segmentation.segmentation.scoring import score
from customer_segmentation.segmentation.segmenters import SEGMENTERS, get_segmenter, segmenter_of
from tests.conftest import PROJECT_ROOT
from tests.pipelines.clustering.conftest import FEATURES, NAMING, train

SELECTION = {"min_stability": 0.8, "strong_silhouette": 0.5, "weak_silhouette": 0.25}


@pytest.fixture(scope="module")
def personas() -> pd.DataFrame:
    customers = generate_customers(3000, seed=11)
    customers.insert(0, "source_row", range(1, len(customers) + 1))
    return customers.astype({f: "float64" for f in FEATURES})


@pytest.fixture(scope="module")
def gmm(personas):
    return train(personas.drop(columns="persona"), k=4, algorithm="gmm", n_init=2)


def test_a_gaussian_mixture_finds_the_demo_personas(personas, gmm):
    segments = score(gmm, personas)["segment_id"]
    assert adjusted_rand_score(personas["persona"], segments) >= 0.9
    assert segmenter_of(gmm).name == "gmm"


def test_a_mixture_gives_each_customer_a_membership_probability_and_borderline_means_close_probabilities(
        personas, gmm):
    scored = score(gmm, personas, all_distances=True)
    assert np.array_equal(scored["segment_id"], gmm.predict(personas))
    memberships = scored[[f"membership_{i}" for i in range(4)]].to_numpy()
    np.testing.assert_allclose(memberships.sum(axis=1), 1.0)
    np.testing.assert_allclose(scored["membership_probability"], memberships.max(axis=1))
    second = np.sort(memberships, axis=1)[:, -2]
    np.testing.assert_allclose(scored["closeness"], second / memberships.max(axis=1))
    names = name_segments(gmm, NAMING)
    segments = assign_segments(personas, package_segmentation_model(gmm, names, 0.9), names)
    assert "membership_probability" in segments.columns
    assert segments["borderline"].tolist() == (scored["closeness"] >= 0.9).tolist()


def test_naming_profiles_metrics_and_explanations_take_any_segmenter(personas, gmm):
    names = name_segments(gmm, NAMING)
    assert set(names["segment_name"]) >= {"Conservative savers", "High income, high spenders", "Budget-conscious"}
    segments = assign_segments(personas, package_segmentation_model(gmm, names, 0.9), names)
    profiles = profile_segments(segments, gmm, names)
    assert profiles["size"].sum() == len(personas) and len(profiles) == 4
    metrics, scores = evaluate_segmentation(segments, gmm, 1000, 0)
    assert metrics["inertia"] is None and "inertia" not in scores, "a mixture has no inertia: nothing logged"
    assert metrics["silhouette"] > 0.5
    customer = personas[FEATURES].iloc[[0]]
    own, runner_up = segments["segment_id"].iloc[0], segments["runner_up_id"].iloc[0]
    for row in changes_to_runner_up(gmm, customer, own, runner_up).itertuples():
        assert gmm.predict(customer.assign(**{row.feature: row.new_value}))[0] == runner_up


def test_with_a_mixture_the_eda_sweep_chooses_k_by_the_lowest_bic(personas):
    sample = standardize_features(personas[FEATURES])
    sweep = sweep_k(sample, [2, 6], n_init=1, n_bootstrap=2, silhouette_sample_size=2000, random_state=0,
                    algorithm="gmm")
    assert list(sweep.columns) == ["k", "bic", "silhouette", "calinski_harabasz", "davies_bouldin", "stability",
                                  "smallest_share"]
    selection = select_k(sweep, "auto", {"rows_total": 3000, "rows_used": 3000}, SELECTION)
    assert selection["k"] == int(sweep.loc[sweep["bic"].idxmin(), "k"]) == 4
    assert "lowest BIC" in selection["reason"] and selection["votes"] == {"bic": 4}


def test_an_unknown_algorithm_names_the_known_ones_and_the_nearest():
    with pytest.raises(ConfigurationError, match=r"'gmn' \(did you mean 'gmm'\?\); use one of kmeans, gmm"):
        get_segmenter("gmn")


def test_only_the_segmenter_registry_names_an_algorithm():
    """No module outside segmentation/segmenters/ imports a clustering estimator or reads an estimator's own
    attributes; the Spark engine's k-means|| fit is the one engine-specific exception."""
    package = PROJECT_ROOT / "src" / "customer_segmentation"
    own = {"cluster_centers_", "means_", "inertia_", "n_clusters", "n_components", "covariances_"}
    offenders = []
    for path in package.rglob("*.py"):
        relative = path.relative_to(package).as_posix()
        if relative.startswith("segmentation/segmenters/") or relative == "spark/model.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("sklearn.cluster", "sklearn.mixture", "kmodes"):
                offenders.append(f"{relative}: imports {node.module}")
            if isinstance(node, ast.Attribute) and node.attr in own:
                offenders.append(f"{relative}:{node.lineno}: .{node.attr}")
    assert offenders == []
    assert set(SEGMENTERS) == {p.stem for p in (package / "segmentation/segmenters").glob("*.py")} - {"__init__",
                                                                                                      "base"}
