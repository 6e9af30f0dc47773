import io

import numpy as np
import pytest
from matplotlib.figure import Figure

from customer_segmentation.demo_data import generate_customers
from customer_segmentation.pipelines.eda.nodes import select_k, standardize_features
from customer_segmentation.pipelines.eda.plots import (
    plot_elbow,
    plot_feature_correlations,
    plot_feature_distributions,
    plot_pca_explained_variance,
    plot_validity_indices,
)

from .helpers import EDA, FEATURE_LIST, FEATURES

SAMPLED = {"rows_total": 1_000_000, "rows_used": 400}


@pytest.fixture(scope="module")
def sample():
    return generate_customers(400, seed=2, n_personas=3, spread=0.5)[FEATURE_LIST]


@pytest.fixture(scope="module")
def choice(persona_sweeps):
    table, info = persona_sweeps[4]
    return table, select_k(table, "auto", info, EDA["selection"])


def _texts(fig: Figure) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)


def _check_readable(fig: Figure) -> None:
    """Every visible panel has a title and both axis labels, and the figure renders to PNG."""
    for ax in [a for a in fig.axes if a.get_visible() and a.get_label() != "<colorbar>"]:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), ax
    fig.savefig(io.BytesIO(), format="png", dpi=110)


def test_correlation_heatmap_is_annotated_with_units_and_sample_size(sample):
    fig = plot_feature_correlations(sample, SAMPLED, FEATURES)
    _check_readable(fig)
    ax = fig.axes[0]
    assert len(ax.texts) == len(FEATURE_LIST) ** 2 and "1.00" in _texts(fig)
    assert "Annual income (USD)" in [t.get_text() for t in ax.get_xticklabels()]
    assert "random sample of 400 of 1,000,000 customers" in ax.get_title()


def test_distributions_show_one_panel_per_feature_with_skewness_and_units(sample):
    fig = plot_feature_distributions(sample, {"rows_total": 400, "rows_used": 400}, FEATURES)
    _check_readable(fig)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_xlabel() for ax in panels] == ["Annual income (USD)", "Spending score (score 0-100)",
                                                  "Savings (USD)", "Age (years)"]
    skew = sample["savings"].skew()
    assert panels[2].get_title() == f"Savings: skewness {skew:+.2f}"


def test_distributions_draw_a_constant_feature_without_a_density_line(sample):
    constant = sample.assign(age=40.0)
    fig = plot_feature_distributions(constant, {"rows_total": 400, "rows_used": 400}, FEATURES)
    _check_readable(fig)
    assert len(fig.axes[3].lines) == 0 and len(fig.axes[0].lines) == 1


def test_pca_plot_says_how_much_two_components_keep(sample):
    scaled = standardize_features(sample)
    kept = np.linalg.eigvalsh(np.cov(scaled.T))[::-1][:2].sum() / np.linalg.eigvalsh(np.cov(scaled.T)).sum()
    fig = plot_pca_explained_variance(scaled)
    _check_readable(fig)
    assert fig.axes[0].get_title() == f"PCA: two components keep {kept * 100:.0f}% of the variance"


def test_elbow_plot_marks_the_elbow_and_the_chosen_k(choice):
    table, selection = choice
    fig = plot_elbow(table, selection)
    _check_readable(fig)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "chosen k = 4 (auto)" in legend and "elbow (kneedle) k = 4" in legend


def test_validity_plot_has_the_four_indices_and_the_chosen_k(choice):
    table, selection = choice
    fig = plot_validity_indices(table, selection, EDA["selection"])
    _check_readable(fig)
    assert [ax.get_title() for ax in fig.axes] == [
        "Silhouette: higher is better", "Calinski-Harabasz: higher is better",
        "Davies-Bouldin: lower is better", "Stability: higher is better",
    ]
    assert all(any(list(line.get_xdata()) == [4, 4] for line in ax.lines) for ax in fig.axes)
    assert "chosen k = 4 (auto), strong structure" in fig.get_suptitle()


def test_plots_mark_an_override_outside_the_sweep(choice):
    table, _ = choice
    override = {**select_k(table, 14, {"rows_total": 2000, "rows_used": 2000}, EDA["selection"])}
    fig = plot_elbow(table, override)
    assert "chosen k = 14 (override)" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert fig.axes[0].get_xlim()[1] >= 14
