"""Model & runs: how k was chosen, the data quality report, recent MLflow runs compared, and two runs' segments
side by side."""

import streamlit as st

# The title first: it is on screen while the imports below run (seconds on the first page of a new server).
st.title("Model & runs")

import pandas as pd  # noqa: E402

import app_common  # noqa: E402
from customer_segmentation.app_support import charts  # noqa: E402
from customer_segmentation.app_support.run_profiles import side_by_side  # noqa: E402
from customer_segmentation.app_support.runs import METRIC_NAMES, TrackingStoreError, training_runs  # noqa: E402
from customer_segmentation.app_support.text import as_text  # noqa: E402
from customer_segmentation.pipelines.eda.selection import votes_text  # noqa: E402

METRIC_COLUMNS = [f"metrics.{name}" for name in METRIC_NAMES]

bundle = app_common.bundle_or_message()
handle = app_common.project()

if bundle is not None:
    st.subheader("Number of segments")
    selection = bundle.k_selection or {}
    if selection:
        st.info(
            f"**k = {selection.get('k', bundle.k)}** chosen by {selection.get('method', 'the eda pipeline')}; "
            f"structure in the data: **{selection.get('structure', 'n/a')}**. {as_text(selection.get('reason', ''))}",
            icon=":material/insights:",
        )
    votes = selection.get("votes") or {}
    if votes:
        st.caption("Votes for k: " + as_text(votes_text(votes)))
    if bundle.k_sweep is not None and len(bundle.k_sweep):
        sweep = charts.k_sweep_chart(bundle.k_sweep, selection.get("k", bundle.k))
        st.vega_lite_chart(sweep.data, sweep.spec, key="runs_sweep")
        with st.expander("k sweep table"):
            st.dataframe(bundle.k_sweep, hide_index=True, key="runs_sweep_table")
    else:
        st.caption("No k sweep was written (k_sweep).")
    shown = {key: bundle.metrics.get(key) for key in
             ("silhouette", "inertia", "calinski_harabasz", "davies_bouldin", "silhouette_sample_size")}
    cells = st.columns(len(shown))
    for cell, (key, value) in zip(cells, shown.items()):
        cell.metric(METRIC_NAMES.get(key, "Silhouette sample (customers)"), "n/a" if value is None else f"{value:,.4g}")

st.subheader("Data quality")
order_log = app_common.optional_output(handle, "order_log_report")
if order_log:  # an environment reading an order log: its lines first, then its customers
    cells = st.columns(4)
    cells[0].metric("Order lines read", f"{order_log['lines_read']:,}")
    cells[1].metric("Duplicate lines removed", f"{order_log['duplicates_removed']:,}")
    cells[2].metric("Lines rejected", f"{order_log['lines_rejected']:,}")
    cells[3].metric("Customers", f"{order_log['customers_out']:,}")
    st.caption(f"{order_log['lines_kept']:,} lines kept, {order_log['return_lines']:,} of them returns netted against "
               "revenue; rejected lines are in rejected_order_lines.csv")
    st.dataframe(pd.DataFrame(list((order_log.get("rejections_by_reason") or {}).items()), columns=["reason", "lines"]),
                 hide_index=True, key="runs_line_rejections")
report = bundle.quality_report if bundle is not None else app_common.optional_output(handle, "data_quality_report")
if report:
    cells = st.columns(4)
    cells[0].metric("Rows read", f"{report.get('rows_read', 0):,}")
    cells[1].metric("Duplicates removed", f"{report.get('duplicates_removed', 0):,}")
    cells[2].metric("Rows rejected", f"{report.get('rows_rejected', 0):,}")
    cells[3].metric("Rows used", f"{report.get('rows_out', 0):,}")
    left, right = st.columns(2)
    reasons = pd.DataFrame(list((report.get("rejections_by_reason") or {}).items()), columns=["reason", "rows"])
    left.caption("Rejections by reason (details in data/02_intermediate/rejected_customers.csv)")
    left.dataframe(reasons, hide_index=True, key="runs_rejections")
    imputed = pd.DataFrame(list((report.get("cells_imputed") or {}).items()), columns=["column", "cells filled"])
    right.caption("Missing cells filled with the column median")
    right.dataframe(imputed, hide_index=True, key="runs_imputed")
else:
    st.caption("No data quality report yet (data_quality_report).")

st.subheader("Recent MLflow runs")
if not handle.tracking_uri or not handle.experiment_name:
    st.caption("No MLflow tracking store is configured (conf/base/mlflow.yml).")
    st.stop()
try:
    runs = app_common.recent_runs(handle.tracking_uri, handle.experiment_name, 20)
except Exception as error:  # an unreachable store must not break the page
    st.error(f"The MLflow runs could not be read: {as_text(error)}", icon=":material/error:")
    st.stop()
if runs.empty:
    st.caption(f"No runs in experiment '{as_text(handle.experiment_name)}' yet.")
    st.stop()

