"""Benchmark: a whole `kedro run` on the 250-row reference data against the seed project's own scripts.

    make bench-small                                    # 5 rounds, ~3 minutes
    .venv/bin/python benchmarks/bench_small_run.py --repeat 3

The baseline is benchmarks/seed_baseline.py: what the project this product was first described from
does with the same file (its `eda.py` then its `train_model.py`, two processes; see that file).
Both sides run in the same sitting, each command in its own process (benchmarks/measure.py),
alternating (baseline first in odd rounds, kedro first in even rounds), and the medians are compared.
Both have their MLflow store already: a first, untimed run of each creates it (a new SQLite store
costs ~8 s once), so the figure is that of the run a user makes every day. The `kedro run` happens
in a scratch copy of the project (--work-dir) whose input is the reference data set
(tests/data/reference/seed_segmentation_data.csv), all three pipelines and MLflow tracking included.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_benchmarks import (  # noqa: E402
    BENCH,
    KEDRO,
    PYTHON,
    ROOT,
    fresh_project,
    log_since,
    log_size,
    machine,
    measure,
    timings,
)

REFERENCE = ROOT / "tests" / "data" / "reference" / "seed_segmentation_data.csv"
TARGET = 0.35


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def baseline(data: Path, out: Path) -> float:
    """Seconds of the seed's two scripts, each its own process, on ``data``."""
    script = str(BENCH / "seed_baseline.py")
    uri = f"sqlite:///{(out / 'mlflow.db').as_posix()}"
    eda = measure([str(PYTHON), script, "eda", "--input", str(data), "--out", str(out)], out)
    train = measure([str(PYTHON), script, "train", "--input", str(data), "--out", str(out), "--tracking-uri", uri], out)
    return eda["wall_s"] + train["wall_s"]


def kedro_run(project: Path) -> dict:
    offset = log_size(project)
    result = measure([str(KEDRO), "run"], project, project)
    return {"wall_s": result["wall_s"], **timings(log_since(project, offset), result["started_at"])}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds; each times both sides once")
    parser.add_argument("--data", type=Path, default=REFERENCE, help="the customer CSV both sides read")
    parser.add_argument("--work-dir", type=Path, default=BENCH / "work" / "small",
                        help="where the scratch project is copied")
    args = parser.parse_args(argv)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    project = fresh_project(args.work_dir)
    shutil.copyfile(args.data, project / "data" / "01_raw" / "segmentation_data.csv")
    print(f"machine: {machine()}", flush=True)
    print(f"load average before: {load_average()}", flush=True)

    with tempfile.TemporaryDirectory(prefix="seed-baseline-") as folder:
        out = Path(folder)
        print("warming up (creates both MLflow stores, not timed) ...", flush=True)
        kedro_run(project)
        baseline(args.data, out)
        seeds, runs = [], []
        for round_ in range(1, args.repeat + 1):
            sides = [lambda: seeds.append(baseline(args.data, out)), lambda: runs.append(kedro_run(project))]
            for side in sides if round_ % 2 else reversed(sides):
                side()
            print(f"round {round_}: seed scripts {seeds[-1]:.1f} s, kedro run {runs[-1]['wall_s']:.1f} s", flush=True)

    seed_s = statistics.median(seeds)
    run_s = statistics.median(r["wall_s"] for r in runs)
    typical = min(runs, key=lambda r: abs(r["wall_s"] - run_s))
    print(f"load average after: {load_average()}")
    print()
    print("| measure | median s | runs s |")
    print("|---|---:|---|")
    print(f"| seed scripts (eda.py + train_model.py behaviour) | {seed_s:.1f} | "
          f"{', '.join(f'{s:.1f}' for s in seeds)} |")
    run_list = ", ".join(f"{r['wall_s']:.1f}" for r in runs)
    print(f"| `kedro run`, 250 reference rows | {run_s:.1f} | {run_list} |")
    print()
    ratio = run_s / seed_s
    print(f"small run: kedro run / seed scripts = {ratio:.2f}x (target <= {TARGET:.2f}x: "
          f"{'met' if ratio <= TARGET else 'not met'}), median of {args.repeat}")
    slow_io = sorted(typical["io"].items(), key=lambda item: -item[1])[:5]
    print(f"where the time goes (the median run, {typical['wall_s']:.1f} s): start-up {typical['startup_s']:.1f} s, "
          f"nodes (their saves included) {typical['nodes_s']:.1f} s, dataset loads {typical['loads_s']:.1f} s (slowest "
          "loads and saves: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in slow_io)
          + f"), the rest {typical['wall_s'] - typical['startup_s'] - typical['nodes_s'] - typical['loads_s']:.1f} s")


if __name__ == "__main__":
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    main()
