"""The app server's own settings (streamlit_app/.streamlit/config.toml) that keep it answering under load."""

from __future__ import annotations

import tomllib

from tests.conftest import PROJECT_ROOT

CONFIG = tomllib.loads((PROJECT_ROOT / "streamlit_app/.streamlit/config.toml").read_text())


def test_no_source_watcher_works_on_the_event_loop():
    # Streamlit's watcher walks every imported module on the event loop after page runs: /_stcore/health stalled
    # for 10 s under 20 sessions and a concurrent `kedro run` (issue 23, "Under load"; docs/benchmarks.md).
    assert CONFIG["server"]["fileWatcherType"] == "none" and CONFIG["server"]["runOnSave"] is False


def test_no_garbage_collection_after_every_page_run():
    assert CONFIG["runner"]["postScriptGC"] is False
