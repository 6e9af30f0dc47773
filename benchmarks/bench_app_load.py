"""The app under load: concurrent browser-less sessions cycling through the pages, health probed meanwhile,
on a quiet machine and again while `kedro run` shares it.

    .venv/bin/python benchmarks/bench_app_load.py                    # trains a throw-away copy first (~30 s)
    .venv/bin/python benchmarks/bench_app_load.py --project . --sessions 20 --seconds 60
    .venv/bin/python benchmarks/bench_app_load.py --project . --no-concurrent-run   # the quiet machine only

Starts `streamlit run streamlit_app/serve.py` on 127.0.0.1 (its own process group, stopped at the end),
opens ``--sessions`` WebSocket sessions that speak Streamlit's own protocol (a rerun of each page in turn,
waiting for the page script to finish, as a browser tab does when it changes page), and probes
/_stcore/health every 0.2 s from another connection. Then the same load again while `kedro run` trains,
over and over, on a copy of the project (its own process group, stopped at the end): the machine shared with a
run, as when a retrain starts while people use the app. Prints, for each, page-script times (p50/p95 per page
and overall), health latency (p50/p95/max, timeouts over 10 s) and the server's resident memory before and
after, and writes benchmarks/results/app_load.json. Loopback only; bounded by --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.update(KEDRO_DISABLE_TELEMETRY="1", DO_NOT_TRACK="1", MLFLOW_DISABLE_TELEMETRY="true")

HEALTH_TIMEOUT_S = 10.0


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def _rerun(socket, page_hash: str):
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.page_script_hash = page_hash
    started = time.perf_counter()
    await socket.send(message.SerializeToString())
    navigation = None
    while True:
        answer = ForwardMsg()
        answer.ParseFromString(await socket.recv())
        kind = answer.WhichOneof("type")
        if kind == "navigation":
            navigation = answer.navigation
        elif kind == "script_finished":
            return time.perf_counter() - started, navigation


async def _session(port: int, deadline: float, times: dict[str, list[float]]) -> None:
    import websockets

    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", max_size=None) as socket:
        seconds, navigation = await _rerun(socket, "")
        pages = [(page.page_script_hash, page.url_pathname or "segments") for page in navigation.app_pages]
        times.setdefault("segments", []).append(seconds)
        while time.perf_counter() < deadline:
            for page_hash, name in pages:
                seconds, _ = await _rerun(socket, page_hash)
                times.setdefault(name, []).append(seconds)
                if time.perf_counter() >= deadline:
                    break


async def _probe_health(port: int, deadline: float, latencies: list[float]) -> None:
    request = f"GET /_stcore/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), HEALTH_TIMEOUT_S)
            writer.write(request)
            await writer.drain()
            await asyncio.wait_for(reader.read(), HEALTH_TIMEOUT_S)
            writer.close()
            latencies.append(time.perf_counter() - started)
        except (TimeoutError, OSError):
            latencies.append(HEALTH_TIMEOUT_S)
        await asyncio.sleep(0.2)


async def _load(port: int, sessions: int, seconds: float) -> tuple[dict[str, list[float]], list[float]]:
    deadline = time.perf_counter() + seconds
    times: dict[str, list[float]] = {}
    latencies: list[float] = []
    await asyncio.gather(_probe_health(port, deadline, latencies),
                         *(_session(port, deadline, times) for _ in range(sessions)))
    return times, latencies


class ConcurrentRuns:
    """`kedro run` on a copy of ``project``, started again each time it ends, until :meth:`stop`."""

    def __init__(self, project: Path, workdir: Path) -> None:
        from tests.projects import copy_project, kedro_env

        self._project = copy_project(workdir / "concurrent")
        self._env = kedro_env(self._project)
        self._process: subprocess.Popen | None = None
        self._stopped = False
        self.runs = 0
        self._thread = threading.Thread(target=self._loop, name="concurrent-kedro-run", daemon=True)

    def _loop(self) -> None:
        while not self._stopped:
            self._process = subprocess.Popen(
                [str(Path(sys.executable).parent / "kedro"), "run"], cwd=self._project, env=self._env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            if self._process.wait() == 0:
                self.runs += 1

    def start(self) -> "ConcurrentRuns":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped = True
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGKILL)
        self._thread.join(timeout=30)


def run(project: Path, sessions: int, seconds: float, concurrent: ConcurrentRuns | None = None,
        server_log: Path | None = None) -> dict:
    import socket
    import urllib.request

    from tests.servers import free_port

    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(project / "src"))
    env.pop("CUSTOMER_SEGMENTATION_PROJECT", None)
    log = open(server_log, "ab") if server_log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "streamlit_app/serve.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=project, env=env, stdout=log, stderr=log, start_new_session=True,
    )
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except (OSError, socket.timeout):
                time.sleep(0.2)
        warm_times, _ = asyncio.run(_load(port, 1, 0.1))  # one session opens the project and loads the model
        before = _rss_mb(process.pid)
        if concurrent is not None:
            concurrent.start()
            time.sleep(5)  # past the run's start-up, into its work
        try:
            times, latencies = asyncio.run(_load(port, sessions, seconds))
        finally:
            if concurrent is not None:
                concurrent.stop()
        after = _rss_mb(process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        if server_log:
            log.close()
    every = [t for values in times.values() for t in values]
    return {
        "sessions": sessions, "seconds": seconds, "first_session_s": warm_times["segments"][0],
        "page_runs": len(every), "page_p50_s": statistics.median(every), "page_p95_s": _percentile(every, 0.95),
        "pages": {name: {"runs": len(values), "p50_s": statistics.median(values), "p95_s": _percentile(values, 0.95)}
                  for name, values in sorted(times.items())},
        "health_probes": len(latencies), "health_p50_s": statistics.median(latencies),
        "health_p95_s": _percentile(latencies, 0.95), "health_max_s": max(latencies),
        "health_timeouts": sum(latency >= HEALTH_TIMEOUT_S for latency in latencies),
        "rss_before_mb": before, "rss_after_mb": after,
        "concurrent_kedro_runs": None if concurrent is None else concurrent.runs,
    }


def _print(title: str, result: dict) -> None:
    print(f"\n{title}: {result['sessions']} sessions for {result['seconds']:.0f} s, {result['page_runs']:,} page "
          f"runs, {result['health_probes']} health probes")
    print("| measure | p50 s | p95 s |\n| --- | ---: | ---: |")
    for name, figures in result["pages"].items():
        print(f"| page `{name}` ({figures['runs']} runs) | {figures['p50_s']:.2f} | {figures['p95_s']:.2f} |")
    print(f"| every page | {result['page_p50_s']:.2f} | {result['page_p95_s']:.2f} |")
    print(f"| /_stcore/health (max {result['health_max_s']:.2f} s, {result['health_timeouts']} over "
          f"{HEALTH_TIMEOUT_S:.0f} s) | {result['health_p50_s']:.3f} | {result['health_p95_s']:.3f} |")
    print(f"server memory: {result['rss_before_mb']:.0f} MB before, {result['rss_after_mb']:.0f} MB after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, help="a trained project (default: train a temporary copy)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--no-concurrent-run", dest="concurrent_run", action="store_false",
                        help="only the quiet machine, not again with `kedro run` sharing it")
    parser.add_argument("--server-log", type=Path, help="append the app server's output to this file")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench_app_load_") as workdir:
        if args.project is None:
            from benchmarks.bench_app import trained_copy

            project = trained_copy(Path(workdir))
        else:
            project = args.project.resolve()
        results["quiet"] = run(project, args.sessions, args.seconds, server_log=args.server_log)
        _print("quiet machine", results["quiet"])
        if args.concurrent_run:
            results["concurrent_run"] = run(project, args.sessions, args.seconds,
                                            ConcurrentRuns(project, Path(workdir)), args.server_log)
            _print(f"while `kedro run` shares the machine ({results['concurrent_run']['concurrent_kedro_runs']} "
                   "runs completed)", results["concurrent_run"])
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "app_load.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
