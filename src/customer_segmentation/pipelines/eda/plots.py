"""Report figures of the eda pipeline, drawn from the sample and the k sweep.

Figures are built with ``matplotlib.figure.Figure`` rather than ``pyplot``: no global state,
no backend needed, and a figure is freed once the catalog has saved it.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter
from scipy.stats import gaussian_kde
from sklearn.decomposition import PCA

from customer_segmentation.features import FeatureTable
from customer_segmentation.features.units import axis_label

logger = logging.getLogger(__name__)

_K_LABEL = "Number of segments k"
_CHOSEN = {"color": "tab:red", "linestyle": "--", "linewidth": 1.5}
_KDE_POINTS = 5_000  # a density line needs no more; keeps the plot O(1) in rows


def _sample_note(sample_info: dict[str, int]) -> str:
    used, total = sample_info["rows_used"], sample_info["rows_total"]
    return f"{used:,} customers" if used == total else f"random sample of {used:,} of {total:,} customers"


def _mark_chosen(ax: Any, k_selection: dict[str, Any]) -> None:
    ax.axvline(k_selection["k"], **_CHOSEN, label=f"chosen k = {k_selection['k']} ({k_selection['method']})")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)


def plot_feature_correlations(sample: pd.DataFrame, sample_info: dict[str, int], features: dict[str, Any]) -> Figure:
    """Annotated heatmap of the Pearson correlations between features.

    Args:
        sample: Features in their units.
        sample_info: ``{rows_total, rows_used}``.
        features: The feature table (labels and units).

    Returns:
        The figure.
    """
    sample = sample.select_dtypes("number")  # category features have no correlation
    corr = sample.corr().to_numpy()
    table = FeatureTable.from_config(features)
    labels = [axis_label(table[f]) for f in sample.columns]
    fig = Figure(figsize=(7.5, 6), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(corr, cmap="RdBu_r", vmin=-1, vmax=1)
    for (i, j), r in np.ndenumerate(corr):
        ax.text(j, i, f"{r:.2f}", ha="center", va="center", fontsize=11, color="white" if abs(r) > 0.6 else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("Feature (unit)")
    ax.set_ylabel("Feature (unit)")
    fig.colorbar(image, ax=ax, label="Pearson correlation r (no unit, -1 to 1)")
    ax.set_title(f"Correlation between customer features\n({_sample_note(sample_info)})")
    return fig


def plot_feature_distributions(sample: pd.DataFrame, sample_info: dict[str, int], features: dict[str, Any]) -> Figure:
    """One histogram per feature with its density line (as % of customers per bin); skewness in each title.

    Args:
        sample: Features in their units.
        sample_info: ``{rows_total, rows_used}``.
        features: The feature table (labels and units).

    Returns:
        The figure, one panel per feature.
    """
    table = FeatureTable.from_config(features)
    ncols = 2
    nrows = -(-sample.shape[1] // ncols)
    fig = Figure(figsize=(11, 3.8 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, feature in zip(axes, sample.columns):
        if table[feature].is_category:
            _category_bars(ax, sample[feature], table[feature].label)
            continue
        values = sample[feature].to_numpy(dtype="float64")
        counts, edges, _ = ax.hist(values, bins=_bins(values, feature), weights=np.full(len(values), 100 / len(values)),
                                   color="tab:blue", alpha=0.55, edgecolor="white", label="customers")
        if len(edges) > 2:
            _density_line(ax, values, edges, feature)
        with np.errstate(all="ignore"):
            skew = pd.Series(values).skew()
        ax.set_title(f"{table[feature].label}: skewness {skew:+.2f}")
        ax.set_xlabel(axis_label(table[feature]))
        ax.set_ylabel("Customers per bin (%)")
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.grid(alpha=0.3)
    for ax in axes[sample.shape[1]:]:
        ax.set_visible(False)
    fig.suptitle(f"Feature distributions ({_sample_note(sample_info)})", fontsize=13)
    return fig


def _bins(values: np.ndarray, feature: str) -> int:
    """40 bins, or one when the values are too close together for 40 bins of their own (a nearly constant
    feature, every value equal but one in the 15th digit)."""
    try:
        np.histogram_bin_edges(values, bins=40)
    except ValueError:
        logger.warning("%s: the values are (nearly) all the same: its distribution is drawn as one bar", feature)
        return 1
    return 40


def _density_line(ax: Any, values: np.ndarray, edges: np.ndarray, feature: str) -> None:
    """The density line, scaled to the bars: density x bin width x 100 = % of customers per bin.

    Computed on the values divided by their largest magnitude, so enormous values do not overflow; left out,
    with a warning, when the values have no spread a density can be estimated from.
    """
    magnitude = float(np.max(np.abs(values)))
    if not np.isfinite(magnitude) or magnitude == 0:
        return
    grid = np.linspace(edges[0], edges[-1], 200)
    try:
        with np.errstate(all="ignore"):
            density = gaussian_kde(values[:: max(1, len(values) // _KDE_POINTS)] / magnitude)(grid / magnitude)
    except (np.linalg.LinAlgError, ValueError):
        density = None
    if density is None or not np.isfinite(density).all():
        logger.warning("%s: its values are too close together for a density line; only the bars are drawn", feature)
        return
    ax.plot(grid, density * (edges[1] - edges[0]) / magnitude * 100, color="tab:blue", label="density")


def _category_bars(ax: Any, values: pd.Series, label: str) -> None:
    """A category feature's panel: the share of customers in each category, most frequent first."""
    shares = values.value_counts(normalize=True) * 100
    ax.barh([str(c) for c in shares.index][::-1], shares.to_numpy()[::-1], color="tab:blue", alpha=0.55)
    ax.set_title(f"{label}: {len(shares)} categories")
    ax.set_xlabel("Customers (%)")
    ax.grid(alpha=0.3, axis="x")


