"""Servers started by tests: on 127.0.0.1, a free port, their own process group, always stopped."""

from __future__ import annotations

import os
import signal
import random
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A free port on 127.0.0.1 below the ephemeral range (kedro-viz accepts ports up to 49151 only)."""
    for port in random.Random().sample(range(20_000, 49_152), 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 49151 on 127.0.0.1")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def background_server(
    command: list[str], *, cwd: Path, env: dict[str, str], log_path: Path, ready_url: str, timeout: float = 90
) -> Iterator[subprocess.Popen]:
    """Runs ``command`` until the block ends; waits until ``ready_url`` answers HTTP 200.

    The server gets its own session so its whole process group (uvicorn workers, streamlit's
    children) is stopped at the end, not just the parent.
    """
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(ready_url):
            if process.poll() is not None:
                raise AssertionError(f"{command[0]} exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer on {ready_url} after {timeout} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:  # it exited already (a server that refused to start)
            pass
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
