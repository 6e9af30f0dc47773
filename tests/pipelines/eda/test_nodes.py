import numpy as np
import pandas as pd
import pytest

from customer_segmentation.demo_data import generate_customers
from customer_segmentation.pipelines.eda.nodes import (
    SWEEP_COLUMNS,
    build_sweep_metrics,
    sample_customers,
    select_k,
    standardize_features,
    sweep_k,
)
from customer_segmentation.errors import CustomerDataError

from .helpers import EDA, FEATURE_LIST, FEATURES

SELECTION = EDA["selection"]


@pytest.fixture(scope="module")
def customers():
    return generate_customers(600, seed=5, n_personas=3, spread=0.5)


@pytest.fixture(scope="module")
def small_sweep(customers):
    sample, _ = sample_customers(customers, FEATURES, 10_000, 42)
    return sweep_k(standardize_features(sample), [2, 5], n_init=2, n_bootstrap=2, silhouette_sample_size=10_000,
                   random_state=42)


def test_sample_customers_draws_a_seeded_sample_of_at_most_sweep_sample_size(customers):
    sample, info = sample_customers(customers, FEATURES, 250, 42)
    again, _ = sample_customers(customers, FEATURES, 250, 42)
    assert info == {"rows_total": 600, "rows_used": 250}
    assert list(sample.columns) == FEATURE_LIST and len(sample) == 250
    pd.testing.assert_frame_equal(sample, again)
    assert not sample.equals(sample_customers(customers, FEATURES, 250, 7)[0])


def test_sample_customers_keeps_data_smaller_than_the_sample_whole(customers):
    sample, info = sample_customers(customers, FEATURES, 10_000, 42)
    assert info == {"rows_total": 600, "rows_used": 600}
    np.testing.assert_array_equal(sample.to_numpy(), customers[FEATURE_LIST].to_numpy())


def test_sample_customers_names_a_missing_feature_column(customers):
    with pytest.raises(CustomerDataError, match=r"\['age'\] missing from model_input_customers.*data_processing"):
        sample_customers(customers.drop(columns="age"), FEATURES, 100, 42)


def test_standardize_features_gives_mean_zero_and_unit_variance(customers):
    scaled = standardize_features(customers[FEATURE_LIST])
    assert np.allclose(scaled.mean(), 0) and np.allclose(scaled.std(ddof=0), 1)
    assert list(scaled.columns) == FEATURE_LIST


def test_standardize_features_rejects_missing_values(customers):
    sample = customers[FEATURE_LIST].copy()
    sample.loc[3, "savings"] = np.nan
    with pytest.raises(CustomerDataError, match=r"missing values in \['savings'\]"):
        standardize_features(sample)


def test_sweep_k_has_one_row_per_k_and_the_contract_columns(small_sweep):
    assert list(small_sweep.columns) == SWEEP_COLUMNS
    assert small_sweep["k"].tolist() == [2, 3, 4, 5]
    assert small_sweep["inertia"].is_monotonic_decreasing
    assert small_sweep["silhouette"].between(-1, 1).all() and small_sweep["stability"].between(-1, 1).all()
    assert (small_sweep[["calinski_harabasz", "davies_bouldin"]] > 0).all().all()


def test_sweep_k_silhouette_on_a_subsample_stays_close(customers, small_sweep):
    scaled = standardize_features(customers[FEATURE_LIST])
    sampled = sweep_k(scaled, [2, 5], n_init=2, n_bootstrap=2, silhouette_sample_size=300, random_state=42)
    assert np.allclose(sampled["silhouette"], small_sweep["silhouette"], atol=0.05)


def test_sweep_k_with_k_range_above_the_rows_is_a_clear_error(customers):
    scaled = standardize_features(customers[FEATURE_LIST].head(5))
    with pytest.raises(CustomerDataError) as error:
        sweep_k(scaled, [2, 10], n_init=1, n_bootstrap=1, silhouette_sample_size=100, random_state=42)
    message = str(error.value)
    assert "k_range [2, 10]" in message and "only 5 distinct customers" in message
    assert "at most 4" in message and "parameters_eda.yml" in message


