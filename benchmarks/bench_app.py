"""Speed of the Streamlit app: cold start, one prediction, scoring a 100k-row file.

    .venv/bin/python benchmarks/bench_app.py                  # trains a throw-away copy first (~30 s)
    .venv/bin/python benchmarks/bench_app.py --project .      # an already trained project (`make run`)

Prints a table and writes benchmarks/results/app.json. Timings are wall-clock on this machine;
compare ratios between runs rather than absolutes. Targets: one prediction answered server-side in
under 100 ms after the first load; a 100k-row file scored in under 5 s; the first page complete in a
browser within 5 s of the health check answering, and within 2 s for a new session on a running app.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.update(KEDRO_DISABLE_TELEMETRY="1", DO_NOT_TRACK="1", MLFLOW_DISABLE_TELEMETRY="true")

CHROMIUM = Path("/usr/bin/chromium")


def trained_copy(workdir: Path) -> Path:
    from tests.conftest import copy_project, run_kedro

    project = copy_project(workdir)
    started = time.perf_counter()
    run_kedro(project, "run")
    print(f"trained a temporary copy in {time.perf_counter() - started:.1f} s: {project}", file=sys.stderr)
    return project


def timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def bench_in_process(project: Path, rows: int, repeats: int) -> dict:
    from customer_segmentation.app_support.bundle import load_bundle
    from customer_segmentation.app_support.project import latest_model_version, open_project
    from customer_segmentation.app_support.scoring import predict_customer
    from customer_segmentation.app_support.scoring import feature_defaults, score_file
    from customer_segmentation.demo_data import add_dirt, generate_customers

    started = time.perf_counter()
    handle = open_project(project)
    opened = time.perf_counter() - started
    started = time.perf_counter()
    bundle = load_bundle(handle, latest_model_version(handle))
    loaded = time.perf_counter() - started

    customer = feature_defaults(bundle)  # the median training customer, whatever the features
    predict_customer(bundle, customer)  # first call warms scikit-learn's code paths
    predictions = timed(lambda: predict_customer(bundle, customer), repeats)

    customers = add_dirt(generate_customers(rows, seed=11), seed=11).drop(columns="persona").head(rows)
    data = customers.to_csv(index=False).encode()
    scorings = timed(lambda: score_file(data, "bench.csv", bundle), 3)
    result = score_file(data, "bench.csv", bundle)
    return {
        "open_project_s": opened,
        "load_bundle_s": loaded,
        "predict_median_ms": statistics.median(predictions) * 1000,
        "predict_p95_ms": sorted(predictions)[int(0.95 * (len(predictions) - 1))] * 1000,
        "score_rows": result.rows,
        "score_rows_rejected": result.rows - result.scored_rows,
        "score_file_mb": len(data) / 1e6,
        "score_median_s": statistics.median(scorings),
    }


def bench_predict_page(project: Path, repeats: int) -> dict:
    """The whole server-side answer: submit the form, rerun the page script, build the charts."""
    from streamlit.testing.v1 import AppTest

    os.environ["CUSTOMER_SEGMENTATION_PROJECT"] = str(project)
    at = AppTest.from_file(str(ROOT / "streamlit_app" / "app.py"), default_timeout=120)
    started = time.perf_counter()
    at.run()
    first = time.perf_counter() - started
    at.switch_page("app_pages/predict.py").run()
    at.form_submit_button[0].click().run()
    assert at.success, "the predict page did not answer"

    def answer() -> None:
        at.number_input(key="predict_age").set_value(30 + len(at.success))
        at.form_submit_button[0].click().run()

    answers = timed(answer, repeats)
    return {"apptest_first_render_in_process_s": first, "predict_page_median_ms": statistics.median(answers) * 1000,
            "predict_page_p95_ms": sorted(answers)[int(0.95 * (len(answers) - 1))] * 1000}


def bench_cold_start(project: Path) -> dict:
    """A new `streamlit run` process: until /_stcore/health, then until a browser shows the headline.

    The browser is started first, as a user's is already open when they start the app; its own start
    is timed apart (``browser_launch_s``). The first visit uses a fresh profile (nothing cached).
    """
    import socket
    from contextlib import ExitStack

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(project / "src"))
    env.pop("CUSTOMER_SEGMENTATION_PROJECT", None)
    result: dict = {}
    with ExitStack() as stack:
        context = None
        if CHROMIUM.exists():
            from playwright.sync_api import sync_playwright

            launched = time.perf_counter()
            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )
            stack.callback(browser.close)
            context = browser.new_context()  # one browser profile: the second visit has the JS cached
            context.new_page().close()
            result["browser_launch_s"] = time.perf_counter() - launched
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "streamlit"), "run", "streamlit_app/serve.py", "--server.port",
             str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.read() == b"ok":
                            break
                except OSError:
                    if time.perf_counter() - started > 120:
                        raise TimeoutError("streamlit did not start within 120 s") from None
                    time.sleep(0.1)
            result["cold_start_to_health_s"] = time.perf_counter() - started
            if context is None:
                return result
            for session in ("cold", "warm"):
                page = context.new_page()
                opened = time.perf_counter()
                origin = started if session == "cold" else opened
                page.goto(url)
                page.get_by_text("Customer segments").first.wait_for(timeout=120_000)
                result[f"{session}_first_paint_s"] = time.perf_counter() - origin
                page.get_by_text("Segment profiles").wait_for(timeout=120_000)  # the page script has finished
                result[f"{session}_page_complete_s"] = time.perf_counter() - origin
                page.locator(".vega-embed").first.locator("canvas.marks, svg.marks").first.wait_for(timeout=120_000)
                result[f"{session}_chart_drawn_s"] = time.perf_counter() - origin
                page.close()
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
    return result


def _after_health(results: dict, key: str) -> float | None:
    """``key`` (timed from the process start) counted from when /_stcore/health first answered."""
    return None if results.get(key) is None else results[key] - results["cold_start_to_health_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, help="a trained project (default: train a temporary copy)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the scored file")
    parser.add_argument("--repeats", type=int, default=50, help="predictions timed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_app_") as workdir:
        project = args.project.resolve() if args.project else trained_copy(Path(workdir))
        results = {"project": str(project)}
        results.update(bench_cold_start(project))  # first: nothing imported or cached yet on this machine
        results.update(bench_in_process(project, args.rows, args.repeats))
        results.update(bench_predict_page(project, args.repeats))

    rows = [
        ("Headless chromium started (before the app; not counted below)", results.get("browser_launch_s"), "s", None),
        ("Cold start: `streamlit run` to /_stcore/health", results["cold_start_to_health_s"], "s", None),
        ("Cold start: to the first paint in a browser (page title)", results.get("cold_first_paint_s"), "s", None),
        ("Cold start: Segments page complete (outputs and model loaded)",
         results.get("cold_page_complete_s"), "s", None),
        ("Cold start: segment chart drawn by the browser", results.get("cold_chart_drawn_s"), "s", None),
        ("Cold start: Segments page complete after the health check answered",
         _after_health(results, "cold_page_complete_s"), "s", 5),
        ("New session on a running app: Segments page complete", results.get("warm_page_complete_s"), "s", 2),
        ("New session on a running app: segment chart drawn", results.get("warm_chart_drawn_s"), "s", None),
        ("Open the Kedro project (first time in a process)", results["open_project_s"], "s", None),
        ("Load the model bundle (first load)", results["load_bundle_s"], "s", None),
        (f"One prediction, median of {args.repeats} (validate + score)", results["predict_median_ms"], "ms", 100),
        (f"One prediction, p95 of {args.repeats}", results["predict_p95_ms"], "ms", 100),
        ("Predict page answer, server-side (form submit -> page script with both charts), median",
         results["predict_page_median_ms"], "ms", 100),
        (f"Score a {results['score_rows']:,}-row CSV ({results['score_file_mb']:.1f} MB): read + validate + score + "
         "safe export, median of 3", results["score_median_s"], "s", 5),
    ]
    print("\n| measure | time | target |\n| --- | ---: | --- |")
    for label, value, unit, target in rows:
        shown = "n/a (no /usr/bin/chromium)" if value is None else f"{value:,.2f} {unit}" if unit == "s" else f"{value:,.1f} {unit}"
        verdict = "" if target is None or value is None else (f"< {target} {unit}: " + ("met" if value < target else "MISSED"))
        print(f"| {label} | {shown} | {verdict} |")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "app.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
