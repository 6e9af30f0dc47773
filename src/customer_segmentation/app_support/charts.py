"""Interactive charts for the app and the notebook, as Vega-Lite specifications (no Streamlit here).

Vega-Lite draws on a canvas in the browser, fast without a GPU, and its data travels as Arrow; a
chart is a :class:`Chart`: the frame of its large layer (``data``, may be None) and the specification,
whose small layers (segment centres, one customer) carry their rows inline. Pages show it with
``st.vega_lite_chart(chart.data, chart.spec)``. Colours are fixed per segment id, the same in
every chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from customer_segmentation.features import FeatureTable
from customer_segmentation.features.units import axis_label as feature_axis_label
from customer_segmentation.features.units import format_share
from customer_segmentation.names import SEGMENT_COLOURS, segment_colour
from customer_segmentation.segmentation.space import beyond_view, view_limits

MAP_AXES = ("map_x", "map_y")
_MAP_WIDTH, _MAP_HEIGHT = 760, 480
_LABEL_OFFSETS = (-18, 22)  # a centre's name above it, else below it
MAP_LABELS = {"map_x": "Segment map, axis 1 (PCA)", "map_y": "Segment map, axis 2 (PCA)"}
_CHOSEN_COLOUR = "#d62728"


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite chart: ``spec`` and the frame its main layer draws (None when every layer is inline)."""

    data: pd.DataFrame | None
    spec: dict[str, Any]
    note: str | None = None  # what the chart leaves out or moves, for a caption under it


def segment_colours(profiles: pd.DataFrame) -> dict[str, str]:
    """One colour per segment name, stable across charts (by segment id)."""
    ordered = profiles.sort_values("segment_id")
    return {str(name): segment_colour(i) for i, name in zip(ordered["segment_id"], ordered["segment_name"])}


def _colour_scale(profiles: pd.DataFrame) -> dict[str, Any]:
    colours = segment_colours(profiles)
    return {"domain": list(colours), "range": list(colours.values())}


def axis_label(column: str, table: FeatureTable) -> str:
    """A map axis, or a feature with its unit ("Annual income (USD)")."""
    if column in MAP_LABELS:
        return MAP_LABELS[column]
    feature = table.get(column)
    return feature_axis_label(feature) if feature is not None else column