@pytest.mark.parametrize("k_range", [[5, 3], [1, 4], [2], "2..10", [2.0, 5]])
def test_sweep_k_rejects_a_malformed_k_range(customers, k_range):
    with pytest.raises(ValueError, match="parameter 'k_range' is"):
        sweep_k(standardize_features(customers[FEATURE_LIST]), k_range, 1, 1, 100, 42)


@pytest.mark.parametrize("n_personas", [3, 4])
def test_select_k_auto_picks_the_number_of_well_separated_personas(persona_sweeps, n_personas):
    table, info = persona_sweeps[n_personas]
    selection = select_k(table, "auto", info, SELECTION)
    assert (selection["k"], selection["method"], selection["structure"]) == (n_personas, "auto", "strong")
    assert f"{n_personas} clearly separated segments" in selection["reason"]
    assert selection["k_range"] == EDA["k_range"] and selection["rows_used"] == selection["rows_total"] == 2000


def test_select_k_flags_weak_structure_on_the_reference_data(reference_sweep):
    table, info = reference_sweep
    selection = select_k(table, "auto", info, SELECTION)
    assert selection["structure"] == "weak"
    assert selection["silhouette"] < 0.25
    assert selection["reason"].startswith("No natural grouping stands out: the silhouette is at most 0.2")
    assert (selection["rows_used"], selection["rows_total"]) == (250, 250)
    assert 2 <= selection["k"] <= 10, "a weak structure still gets a usable k"


def test_select_k_honours_an_override_and_reports_the_auto_choice(persona_sweeps):
    table, info = persona_sweeps[4]
    selection = select_k(table, 6, info, SELECTION)
    row = table.set_index("k").loc[6]
    assert (selection["k"], selection["method"], selection["auto_k"]) == (6, "override", 4)
    assert selection["silhouette"] == round(row["silhouette"], 4)
    assert selection["reason"].startswith("6 segments, as set by the n_clusters parameter")
    assert "the data would suggest 4" in selection["reason"]


def test_select_k_honours_an_override_outside_k_range(persona_sweeps):
    table, info = persona_sweeps[4]
    selection = select_k(table, 25, info, SELECTION)
    assert (selection["k"], selection["silhouette"], selection["stability"]) == (25, None, None)
    assert "not in the sweep" in selection["reason"]


@pytest.mark.parametrize("n_clusters", [1, 2000, "five", True, 4.5])
def test_select_k_rejects_an_unusable_override(persona_sweeps, n_clusters):
    table, info = persona_sweeps[4]
    with pytest.raises(ValueError, match=r"parameter 'n_clusters' is .*conf/base/parameters.yml"):
        select_k(table, n_clusters, info, SELECTION)


def test_build_sweep_metrics_logs_every_index_with_k_as_step(small_sweep):
    curves, chosen = build_sweep_metrics(small_sweep, {"k": 3})
    assert chosen == 3
    assert set(curves) == set(SWEEP_COLUMNS) - {"k"}
    assert [point["step"] for point in curves["silhouette"]] == [2, 3, 4, 5]
    assert curves["stability"][1]["value"] == pytest.approx(small_sweep["stability"][1])


def test_sweep_k_gives_the_same_table_on_one_core_and_on_several(customers, monkeypatch, caplog):
    import customer_segmentation.pipelines.eda.nodes as eda_nodes

    scaled = standardize_features(customers[FEATURE_LIST])
    tables = []
    for cores in (1, 2):
        monkeypatch.setattr(eda_nodes, "cpu_count", lambda cores=cores: cores)
        with caplog.at_level("INFO", logger=eda_nodes.__name__):
            tables.append(sweep_k(scaled, [2, 5], n_init=2, n_bootstrap=2, silhouette_sample_size=300, random_state=42))
    pd.testing.assert_frame_equal(tables[0], tables[1])
    assert "k sweep 4/4 done" in caplog.text, "progress per k"
