"""What the Streamlit app and the notebook need, without Streamlit.

The app's pages stay short scripts; everything they compute lives here so that pytest can test it
directly: opening the Kedro project (:mod:`.project`), loading one coherent set of pipeline outputs
(:mod:`.bundle`), validating and scoring customers (:mod:`.scoring`), explanations, comparisons and
audiences (:mod:`.insights`), monitoring outputs (:mod:`.monitoring`), the last refresh (:mod:`.refresh`), charts
(:mod:`.charts`), MLflow runs (:mod:`.runs`) and two runs' segments side by side (:mod:`.run_profiles`). Import
from the modules; this package imports none of them, so a page pays only for what it uses.
"""