serving = bundle.version if bundle is not None else None
if bundle is not None:
    try:
        run = app_common.training_run(handle.tracking_uri, handle.experiment_name, bundle.version)
    except Exception as error:  # noqa: BLE001 - the line is informative only
        st.caption(f"MLflow run of the served model: unavailable ({as_text(error)})")
    else:
        st.caption(f"Trained by MLflow run **{as_text(run['run_name'])}** `{run['mlflow_run_id']}` (Kedro run "
                   f"`{bundle.version}`)." if run else f"Kedro run `{bundle.version}`: no MLflow run is tagged with it.")
    app_common.registry_line(handle, bundle.version)
all_sets = st.toggle("Include runs on other feature sets", key="runs_all_features",
                     help="Metrics of runs on other features cannot be compared with this model's.")
shown = training_runs(runs, None if all_sets or bundle is None else bundle.features)
if shown.empty:
    st.caption("No training run on this feature set yet.")
    st.stop()
table = shown.assign(serving=shown["kedro_run_id"] == serving)
# Metrics logged as histories under a prefix (k_sweep.silhouette, ...) only show their last step here.
metric_columns = [c for c in METRIC_COLUMNS if c in table.columns and table[c].notna().any()]
st.dataframe(
    table[["serving", "start_time", "run_name", "status", *metric_columns]],
    hide_index=True, key="runs_table", width="stretch",
    column_config={
        "serving": st.column_config.CheckboxColumn("Served", help="The run that trained the model you are using",
                                                   width="small"),
        "start_time": st.column_config.DatetimeColumn("Started (UTC)", format="YYYY-MM-DD HH:mm", width="small"),
        "run_name": st.column_config.TextColumn("Run", help="Input file, rows, features and k"),
        "status": st.column_config.TextColumn("Status", width="small"),
        **{c: st.column_config.NumberColumn(METRIC_NAMES[c.removeprefix("metrics.")], format="%.4g", width="small")
           for c in metric_columns},
    },
)
with st.expander("Run ids"):
    st.dataframe(table[["run_name", "kedro_run_id", "mlflow_run_id", "features"]], hide_index=True, key="runs_ids",
                 column_config={"run_name": "Run", "kedro_run_id": "Kedro run (model version)",
                                "mlflow_run_id": "MLflow run id", "features": "Features"})
if metric_columns:
    names = [c.removeprefix("metrics.") for c in metric_columns]
    default = names.index("silhouette") if "silhouette" in names else 0
    metric = st.selectbox("Compare runs by", names, index=default, format_func=METRIC_NAMES.get, key="runs_metric")
    current = table.loc[table["serving"], "mlflow_run_id"]
    chart = charts.runs_chart(table, f"metrics.{metric}", METRIC_NAMES[metric],
                              current.iloc[0] if len(current) else None)
    st.vega_lite_chart(chart.data, chart.spec, key="runs_chart")
    st.caption("Red: the run that trained the model you are using.")

st.subheader("Two runs' segments side by side")
runs_shown = {row.mlflow_run_id: f"{row.run_name}{' (served)' if row.serving else ''}" for row in table.itertuples()}
if len(runs_shown) < 2:
    st.caption("One training run so far: train again (make run) to compare two runs' segments.")
else:
    ids = list(runs_shown)
    served = [run for run, serving in zip(table["mlflow_run_id"], table["serving"]) if serving]
    first = ids.index(served[0]) if served else 0
    picked = st.columns(2)
    run_a = picked[0].selectbox("Run A", ids, index=first, format_func=runs_shown.get, key="runs_profiles_a")
    run_b = picked[1].selectbox("Run B", ids, index=1 if first == 0 else 0, format_func=runs_shown.get,
                                key="runs_profiles_b")
    try:
        profiles = {run: app_common.run_profiles(handle.tracking_uri, run) for run in (run_a, run_b)}
    except TrackingStoreError as error:
        st.error(f"The runs' segment profiles could not be read: {as_text(error)}", icon=":material/error:")
    else:
        without = [runs_shown[run] for run, frame in profiles.items() if frame is None]
        if without:
            st.caption(f"{as_text(' and '.join(without))} logged no segment profiles (runs before they were logged to MLflow "
                       "under segments/): pick another run, or retrain to log them.")
        else:
            features = bundle.features if bundle is not None else sorted(
                {c.removesuffix("_mean") for frame in profiles.values() for c in frame.columns if c.endswith("_mean")})
            labels = {f.name: f.label for f in bundle.table} if bundle is not None else None
            st.dataframe(side_by_side(profiles[run_a], profiles[run_b], features, feature_labels=labels),
                         hide_index=True, key="runs_profiles", width="stretch",
                         column_config={"Share A": st.column_config.NumberColumn(format="percent"),
                                        "Share B": st.column_config.NumberColumn(format="percent")})
            st.caption("Segments are matched by name (names come from the centres: the same kind of customers gets "
                       "the same name); an empty cell: that run has no segment of that name.")
st.caption("Every parameter, metric and artifact: `make mlflow-ui`, then http://127.0.0.1:5000")