def segment_map(points: pd.DataFrame, profiles: pd.DataFrame, table: FeatureTable, x: str = "map_x",
                y: str = "map_y", customer: dict[str, float] | None = None, hover: Sequence[str] = ()) -> Chart:
    """Customers coloured by segment, segment centres as crosses with their names, optionally one customer.

    Args:
        points: Customers with ``segment_name`` and the ``x``/``y`` columns.
        profiles: ``segment_profiles``; centres are ``map_x``/``map_y`` or ``<feature>_mean``.
        table: The model's feature table (axis labels and units).
        x, y: ``map_x``/``map_y`` (PCA map) or two feature columns (their units).
        customer: ``{x: ..., y: ...}`` of a customer to highlight.
        hover: Extra columns shown on hover.
    """
    hover = [c for c in hover if c in points.columns and c not in (x, y)]
    shown = points[list(dict.fromkeys(["segment_name", x, y, *hover]))].copy()
    shown["segment_name"] = shown["segment_name"].astype(str)
    colour = {"field": "segment_name", "type": "nominal", "scale": _colour_scale(profiles),
              "legend": {"title": None, "orient": "bottom", "columns": 2, "labelLimit": 400}}
    x_limits, y_limits = view_limits(shown[x]), view_limits(shown[y])
    # Values beyond the view are drawn at its edge (clamp): one far-off customer does not squeeze the others.
    position = {"x": {"field": x, "type": "quantitative", "title": axis_label(x, table),
                      "scale": {"zero": False, "domain": list(x_limits), "clamp": True, "nice": False}},
                "y": {"field": y, "type": "quantitative", "title": axis_label(y, table),
                      "scale": {"zero": False, "domain": list(y_limits), "clamp": True, "nice": False}}}
    centres = [{x: float(row[x] if x in MAP_AXES else row[f"{x}_mean"]),
                y: float(row[y] if y in MAP_AXES else row[f"{y}_mean"]), "segment_name": str(row["segment_name"])}
               for _, row in profiles.iterrows()]
    for centre, offset in zip(centres, label_offsets(centres, x, y, x_limits, y_limits)):
        centre["label_dy"] = offset
        centre["label"] = centre["segment_name"] if offset is not None else ""
    tooltip = [{"field": "segment_name", "title": "Segment"},
               *({"field": c, "title": axis_label(c, table), "format": ",.4~g" if c in MAP_AXES or (
                   c in table.names and not table[c].is_category) else None} for c in [x, y, *hover])]
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "circle", "size": 22, "opacity": 0.55},
         "encoding": {**position, "color": colour, "tooltip": [{k: v for k, v in t.items() if v is not None}
                                                             for t in tooltip]}},
        {"data": {"values": centres}, "mark": {"type": "point", "shape": "cross", "size": 320, "filled": True,
                                               "stroke": "#222", "strokeWidth": 1.5},
         "encoding": {**position, "color": {**colour, "legend": None},
                      "tooltip": [{"field": "segment_name", "title": "Centre of"}]}},
        *({"data": {"values": [c for c in centres if c["label_dy"] == dy]},
           "mark": {"type": "text", "dy": dy, "fontSize": 12, "fontWeight": "bold"},
           "encoding": {**position, "text": {"field": "label"}}} for dy in _LABEL_OFFSETS),
    ]
    if customer is not None:
        layers.append({"data": {"values": [{x: float(customer[x]), y: float(customer[y]), "label": "This customer"}]},
                       "mark": {"type": "point", "shape": "diamond", "size": 480, "filled": True, "color": "#111",
                                "opacity": 1, "stroke": "#fff", "strokeWidth": 2},
                       "encoding": {**position, "tooltip": [{"field": "label", "title": ""}]}})
    far = int(beyond_view(shown[x], shown[y], x_limits, y_limits).sum())
    note = (f"{far:,} customer{'s' if far != 1 else ''} far from the others "
            f"{'is' if far == 1 else 'are'} drawn at the edge of the chart.") if far else None
    return Chart(shown, {"width": "container", "height": _MAP_HEIGHT, "layer": layers}, note)


def label_offsets(centres: list[dict[str, Any]], x: str, y: str, x_limits: tuple[float, float],
                  y_limits: tuple[float, float]) -> list[int | None]:
    """Per centre, where its name goes so that no two names overlap: above it, below it, or nowhere (None:
    the legend names it). Sizes are estimated for a map about ``_MAP_WIDTH`` pixels wide."""
    placed: list[tuple[float, float, float, float]] = []
    offsets: list[int | None] = []
    for centre in centres:
        px = (min(max(centre[x], x_limits[0]), x_limits[1]) - x_limits[0]) / (x_limits[1] - x_limits[0]) * _MAP_WIDTH
        py = (y_limits[1] - min(max(centre[y], y_limits[0]), y_limits[1])) / (y_limits[1] - y_limits[0]) * _MAP_HEIGHT
        half = 3.6 * len(centre["segment_name"]) + 4
        chosen = None
        for dy in _LABEL_OFFSETS:
            box = (px - half, px + half, py + dy - 9, py + dy + 9)
            if not any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3] for b in placed):
                chosen = dy
                placed.append(box)
                break
        offsets.append(chosen)
    return offsets


def segment_sizes(profiles: pd.DataFrame) -> Chart:
    """Customers per segment, with their share."""
    rows = [{"segment_name": str(r.segment_name), "size": int(r.size), "label": f"{int(r.size):,} ({format_share(r.share)})"}
            for r in profiles.sort_values("size", ascending=False).itertuples()]
    largest = max((row["size"] for row in rows), default=1)
    encoding = {"y": {"field": "segment_name", "type": "nominal", "sort": None, "title": None,
                      "axis": {"labelLimit": 300}},
                "x": {"field": "size", "type": "quantitative", "title": "Customers",
                      "scale": {"domainMax": largest * 1.35}}}  # room for the labels
    return Chart(None, {"width": "container", "height": 45 * len(rows) + 40, "data": {"values": rows}, "layer": [
        {"mark": "bar", "encoding": {**encoding, "color": {"field": "segment_name", "scale": _colour_scale(profiles),
                                                           "legend": None},
                                     "tooltip": [{"field": "segment_name"}, {"field": "label", "title": "Customers"}]}},
        {"mark": {"type": "text", "align": "left", "dx": 4}, "encoding": {**encoding, "text": {"field": "label"}}},
    ]})


