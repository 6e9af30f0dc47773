"""Benchmark: ``kedro run --env spark`` on local[2] beside ``kedro run --env scale``, on the same Parquet files.

    make benchmark-spark                                        # 1M and 10M rows (data generated if absent)
    .venv/bin/python benchmarks/bench_spark.py --sizes 1000000

For each size both runs go through all three pipelines (MLflow included) in scratch copies of the
project, one after the other on the same file. Printed per run: wall time, the peak resident memory
of the Python driver and of Spark's JVM (the kedro process and its java child, read from /proc while
they run), the chosen k; and between the two runs, the adjusted Rand index of their segments (joined
on ``source_row``) and whether their quality reports agree (all but the engine-specific fingerprint).
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


def _java_children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid and "java" in (entry / "comm").read_text():
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def run(command: list[str], project: Path) -> dict:
    """Wall time, peak RSS of the process and of its java children (MB), and the log of ``command``."""
    log_path = project / "bench.log"
    started = time.perf_counter()
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=project, env=base._env(project), stdout=log, stderr=subprocess.STDOUT)
        driver = jvm = 0
        while process.poll() is None:
            driver = max(driver, _peak_kb(process.pid))
            jvm = max([jvm, *(_peak_kb(child) for child in _java_children(process.pid))])
            time.sleep(POLL_S)
    wall = time.perf_counter() - started
    text = log_path.read_text()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{text[-4000:]}")
    return {"wall_s": wall, "driver_mb": driver / 1024, "jvm_mb": jvm / 1024, "log": text}


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
    print("| rows | run | wall s | Python driver peak RSS MB | JVM peak RSS MB | k | ARI vs scale | same names, same report |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        spark = r["env"] == "spark"
        command = "`--env spark` (local[2])" if spark else "`--env scale` (pandas)"
        jvm = f"{r['jvm_mb']:.0f}" if spark else "-"
        agreement = f"{r['ari']:.4f}" if spark else "-"
        same = f"{'yes' if r['same_names'] else 'NO'}, {'yes' if r['same_report'] else 'NO'}" if spark else "-"
        print(f"| {r['rows']:,} | {command} | {r['wall_s']:.1f} | {r['driver_mb']:.0f} | {jvm} | {r['k']} | "
              f"{agreement} | {same} |")
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