def plot_pca_explained_variance(scaled: pd.DataFrame) -> Figure:
    """Share of the variance each principal component keeps, and the running total.

    Args:
        scaled: Standardized features (category features are left out: the map is the numbers').

    Returns:
        The figure; its title says how much the first two components keep (the 2-D segment map).
    """
    ratio = PCA().fit(scaled.select_dtypes("number")).explained_variance_ratio_ * 100
    components = np.arange(1, len(ratio) + 1)
    fig = Figure(figsize=(8, 5), layout="constrained")
    ax = fig.subplots()
    ax.bar(components, ratio, color="tab:blue", alpha=0.7, label="each component")
    ax.plot(components, np.cumsum(ratio), marker="o", color="tab:orange", label="cumulative")
    for x, y in zip(components, np.cumsum(ratio)):
        ax.annotate(f"{y:.0f}%", (x, y), textcoords="offset points", xytext=(0, 7), ha="center")
    ax.set_xticks(components, [f"PC{c}" for c in components])
    ax.set_ylim(0, 110)
    ax.set_xlabel("Principal component (of standardized features)")
    ax.set_ylabel("Explained variance (% of total)")
    ax.set_title(f"PCA: two components keep {np.cumsum(ratio)[min(1, len(ratio) - 1)]:.0f}% of the variance")
    ax.legend(loc="center right")
    ax.grid(alpha=0.3, axis="y")
    return fig


def plot_elbow(k_sweep: pd.DataFrame, k_selection: dict[str, Any]) -> Figure:
    """The segmenter's own criterion against k (inertia with its elbow, or the BIC), the chosen k marked.

    Args:
        k_sweep: One row per k.
        k_selection: The choice, from ``select_k``.

    Returns:
        The figure.
    """
    fig = Figure(figsize=(8, 5), layout="constrained")
    ax = fig.subplots()
    if "bic" in k_sweep.columns:
        ax.plot(k_sweep["k"], k_sweep["bic"], marker="o", color="tab:blue", label="BIC")
        ax.set_ylabel("BIC (Bayesian information criterion; lower is better)")
        title = f"BIC by k: fit against complexity ({k_selection['structure']} structure)"
    else:
        criterion = "inertia" if "inertia" in k_sweep.columns else "cost"
        ax.plot(k_sweep["k"], k_sweep[criterion], marker="o", color="tab:blue", label=criterion)
        elbow = k_selection.get("elbow_k")
        if elbow is not None:
            y = k_sweep.set_index("k").loc[elbow, criterion]
            ax.plot([elbow], [y], "o", markersize=14, markerfacecolor="none", color="tab:green",
                    label=f"elbow (kneedle) k = {elbow}")
        ax.set_ylabel("Inertia (sum of squared distances, standardized units²)" if criterion == "inertia" else
                      "Cost (sum of k-prototypes dissimilarities to the own prototype)")
        title = f"Elbow method: spread within segments by k ({k_selection['structure']} structure)"
    _mark_chosen(ax, k_selection)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_xlabel(_K_LABEL)
    ax.set_title(title)
    ax.legend()
    return fig


def plot_validity_indices(k_sweep: pd.DataFrame, k_selection: dict[str, Any], selection: dict[str, float]) -> Figure:
    """Silhouette, Calinski-Harabasz, Davies-Bouldin and stability against k, the chosen k marked.

    Args:
        k_sweep: One row per k.
        k_selection: The choice, from ``select_k``.
        selection: Thresholds ``min_stability``, ``strong_silhouette``, ``weak_silhouette``.

    Returns:
        The figure, one panel per index.
    """
    panels = [
        ("silhouette", "Silhouette: higher is better", "Silhouette (-1 to 1)",
         [(selection["strong_silhouette"], "clear structure above"),
          (selection["weak_silhouette"], "no structure below")]),
        ("calinski_harabasz", "Calinski-Harabasz: higher is better", "Calinski-Harabasz (variance ratio)", []),
        ("davies_bouldin", "Davies-Bouldin: lower is better", "Davies-Bouldin (similarity ratio)", []),
        ("stability", "Stability: higher is better", "Stability (mean adjusted Rand index, 0 to 1)",
         [(selection["min_stability"], "stable above")]),
    ]
    fig = Figure(figsize=(11, 7.5), layout="constrained")
    for ax, (column, title, label, lines) in zip(fig.subplots(2, 2).ravel(), panels):
        ax.plot(k_sweep["k"], k_sweep[column], marker="o", color="tab:blue")
        for y, text in lines:
            ax.axhline(y, color="grey", linestyle=":", linewidth=1)
            ax.annotate(text, (k_sweep["k"].min(), y), textcoords="offset points", xytext=(2, 3),
                        fontsize=8, color="grey")
        _mark_chosen(ax, k_selection)
        ax.set_xlabel(_K_LABEL)
        ax.set_ylabel(label)
        ax.set_title(title)
    fig.axes[0].legend(loc="best")
    fig.suptitle(
        f"Validity indices by k: chosen k = {k_selection['k']} ({k_selection['method']}), "
        f"{k_selection['structure']} structure", fontsize=13,
    )
    return fig
