"""Runs one command and prints its wall time and peak resident memory as JSON.

    python benchmarks/measure.py -- kedro run --env scale

A separate process per measurement, so ``RUSAGE_CHILDREN`` holds exactly that command's peak.
"""

import json
import resource
import subprocess
import sys
import time


def main() -> None:
    command = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else sys.argv[1:]
    started_at = time.time()  # to place the command's own log lines (Kedro's, with their clock times)
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({
        "wall_s": round(wall, 2),
        "started_at": started_at,
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "returncode": completed.returncode,
        # Log lines come padded to the terminal width: trimmed, the whole log stays small.
        "stdout": "\n".join(line.rstrip() for line in completed.stdout.splitlines()),
        "stderr": "\n".join(line.rstrip() for line in completed.stderr.splitlines()),
    }))


if __name__ == "__main__":
    main()