def distance_chart(distances: pd.DataFrame, profiles: pd.DataFrame) -> Chart:
    """How close one customer is to every segment, their segment outlined: the distance to each centre (shorter
    = closer), or for a segmenter with probabilities the probability of belonging to each segment."""
    measure = "membership" if "membership" in distances.columns else "distance"
    rows = [{"segment_name": str(r.segment_name), "distance": round(float(getattr(r, measure)), 3),
             "assigned": bool(r.assigned)} for r in distances.itertuples()]
    farthest = max((row["distance"] for row in rows), default=1.0)
    title = "Membership probability (higher = closer)" if measure == "membership" else "Distance (shorter = closer)"
    encoding = {"y": {"field": "segment_name", "type": "nominal", "sort": None, "title": None,
                      "axis": {"labelLimit": 300}},
                "x": {"field": "distance", "type": "quantitative", "title": title,
                      "scale": {"domainMax": farthest * 1.25}}}
    return Chart(None, {"width": "container", "height": 45 * len(rows) + 40, "data": {"values": rows}, "layer": [
        {"mark": {"type": "bar", "stroke": "#111"},
         "encoding": {**encoding, "color": {"field": "segment_name", "scale": _colour_scale(profiles), "legend": None},
                      "strokeWidth": {"condition": {"test": "datum.assigned", "value": 3}, "value": 0},
                      "tooltip": [{"field": "segment_name"}, {"field": "distance"}]}},
        {"mark": {"type": "text", "align": "left", "dx": 4}, "encoding": {**encoding, "text": {"field": "distance"}}},
    ]})


def k_sweep_chart(k_sweep: pd.DataFrame, chosen_k: int | None) -> Chart:
    """The k sweep: one small chart per quality measure, the chosen k marked."""
    measures = [(c, t) for c, t in (("silhouette", "Silhouette (higher is better)"),
                                    ("stability", "Stability (higher is better)"),
                                    ("inertia", "Inertia (look for the elbow)"),
                                    ("cost", "Cost (k-prototypes; look for the elbow)"),
                                    ("davies_bouldin", "Davies-Bouldin (lower is better)"))
                if c in k_sweep.columns and k_sweep[c].notna().any()]
    rows = k_sweep[["k", *(c for c, _ in measures)]].to_dict("records")
    panels = []
    for column, title in measures:
        layers = [{"mark": {"type": "line", "point": True, "color": SEGMENT_COLOURS[4]},
                   "encoding": {"x": {"field": "k", "type": "quantitative", "title": "k (segments)",
                                      "axis": {"tickMinStep": 1}},
                                "y": {"field": column, "type": "quantitative", "title": None, "scale": {"zero": False}},
                                "tooltip": [{"field": "k"}, {"field": column, "format": ".4~g"}]}}]
        if chosen_k is not None:
            layers.append({"data": {"values": [{"k": chosen_k}]}, "mark": {"type": "rule", "strokeDash": [6, 4],
                                                                          "color": _CHOSEN_COLOUR},
                           "encoding": {"x": {"field": "k", "type": "quantitative"}}})
        panels.append({"title": title, "width": 180, "height": 220, "layer": layers})
    return Chart(None, {"data": {"values": rows}, "hconcat": panels})


