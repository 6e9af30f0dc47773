"""How long start-up, each node and each dataset load and save took, logged for users and the benchmarks."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from kedro.framework.hooks import hook_impl
from kedro.pipeline import Node

logger = logging.getLogger(__name__)


def _process_age_s() -> float | None:
    """Seconds since this process started (Linux), for the start-up figure; None elsewhere."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


class NodeTimingHooks:
    """Logs how long each node, each dataset load and save, and start-up took, so slow steps are easy to find."""

    def __init__(self) -> None:
        self._started: dict[str, float] = {}
        self._durations: dict[str, float] = {}
        self._io: dict[str, float] = {}

    @hook_impl
    def before_pipeline_run(self) -> None:
        self._durations.clear()
        self._io.clear()
        age = _process_age_s()
        if age is not None:
            logger.info("start-up (imports, configuration, MLflow run) took %.2f s", age)

    @hook_impl
    def before_node_run(self, node: Node) -> None:
        self._started[node.name] = time.perf_counter()

    @hook_impl
    def after_node_run(self, node: Node) -> None:
        seconds = time.perf_counter() - self._started.pop(node.name, time.perf_counter())
        self._durations[node.name] = seconds
        logger.info("node %s took %.2f s", node.name, seconds)

    def _start_io(self, key: str) -> None:
        self._started[key] = time.perf_counter()

    def _stop_io(self, key: str) -> None:
        if key in self._started:
            self._io[key] = self._io.get(key, 0.0) + time.perf_counter() - self._started.pop(key)

    @hook_impl
    def before_dataset_loaded(self, dataset_name: str) -> None:
        self._start_io(f"load {dataset_name}")

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str) -> None:
        self._stop_io(f"load {dataset_name}")

    @hook_impl
    def before_dataset_saved(self, dataset_name: str) -> None:
        self._start_io(f"save {dataset_name}")

    @hook_impl
    def after_dataset_saved(self, dataset_name: str) -> None:
        self._stop_io(f"save {dataset_name}")

    @hook_impl
    def after_pipeline_run(self) -> None:
        if self._durations:
            slowest = sorted(self._durations.items(), key=lambda item: -item[1])
            logger.info(
                "node timings (s): %s; total %.2f s",
                ", ".join(f"{name}={seconds:.2f}" for name, seconds in slowest),
                sum(self._durations.values()),
            )
        slow_io = sorted(((k, v) for k, v in self._io.items() if v >= 0.05), key=lambda item: -item[1])
        if self._io:
            logger.info(
                "dataset timings (s): %s; total %.2f s",
                ", ".join(f"{name}={seconds:.2f}" for name, seconds in slow_io) or "none above 0.05",
                sum(self._io.values()),
            )
