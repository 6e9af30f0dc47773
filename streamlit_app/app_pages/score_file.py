"""Score a file: upload customers (or, for a model trained on one, an order log), see row-level problems (an order
log's line accounting), download every row with its segment."""

from pathlib import Path

import streamlit as st

# The title first: it is on screen while the imports below run (seconds on the first page of a new server).
st.title("Score a file")

import app_common  # noqa: E402
import pandas as pd  # noqa: E402
from customer_segmentation.app_support.text import as_text  # noqa: E402
from customer_segmentation.app_support.scoring import score_file  # noqa: E402
from customer_segmentation.app_support.uploads import UPLOAD_TYPES  # noqa: E402
from customer_segmentation.errors import CustomerDataError  # noqa: E402
from customer_segmentation.features.units import axis_label  # noqa: E402
from customer_segmentation.segmentation.contract import model_order_log  # noqa: E402

bundle = app_common.bundle_or_message()
if bundle is None:
    st.stop()

columns = ", ".join(f"`{c}`" for c in bundle.table.source_columns)
order_log = model_order_log(bundle.model)
if order_log is not None:
    st.caption(
        f"This model was trained on an order log. Upload next month's order lines with its headers "
        f"({', '.join(f'`{c}`' for c in order_log.columns().values())}): every line is checked and the lines are "
        f"aggregated per customer with the model's own configuration, then each customer is scored. A customer "
        f"table with the columns {columns} works too."
    )
st.caption(
    f"{'A' if order_log is None else 'Either as a'} CSV (any delimiter and encoding the pipeline reads), Excel or "
    f"Parquet file{f' with the columns {columns}, as the model was trained on' if order_log is None else ''} (case and "
    f"surrounding spaces do not matter); other columns are kept. Up to {st.get_option('server.maxUploadSize')} MB."
)
upload = st.file_uploader("Customer file" if order_log is None else "Order log or customer file", type=UPLOAD_TYPES,
                          key="score_upload")
if upload is None:
    st.session_state.pop("score_result", None)
    st.stop()

# Scored once per file and model version; reruns (e.g. the download) reuse the result.
cache_key = (upload.file_id, bundle.version)
if st.session_state.get("score_result", (None,))[0] != cache_key:
    try:
        with st.spinner("Validating and scoring..."):
            result = score_file(upload.getvalue(), upload.name, bundle)
    except CustomerDataError as error:
        st.session_state.pop("score_result", None)
        st.error(f"This file cannot be scored: {as_text(error)}", icon=":material/error:")
        st.stop()
    st.session_state["score_result"] = (cache_key, result)
result = st.session_state["score_result"][1]

lines = result.order_log
if lines is not None:
    report = lines.report
    st.subheader("Order lines")
    st.info(f"An order log: its lines were checked with the model's line rules and aggregated per customer with its "
            f"feature table. Recency counts to **{report['snapshot_date']}**, {lines.snapshot_words}.",
            icon=":material/receipt_long:")
    counts = st.columns(5)
    counts[0].metric("Lines read", f"{report['lines_read']:,}")
    counts[1].metric("Lines kept", f"{report['lines_kept']:,}")
    counts[2].metric("Lines rejected", f"{report['lines_rejected']:,}")
    counts[3].metric("Duplicate lines removed", f"{report['duplicates_removed']:,}")
    counts[4].metric("Customers found", f"{report['customers_found']:,}")
    st.caption("The file's first lines:")
    st.dataframe(result.preview, hide_index=True, key="score_preview")
    for customer, share in report["likely_placeholder_ids"].items():
        st.warning(f"Customer id `{as_text(customer)}` holds {share:.0%} of the lines: likely a placeholder for "
                   "guests, not a customer.", icon=":material/warning:")
    if report["customers_non_positive_revenue"]:
        st.caption(f"{report['customers_non_positive_revenue']:,} customer(s) with a net revenue of 0 or less "
                   f"(everything returned): {'left out' if report['non_positive_revenue'] == 'drop' else 'kept'}, "
                   "as in training.")
    if report["lines_rejected"]:
        st.dataframe(pd.DataFrame(report["rejections_by_reason"].items(), columns=["problem", "lines"]),
                     hide_index=True, key="score_line_reasons",
                     column_config={"problem": st.column_config.TextColumn("Problem", width="large"),
                                    "lines": st.column_config.NumberColumn("Lines", format="%d")})
        st.caption("A line may have more than one problem. The rejected lines, as read, with their reasons (the first "
                   "1,000; the download has them all; row 1 is the first line under the header):")
        shown = lines.rejected.head(1000)
        st.dataframe(shown[["rejection_reason", *shown.columns.drop("rejection_reason")]], hide_index=True,
                     key="score_rejected_lines", column_config={
                         "rejection_reason": st.column_config.TextColumn("Reason", width="large"),
                         "source_row": st.column_config.NumberColumn("Row", format="%d")})
        st.download_button("Download the rejected lines (CSV)", data=lines.rejected_csv,
                           file_name=f"{Path(upload.name).stem}_rejected_lines.csv", mime="text/csv",
                           key="score_rejected_download", on_click="ignore", icon=":material/download:")
    st.subheader("Customers")

