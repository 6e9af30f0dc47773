"""Benchmark: a whole `kedro run` on an order log at scale against a plain-pandas RFM floor (issue 21, item 7).

    make bench-orders                                         # 10M lines (generated once, ~500k customers)
    .venv/bin/python benchmarks/bench_orders.py --lines 1000000 3000000
    .venv/bin/python benchmarks/bench_orders.py --tiny        # smoke test: 5,000 lines, proves it still runs

For each size: the project's order-log generator writes benchmarks/data/orders_<lines>_<customers>.parquet once
(customers = lines / 20 by default: 10M lines, 500k customers, as issue 21 asks) (guest lines
under id 0, cancellations, zero prices, duplicates; as conf/retail's shipped log); `kedro run --env orders_scale`
runs in a scratch copy of the project (benchmarks/work/), where orders_scale is created as conf/retail's
parameters (the `transactions:` mapping, the RFM features, the personas) plus conf/scale's catalog and eda
sample sizes (Parquet in and out; the log's path is a runtime parameter, `--params customers_path=...`), with the
rejected lines written as Parquet too; all four pipelines (orders, data_processing, eda, clustering), MLflow
tracking included, the SQLite store already created. The floor, benchmarks/floor_orders.py, does the same
aggregation in plain pandas plus one K-Means fit, in its own process. Both: wall time and peak RSS
(benchmarks/measure.py). Then where the pipeline's time goes, from Kedro's own lines in the project's log.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_benchmarks import (  # noqa: E402  (the customer-table benchmark's machinery)
    BENCH, KEDRO, LOG_LINE, PYTHON, ROOT, _clock, _env, fresh_project, log_since, log_size, machine, measure,
    per_pipeline, timings,
)

ENV = "orders_scale"
PIPELINES = ("orders", "data_processing", "eda", "clustering")
TINY_LINES = 5_000

# conf/scale's catalog is for a customer file; the order log's own outputs in the same Parquet pattern.
ORDERS_CATALOG = """
# Created by benchmarks/bench_orders.py: conf/retail's order log, read from a runtime path, Parquet out.
# The path's runtime parameter is conf/scale's (`customers_path`: the project accepts only known settings);
# conf/scale's `customers` entry is not read in an order-log run.
transactions:
  type: pandas.ParquetDataset
  filepath: ${runtime_params:customers_path, data/01_raw/orders.parquet}

rejected_order_lines:
  type: pandas.ParquetDataset
  filepath: ${globals:data_root}/02_intermediate/rejected_order_lines.parquet
  save_args:
    index: false
