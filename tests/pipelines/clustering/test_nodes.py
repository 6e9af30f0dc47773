"""The clustering nodes, one behaviour each, on clean demo customers."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.pipelines.clustering.nodes import (
    assign_segments,
    evaluate_segmentation,
    name_segments,
    package_segmentation_model,
    train_segmentation_model,
)
from customer_segmentation.pipelines.clustering.profiling import profile_segments
from customer_segmentation.pipelines.clustering.plots import plot_profile_heatmap, plot_segment_map, plot_segment_sizes
from customer_segmentation.segmentation import space
from customer_segmentation.segmentation.contract import model_segment_names, model_table

from .conftest import FEATURES, MODEL_OPTIONS, NAMING, TABLE, train


@pytest.fixture(scope="module")
def segment_names(model):
    return name_segments(model, NAMING)


@pytest.fixture(scope="module")
def customer_segments(customers, model, segment_names):
    return assign_segments(customers, model, segment_names)


@pytest.fixture(scope="module")
def segment_profiles(customer_segments, model, segment_names):
    return profile_segments(customer_segments, model, segment_names)


# ---------- train_segmentation_model ----------


def test_model_is_a_pipeline_with_the_contract_steps(model):
    assert isinstance(model, Pipeline)
    assert list(model.named_steps) == ["select", "scaler", "pca", "kmeans"]
    assert isinstance(model["scaler"], StandardScaler) and isinstance(model["pca"], PCA)
    assert isinstance(model["kmeans"], KMeans)
    assert (model["kmeans"].n_init, model["kmeans"].random_state) == (10, 42)
    assert list(model.feature_names_in_) == FEATURES


def test_segments_are_numbered_by_ascending_centre_income(model):
    centres = model["scaler"].inverse_transform(model["pca"].inverse_transform(model["kmeans"].cluster_centers_))
    assert np.all(np.diff(centres[:, 0]) > 0)


def test_ties_in_the_first_feature_are_broken_by_the_next():
    customers = pd.DataFrame({"a": [1.0] * 8, "b": [9.0, 9.1, 9.0, 9.1, 1.0, 1.1, 1.0, 1.1]})
    model = train_segmentation_model(customers, {"k": 2}, "auto", ["a", "b"], None, 10, 0)
    assert model.predict(pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, 9.0]})).tolist() == [0, 1]


def test_predict_returns_the_canonical_ids_of_the_fit(model, customers):
    scaled = StandardScaler().fit_transform(customers[FEATURES])
    plain = KMeans(n_clusters=4, n_init=10, random_state=42).fit(scaled)
    canonical = np.argsort(np.argsort(plain.cluster_centers_[:, 0]))  # cluster -> its rank by centre income
    assert np.array_equal(model.predict(customers), canonical[plain.labels_])


def test_model_does_not_store_a_label_per_training_customer(model):
    # customer_segments holds every customer's segment; at 10M rows labels_ would add 40 MB per saved model.
    assert not hasattr(model["kmeans"], "labels_")


def test_the_model_carries_its_feature_table_and_after_packaging_its_segment_names(model, segment_names):
    assert model_table(model).to_config() == model_table(model).from_config(TABLE).to_config()
    saved = package_segmentation_model(model, segment_names, 0.9)
    assert saved is not model, "packaging leaves its input alone"
    assert model_segment_names(saved) == segment_names["segment_name"].tolist()
    assert model_segment_names(model) is None


def test_a_model_trained_on_an_order_log_carries_its_mapping_through_the_model_file(model, segment_names, tmp_path):
    from customer_segmentation.segmentation.contract import model_order_log
    from customer_segmentation.segmentation.persistence import load_model, save_model

    mapping = {"customer_id": "CustomerID", "order_id": "InvoiceNo", "date": "InvoiceDate", "amount": "LineTotal",
               "placeholder_ids": [0, "guest"], "snapshot_date": "2026-12-01"}
    save_model(package_segmentation_model(model, segment_names, 0.9, mapping), tmp_path / "model.skops")
    spec = model_order_log(load_model(tmp_path / "model.skops"))
    assert (spec.customer_id, spec.amount, spec.placeholder_ids) == ("CustomerID", "LineTotal", [0, "guest"])
    assert spec.snapshot_date.isoformat() == "2026-12-01"
    assert model_order_log(package_segmentation_model(model, segment_names, 0.9, None)) is None


def test_n_clusters_overrides_k_selection(customers):
    model = train_segmentation_model(customers, {"k": 4}, 3, TABLE, **MODEL_OPTIONS)
    assert model["kmeans"].n_clusters == 3


def test_n_clusters_auto_takes_k_selection(customers):
    model = train_segmentation_model(customers, {"k": 5, "method": "auto"}, "auto", TABLE, **MODEL_OPTIONS)
    assert model["kmeans"].n_clusters == 5


def test_bad_n_clusters_is_named(customers):
    with pytest.raises(ValueError, match="parameter 'n_clusters' is 'four'"):
        train_segmentation_model(customers, {"k": 4}, "four", TABLE, **MODEL_OPTIONS)


def test_missing_k_in_k_selection_says_to_run_eda(customers):
    with pytest.raises(ValueError, match=r"k_selection\['k'\] is None.*kedro run --pipelines eda"):
        train_segmentation_model(customers, {}, "auto", TABLE, **MODEL_OPTIONS)


def test_k_of_at_least_the_number_of_customers_is_rejected(customers):
    with pytest.raises(ValueError, match="k_selection\\['k'\\] is 10 for 10 customers"):
        train_segmentation_model(customers.head(10), {"k": 10}, "auto", TABLE, **MODEL_OPTIONS)


def test_missing_feature_column_is_named(customers):
    with pytest.raises(CustomerDataError, match=r"\['age'\] missing.*columns found"):
        train_segmentation_model(customers.drop(columns="age"), {"k": 4}, "auto", TABLE, **MODEL_OPTIONS)


def test_a_subset_of_features_is_segmented_and_named(customers):
    subset = {name: TABLE[name] for name in ("spending_score", "age")}
    model = train_segmentation_model(customers, {"k": 3}, "auto", subset, **MODEL_OPTIONS)
    names = name_segments(model, NAMING)
    profiles = profile_segments(assign_segments(customers, model, names), model, names)
    assert list(model.feature_names_in_) == ["spending_score", "age"]
    assert names["segment_name"].is_unique
    assert {"spending_score_mean", "age_z"} <= set(profiles.columns) and "savings_mean" not in profiles.columns
    centres = profiles["spending_score_z"].to_numpy()
    assert np.all(np.diff(centres) > 0), "ordered by the first listed feature"


def test_pca_components_below_two_is_rejected(customers):
    with pytest.raises(ValueError, match="'pca_components' is 1.*segment map needs two"):
        train_segmentation_model(customers, {"k": 4}, "auto", TABLE, 1, 10, 42)


def test_pca_components_reduces_the_space(customers):
    model = train(customers, pca_components=2)
    assert model["pca"].n_components_ == 2 and model["kmeans"].cluster_centers_.shape == (4, 2)


def test_full_pca_is_a_rotation_that_keeps_the_segments(customers, model):
    scaled = StandardScaler().fit_transform(customers[FEATURES])
    plain = KMeans(n_clusters=4, n_init=10, random_state=42).fit(scaled)
    assert np.isclose(plain.inertia_, model["kmeans"].inertia_)
    pairs = pd.crosstab(plain.labels_, model.predict(customers))
    assert (pairs > 0).sum(axis=1).eq(1).all(), "each K-Means cluster maps to exactly one segment"


# ---------- the model's select step ----------


def test_select_ignores_extra_columns_and_order(model, customers):
    shuffled = customers[["customer_id", *FEATURES[::-1], "source_row"]].assign(note="x")
    assert np.array_equal(model.predict(shuffled), model.predict(customers[FEATURES]))


def test_select_accepts_integer_columns(model, customers):
    rounded = customers[FEATURES].round().astype("int64")
    assert np.array_equal(model.predict(rounded), model.predict(rounded.astype(float)))


def test_select_names_a_missing_column(model, customers):
    with pytest.raises(ValueError, match="columns are missing: {'savings'}"):
        model.predict(customers.drop(columns="savings"))


# ---------- name_segments ----------


def test_demo_personas_get_their_plain_names(segment_names):
    assert segment_names["segment_name"].tolist() == [
        "Budget-conscious",
        "Young, high spend, low savings",
        "Conservative savers",
        "High income, high spenders",
    ]


def test_every_segment_has_a_description_with_numbers_and_an_action(segment_names):
    assert segment_names["segment_id"].tolist() == [0, 1, 2, 3]
    affluent = segment_names.iloc[3]
    assert affluent["description"].startswith("Annual income $13") and "sd)" in affluent["description"]
    assert "loyalty" in affluent["suggested_action"].lower()


def test_names_are_unique_when_centres_look_alike(customers):
    names = name_segments(train(customers, k=7), NAMING)["segment_name"]
    assert names.is_unique


# ---------- assign_segments ----------


def test_assign_keeps_every_row_and_column(customers, customer_segments):
    assert len(customer_segments) == len(customers)
    pd.testing.assert_frame_equal(customer_segments[customers.columns], customers)
    added = ["segment_id", "segment_name", "distance_to_centre", "runner_up_id", "runner_up_name", "borderline",
             "map_x", "map_y"]
    assert list(customer_segments.columns) == [*customers.columns, *added]
    assert customer_segments["segment_id"].dtype == "int64"
    assert customer_segments["distance_to_centre"].dtype == "float64"


def test_assign_names_match_ids(customer_segments, segment_names):
    expected = customer_segments["segment_id"].map(segment_names.set_index("segment_id")["segment_name"])
    assert customer_segments["segment_name"].tolist() == expected.tolist()


def test_distance_is_to_the_nearest_centre_in_standardized_units(model, customers, customer_segments):
    distances = model.transform(customers)
    assert np.allclose(customer_segments["distance_to_centre"], distances.min(axis=1))
    assert np.array_equal(customer_segments["segment_id"], distances.argmin(axis=1))
    scaled = model[:2].transform(customers)
    centres = model["pca"].inverse_transform(model["kmeans"].cluster_centers_)
    direct = np.linalg.norm(scaled - centres[customer_segments["segment_id"]], axis=1)
    assert np.allclose(customer_segments["distance_to_centre"], direct)


def test_map_coordinates_are_the_first_two_principal_components(model, customers, customer_segments):
    coordinates = model[:-1].transform(customers)[:, :2]
    assert np.allclose(customer_segments[["map_x", "map_y"]].to_numpy(), coordinates)


# ---------- profile_segments ----------


def test_profile_columns_follow_the_contract(segment_profiles):
    expected = ["segment_id", "segment_name", "description", "suggested_action", "size", "share"]
    expected += [f"{f}_mean" for f in FEATURES] + [f"{f}_median" for f in FEATURES]
    expected += [f"{f}_z" for f in FEATURES] + ["map_x", "map_y"]
    assert list(segment_profiles.columns) == expected
    assert segment_profiles["segment_id"].tolist() == [0, 1, 2, 3]


def test_profile_sizes_and_shares_add_up(segment_profiles, customers):
    assert segment_profiles["size"].sum() == len(customers)
    assert np.isclose(segment_profiles["share"].sum(), 1.0)


def test_profile_means_and_medians_are_in_original_units(segment_profiles, customer_segments):
    by_segment = customer_segments.groupby("segment_id")
    assert np.allclose(segment_profiles["annual_income_mean"], by_segment["annual_income"].mean())
    assert np.allclose(segment_profiles["age_median"], by_segment["age"].median())


def test_profile_z_is_the_centre_against_the_population(segment_profiles, customers):
    z_of_means = (segment_profiles["savings_mean"] - customers["savings"].mean()) / customers["savings"].std(ddof=0)
    assert np.allclose(segment_profiles["savings_z"], z_of_means, atol=1e-6)


def test_profile_map_position_is_the_centre(segment_profiles, customer_segments):
    centre_of_points = customer_segments.groupby("segment_id")[["map_x", "map_y"]].mean()
    assert np.allclose(segment_profiles[["map_x", "map_y"]], centre_of_points, atol=1e-6)


# ---------- evaluate_segmentation ----------


def test_metrics_report_and_mlflow_values(customer_segments, model):
    metrics, scores = evaluate_segmentation(customer_segments, model, silhouette_sample_size=10_000, random_state=42)
    assert set(metrics) == {
        "k", "n_customers", "silhouette", "silhouette_sample_size", "inertia", "calinski_harabasz", "davies_bouldin",
    }
    assert (metrics["k"], metrics["n_customers"], metrics["silhouette_sample_size"]) == (4, 3000, 3000)
    coordinates = model[:-1].transform(customer_segments)
    assert np.isclose(metrics["silhouette"], silhouette_score(coordinates, customer_segments["segment_id"]))
    assert np.isclose(metrics["inertia"], (customer_segments["distance_to_centre"] ** 2).sum())
    assert metrics["silhouette"] > 0.5, "the demo personas are well separated"
    assert scores == {name: {"value": metrics[name], "step": 0}
                      for name in ("k", "silhouette", "inertia", "calinski_harabasz", "davies_bouldin")}


def test_silhouette_uses_a_seeded_sample_on_large_data(customer_segments, model):
    first = evaluate_segmentation(customer_segments, model, silhouette_sample_size=500, random_state=1)
    again = evaluate_segmentation(customer_segments, model, silhouette_sample_size=500, random_state=1)
    assert first[0]["silhouette_sample_size"] == 500
    assert first == again


# ---------- plots ----------


def test_segment_map_draws_a_sample_with_every_segment(customer_segments, segment_profiles):
    figure = plot_segment_map(customer_segments, segment_profiles, sample_size=1000, random_state=42)
    assert isinstance(figure, Figure)
    ax = figure.axes[0]
    assert "1,000 of 3,000 customers" in ax.get_title()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"{i}: {n}" for i, n in zip(segment_profiles["segment_id"], segment_profiles["segment_name"])]
    points = sum(len(c.get_offsets()) for c in ax.collections[:-1])
    assert points == 1000


def test_profile_heatmap_shows_every_centre_z_score(segment_profiles):
    ax = plot_profile_heatmap(segment_profiles, TABLE).axes[0]
    image = ax.get_images()[0].get_array()
    assert image.shape == (4, 4)
    assert np.allclose(image, segment_profiles[[f"{f}_z" for f in FEATURES]].to_numpy())
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "Annual income (USD)"


def test_segment_sizes_label_counts_and_shares(segment_profiles):
    ax = plot_segment_sizes(segment_profiles).axes[0]
    labels = [t.get_text() for t in ax.texts]
    first = segment_profiles.iloc[0]
    assert labels[0] == f"{first['size']:,} ({round(first['share'] * 100):.0f} %)"


# ---------- at scale: fitting from a sample, chunked passes, indices from per-segment sums ----------


@pytest.fixture(scope="module")
def sampled_model(customers):
    """A model trained as on millions of rows: initialisations on 500 of the 3,000 customers."""
    return train(customers, init_sample_size=500)


def test_above_init_sample_size_the_sample_centres_are_refined_on_all_customers(customers, sampled_model):
    scaled = StandardScaler().fit_transform(customers[FEATURES])
    assert np.allclose(sampled_model["scaler"].mean_, customers[FEATURES].mean())
    assert np.allclose(sampled_model["scaler"].scale_, customers[FEATURES].std(ddof=0))
    # What scikit-learn gives from the same start: the best of 10 initialisations on the same seeded sample.
    rows = np.sort(np.random.default_rng(42).choice(len(customers), size=500, replace=False))
    coordinates = sampled_model["pca"].transform(scaled)
    start = KMeans(n_clusters=4, n_init=10, random_state=42).fit(coordinates[rows]).cluster_centers_
    reference = KMeans(n_clusters=4, init=start, n_init=1).fit(coordinates)
    order = np.argsort(sampled_model["scaler"].inverse_transform(
        sampled_model["pca"].inverse_transform(reference.cluster_centers_))[:, 0])
    assert np.allclose(sampled_model["kmeans"].cluster_centers_, reference.cluster_centers_[order], atol=1e-9)
    assert np.isclose(sampled_model["kmeans"].inertia_, reference.inertia_)
    segments = assign_segments(customers, sampled_model, name_segments(sampled_model, NAMING))
    assert np.isclose(sampled_model["kmeans"].inertia_, (segments["distance_to_centre"] ** 2).sum())


def test_training_from_a_sample_keeps_the_contract_and_is_deterministic(customers, sampled_model, model):
    again = train(customers, init_sample_size=500)
    assert np.array_equal(again["kmeans"].cluster_centers_, sampled_model["kmeans"].cluster_centers_)
    assert list(sampled_model.named_steps) == ["select", "scaler", "pca", "kmeans"]
    assert (sampled_model["kmeans"].n_init, sampled_model["kmeans"].random_state) == (10, 42)
    assert list(sampled_model.feature_names_in_) == FEATURES
    assert not hasattr(sampled_model["kmeans"], "labels_")
    # The demo personas are found either way: the same segments, the same names.
    assert np.array_equal(sampled_model.predict(customers), model.predict(customers))
    assert name_segments(sampled_model, NAMING)["segment_name"].tolist() == name_segments(model, NAMING)[
        "segment_name"].tolist()


def test_init_sample_size_below_the_number_of_segments_is_rejected(customers):
    with pytest.raises(ValueError, match="'init_sample_size' is 3; use at least the number of segments \\(4\\)"):
        train(customers, init_sample_size=3)


def test_chunked_passes_give_the_same_segments_and_metrics(customers, model, segment_names, monkeypatch):
    whole = assign_segments(customers, model, segment_names)
    metrics = evaluate_segmentation(whole, model, silhouette_sample_size=1000, random_state=3)
    monkeypatch.setattr(space, "CHUNK_ROWS", 700)
    chunked = assign_segments(customers, model, segment_names)
    pd.testing.assert_frame_equal(chunked, whole)
    again = evaluate_segmentation(chunked, model, silhouette_sample_size=1000, random_state=3)
    assert again[0] == pytest.approx(metrics[0], rel=1e-12)


def test_segment_name_is_a_categorical_of_the_names_in_id_order(customer_segments, segment_names):
    assert isinstance(customer_segments["segment_name"].dtype, pd.CategoricalDtype)
    assert customer_segments["segment_name"].cat.categories.tolist() == segment_names["segment_name"].tolist()
    assert np.array_equal(customer_segments["segment_name"].cat.codes, customer_segments["segment_id"])


@pytest.mark.parametrize("pca_components", [None, 2])
def test_validity_indices_equal_scikit_learns(customers, pca_components):
    fitted = train(customers, pca_components=pca_components)
    names = name_segments(fitted, NAMING)
    segments = assign_segments(customers, fitted, names)
    metrics = evaluate_segmentation(segments, fitted, silhouette_sample_size=700, random_state=5)[0]
    coordinates = fitted[:-1].transform(customers)
    labels = segments["segment_id"]
    assert metrics["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(coordinates, labels), rel=1e-9)
    assert metrics["davies_bouldin"] == pytest.approx(davies_bouldin_score(coordinates, labels), rel=1e-9)
    assert metrics["silhouette"] == pytest.approx(
        silhouette_score(coordinates, labels, sample_size=700, random_state=5), rel=1e-12)


def test_segment_map_keeps_its_view_on_the_bulk_and_draws_a_far_customer_at_the_edge(customer_segments,
                                                                                      segment_profiles):
    far = customer_segments.copy()
    far.loc[far.index[0], "map_x"] = far["map_x"].max() + 40 * far["map_x"].std()  # one $666,666 income
    ax = plot_segment_map(far, segment_profiles, sample_size=10_000, random_state=42).axes[0]
    low, high = ax.get_xlim()
    assert high < far["map_x"].max() / 5  # the view is not stretched to the far customer
    assert far["map_x"].quantile(0.99) < high
    drawn = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections])
    assert drawn.max() <= high  # drawn at the edge, not left out
    assert "1 customer beyond this view" in " ".join(t.get_text() for t in ax.texts)
