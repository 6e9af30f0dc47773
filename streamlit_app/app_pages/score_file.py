"""Score a file: upload customers, see row-level problems, download every row with its segment."""

from pathlib import Path

import streamlit as st

# The title first: it is on screen while the imports below run (seconds on the first page of a new server).
st.title("Score a file")

import app_common  # noqa: E402
from customer_segmentation.app_support.text import as_text  # noqa: E402
from customer_segmentation.app_support.scoring import score_file  # noqa: E402
from customer_segmentation.errors import CustomerDataError  # noqa: E402

bundle = app_common.bundle_or_message()
if bundle is None:
    st.stop()

st.caption(
    f"A CSV with the columns {', '.join(f'`{c}`' for c in bundle.table.source_columns)}, as the model was trained on "
    "(case and surrounding spaces do not matter). Any delimiter and encoding the pipeline reads; other columns are "
    f"kept. Up to {st.get_option('server.maxUploadSize')} MB."
)
upload = st.file_uploader("Customer file", type=["csv", "tsv", "txt"], key="score_upload")
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

counts = st.columns(3)
counts[0].metric("Rows in the file", f"{result.rows:,}")
counts[1].metric("Scored", f"{result.scored_rows:,}")
counts[2].metric("Rows with problems", f"{result.rows - result.scored_rows:,}")

st.subheader("Preview")
st.dataframe(result.preview, hide_index=True, key="score_preview")

if len(result.problems):
    bad_rows = result.problems["row"].nunique()
    st.warning(f"{bad_rows:,} row(s) could not be scored: their problems are listed below (row 1 is the first "
               "line under the header). All other rows were scored.", icon=":material/warning:")
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
                            "problem": "Problem", "runner_up_id": None, "imputed_features": None})

st.download_button(
    "Download the scored file (CSV)", data=result.csv, file_name=f"{Path(upload.name).stem}_scored.csv",
    mime="text/csv", key="score_download", on_click="ignore", type="primary", icon=":material/download:",
    help="Every row of your file plus segment_id, segment_name, the runner-up segment, borderline and problem. "
         "Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with ' so they "
         "open as text.",
)
