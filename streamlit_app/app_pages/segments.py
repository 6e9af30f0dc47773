"""Segments: headline numbers, the segment chart, sizes, profiles, two segments compared, audiences to download."""

import streamlit as st

# The title first: it is on screen while the imports below run (seconds on the first page of a new server).
st.title("Customer segments")

import app_common  # noqa: E402
from customer_segmentation.app_support import charts, insights  # noqa: E402
from customer_segmentation.app_support.scoring import chart_sample  # noqa: E402
from customer_segmentation.app_support.text import as_text  # noqa: E402
from customer_segmentation.features.units import axis_label, format_share, table_format  # noqa: E402
from customer_segmentation.io.spreadsheets import spreadsheet_safe_csv  # noqa: E402

PERCENT = "%.0f %%"  # shares and rates read "42 %" everywhere (features/units.py: format_share)

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
st.caption(f"Kedro run `{bundle.version}`; the MLflow run behind it and the runs to compare: Model & runs.")

st.subheader("Segment chart")
view = st.radio("Show customers on", ["Segment map (PCA)", "Two features"], horizontal=True, key="segments_view")
numbers = [feature.name for feature in bundle.table.numeric]  # category features have no axis
if view == "Two features":
    picks = st.columns(2)
    label = lambda name: axis_label(bundle.table[name])  # noqa: E731
    x = picks[0].selectbox("Horizontal axis", numbers, index=0, format_func=label, key="segments_x")
    y = picks[1].selectbox("Vertical axis", numbers, index=min(1, len(numbers) - 1), format_func=label,
                           key="segments_y")
else:
    x, y = charts.MAP_AXES
points = chart_sample(bundle)
chart = charts.segment_map(points, bundle.profiles, bundle.table, x, y, hover=["customer_id", *bundle.features])
st.vega_lite_chart(chart.data, chart.spec, key="segments_map")
if len(points) < len(bundle.segments):
    st.caption(f"A random {len(points):,} of {len(bundle.segments):,} customers are drawn; centres use everyone.")
if chart.note:
    st.caption(as_text(chart.note))

st.subheader("Segment sizes")
sizes = charts.segment_sizes(bundle.profiles)
st.vega_lite_chart(sizes.data, sizes.spec, key="segments_sizes")

st.subheader("What each segment is")
for row in bundle.profiles.itertuples():
    st.markdown(f"**{as_text(row.segment_name)}** ({format_share(row.share)}): {as_text(row.description)}  \n"
                f"*Suggested action:* {as_text(row.suggested_action)}")

if bundle.outcomes is not None:
    st.subheader("Outcomes by segment")
    st.caption("Each segment's rate with its 95 % interval (Wilson), the rate over all customers, and the lift "
               "(segment rate / overall rate: above 1, more likely than the average customer).")
    st.dataframe(insights.outcome_table(bundle), hide_index=True, key="segments_outcomes", column_config={
        "segment": "Segment", "outcome": "Outcome", "customers": st.column_config.NumberColumn(
            "Customers", help="Customers with a known outcome", format="localized"),
        "rate": st.column_config.NumberColumn("Rate", format=PERCENT), "95 % interval": "95 % interval",
        "overall": st.column_config.NumberColumn("Overall", format=PERCENT),
        "lift": st.column_config.NumberColumn("Lift", format="%.2f×")})
if bundle.categories is not None:
    st.subheader("Mix of each segment")
    profile_columns = list(dict.fromkeys(bundle.categories["column"]))
    column = st.selectbox("Column", profile_columns, key="segments_mix_column") if len(profile_columns) > 1 \
        else profile_columns[0]
    shares = insights.mix_table(bundle, column)
    st.dataframe(shares, hide_index=True, key="segments_mix", column_config={
        name: st.column_config.NumberColumn(name, format=PERCENT) for name in shares.columns[1:]})

st.subheader("Segment profiles")
outcome_columns = [c for c in bundle.profiles.columns if c.endswith("_rate") and f"{c}_low" in bundle.profiles]
categories = [f"{f.name}_{statistic}" for f in bundle.table.categorical for statistic in ("mode", "share")]
table = bundle.profiles[["segment_name", "size", "share", *[f"{f}_mean" for f in numbers],
                         *[f"{f}_median" for f in numbers], *categories, *outcome_columns, "description",
                         "suggested_action"]]
shares = ["share", *outcome_columns, *(c for c in categories if c.endswith("_share"))]
table = table.assign(**{column: table[column] * 100 for column in shares})
config = {
    "segment_name": "Segment", "size": st.column_config.NumberColumn("Customers", format="localized"),
    "share": st.column_config.NumberColumn("Share", format=PERCENT),
    "description": "Description", "suggested_action": "Suggested action",
}
labels = {} if bundle.outcomes is None else dict(zip(bundle.outcomes["outcome"], bundle.outcomes["label"]))
for column in outcome_columns:
    config[column] = st.column_config.NumberColumn(labels.get(column.removesuffix("_rate"), column), format=PERCENT)
for feature in bundle.table.categorical:
    config[f"{feature.name}_mode"] = f"{feature.label}, most frequent"
    config[f"{feature.name}_share"] = st.column_config.NumberColumn(f"{feature.label}, its share", format=PERCENT)
for feature in bundle.table.numeric:
    for statistic in ("mean", "median"):
        config[f"{feature.name}_{statistic}"] = st.column_config.NumberColumn(
            f"{axis_label(feature)}, {statistic}", format=table_format(feature), help=feature.unit)
st.dataframe(table, hide_index=True, column_config=config, key="segments_profiles")

st.subheader("Compare two segments")
names = bundle.segment_names
ids = list(names)
pair = st.columns(2)
first = pair[0].selectbox("Segment", ids, index=0, format_func=names.get, key="compare_first")
second = pair[1].selectbox("with", ids, index=1 if len(ids) > 1 else 0, format_func=names.get, key="compare_second")
if first == second:
    st.caption("Pick two different segments.")
else:
    st.dataframe(insights.compare_segments(bundle, first, second), hide_index=True, key="compare_table",
                 column_config={"effect size d": st.column_config.NumberColumn(
                     "Effect size d", help="Difference of the means in pooled standard deviations (Cohen's d; for "
                     "an outcome, Cohen's h of the two rates): about 0.2 small, 0.5 medium, 0.8 large"),
                     "in words": st.column_config.TextColumn("In words", width="large")})

st.subheader("Audiences for campaigns")
chosen = st.multiselect("Customers of the segments", ids, default=ids[:1], format_func=names.get,
                        key="audience_segments")
if chosen:
    crowd = insights.audience(bundle, chosen)
    st.caption(f"{len(crowd):,} customers, with every column of their record, their segment, runner-up segment, "
               "whether they are borderline (nearly as close to the runner-up) and which values were filled in.")
    rates = insights.audience_outcomes(bundle, chosen)
    if rates:
        st.caption("In this audience: " + as_text("; ".join(rates)) + ".")
    stem = insights.audience_file_stem(bundle, chosen)
    buttons = st.columns(2)
    buttons[0].download_button("Download the audience (CSV)", data=spreadsheet_safe_csv(crowd),
                               file_name=f"{stem}.csv", mime="text/csv", key="audience_csv",
                               on_click="ignore", icon=":material/download:",
                               help="Safe to open in a spreadsheet: cells that would run as formulas start with '.")
    buttons[1].download_button("Download the audience (Parquet)", data=insights.parquet_bytes(crowd),
                               file_name=f"{stem}.parquet", mime="application/octet-stream",
                               key="audience_parquet", on_click="ignore", icon=":material/download:")
