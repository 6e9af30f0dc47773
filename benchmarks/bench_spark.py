"""Benchmark: ``kedro run --env spark`` on local[2] beside ``kedro run --env scale``, on the same Parquet files.

    make benchmark-spark                                        # 1M and 10M rows (data generated if absent)
    .venv/bin/python benchmarks/bench_spark.py --sizes 1000000

For each size both runs go through all three pipelines (MLflow included) in scratch copies of the
project, one after the other on the same file. Printed per run: wall time, the CPU time of all its
processes (less sensitive than wall time to other work on the machine), the peak resident memory of
the Python driver, of Spark's JVM and of the largest of Spark's Python workers (the kedro process, its
java child and the java child's Python processes, read from /proc while they run), the chosen k; and
between the two runs, the adjusted Rand index of their segments (joined on ``source_row``) and whether
their quality reports agree (all but the engine-specific fingerprint).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run_benchmarks as base  # noqa: E402 - the scale benchmark's data, project copies and machine line

POLL_S = 0.2


def _peak_kb(pid: int) -> int:
    """The process's peak resident set (VmHWM), 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _processes() -> dict[int, tuple[int, str, int]]:
    """Every process: ``{pid: (parent pid, name, CPU ticks used so far)}``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                name, rest = (entry / "stat").read_text().rsplit(")", 1)
                fields = rest.split()
                found[int(entry.name)] = (int(fields[1]), name.split("(", 1)[1], int(fields[11]) + int(fields[12]))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _tree(pid: int, processes: dict[int, tuple[int, str, int]]) -> list[int]:
    """Every descendant of ``pid`` (Spark's JVM, its Python daemon and workers...)."""
    children: dict[int, list[int]] = {}
    for child, (parent, _, _) in processes.items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


def run(command: list[str], project: Path) -> dict:
    """Wall time; peak RSS (MB) of the process, of its java child and of Spark's Python workers (the largest);
    the CPU seconds of all of them; and the log of ``command``."""
    log_path = project / "bench.log"
    started = time.perf_counter()
    ticks: dict[int, int] = {}  # the last CPU ticks seen of each process of the run
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=project, env=base._env(project), stdout=log, stderr=subprocess.STDOUT)
        driver = jvm = workers = 0
        while process.poll() is None:
            processes = _processes()
            tree = [process.pid, *_tree(process.pid, processes)]
            ticks.update({pid: processes[pid][2] for pid in tree if pid in processes})
            driver = max(driver, _peak_kb(process.pid))
            java = [pid for pid in tree if "java" in processes.get(pid, (0, "", 0))[1]]
            jvm = max([jvm, *map(_peak_kb, java)])
            workers = max([workers, *(_peak_kb(pid) for pid in tree if pid != process.pid and pid not in java
                                      and "python" in processes.get(pid, (0, "", 0))[1])])
            time.sleep(POLL_S)
    wall = time.perf_counter() - started
    text = log_path.read_text()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{text[-4000:]}")
    return {"wall_s": wall, "cpu_s": sum(ticks.values()) / os.sysconf("SC_CLK_TCK"), "driver_mb": driver / 1024,
            "jvm_mb": jvm / 1024, "workers_mb": workers / 1024, "log": text}


def _results(project: Path) -> dict:
    import pandas as pd

    data = project / "data"
    return {
        "k": json.loads((data / "08_reporting/k_selection.json").read_text())["k"],
        "report": {k: v for k, v in json.loads((data / "08_reporting/data_quality_report.json").read_text()).items()
                   if k != "input_sha256"},
        "segments": pd.read_parquet(data / "07_model_output/customer_segments.parquet",
                                    columns=["source_row", "segment_id", "segment_name"]),
    }


def bench_size(rows: int, args: argparse.Namespace) -> list[dict]:
    from sklearn.metrics import adjusted_rand_score

    path = base.ensure_data(rows, args.data_dir)
    measured = []
    for env, extra in (("scale", []), ("spark", ["--params", f"customers_path={path},spark_master={args.master}"])):
        project = base.fresh_project(args.work_dir / env)
        run([str(base.KEDRO), "run", "--pipelines", "data_processing"], project)  # creates the MLflow store
        params = extra or ["--params", f"customers_path={path}"]
        print(f"  {rows:,} rows, --env {env} ...", flush=True)
        result = run([str(base.KEDRO), "run", "--env", env, *params], project)
        measured.append({"rows": rows, "env": env, **result, **_results(project)})
    scale, spark = measured
    both = scale["segments"].merge(spark["segments"], on="source_row", suffixes=("_scale", "_spark"))
    spark["ari"] = adjusted_rand_score(both["segment_id_scale"], both["segment_id_spark"])
    spark["same_names"] = sorted(set(both["segment_name_scale"].astype(str))) == sorted(set(both["segment_name_spark"]))
    spark["same_report"] = scale["report"] == spark["report"]
    for result in measured:
        result.pop("segments")
    return measured


def report(results: list[dict]) -> None:
    print()
    print("| rows | run | wall s | CPU s | Python driver peak RSS MB | JVM peak RSS MB | Python worker peak RSS MB | k | "
          "ARI vs scale | same names, same report |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        spark = r["env"] == "spark"
        command = "`--env spark` (local[2])" if spark else "`--env scale` (pandas)"
        jvm = f"{r['jvm_mb']:.0f}" if spark else "-"
        workers = f"{r['workers_mb']:.0f}" if spark else "-"
        agreement = f"{r['ari']:.4f}" if spark else "-"
        same = f"{'yes' if r['same_names'] else 'NO'}, {'yes' if r['same_report'] else 'NO'}" if spark else "-"
        print(f"| {r['rows']:,} | {command} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['driver_mb']:.0f} | {jvm} | "
              f"{workers} | {r['k']} | {agreement} | {same} |")
    for r in results:
        nodes, total = base.node_timings(r["log"])
        slowest = sorted(nodes.items(), key=lambda item: -item[1])[:5]
        print(f"\n{r['rows']:,} rows, --env {r['env']}: nodes {total:.1f} s; slowest: "
              + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--master", default="local[2]", help="spark.master of the Spark runs")
    parser.add_argument("--data-dir", type=Path, default=BENCH / "data", help="where the generated files live")
    parser.add_argument("--work-dir", type=Path, default=BENCH / "work" / "spark", help="scratch project copies")
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {base.machine()}; {os.environ.get('JAVA_HOME') or 'java on PATH'}", flush=True)
    results = []
    for rows in args.sizes:
        print(f"running {rows:,} rows ...", flush=True)
        results += bench_size(rows, args)
    report(results)


if __name__ == "__main__":
    main()
