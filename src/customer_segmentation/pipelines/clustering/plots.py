"""Report figures of the clustering pipeline: the segment map, the profile heatmap, segment sizes.

Built with ``matplotlib.figure.Figure`` (no pyplot state); labels and units come from the feature table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from customer_segmentation.features import FeatureTable
from customer_segmentation.features.units import axis_label, format_share
from customer_segmentation.names import segment_colour
from customer_segmentation.segmentation.space import beyond_view, view_limits


def _colours(k: int) -> list[str]:
    return [segment_colour(i) for i in range(k)]


def _segment_labels(segment_profiles: pd.DataFrame) -> list[str]:
    return [f"{i}: {name}" for i, name in zip(segment_profiles["segment_id"], segment_profiles["segment_name"])]


def plot_segment_map(
    customer_segments: pd.DataFrame, segment_profiles: pd.DataFrame, sample_size: int, random_state: int
) -> Figure:
    """Customers on the first two principal components, coloured by segment, centres marked.

    Args:
        customer_segments: Output of ``assign_segments``.
        segment_profiles: Output of ``profile_segments``.
        sample_size: Most customers drawn (a seeded sample when there are more).
        random_state: Seed of the sample.
    """
    # numpy's Generator draws the sample without shuffling every row, as DataFrame.sample would.
    total = len(customer_segments)
    rows = np.random.default_rng(random_state).choice(total, size=min(sample_size, total), replace=False)
    return segment_map_figure(customer_segments.iloc[np.sort(rows)], segment_profiles, total)


def segment_map_figure(shown: pd.DataFrame, segment_profiles: pd.DataFrame, total: int) -> Figure:
    """The segment map of the customers ``shown`` (``segment_id``, ``map_x``, ``map_y``), drawn from ``total``.

    The view holds the bulk of the customers (``segmentation.space.view_limits``): a few far-off customers (or
    a centre) are drawn at its edge as open markers, with a note, instead of squeezing everyone else into a
    corner.
    """
    figure = Figure(figsize=(9, 6.5), layout="constrained")
    ax = figure.subplots()
    colours = _colours(len(segment_profiles))
    x_limits, y_limits = view_limits(shown["map_x"]), view_limits(shown["map_y"])
    outside = beyond_view(shown["map_x"], shown["map_y"], x_limits, y_limits)
    x, y = np.clip(shown["map_x"], *x_limits), np.clip(shown["map_y"], *y_limits)
    for segment, label, colour in zip(segment_profiles["segment_id"], _segment_labels(segment_profiles), colours):
        members = (shown["segment_id"] == segment).to_numpy()
        ax.scatter(x[members & ~outside], y[members & ~outside], s=8, alpha=0.5, color=colour, label=label,
                   linewidths=0)
        ax.scatter(x[members & outside], y[members & outside], s=40, facecolors="none", edgecolors=colour,
                   linewidths=1.5)
    centre_x, centre_y = np.clip(segment_profiles["map_x"], *x_limits), np.clip(segment_profiles["map_y"], *y_limits)
    ax.scatter(centre_x, centre_y, marker="X", s=220, c=colours, edgecolors="black")
    for segment, cx, cy in zip(segment_profiles["segment_id"], centre_x, centre_y):
        ax.annotate(str(segment), (cx, cy), xytext=(8, 8), textcoords="offset points", fontweight="bold")
    pad_x, pad_y = 0.03 * (x_limits[1] - x_limits[0]), 0.03 * (y_limits[1] - y_limits[0])
    ax.set_xlim(x_limits[0] - pad_x, x_limits[1] + pad_x)
    ax.set_ylim(y_limits[0] - pad_y, y_limits[1] + pad_y)
    shown_of = f"all {total:,}" if len(shown) == total else f"{len(shown):,} of {total:,}"
    ax.set(
        xlabel="Map x (principal component 1)",
        ylabel="Map y (principal component 2)",
        title=f"Segment map: {shown_of} customers, centres marked X",
    )
    far = int(outside.sum()) + int(beyond_view(segment_profiles["map_x"], segment_profiles["map_y"], x_limits,
                                               y_limits).sum())
    if far:
        ax.text(0.01, 0.01, f"{map_note(int(outside.sum()), segment_profiles, x_limits, y_limits)}",
                transform=ax.transAxes, fontsize="small", va="bottom", color="#444")
    ax.legend(loc="best", fontsize="small", markerscale=2, framealpha=0.9)
    return figure


def map_note(customers_beyond: int, segment_profiles: pd.DataFrame, x_limits: tuple[float, float],
             y_limits: tuple[float, float]) -> str:
    """"3 customers (and the centre of segment 4) lie beyond this view: drawn at its edge, as open circles"."""
    centres = segment_profiles.loc[beyond_view(segment_profiles["map_x"], segment_profiles["map_y"], x_limits,
                                               y_limits), "segment_id"].tolist()
    parts = [f"{customers_beyond:,} customer{'s' if customers_beyond != 1 else ''}"] if customers_beyond else []
    if centres:
        parts.append(f"the centre of segment {', '.join(map(str, centres))}")
    return f"{' and '.join(parts)} beyond this view (the bulk of the customers): drawn at its edge"


def plot_profile_heatmap(segment_profiles: pd.DataFrame, features: dict[str, Any]) -> Figure:
    """Centre z-score of every number feature per segment: how each segment differs from the population
    (category features have no z-score: the profiles give their most frequent category).

    Args:
        segment_profiles: Output of ``profile_segments``.
        features: The feature table (labels and units).
    """
    table = FeatureTable(FeatureTable.from_config(features).numeric)
    z_columns = [f"{name}_z" for name in table.names]
    z = segment_profiles[z_columns].to_numpy()
    limit = max(1.0, float(np.abs(z).max()))
    figure = Figure(figsize=(2.2 * len(z_columns) + 4, 0.6 * len(z) + 2), layout="constrained")
    ax = figure.subplots()
    image = ax.imshow(z, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    for (row, column), value in np.ndenumerate(z):
        colour = "white" if abs(value) > limit / 2 else "black"
        ax.text(column, row, f"{value:+.1f}", ha="center", va="center", color=colour)
    ax.set_xticks(range(len(z_columns)), [axis_label(feature) for feature in table])
    ax.set_yticks(range(len(z)), _segment_labels(segment_profiles))
    ax.set_title("Segment centres vs the whole population (z-score: sd from the mean)")
    figure.colorbar(image, ax=ax, label="z-score")
    return figure


def plot_segment_sizes(segment_profiles: pd.DataFrame) -> Figure:
    """Number of customers and share per segment.

    Args:
        segment_profiles: Output of ``profile_segments``.
    """
    figure = Figure(figsize=(9, 0.6 * len(segment_profiles) + 2), layout="constrained")
    ax = figure.subplots()
    labels = _segment_labels(segment_profiles)
    bars = ax.barh(labels, segment_profiles["size"], color=_colours(len(segment_profiles)))
    counts = [f"{n:,} ({format_share(s)})" for n, s in zip(segment_profiles["size"], segment_profiles["share"])]
    ax.bar_label(bars, counts, padding=4)
    ax.invert_yaxis()
    ax.margins(x=0.2)
    ax.set(xlabel="Customers", title="Segment sizes")
    return figure
