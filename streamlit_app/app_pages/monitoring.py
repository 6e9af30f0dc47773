"""Monitoring: the last refresh (who moved where, the audience changes to sync) and how the segments of new batches
compare with training, batch after batch."""

import streamlit as st

# The title first: it is on screen while the imports below run (seconds on the first page of a new server).
st.title("Monitoring")

import app_common  # noqa: E402
from customer_segmentation.app_support import charts  # noqa: E402
from customer_segmentation.app_support import refresh  # noqa: E402
from customer_segmentation.app_support.text import as_text  # noqa: E402
from customer_segmentation.app_support.monitoring import (  # noqa: E402
    MONITORING_COMMAND,
    feature_table,
    latest_drift_report,
    order_lines_text,
    segment_history,
    segment_mix_table,
)

bundle = app_common.bundle_or_message()
handle = app_common.project()
ALERT_STYLE = {"none": (st.success, ":material/check_circle:"), "watch": (st.warning, ":material/visibility:"),
               "retrain": (st.error, ":material/model_training:"), "not_judged": (st.info, ":material/help:")}

st.caption("Next month's customers: their segments, who moved, the audience changes to sync and a control group "
           "(docs/next-month.md):")
st.code(refresh.REFRESH_COMMAND, language="bash")
st.caption("Or only score a new batch with the served model and compare it with the customers it was trained on:")
st.code(MONITORING_COMMAND, language="bash")

last = refresh.last_refresh(handle)
if last is not None:
    st.subheader("Last refresh")
    people = last["customers"]
    st.info(f"**{as_text(last['batch'])}** (refreshed {last['refreshed_at'][:16].replace('T', ' ')} UTC), "
            f"compared with {as_text(last['compared_with'])}: {people['stayed']:,} stayed, **{people['moved']:,} moved**, {people['new']:,} "
            f"new, {people['departed']:,} departed. {last['holdout']['customers']:,} customers "
            f"({last['holdout']['share'] * 100:.1f} %) are in the control group: keep them out of campaigns.",
            icon=":material/swap_horiz:")
    movement = refresh.segment_movement(handle)
    if movement is not None:
        moves = charts.movement_chart(movement)
        st.vega_lite_chart(moves.data, moves.spec, key="refresh_movement_chart")
        with st.expander("Movement table (from, to, customers)"):
            st.dataframe(refresh.movement_table(movement), hide_index=True, key="refresh_movement", width="stretch",
                         column_config={"Share of 'from'": st.column_config.NumberColumn(format="percent")})
    st.subheader("Audience changes to sync")
    st.dataframe(refresh.changes_table(last), hide_index=True, key="refresh_changes", width="stretch")
    st.caption("Each file holds every customer with a `holdout` column: sync the `added` file to the segment's "
               "audience and remove the `removed` one's customers; the whole audiences are in full/.")
    files = refresh.audience_files(handle, last)
    for segment in dict.fromkeys(file.segment_id for file in files):
        row = [file for file in files if file.segment_id == segment]
        cells = st.columns([3, 2, 2], vertical_alignment="center")
        cells[0].markdown(f"**{as_text(row[0].segment_name)}**")
        for cell, file in zip(cells[1:], row):
            cell.download_button(f"{file.customers:,} {file.change}", data=file.read, file_name=file.file_name,
                                 mime="text/csv", on_click="ignore", key=f"refresh_{file.change}_{file.segment_id}",
                                 icon=":material/download:", help=f"Download {file.file_name}")

history = segment_history(handle)
report = latest_drift_report(handle)
if history.empty or report is None:
    st.info("No batch has been refreshed or monitored yet. Run one of the commands above with your file (CSV, "
            "Excel or Parquet).", icon=":material/monitoring:")
    st.stop()

batch = report["batch"]
show, icon = ALERT_STYLE[report["alert"]]
show(f"Latest batch **{as_text(batch['batch'])}** (scored {report['scored_at'][:16].replace('T', ' ')} UTC): alert "
     f"**{report['alert'].replace('_', ' ')}**. {as_text(report['reason'])}", icon=icon)
cells = st.columns(4)
cells[0].metric("Rows in the batch", f"{batch['rows']:,}")
cells[1].metric("Scored", f"{batch['scored']:,}")
cells[2].metric("Rejected", f"{batch['rejected']:,}")
cells[3].metric("Segment mix shift (PSI)", f"{report['psi']:.2f}", help="Population stability index over the "
                "segments: below 0.1 stable, 0.1-0.25 some shift, 0.25 or more a shift that matters.")
lines = order_lines_text(report)
if lines is not None:  # the batch was an order log: its rows above are the customers its lines gave
    st.caption(f"The batch was an order log: {lines}. Its rejected lines, with their reasons, are in "
               f"`{handle.filepath('batch_rejected_order_lines')}`.")

st.subheader("Segment shares, batch after batch")
profiles = bundle.profiles if bundle is not None else history.drop_duplicates("segment_id").rename(
    columns={"size": "n"})[["segment_id", "segment_name"]]
chart = charts.history_chart(history, profiles)
st.vega_lite_chart(chart.data, chart.spec, key="monitoring_history")
with st.expander("Customers per segment, batch after batch"):
    st.dataframe(refresh.size_history(history), hide_index=True, key="monitoring_sizes", width="stretch")

st.subheader("Segment mix, latest batch")
st.dataframe(segment_mix_table(report), hide_index=True, key="monitoring_mix", width="stretch", column_config={
    "At training": st.column_config.NumberColumn(format="percent"),
    "In the batch": st.column_config.NumberColumn(format="percent"),
    "Change (points)": st.column_config.NumberColumn(format="%+.1f")})
st.subheader("Features, latest batch")
st.dataframe(feature_table(report, bundle.table if bundle is not None else None), hide_index=True,
             key="monitoring_features", width="stretch", column_config={
                 "Shift (sd)": st.column_config.NumberColumn(format="%+.2f", help="Mean shift in training sd"),
                 "Wasserstein / sd": st.column_config.NumberColumn(
                     format="%.3f", help="Drifted from 0.1 when there are more than 1,000 training rows"),
                 "KS p-value": st.column_config.NumberColumn(format="%.3g", help="Drifted below 0.05 otherwise")})
fit = report["fit"]
st.caption(f"Mean distance to the segment centres: {fit['batch_mean_distance']:.2f} in the batch, "
           f"{fit['train_mean_distance']:.2f} at training (x{fit['distance_ratio']:.2f}). Full report: "
           "data/08_reporting/drift_report.json; every batch is also an MLflow run (Model & runs).")