"""


def ensure_log(lines: int, customers: int, data: Path) -> Path:
    """The generator's order log of about ``lines`` lines of ``customers`` real customers (and guests under the
    placeholder id 0; seed 42), made once."""
    path = data / f"orders_{lines}_{customers}.parquet"
    if not path.exists():
        print(f"generating an order log of {lines:,} lines, {customers:,} customers -> {path}", flush=True)
        subprocess.run([str(PYTHON), "-m", "customer_segmentation.demo_data", "--shape", "orders", "--rows",
                        str(lines), "--customers", str(customers), "--placeholder-id", "0", "--out", str(path)],
                       env=_env(ROOT), check=True, cwd=ROOT, capture_output=True)
    return path


def make_environment(project: Path) -> None:
    """conf/orders_scale in the scratch copy: conf/retail's parameters, conf/scale's catalog and eda sizes."""
    conf = project / "conf"
    target = conf / ENV
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    for name in ("parameters.yml", "parameters_clustering.yml"):
        shutil.copy(conf / "retail" / name, target / name)
    shutil.copy(conf / "scale" / "parameters_eda.yml", target / "parameters_eda.yml")
    shutil.copy(conf / "scale" / "catalog.yml", target / "catalog.yml")
    (target / "catalog_orders.yml").write_text(ORDERS_CATALOG)


def bench_size(lines: int, args: argparse.Namespace) -> dict:
    path = ensure_log(lines, max(1, lines // args.lines_per_customer), args.data_dir)
    project = fresh_project(args.work_dir)
    make_environment(project)
    # A first run on the bundled demo data creates the SQLite MLflow store (~8 s once): not part of the figure.
    measure([str(KEDRO), "run", "--pipelines", "data_processing"], project, project)
    offset = log_size(project)
    pipeline = measure([str(KEDRO), "run", "--env", ENV, "--params", f"customers_path={path}"], project, project)
    log = log_since(project, offset)
    outputs = project / "data" / ENV
    report = json.loads((outputs / "08_reporting/order_log_report.json").read_text())
    k = int(json.loads((outputs / "08_reporting/k_selection.json").read_text())["k"])
    result = timings(log, pipeline["started_at"])
    # Start-up ends at the first dataset load: Kedro loads a node's inputs before its "Running node" line, so
    # to the first node it would count the order log's read twice (there and in the loads).
    first = next((_clock(m.group(1)) for m in map(LOG_LINE.match, log.splitlines())
                  if m and m.group(3).startswith(("Loading data from ", "Running node: "))), None)
    if first is not None:
        result["startup_s"] = first - pipeline["started_at"]
    floor = measure([str(PYTHON), str(BENCH / "floor_orders.py"), "--input", str(path), "--k", str(k)], ROOT)
    return {"lines": lines, "report": report, "k": k, "pipeline_s": pipeline["wall_s"],
            "pipeline_rss_mb": pipeline["peak_rss_mb"], "floor_s": floor["wall_s"],
            "floor_rss_mb": floor["peak_rss_mb"], "floor_says": floor["stdout"].strip(),
            **result}


def _count(report: dict, *keys: str) -> int | None:
    """The first of ``keys`` found in the order log report, top level or one level down."""
    for key in keys:
        if key in report:
            return report[key]
        for value in report.values():
            if isinstance(value, dict) and key in value:
                return value[key]
    return None


def show(results: list[dict]) -> None:
    print()
    print("| lines read | customers | k | pipeline s | floor s | ratio | pipeline peak RSS MB | floor peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        read = _count(r["report"], "lines_read")
        customers = _count(r["report"], "customers_out", "customers", "customers_found")
        print(f"| {read:,} | {customers:,} | {r['k']} | {r['pipeline_s']:.1f} | {r['floor_s']:.1f} | "
              f"{r['pipeline_s'] / r['floor_s']:.2f}x | {r['pipeline_rss_mb']:.0f} | {r['floor_rss_mb']:.0f} |")
    for r in results:
        print(f"\n{r['floor_says']}")
        totals = per_pipeline(r["timings"], PIPELINES)
        rest = r["pipeline_s"] - r["startup_s"] - r["nodes_s"] - r["loads_s"]
        slow_io = sorted(r["io"].items(), key=lambda item: -item[1])[:4]
        print(f"where the time goes at {r['lines']:,} lines ({r['pipeline_s']:.1f} s): "
              f"start-up (imports, configuration, MLflow run) {r['startup_s']:.1f} s, "
              + ", ".join(f"{name} nodes {seconds:.1f} s" for name, seconds in totals.items())
              + f", dataset loads {r['loads_s']:.1f} s (slowest loads and saves, saves within the nodes' time: "
              + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slow_io) + ")"
              + f", the rest (ending the MLflow run, registering the model, exit) {rest:.1f} s")
        slowest = sorted(r["timings"].items(), key=lambda item: -item[1])[:8]
        print("  slowest nodes: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest))
        print("  order log report: " + json.dumps({key: value for key, value in r["report"].items()
                                                   if not isinstance(value, (dict, list))}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000_000], help="about how many order lines")
    parser.add_argument("--lines-per-customer", type=int, default=20,
                        help="real customers = lines / this (issue 21: 10M lines, about 500k customers)")
    parser.add_argument("--tiny", action="store_true", help=f"smoke test: {TINY_LINES:,} lines")
    parser.add_argument("--data-dir", type=Path, default=BENCH / "data", help="where the generated logs live")
    parser.add_argument("--work-dir", type=Path, default=BENCH / "work", help="where the scratch project is copied")
    args = parser.parse_args(argv)
    sizes = [TINY_LINES] if args.tiny else args.lines
    args.data_dir.mkdir(parents=True, exist_ok=True)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}", flush=True)
    results = []
    for lines in sizes:
        print(f"running {lines:,} order lines ...", flush=True)
        results.append(bench_size(lines, args))
    show(results)


if __name__ == "__main__":
    main()
