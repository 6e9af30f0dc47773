"""Benchmark: `make run` on a fresh clone, from `git clone` to the summary (the first install included).

    make bench-install                    # clone this repository's HEAD into a temporary folder, time `make run`
    .venv/bin/python benchmarks/bench_first_install.py --cold-cache   # also without uv's download cache
    .venv/bin/python benchmarks/bench_first_install.py --pip          # make PIP=pip: plain pip

It prints the wall time of `make run`, of each of its steps (the install script prints the seconds
at which each starts), the number of lines `make run` printed and its last lines. pip's and uv's
download caches are the machine's own unless --cold-cache (then uv gets an empty cache and pip
--no-cache-dir): say which when quoting a figure. Needs the package index that `make` uses.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 75


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cold-cache", action="store_true", help="empty uv cache, pip without its cache")
    parser.add_argument("--pip", action="store_true", help="install with pip alone (make PIP=pip)")
    parser.add_argument("--python", default="python3.11", help="the Python 3.11 `make` creates the venv from")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fresh-clone-") as folder:
        project = Path(folder) / "proj"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(project)], check=True)
        env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
        if args.cold_cache:
            env.update({"UV_CACHE_DIR": str(Path(folder) / "uv-cache"), "PIP_NO_CACHE_DIR": "1"})
        command = ["make", "run", f"PYTHON={args.python}"] + (["PIP=pip"] if args.pip else [])
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
        lines, steps = [], []
        for line in process.stdout:  # each step's start, as the user sees it
            lines.append(line.rstrip("\n"))
            if line.startswith("==> "):
                steps.append((time.perf_counter() - started, re.sub(r"^==> (\[\d+ s\] )?", "", line.strip())))
        returncode = process.wait()
        wall = time.perf_counter() - started
    if returncode != 0:
        sys.exit(f"make run failed ({returncode}):\n" + "\n".join(lines[-60:]))
    print(f"make run on a fresh clone ({'pip' if args.pip else 'uv'}, "
          f"{'cold' if args.cold_cache else 'the machine'}'s download caches): {wall:.1f} s "
          f"(target <= {TARGET_S} s: {'met' if wall <= TARGET_S else 'not met'}), {len(lines)} lines printed")
    for seconds, step in steps:
        print(f"  at {seconds:5.1f} s  {step}")
    output = "\n".join(lines)
    print("  last lines:")
    for line in output.strip().splitlines()[-8:]:
        print(f"    {line}")


if __name__ == "__main__":
    main()