counts = st.columns(3)
counts[0].metric("Rows in the file" if lines is None else "Customers in the log", f"{result.rows:,}")
counts[1].metric("Scored", f"{result.scored_rows:,}")
counts[2].metric("Rows with problems", f"{result.rows - result.scored_rows:,}")

if lines is None:
    st.subheader("Preview")
    st.dataframe(result.preview, hide_index=True, key="score_preview")

if len(result.problems):
    bad_rows = result.problems["row"].nunique()
    where = "row 1 is the first line under the header" if lines is None else "row 1 is the first customer"
    st.warning(f"{bad_rows:,} row(s) could not be scored: their problems are listed below ({where}). All other rows "
               "were scored.", icon=":material/warning:")
    shown = result.problems.head(5000)
    # One table whatever the number of problems, its first column always the row of the file.
    st.dataframe(shown, hide_index=True, key="score_problems",
                 column_config={"row": st.column_config.NumberColumn("Row", format="%d"),
                                "column": "Column", "value": "Value", "reason": st.column_config.TextColumn(
                                    "Reason", width="large")})
    if len(shown) < len(result.problems):
        st.caption(f"The first {len(shown):,} of {len(result.problems):,} problems; the download has them all "
                   "in its 'problem' column.")
else:
    st.success("Every row passed validation and was scored.", icon=":material/check_circle:")

if result.scored_rows:
    st.subheader("Scored customers per segment")
    summary = (result.scored.dropna(subset=["segment_id"]).groupby(["segment_id", "segment_name"]).size()
               .rename("customers").reset_index())
    st.dataframe(summary, hide_index=True, key="score_summary")

st.subheader("Every row")
filters = st.columns([3, 1, 1])
segments = filters[0].multiselect("Segments", sorted(result.scored["segment_name"].dropna().unique()),
                                  key="score_filter_segments", placeholder="all segments")
only_problems = filters[1].toggle("Only rows with problems", key="score_filter_problems")
only_borderline = filters[2].toggle("Only borderline", key="score_filter_borderline",
                                    help="Nearly as close to the runner-up segment as to their own.")
shown = result.scored
if segments:
    shown = shown.loc[shown["segment_name"].isin(segments)]
if only_problems:
    shown = shown.loc[shown["problem"].notna()]
if only_borderline:
    shown = shown.loc[shown["borderline"].fillna(False).astype(bool)]
st.caption(f"{len(shown):,} of {result.rows:,} rows" + (" (the first 5,000 shown)" if len(shown) > 5000 else ""))
st.dataframe(shown.head(5000), hide_index=True, key="score_rows",
             column_config={"segment_id": st.column_config.NumberColumn("Segment id", format="%d"),
                            "segment_name": "Segment", "runner_up_name": "Runner-up", "borderline": "Borderline",
                            "problem": "Problem", "runner_up_id": None, "imputed_features": None,
                            # An order log's customers carry the features themselves: headed by label and unit.
                            **({f.name: axis_label(f) for f in bundle.table.numeric} if lines is not None else {})})

st.download_button(
    "Download the scored file (CSV)", data=result.csv, file_name=f"{Path(upload.name).stem}_scored.csv",
    mime="text/csv", key="score_download", on_click="ignore", type="primary", icon=":material/download:",
    help="Every row of your file plus segment_id, segment_name, the runner-up segment, borderline and problem. "
         "Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with ' so they "
         "open as text.",
)
