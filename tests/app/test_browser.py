"""The app end to end in a real browser: `streamlit run` on 127.0.0.1 driven by Playwright.

Drives Debian's chromium (/usr/bin/chromium; scripts/ensure_chromium.sh installs it when
missing), never a downloaded browser. Each test checks what a user sees on a page (its title, a
number from the run's outputs, a drawn chart); screenshots of every page go to tests/_artifacts/
(copied by hand to docs/images/ for the documentation).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests import projects
from tests.conftest import PROJECT_ROOT, VENV_BIN
from tests.servers import background_server, free_port

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = PROJECT_ROOT / "tests" / "_artifacts"
UPLOAD = (
    "customer_id,annual_income,spending_score,savings,age\n"
    "B001,52000,61,4200,31\n"
    "B002,135000,80,55000,46\n"
    "B003,48000,55,3000,7\n"
    '"=HYPERLINK(""http://example.com"")",31000,28,-1500,38\n'
)
RENDER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def served_project(projects_dir: Path) -> Path:
    """A trained copy of the project that has also monitored two batches."""
    return projects.variant(projects_dir, "monitored")


@pytest.fixture(scope="module")
def app_url(served_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run streamlit_app/serve.py` from the project copy's root, as `make app` does."""
    if not CHROMIUM.exists():
        subprocess.run(["bash", str(PROJECT_ROOT / "scripts" / "ensure_chromium.sh")], check=False)
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed and could not be installed "
                    "(scripts/ensure_chromium.sh needs root and apt)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    env = dict(os.environ, PYTHONPATH=str(served_project / "src"), KEDRO_DISABLE_TELEMETRY="1",
               DO_NOT_TRACK="1", MLFLOW_DISABLE_TELEMETRY="true")
    env.pop("CUSTOMER_SEGMENTATION_PROJECT", None)
    command = [str(VENV_BIN / "streamlit"), "run", "streamlit_app/serve.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with background_server(command, cwd=served_project, env=env, log_path=log, ready_url=f"{url}/_stcore/health"):
        yield url


@pytest.fixture(scope="module")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def tab(chromium_browser, app_url):
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    yield page
    context.close()


def chart_drawn(tab, index: int = 0) -> None:
    """Waits until the page's ``index``-th Vega-Lite chart is drawn (charts below the fold draw once scrolled to)."""
    chart = tab.locator(".vega-embed").nth(index)
    chart.wait_for()
    chart.scroll_into_view_if_needed()
    chart.locator("canvas.marks, svg.marks").first.wait_for()


def open_page(tab, app_url: str, path: str, ready_text: str) -> None:
    tab.goto(f"{app_url}/{path}")
    tab.get_by_text(ready_text, exact=False).first.wait_for()
    settle(tab)


def settle(tab) -> None:
    """Waits until the script run is over and charts are drawn."""
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    tab.wait_for_timeout(600)


def screenshot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"app_{name}.png"
    height = tab.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 1000")
    tab.set_viewport_size({"width": 1440, "height": min(max(int(height) + 40, 900), 3200)})
    settle(tab)
    tab.screenshot(path=str(path), full_page=True)
    return path


def upload(tab, app_url: str) -> None:
    open_page(tab, app_url, "score_file", "Customer file")
    tab.locator("input[type=file]").set_input_files(
        {"name": "new_customers.csv", "mimeType": "text/csv", "buffer": UPLOAD.encode()}
    )
    tab.get_by_role("button", name="Download the scored file (CSV)").wait_for()  # the page's last element
    settle(tab)


def test_segments_page_renders_the_chart_and_profiles(tab, app_url, served_project):
    open_page(tab, app_url, "", "Segment chart")
    chart_drawn(tab, 0)
    main = tab.locator("[data-testid=stMain]").inner_text()
    profiles = pd.read_csv(served_project / "data/07_model_output/segment_profiles.csv")
    assert "Customer segments" in main and f"{int(profiles['size'].sum()):,}" in main
    assert all(name in main for name in profiles["segment_name"])
    assert tab.get_by_text("the MLflow run behind it and the runs to compare").count() == 1
    assert screenshot(tab, "segments").stat().st_size > 20_000


def test_predict_one_customer(tab, app_url):
    open_page(tab, app_url, "predict", "Predict segment")
    age = tab.get_by_role("spinbutton", name="Age (years)")
    age.fill("35")
    tab.get_by_role("button", name="Predict segment").click()
    tab.get_by_text("This customer belongs to").wait_for()
    chart_drawn(tab, 1)
    assert "Suggested action" in tab.locator("[data-testid=stMain]").inner_text()
    screenshot(tab, "predict")


def test_out_of_range_value_is_explained_next_to_the_field(tab, app_url):
    open_page(tab, app_url, "predict", "Predict segment")
    tab.get_by_role("spinbutton", name="Age (years)").fill("7")
    tab.get_by_role("button", name="Predict segment").click()
    tab.get_by_text("7 is outside the allowed range [18, 100].").wait_for()
    assert tab.get_by_text("This customer belongs to").count() == 0


def test_upload_with_a_bad_row_lists_the_row_problem(tab, app_url):
    upload(tab, app_url)
    main = tab.locator("[data-testid=stMain]").inner_text()
    assert "1 row(s) could not be scored" in main
    assert "Up to 50 MB." in main  # server.maxUploadSize from the app's own .streamlit/config.toml
    grid = tab.locator("[data-testid=stDataFrame]").filter(has_text="Reason").first
    grid.wait_for()
    # The grid's accessible table (what screen readers read): its header starts with Row, then the one problem.
    rows = grid.locator("table [role=row]")
    cells = [[text.strip() for text in rows.nth(i).locator("[role=columnheader], [role=gridcell]").all_inner_texts()]
             for i in range(rows.count())]
    assert cells[0][:4] == ["Row", "Column", "Value", "Reason"]
    assert cells[1:] == [["3", "age", "7", "outside the allowed range [18, 100]"]]
    screenshot(tab, "score_file")


def test_downloaded_scored_file_has_segments_and_is_spreadsheet_safe(tab, app_url):
    upload(tab, app_url)
    with tab.expect_download() as download_info:
        tab.get_by_role("button", name="Download the scored file (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "new_customers_scored.csv"
    scored = pd.read_csv(io.BytesIO(Path(download.path()).read_bytes()), dtype=str, keep_default_na=False,
                         encoding="utf-8-sig")
    assert scored["customer_id"].tolist() == ["B001", "B002", "B003", "'=HYPERLINK(\"http://example.com\")"]
    assert all(scored.loc[[0, 1, 3], "segment_name"] != "")
    assert scored.loc[2, ["segment_id", "segment_name"]].tolist() == ["", ""]
    assert scored.loc[2, "problem"] == "age: 7 is outside the allowed range [18, 100]"
    assert scored.loc[3, "savings"] == "-1500"


def test_model_and_runs_page_compares_mlflow_runs(tab, app_url, served_project):
    open_page(tab, app_url, "model_runs", "Recent MLflow runs")
    tab.get_by_text("Compare runs by").wait_for()
    chart_drawn(tab, 1)
    main = tab.locator("[data-testid=stMain]").inner_text()
    selection = json.loads((served_project / "data/08_reporting/k_selection.json").read_text())
    assert "Model & runs" in main and f"k = {selection['k']}" in main
    # The MLflow run behind the served model, named after its data and its k.
    assert f"Trained by MLflow run demo · segmentation_data.csv · 3,030 rows · 4 features · k={selection['k']} · " in main
    screenshot(tab, "model_runs")


def test_an_audience_is_downloaded_for_a_campaign(tab, app_url, served_project):
    open_page(tab, app_url, "", "Audiences for campaigns")
    with tab.expect_download() as download_info:
        tab.get_by_role("button", name="Download the audience (CSV)").click()
    download = download_info.value
    segments = pd.read_parquet(served_project / "data/07_model_output/customer_segments.parquet")
    name = segments.loc[segments["segment_id"] == 0, "segment_name"].iloc[0]
    # Named after the segment, in characters any file system takes: "audience_budget_conscious.csv".
    assert download.suggested_filename == "audience_" + "_".join(
        "".join(c if c.isalnum() else " " for c in name.lower()).split()) + ".csv"
    audience = pd.read_csv(io.BytesIO(Path(download.path()).read_bytes()), encoding="utf-8-sig")
    assert len(audience) == int((segments["segment_id"] == 0).sum()) and set(audience["segment_id"]) == {0}
    assert {"customer_id", "runner_up_name", "borderline", "imputed_features"} <= set(audience.columns)


def test_monitoring_page_shows_the_latest_alert_and_the_history(tab, app_url):
    open_page(tab, app_url, "monitoring", "Segment shares, batch after batch")
    chart_drawn(tab, 0)
    main = tab.locator("[data-testid=stMain]").inner_text()
    assert "Latest batch april.csv" in main and "Features, latest batch" in main
    assert screenshot(tab, "monitoring").stat().st_size > 20_000
