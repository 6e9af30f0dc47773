"""Benchmark: the whole `kedro run` at scale against a bare K-Means floor, measured in the same run.

    make benchmark                                   # 100k, 1M and 10M rows (data generated if absent)
    .venv/bin/python benchmarks/run_benchmarks.py --sizes 100000 1000000
    .venv/bin/python benchmarks/run_benchmarks.py --tiny   # smoke test: 3,000 rows, proves it still runs

For each size it prints rows, the pipeline's wall time (all three pipelines, MLflow included,
`kedro run --env scale` on a Parquet file made by the demo-data generator), the floor's wall time
(read the Parquet, StandardScaler, one `KMeans(n_clusters=k, n_init=1)` fit on all rows, predict all
rows: benchmarks/floor.py), their ratio, both peak resident memories, the k chosen on the sample,
and the k that the same rule picks from a sweep on every row (up to --full-sweep-max-rows).
Then where the time goes: per pipeline, outside the nodes (start-up, reading and writing data,
MLflow), the slowest nodes; and the bundled demo data's second `kedro run` (the MLflow store
exists) with its per-node breakdown.
Runs happen in a scratch copy of the project (--work-dir), so your outputs are untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
PYTHON = Path(sys.executable)
KEDRO = PYTHON.parent / "kedro"
# Kedro's own lines in the project's full log (conf/logging.yml: logs/kedro_run.log, times to the millisecond).
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \S+\s+(\S+): (.*)$")
PIPELINES = ("data_processing", "eda", "clustering")

sys.path.insert(0, str(ROOT / "src"))


def _env(project: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "MLFLOW_DISABLE_TELEMETRY": "true",
        "COLUMNS": "2000", "PATH": os.pathsep.join([str(PYTHON.parent), env.get("PATH", "")]),
    })
    if project is not None:  # the copy imports its own code, not the editable install's
        env["PYTHONPATH"] = os.pathsep.join([str(project / "src"), env.get("PYTHONPATH", "")])
    return env


def measure(command: list[str], cwd: Path, project: Path | None = None) -> dict:
    """Wall time and peak RSS of ``command`` in its own process (see measure.py)."""
    out = subprocess.run(
        [str(PYTHON), str(BENCH / "measure.py"), "--", *command],
        cwd=cwd, env=_env(project), capture_output=True, text=True, check=True,
    )
    result = json.loads(out.stdout)
    if result["returncode"] != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result['stdout'][-3000:]}\n{result['stderr'][-3000:]}")
    return result


def fresh_project(work: Path) -> Path:
    """A scratch copy of the project: code, configuration and the bundled raw data."""
    target = work / "project"
    if target.exists():
        shutil.rmtree(target)
    ignore = shutil.ignore_patterns(".venv", ".git", "mlflow.db*", "mlruns", "build", "__pycache__", "*.egg-info",
                                    "benchmarks", "tests", "docs", "notebooks", ".pytest_cache", ".hypothesis", "*.log")
    shutil.copytree(ROOT, target, ignore=ignore)
    for layer in (target / "data").iterdir():
        for item in layer.iterdir():
            if item.name not in (".gitkeep", "segmentation_data.csv"):
                shutil.rmtree(item) if item.is_dir() else item.unlink()
    return target


def ensure_data(rows: int, data: Path) -> Path:
    """The demo-data generator's Parquet file of ``rows`` customers (with its dirt), made once."""
    path = data / f"customers_{rows}.parquet"
    if not path.exists():
        print(f"generating {rows:,} customers -> {path}", flush=True)
        subprocess.run([str(PYTHON), "-m", "customer_segmentation.demo_data", "--rows", str(rows), "--out", str(path)],
                       env=_env(ROOT), check=True, cwd=ROOT, capture_output=True)
    return path