def runs_chart(runs: pd.DataFrame, metric: str, label: str, current_run: str | None = None) -> Chart:
    """One metric across MLflow runs, oldest first; the run behind the served model in red."""
    ordered = runs.dropna(subset=[metric]).sort_values("start_time")
    rows = [{"run": f"{start:%m-%d %H:%M} · {name}", "value": float(value),
             "serving": run_id == current_run, "started": str(start)}
            for start, name, value, run_id in zip(ordered["start_time"], ordered["run_name"], ordered[metric],
                                                  ordered["mlflow_run_id"])]
    return Chart(None, {"width": "container", "height": 320, "data": {"values": rows},
                        "mark": {"type": "bar", "size": 28},
                        "encoding": {"x": {"field": "run", "type": "nominal", "sort": None, "title": None,
                                           "axis": {"labelAngle": -30, "labelLimit": 260}},
                                     "y": {"field": "value", "type": "quantitative", "title": label},
                                     "color": {"condition": {"test": "datum.serving", "value": _CHOSEN_COLOUR},
                                               "value": SEGMENT_COLOURS[4]},
                                     "tooltip": [{"field": "run"}, {"field": "started"},
                                                 {"field": "value", "title": label, "format": ".4~g"}]}})


def history_chart(history: pd.DataFrame, profiles: pd.DataFrame) -> Chart:
    """Each segment's share of the customers in every scored batch, oldest first."""
    shown = history.assign(batch_label=history["batch"].astype(str) + " (" +
                           history["scored_at"].astype(str).str[:19].str.replace("T", " ") + ")",
                           segment_name=history["segment_name"].astype(str))
    return Chart(shown[["batch_label", "segment_name", "share", "size", "rows"]], {
        "width": "container", "height": 300, "mark": {"type": "line", "point": {"size": 60}, "strokeWidth": 2.5},
        "encoding": {"x": {"field": "batch_label", "type": "ordinal", "sort": None, "title": "Batch (file, scored at)",
                           "axis": {"labelAngle": 0, "labelLimit": 220}},
                     "y": {"field": "share", "type": "quantitative", "title": "Share of the batch",
                           "axis": {"format": "%"}},
                     "color": {"field": "segment_name", "type": "nominal", "scale": _colour_scale(profiles),
                               "legend": {"title": None, "orient": "bottom", "columns": 2, "labelLimit": 400}},
                     "tooltip": [{"field": "segment_name", "title": "Segment"},
                                 {"field": "batch_label", "title": "Batch"},
                                 {"field": "share", "format": ".1%"}, {"field": "size", "title": "Customers"}]}})


def movement_chart(movement: pd.DataFrame) -> Chart:
    """Who went where between two snapshots: one cell per (from, to) with its customers; the moves coloured by
    how many made them, those who stayed in grey (they would drown the moves' colours)."""
    order = list(dict.fromkeys([*movement["from_segment_name"], *movement["to_segment_name"]]))
    data = movement.assign(stayed=movement["from_segment_id"] == movement["to_segment_id"],
                           share_text=movement["share"].map(lambda s: format_share(s)))
    axis = {"labelLimit": 220, "labelAngle": 0, "labelOverlap": False}
    # Names break at their commas ("Young, / high spend, / low savings"), so every column keeps its label.
    position = {"x": {"field": "to_segment_name", "type": "nominal", "sort": order, "title": "Now in",
                      "axis": {**axis, "labelExpr": "split(datum.label, ', ')"}},
                "y": {"field": "from_segment_name", "type": "nominal", "sort": order, "title": "Before in",
                      "axis": axis}}
    tooltip = [{"field": "from_segment_name", "title": "From"}, {"field": "to_segment_name", "title": "To"},
               {"field": "customers", "title": "Customers", "format": ","},
               {"field": "share_text", "title": "Share of 'from'"}]
    return Chart(data, {"width": "container", "height": 40 * len(order) + 40, "encoding": position, "layer": [
        {"mark": {"type": "rect", "stroke": "white"}, "transform": [{"filter": "!datum.stayed"}],
         "encoding": {"color": {"field": "customers", "type": "quantitative", "title": "Customers moved",
                                "scale": {"scheme": "oranges"}}, "tooltip": tooltip}},
        {"mark": {"type": "rect", "stroke": "white", "color": "#d9d9d9"}, "transform": [{"filter": "datum.stayed"}],
         "encoding": {"tooltip": tooltip}},
        {"mark": {"type": "text", "fontSize": 12}, "encoding": {"text": {"field": "customers", "format": ","}}},
    ]})
