"""The app under load: concurrent browser-less sessions cycling through the four pages, health probed meanwhile.

    .venv/bin/python benchmarks/bench_app_load.py                    # trains a throw-away copy first (~30 s)
    .venv/bin/python benchmarks/bench_app_load.py --project . --sessions 20 --seconds 60

Starts `streamlit run streamlit_app/serve.py` on 127.0.0.1 (its own process group, stopped at the end),
opens ``--sessions`` WebSocket sessions that speak Streamlit's own protocol (a rerun of each page in turn,
waiting for the page script to finish, as a browser tab does when it changes page), and probes
/_stcore/health every 0.2 s from another connection. Prints page-script times (p50/p95 per page and
overall), health latency (p50/p95/max, timeouts over 10 s) and the server's resident memory before and
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


def run(project: Path, sessions: int, seconds: float) -> dict:
    import socket
    import urllib.request

    from tests.servers import free_port

    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(project / "src"))
    env.pop("CUSTOMER_SEGMENTATION_PROJECT", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "streamlit_app/serve.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
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
        times, latencies = asyncio.run(_load(port, sessions, seconds))
        after = _rss_mb(process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
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
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, help="a trained project (default: train a temporary copy)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_app_load_") as workdir:
        if args.project is None:
            from benchmarks.bench_app import trained_copy

            project = trained_copy(Path(workdir))
        else:
            project = args.project.resolve()
        result = run(project, args.sessions, args.seconds)
    print(f"\n{result['sessions']} sessions for {result['seconds']:.0f} s: {result['page_runs']:,} page runs, "
          f"{result['health_probes']} health probes")
    print("| measure | p50 s | p95 s |\n| --- | ---: | ---: |")
    for name, figures in result["pages"].items():
        print(f"| page `{name}` ({figures['runs']} runs) | {figures['p50_s']:.2f} | {figures['p95_s']:.2f} |")
    print(f"| every page | {result['page_p50_s']:.2f} | {result['page_p95_s']:.2f} |")
    print(f"| /_stcore/health (max {result['health_max_s']:.2f} s, {result['health_timeouts']} over "
          f"{HEALTH_TIMEOUT_S:.0f} s) | {result['health_p50_s']:.3f} | {result['health_p95_s']:.3f} |")
    print(f"server memory: {result['rss_before_mb']:.0f} MB before, {result['rss_after_mb']:.0f} MB after")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "app_load.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
