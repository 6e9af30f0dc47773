"""k-prototypes: numbers and categories behind the segmenter interface. It finds the telecom personas again, its
distances are the dissimilarity it minimises, its model space carries categories, the model file trusts exactly
the kmodes types it needs, and scoring reads rare categories as Other and reports unknown ones on their row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from kmodes.kmodes import KModes
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.pipelines.clustering.nodes import (
    assign_segments,
    evaluate_segmentation,
    name_segments,
    package_segmentation_model,
    train_segmentation_model,
)
from customer_segmentation.pipelines.clustering.profiling import profile_segments
from customer_segmentation.pipelines.eda.nodes import select_k, standardize_features, sweep_k
from customer_segmentation.segmentation import score
from customer_segmentation.segmentation.customers import segment_customers
from customer_segmentation.segmentation.explain import changes_to_runner_up
from customer_segmentation.segmentation.model import centres, prototype_categories
from customer_segmentation.segmentation.persistence import UnsafeModelFileError, load_model, save_model
from customer_segmentation.segmentation.scoring import predict
from customer_segmentation.segmentation.segmenters import segmenter_of
from customer_segmentation.segmentation.space import categorical_features, known_categories, numeric_features
from tests.bundles import telecom_input
from tests.features.configs import TELECOM
from tests.pipelines.clustering.conftest import NAMING

SELECTION = {"min_stability": 0.8, "strong_silhouette": 0.5, "weak_silhouette": 0.25}
GROUPED = {"contract": {"rows": 3, "categories": ["Lifetime"]}, "internet": {"rows": 0, "categories": []}}


def train(customers: pd.DataFrame, k: int = 4, n_init: int = 3, grouped: dict | None = None):
    return train_segmentation_model(customers, {"k": k}, "auto", TELECOM, None, n_init, 42, None, "kprototypes",
                                    grouped)


@pytest.fixture(scope="module")
def personas() -> tuple[pd.DataFrame, pd.Series]:
    return telecom_input(2000, seed=3)


@pytest.fixture(scope="module")
def model(personas):
    return train(personas[0], grouped=GROUPED)


def test_k_prototypes_finds_the_mixed_telecom_personas(personas, model):
    customers, truth = personas
    assert adjusted_rand_score(truth, score(model, customers)["segment_id"]) >= 0.9
    assert segmenter_of(model).name == "kprototypes"


def test_the_model_space_is_the_numbers_then_a_code_per_category(model, personas):
    assert numeric_features(model) == ["tenure", "monthly_charges"]
    assert categorical_features(model) == ["contract", "internet"]
    assert known_categories(model) == {"contract": ["Month-to-month", "One year", "Two year"],
                                       "internet": ["DSL", "Fiber optic", "No"]}
    coordinates = model[:-1].transform(personas[0].head(3))
    assert coordinates.shape == (3, 4) and set(coordinates[:, 2:].ravel()) <= {0.0, 1.0, 2.0}


def test_segments_are_in_the_canonical_order_and_predict_agrees_with_kmodes_own(model, personas):
    customers = personas[0]
    _, original = centres(model)
    assert np.all(np.diff(original[:, 0]) >= 0), "ascending by the first number (tenure)"
    coordinates = model[:-1].transform(customers[list(TELECOM)])
    # kmodes' own assignment, renumbered: its prototype segment_order_[i] is segment i.
    own = np.argsort(model[-1].segment_order_)[model[-1].predict(coordinates, categorical=[2, 3])]
    assert np.array_equal(predict(model, customers), own)
    assert np.array_equal(score(model, customers)["segment_id"], own)


def test_distances_are_the_square_root_of_the_k_prototypes_dissimilarity(personas):
    customers = personas[0].head(400)
    model = train(customers, k=3, n_init=1)
    coordinates = model[:-1].transform(customers[list(TELECOM)])
    distances = segmenter_of(model).distances(model[-1], coordinates)
    assert np.sum(distances.min(axis=1) ** 2) == pytest.approx(model[-1].cost_), "kmodes' cost of the same fit"
    embedded = segmenter_of(model).embedding(model[-1], coordinates)
    a, b = coordinates[0], coordinates[1]
    expected = np.sum((a[:2] - b[:2]) ** 2) + model[-1].gamma * np.sum(a[2:] != b[2:])
    assert np.sum((embedded[0] - embedded[1]) ** 2) == pytest.approx(expected)
    assert model[-1].gamma == pytest.approx(1.0), "the standardised numbers' mean variance"


def test_names_descriptions_and_profiles_use_the_prototypes_categories(model, personas):
    customers = personas[0]
    names = name_segments(model, NAMING)
    categories = prototype_categories(model)
    assert names.loc[0, "segment_name"].startswith("Month-to-month, fiber optic")
    assert names["description"].str.startswith("Contract ").all()
    assert "no internet service" in " ".join(names["segment_name"])
    segments = assign_segments(customers, package_segmentation_model(model, names, 0.9), names)
    profiles = profile_segments(segments, model, names)
    assert profiles["contract_mode"].tolist() == categories["contract"].tolist()
    assert profiles["internet_share"].between(0.5, 1).all() and profiles["size"].sum() == len(customers)
    assert {"tenure_z", "monthly_charges_mean"} <= set(profiles.columns) and "contract_z" not in profiles.columns
    metrics, _ = evaluate_segmentation(segments, model, 1000, 0)
    assert metrics["silhouette"] > 0.4 and metrics["inertia"] is None and metrics["calinski_harabasz"] > 0


def test_the_k_sweep_votes_on_the_cost_elbow_and_the_mixed_silhouette(personas):
    sample = standardize_features(personas[0][list(TELECOM)].head(600))
    assert sample["contract"].tolist()[:3] == personas[0]["contract"].tolist()[:3], "categories stay as they are"
    sweep = sweep_k(sample, [2, 6], n_init=1, n_bootstrap=2, silhouette_sample_size=600, random_state=0,
                    algorithm="kprototypes")
    assert list(sweep.columns) == ["k", "cost", "silhouette", "calinski_harabasz", "davies_bouldin", "stability",
                                   "smallest_share"]
    assert sweep["cost"].is_monotonic_decreasing
    selection = select_k(sweep, "auto", {"rows_total": 600, "rows_used": 600}, SELECTION)
    assert selection["k"] == 4
    assert selection["votes"] == {"elbow": 4, "silhouette": 4, "calinski_harabasz": 4, "davies_bouldin": 4}


def test_scoring_reads_a_rare_category_of_training_as_other_and_reports_an_unknown_one(model):
    other = personas_with_other()
    rows = pd.DataFrame({"tenure": ["12", "12", "12"], "MonthlyCharges": ["80", "80", "80"],
                         "Contract": ["Month-to-month", "Lifetime", "Month-to-month"],
                         "InternetService": ["Fiber optic", "DSL", "Satellite"]})
    scored = segment_customers(other, rows).rows
    assert scored["problem"].isna().tolist()[:2] == [True, True]
    assert scored.loc[2, "problem"] == ("internet: 'Satellite' is not a category the model knows "
                                        "(known: 'DSL', 'Fiber optic', 'No')")
    assert pd.isna(scored.loc[2, "segment_id"])
    moved = rows.assign(Contract=["Month-to-month", "Other", "Month-to-month"]).head(2)
    assert segment_customers(other, moved).rows["segment_id"].tolist() == scored["segment_id"].tolist()[:2]


def personas_with_other():
    """A model trained where a rare contract was grouped as Other."""
    customers, _ = telecom_input(600, seed=5)
    customers.loc[:2, "contract"] = "Other"
    return train(customers, n_init=1, grouped=GROUPED)


def test_a_changed_category_can_move_a_customer_to_the_runner_up(model, personas):
    customers = personas[0]
    scored = score(model, customers)
    row = int(np.argmax(scored["closeness"].to_numpy()))  # the most borderline customer
    customer = customers.iloc[[row]]
    segment, runner_up = int(scored["segment_id"].iloc[row]), int(scored["runner_up_id"].iloc[row])
    changes = changes_to_runner_up(model, customer, segment, runner_up)
    assert len(changes), "a borderline customer can be moved"
    for change in changes.itertuples():
        assert predict(model, customer.assign(**{change.feature: change.new_value}))[0] == runner_up


def test_the_model_file_trusts_the_kmodes_types_it_needs_and_refuses_any_other(model, tmp_path):
    save_model(model, tmp_path / "m.skops")
    loaded = load_model(tmp_path / "m.skops")
    customers = telecom_input(200, seed=9)[0]
    assert np.array_equal(predict(loaded, customers), predict(model, customers))
    other = model[:-1]
    other.steps.append(("kmodes", KModes(n_clusters=2)))
    sio.dump(other, tmp_path / "kmodes.skops")
    with pytest.raises(UnsafeModelFileError, match=r"not trusted and was not loaded: \['kmodes.kmodes.KModes'\]"):
        load_model(tmp_path / "kmodes.skops")
