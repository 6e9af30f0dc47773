"""Segments: headline numbers, the segment chart, sizes and the profile table."""

import streamlit as st

import app_common
from customer_segmentation.app_support import charts
from customer_segmentation.app_support.scoring import chart_sample
from customer_segmentation.features.units import axis_label, currency_symbol

st.title("Customer segments")
bundle = app_common.bundle_or_message()
if bundle is None:
    st.stop()

metrics, selection = bundle.metrics, bundle.k_selection or {}
columns = st.columns([1, 1, 1, 2])
columns[0].metric("Customers", f"{int(metrics.get('n_customers', len(bundle.segments))):,}")
columns[1].metric("Segments", bundle.k)
silhouette = metrics.get("silhouette")
columns[2].metric(
    "Silhouette", "n/a" if silhouette is None else f"{silhouette:.2f}",
    help="How well separated the segments are, from -1 to 1. "
         + (f"Structure: {selection['structure']}." if selection.get("structure") else ""),
)
trained = bundle.trained_at
columns[3].metric("Trained (UTC)", f"{trained:%Y-%m-%d %H:%M}" if trained else bundle.version,
                  help=f"Kedro run {bundle.version}")
run_line = st.empty()

st.subheader("Segment chart")
view = st.radio("Show customers on", ["Segment map (PCA)", "Two features"], horizontal=True, key="segments_view")
if view == "Two features":
    picks = st.columns(2)
    label = lambda name: axis_label(bundle.table[name])  # noqa: E731
    x = picks[0].selectbox("Horizontal axis", bundle.features, index=0, format_func=label, key="segments_x")
    y = picks[1].selectbox("Vertical axis", bundle.features, index=1, format_func=label, key="segments_y")
else:
    x, y = charts.MAP_AXES
points = chart_sample(bundle)
st.plotly_chart(
    charts.segment_map(points, bundle.profiles, bundle.table, x, y, hover=["customer_id", *bundle.features]),
    key="segments_map",
)
if len(points) < len(bundle.segments):
    st.caption(f"A random {len(points):,} of {len(bundle.segments):,} customers are drawn; centres use everyone.")

left, right = st.columns([2, 3])
with left:
    st.subheader("Segment sizes")
    st.plotly_chart(charts.segment_sizes(bundle.profiles), key="segments_sizes")
with right:
    st.subheader("What each segment is")
    for row in bundle.profiles.itertuples():
        st.markdown(f"**{row.segment_name}** ({row.share:.0%}): {row.description}  \n"
                    f"*Suggested action:* {row.suggested_action}")

st.subheader("Segment profiles")
table = bundle.profiles[["segment_name", "size", "share", *[f"{f}_mean" for f in bundle.features],
                         *[f"{f}_median" for f in bundle.features], "description", "suggested_action"]]
config = {
    "segment_name": "Segment", "size": st.column_config.NumberColumn("Customers", format="localized"),
    "share": st.column_config.NumberColumn("Share", format="percent"),
    "description": "Description", "suggested_action": "Suggested action",
}
for feature in bundle.table:
    symbol = currency_symbol(feature)
    fmt = f"{symbol}%.0f" if symbol else f"%.1f {feature.unit}".strip()
    for statistic in ("mean", "median"):
        config[f"{feature.name}_{statistic}"] = st.column_config.NumberColumn(
            f"{axis_label(feature)}, {statistic}", format="dollar" if symbol == "$" else fmt, help=feature.unit)
st.dataframe(table, hide_index=True, column_config=config, key="segments_profiles")

# Last, so the page is already on screen while the tracking store is asked.
if bundle.tracking_uri and bundle.experiment_name:
    try:
        run = app_common.training_run(bundle.tracking_uri, bundle.experiment_name, bundle.version)
    except Exception as error:  # the tracking store is optional for this page
        run_line.caption(f"MLflow run: unavailable ({error})")
    else:
        run_line.caption(
            f"Trained by MLflow run **{run['run_name']}** `{run['mlflow_run_id']}` (Kedro run `{bundle.version}`); "
            "see Model & runs." if run else f"Kedro run `{bundle.version}`: no MLflow run is tagged with it."
        )
