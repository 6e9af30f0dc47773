"""Times the k sweep (sample -> standardize -> sweep_k) at two data sizes, with the project's parameters.

Beyond ``sweep_sample_size`` rows the sweep works on a fixed-size sample, so its time should stay flat:
the ratio printed at the end should be close to 1 although the data grow tenfold.

    .venv/bin/python benchmarks/bench_k_sweep.py                 # 100k vs 1M rows
    .venv/bin/python benchmarks/bench_k_sweep.py --rows 100000 10000000
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

import yaml  # noqa: E402

from customer_segmentation.demo_data import generate_customers  # noqa: E402
from customer_segmentation.pipelines.eda.nodes import sample_customers, standardize_features, sweep_k  # noqa: E402

CONF = Path(__file__).resolve().parents[1] / "conf/base"
PARAMETERS = CONF / "parameters_eda.yml"
FEATURES = yaml.safe_load((CONF / "parameters.yml").read_text())["features"]


def time_sweep(rows: int, eda: dict) -> tuple[float, int]:
    """Seconds from the model-input frame to the k_sweep table, and how many rows the sweep used."""
    customers = generate_customers(rows, seed=1)
    started = time.perf_counter()
    sample, info = sample_customers(customers, FEATURES, eda["sweep_sample_size"], eda["random_state"])
    sweep_k(standardize_features(sample), eda["k_range"], eda["n_init"], eda["n_bootstrap"],
            eda["silhouette_sample_size"], eda["random_state"])
    return time.perf_counter() - started, info["rows_used"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs=2, default=[100_000, 1_000_000], metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    eda = yaml.safe_load(PARAMETERS.read_text())["eda"]
    print(f"k_range {eda['k_range']}, sweep_sample_size {eda['sweep_sample_size']:,}, silhouette_sample_size "
          f"{eda['silhouette_sample_size']:,}, n_init {eda['n_init']}, n_bootstrap {eda['n_bootstrap']}, {os.cpu_count()} cores")
    print(f"{'rows':>12} {'rows used':>10} {'seconds':>8}")
    results = []
    for rows in args.rows:
        seconds, used = time_sweep(rows, eda)
        results.append(seconds)
        print(f"{rows:>12,} {used:>10,} {seconds:>8.1f}", flush=True)
    print(f"ratio {args.rows[1] // args.rows[0]}x rows -> {results[1] / results[0]:.2f}x time")


if __name__ == "__main__":
    main()