def _clock(stamp: str) -> float:
    return time.mktime(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S")) + int(stamp[20:]) / 1000


def log_since(project: Path, offset: int) -> str:
    """The project's full log from byte ``offset`` on (where a run about to start will write)."""
    path = project / "logs" / "kedro_run.log"
    if not path.exists():
        return ""
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", errors="replace")


def log_size(project: Path) -> int:
    path = project / "logs" / "kedro_run.log"
    return path.stat().st_size if path.exists() else 0


def node_timings(log: str) -> tuple[dict[str, float], float]:
    """``{node: seconds}`` (from Kedro's "Running node" to its "Completed node", outputs saved included) and their
    total, read from a run's lines of the project's full log."""
    nodes = timings(log, started_at=None)["timings"]
    return nodes, sum(nodes.values())


def timings(log: str, started_at: float | None) -> dict:
    """Where a run's time went, from Kedro's own lines in the project's full log (no hook of the project's).

    ``timings``: each node's seconds, from "Running node" to "Completed node" (computing and saving its
    outputs); ``io``: each dataset's loads and saves (from "Loading data from"/"Saving data to" to the next
    line); ``startup_s``: from the process start (``started_at``) to the first node.
    """
    nodes, io, running, first_node = {}, {}, {}, None
    lines = [(_clock(m.group(1)), m.group(2), m.group(3)) for m in map(LOG_LINE.match, log.splitlines()) if m]
    for (stamp, _, message), following in zip(lines, [*lines[1:], None]):
        if message.startswith("Running node: "):
            name = message.removeprefix("Running node: ").split(":", 1)[0]
            running[name] = stamp
            first_node = stamp if first_node is None else first_node
        elif message.startswith("Completed node: "):
            name = message.removeprefix("Completed node: ").strip()
            if name in running:
                nodes[name] = stamp - running.pop(name)
        elif following is not None and message.startswith(("Loading data from ", "Saving data to ")):
            verb, _, rest = message.partition(" data ")
            name = f"{verb.lower()} {rest.split(' ', 2)[1]}"
            io[name] = io.get(name, 0.0) + following[0] - stamp
    loads = sum(seconds for name, seconds in io.items() if name.startswith("loading"))
    io = {name: seconds for name, seconds in io.items() if seconds >= 0.05}
    startup = (first_node - started_at) if first_node is not None and started_at is not None else float("nan")
    return {"timings": nodes, "nodes_s": sum(nodes.values()), "io": io, "loads_s": loads, "startup_s": startup}


def per_pipeline(timings: dict[str, float], pipelines: tuple[str, ...] = PIPELINES) -> dict[str, float]:
    """Node seconds summed per pipeline (``pipelines``: their package names)."""
    import importlib

    totals = {}
    for name in pipelines:
        pipeline = importlib.import_module(f"customer_segmentation.pipelines.{name}").create_pipeline()
        nodes = {node.name for node in pipeline.nodes}
        totals[name] = sum(seconds for node, seconds in timings.items() if node in nodes)
    return totals


def _parameters(project: Path, env_name: str) -> tuple[dict, list[str]]:
    """The eda parameters and the feature names as `kedro run --env env_name` sees them."""
    from customer_segmentation.config.loader import ProjectConfigLoader

    loader = ProjectConfigLoader(str(project / "conf"), env=env_name, base_env="base", default_run_env="local",
                                 merge_strategy={"parameters": "soft"})
    parameters = loader["parameters"]
    return parameters["eda"], list(parameters["features"])


def full_data_k(project: Path, env_name: str, max_rows: int) -> tuple[int | None, float]:
    """The k that eda's rule picks from a sweep fitted on every clean row (None when skipped), and its seconds.

    One K-Means initialisation and two bootstrap refits per k keep it affordable; the choice rule,
    k range and thresholds are the pipeline's.
    """
    import pandas as pd
    import pyarrow.parquet as pq

    from customer_segmentation.pipelines.eda.nodes import select_k, standardize_features, sweep_k

    eda, features = _parameters(project, env_name)
    path = project / "data" / env_name / "05_model_input/model_input_customers.parquet"  # an environment's own data
    if pq.ParquetFile(path).metadata.num_rows > max_rows:
        return None, float("nan")
    started = time.perf_counter()
    frame = pd.read_parquet(path, columns=features)
    sweep = sweep_k(standardize_features(frame), eda["k_range"], n_init=1, n_bootstrap=2,
                    silhouette_sample_size=eda["silhouette_sample_size"], random_state=eda["random_state"])
    info = {"rows_used": len(frame), "rows_total": len(frame)}
    return int(select_k(sweep, "auto", info, eda["selection"])["k"]), time.perf_counter() - started


def bench_size(rows: int, args: argparse.Namespace) -> dict:
    path = ensure_data(rows, args.data_dir)
    project = fresh_project(args.work_dir)
    # A first run on the bundled demo data creates the SQLite MLflow store (~8 s once): not part of the figure.
    measure([str(KEDRO), "run", "--pipelines", "data_processing"], project, project)
    command = [str(KEDRO), "run", "--env", args.env, "--params", f"customers_path={path}"]
    runs = []
    for _ in range(args.repeat):
        offset = log_size(project)
        runs.append({**measure(command, project, project), "offset": offset})
    pipeline = min(runs, key=lambda r: r["wall_s"])
    pipeline["log"] = log_since(project, pipeline["offset"])
    if pipeline is not runs[-1]:  # the fastest run's lines end where the next run's begin
        following = runs[runs.index(pipeline) + 1]["offset"]
        pipeline["log"] = pipeline["log"].encode()[: following - pipeline["offset"]].decode(errors="replace")
    k = int(json.loads((project / "data" / args.env / "08_reporting/k_selection.json").read_text())["k"])
    floor_command = [str(PYTHON), str(BENCH / "floor.py"), "--input", str(path), "--k", str(k),
                     "--features", *_parameters(project, args.env)[1]]
    floor = min((measure(floor_command, ROOT) for _ in range(args.repeat)), key=lambda r: r["wall_s"])
    full_k, full_seconds = full_data_k(project, args.env, args.full_sweep_max_rows)
    return {
        "rows": rows, "pipeline_s": pipeline["wall_s"], "floor_s": floor["wall_s"],
        "ratio": pipeline["wall_s"] / floor["wall_s"], "pipeline_rss_mb": pipeline["peak_rss_mb"],
        "floor_rss_mb": floor["peak_rss_mb"], "k": k, "full_k": full_k, "full_sweep_s": full_seconds,
        **timings(pipeline["log"], pipeline["started_at"]),
    }


def bench_bundled(work: Path) -> dict:
    project = fresh_project(work)
    measure([str(KEDRO), "run"], project, project)  # creates the MLflow store
    offset = log_size(project)
    second = measure([str(KEDRO), "run"], project, project)
    return {"wall_s": second["wall_s"], "rss_mb": second["peak_rss_mb"],
            **timings(log_since(project, offset), second["started_at"])}


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
        memory_text = f", {memory:.0f} GiB RAM"
    except OSError:
        memory_text = ""
    return (f"{model}, {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()} cores"
            f"{memory_text}, {platform.system()} {platform.release()}, Python {platform.python_version()}")


def _breakdown(wall: float, result: dict) -> str:
    """Start-up, nodes per pipeline (their outputs' saves included), dataset loads, and the rest, in seconds of
    ``wall``; the slowest loads and saves named."""
    parts = [f"start-up (imports, configuration, MLflow run) {result['startup_s']:.1f} s"]
    parts += [f"{name} nodes {seconds:.1f} s" for name, seconds in per_pipeline(result["timings"]).items()]
    slow_io = sorted(result["io"].items(), key=lambda item: -item[1])[:4]
    parts.append(f"dataset loads and saves (saves within the nodes' time) {result['loads_s']:.1f} s ("
                 + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slow_io) + ")")
    rest = wall - result["startup_s"] - result["nodes_s"] - result["loads_s"]
    parts.append(f"the rest (ending the MLflow run, registering the model, interpreter exit) {rest:.1f} s")
    return ", ".join(parts)


