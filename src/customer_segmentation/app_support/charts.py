"""Interactive plotly charts for the app and the notebook (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from customer_segmentation.features import FeatureTable
from customer_segmentation.features.units import axis_label as feature_axis_label

MAP_AXES = ("map_x", "map_y")
MAP_LABELS = {"map_x": "Segment map, axis 1 (PCA)", "map_y": "Segment map, axis 2 (PCA)"}
_PALETTE = qualitative.Safe
# No template: Streamlit applies its own theme, and resolving a named template costs ~30 ms per figure.
_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), legend=dict(title=None))


def segment_colours(profiles: pd.DataFrame) -> dict[str, str]:
    """One colour per segment name, stable across charts (by segment id)."""
    ordered = profiles.sort_values("segment_id")
    return {str(name): _PALETTE[int(i) % len(_PALETTE)] for i, name in zip(ordered["segment_id"], ordered["segment_name"])}


def axis_label(column: str, table: FeatureTable) -> str:
    """A map axis, or a feature with its unit ("Annual income (USD)")."""
    if column in MAP_LABELS:
        return MAP_LABELS[column]
    feature = table.get(column)
    return feature_axis_label(feature) if feature is not None else column


def segment_map(
    points: pd.DataFrame,
    profiles: pd.DataFrame,
    table: FeatureTable,
    x: str = "map_x",
    y: str = "map_y",
    customer: dict[str, float] | None = None,
    hover: Sequence[str] = (),
) -> go.Figure:
    """Customers coloured by segment, segment centres as large markers, optionally one customer.

    Args:
        points: Customers with ``segment_name`` and the ``x``/``y`` columns.
        profiles: ``segment_profiles``; centres are ``map_x``/``map_y`` or ``<feature>_mean``.
        table: The model's feature table (axis labels and units).
        x, y: ``map_x``/``map_y`` (PCA map) or two feature columns (original units).
        customer: ``{x: ..., y: ...}`` of a customer to highlight.
        hover: Extra columns shown on hover.
    """
    colours = segment_colours(profiles)
    figure = go.Figure()
    for name, group in points.groupby("segment_name", sort=False):
        hover_cols = [c for c in hover if c in group.columns]
        figure.add_trace(
            go.Scatter(  # numpy arrays: plotly converts pandas columns slowly
                x=group[x].to_numpy(), y=group[y].to_numpy(), mode="markers", name=str(name), legendgroup=str(name),
                marker=dict(color=colours.get(str(name), "#888"), size=5, opacity=0.55),
                customdata=group[hover_cols].to_numpy() if hover_cols else None,
                hovertemplate=_hover(hover_cols, x, y, table) + f"<extra>{name}</extra>",
            )
        )
    centre_x = (profiles[x] if x in MAP_AXES else profiles[f"{x}_mean"]).to_numpy()
    centre_y = (profiles[y] if y in MAP_AXES else profiles[f"{y}_mean"]).to_numpy()
    figure.add_trace(
        go.Scatter(
            x=centre_x, y=centre_y, mode="markers", name="Segment centres", text=profiles["segment_name"].tolist(),
            marker=dict(symbol="x", size=16, color=[colours[str(n)] for n in profiles["segment_name"]],
                        line=dict(width=2, color="#222")),
            hovertemplate="%{text}<br>centre<extra></extra>",
        )
    )
    labels = [dict(x=cx, y=cy, text=str(name), showarrow=False, yshift=18, font=dict(size=12, color="#222"),
                   bgcolor="rgba(255,255,255,0.85)", borderpad=2)
              for name, cx, cy in zip(profiles["segment_name"], centre_x, centre_y)]
    if customer is not None:
        figure.add_trace(
            go.Scatter(
                x=[customer[x]], y=[customer[y]], mode="markers", name="This customer",
                marker=dict(symbol="star", size=22, color="#111", line=dict(width=2, color="#fff")),
                hovertemplate="This customer<extra></extra>",
            )
        )
    figure.update_layout(xaxis_title=axis_label(x, table), yaxis_title=axis_label(y, table), height=520,
                         annotations=labels,
                         **_LAYOUT)
    return figure


def segment_sizes(profiles: pd.DataFrame) -> go.Figure:
    """Customers per segment, with their share."""
    colours = segment_colours(profiles)
    ordered = profiles.sort_values("size")
    figure = go.Figure(
        go.Bar(
            x=ordered["size"], y=ordered["segment_name"], orientation="h",
            marker_color=[colours[str(n)] for n in ordered["segment_name"]],
            text=[f"{s:,} ({p:.0%})" for s, p in zip(ordered["size"], ordered["share"])],
            textposition="auto", hovertemplate="%{y}: %{x:,} customers<extra></extra>",
        )
    )
    figure.update_layout(xaxis_title="Customers", height=80 + 45 * len(profiles), **_LAYOUT)
    return figure


def distance_chart(distances: pd.DataFrame, profiles: pd.DataFrame) -> go.Figure:
    """How far one customer is from every segment centre (shorter = closer)."""
    colours = segment_colours(profiles)
    ordered = distances.sort_values("distance", ascending=False)
    figure = go.Figure(
        go.Bar(
            x=ordered["distance"], y=ordered["segment_name"], orientation="h",
            marker_color=[colours.get(str(n), "#888") for n in ordered["segment_name"]],
            marker_line=dict(width=[3 if a else 0 for a in ordered["assigned"]], color="#111"),
            text=[f"{d:.2f}" for d in ordered["distance"]], textposition="auto",
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis_title="Distance (shorter = closer)",
        height=80 + 45 * len(distances), **_LAYOUT,
    )
    return figure


def k_sweep_chart(k_sweep: pd.DataFrame, chosen_k: int | None) -> go.Figure:
    """The k sweep: one small chart per quality measure, the chosen k marked."""
    measures = [
        (c, t) for c, t in (
            ("silhouette", "Silhouette (higher is better)"),
            ("stability", "Stability (higher is better)"),
            ("inertia", "Inertia (look for the elbow)"),
            ("davies_bouldin", "Davies-Bouldin (lower is better)"),
        ) if c in k_sweep.columns and k_sweep[c].notna().any()
    ]
    figure = make_subplots(rows=1, cols=max(1, len(measures)), subplot_titles=[t for _, t in measures])
    for position, (column, _) in enumerate(measures, start=1):
        figure.add_trace(
            go.Scatter(x=k_sweep["k"], y=k_sweep[column], mode="lines+markers", name=column, showlegend=False,
                       line=dict(color=_PALETTE[0])),
            row=1, col=position,
        )
        if chosen_k is not None:
            figure.add_vline(x=chosen_k, line=dict(dash="dash", color="#d62728"), row=1, col=position)
        figure.update_xaxes(title_text="k (segments)", dtick=1, row=1, col=position)
    figure.update_layout(height=320, **_LAYOUT)
    return figure


def runs_chart(runs: pd.DataFrame, metric: str, current_run: str | None = None) -> go.Figure:
    """One metric across MLflow runs, oldest first; the run behind the served model highlighted."""
    label = metric.removeprefix("metrics.")
    ordered = runs.dropna(subset=[metric]).sort_values("start_time")
    ks = ordered["metrics.k"] if "metrics.k" in ordered.columns else [None] * len(ordered)
    labels = [" · ".join([f"{start:%m-%d %H:%M:%S}", *([f"k={k:.0f}"] if pd.notna(k) else []), str(rid)[:8]])
              for start, k, rid in zip(ordered["start_time"], ks, ordered["mlflow_run_id"])]
    colours = [("#d62728" if rid == current_run else _PALETTE[0]) for rid in ordered["mlflow_run_id"]]
    figure = go.Figure(
        go.Bar(x=labels, y=ordered[metric], marker_color=colours, width=0.5 if len(ordered) <= 3 else None,
               customdata=ordered["start_time"].astype(str),
               hovertemplate="%{x}<br>started %{customdata}<br>" + label + " %{y:.4g}<extra></extra>")
    )
    figure.update_layout(yaxis_title=label, xaxis_title="MLflow run, oldest to newest (UTC start · k · run id)",
                         height=340, **_LAYOUT)
    return figure


def _hover(columns: Sequence[str], x: str, y: str, table: FeatureTable) -> str:
    lines = [f"{axis_label(x, table)}: %{{x:,.4g}}", f"{axis_label(y, table)}: %{{y:,.4g}}"]
    lines += [f"{c}: %{{customdata[{i}]}}" for i, c in enumerate(columns)]
    return "<br>".join(lines)
