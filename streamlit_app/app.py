"""Customer segments: the Streamlit app's frame and router (`make app`).

Each page is a short script in ``pages/``; what they share (the cached project and model, the
sidebar's model panel) is in ``app_common.py``, and what they compute lives in
``customer_segmentation.app_support``. The app only reads the Kedro catalog's outputs.
"""

import sys
from pathlib import Path

# Pages import app_common from this folder, however the app was started.
APP_DIR = str(Path(__file__).resolve().parent)
if APP_DIR not in sys.path:
    sys.path.insert(0, APP_DIR)

import streamlit as st  # noqa: E402

st.set_page_config(page_title="Customer segments", page_icon=":material/donut_small:", layout="wide")

page = st.navigation(
    [
        st.Page("app_pages/segments.py", title="Segments", icon=":material/scatter_plot:", default=True),
        st.Page("app_pages/predict.py", title="Predict a customer", icon=":material/person_search:"),
        st.Page("app_pages/score_file.py", title="Score a file", icon=":material/upload_file:"),
        st.Page("app_pages/monitoring.py", title="Monitoring", icon=":material/monitor_heart:"),
        st.Page("app_pages/model_runs.py", title="Model & runs", icon=":material/monitoring:"),
    ]
)
page.run()