def report(results: list[dict], bundled: dict | None, max_rows: int) -> None:
    print()
    print("| rows | pipeline s | floor s | ratio | pipeline peak RSS MB | floor peak RSS MB | k (sample) "
          "| k (full-data sweep) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        agreement = "agrees" if r["full_k"] == r["k"] else "differs"
        full = "not run" if r["full_k"] is None else f"{r['full_k']} ({agreement})"
        print(f"| {r['rows']:,} | {r['pipeline_s']:.1f} | {r['floor_s']:.1f} | {r['ratio']:.2f}x | "
              f"{r['pipeline_rss_mb']:.0f} | {r['floor_rss_mb']:.0f} | {r['k']} | {full} |")
    swept = [r for r in results if r["full_k"] is not None]
    if swept:
        biggest = max(swept, key=lambda r: r["rows"])
        print(f"\nfull-data sweep (1 initialisation, 2 bootstrap refits per k): {biggest['rows']:,} rows in "
              f"{biggest['full_sweep_s']:.0f} s; not run above {max_rows:,} rows (it grows with the rows: about "
              f"{biggest['full_sweep_s'] * 10:.0f} s per 10x)")
    for r in results:
        print(f"\nwhere the time goes at {r['rows']:,} rows ({r['pipeline_s']:.1f} s): "
              + _breakdown(r["pipeline_s"], r))
        slowest = sorted(r["timings"].items(), key=lambda item: -item[1])[:6]
        print("  slowest nodes: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest))
    if bundled:
        print(f"\nbundled demo data, second `kedro run`: {bundled['wall_s']:.1f} s wall, "
              f"peak RSS {bundled['rss_mb']:.0f} MB; "
              + _breakdown(bundled["wall_s"], bundled))
        for name, seconds in sorted(bundled["timings"].items(), key=lambda item: -item[1]):
            print(f"  {name:45s} {seconds:6.2f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--full-sweep-max-rows", type=int, default=1_000_000,
                        help="fit the full-data sweep only up to this many rows (it is the slow part)")
    parser.add_argument("--skip-bundled", action="store_true", help="do not time the bundled demo data")
    parser.add_argument("--tiny", action="store_true", help="smoke test: 3,000 rows, no bundled run")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest counts")
    parser.add_argument("--env", default="scale", help="Kedro configuration environment for the sized runs")
    parser.add_argument("--data-dir", type=Path, default=BENCH / "data", help="where the generated files live")
    parser.add_argument("--work-dir", type=Path, default=BENCH / "work", help="where the scratch project is copied")
    args = parser.parse_args(argv)
    sizes = [3_000] if args.tiny else args.sizes
    args.data_dir.mkdir(parents=True, exist_ok=True)
    args.work_dir.mkdir(parents=True, exist_ok=True)

    print(f"machine: {machine()}", flush=True)
    results = []
    for rows in sizes:
        print(f"running {rows:,} rows ...", flush=True)
        results.append(bench_size(rows, args))
    bundled = None
    if not (args.skip_bundled or args.tiny):
        print("running the bundled demo data ...", flush=True)
        bundled = bench_bundled(args.work_dir)
    report(results, bundled, args.full_sweep_max_rows)


if __name__ == "__main__":
    main()
