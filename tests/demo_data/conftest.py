"""Helpers for the demo-data tests: the generator's command line run in-process, file hashes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from customer_segmentation.demo_data import main

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def generate(tmp_path: Path) -> Callable[..., Path]:
    """Runs ``python -m customer_segmentation.demo_data`` in-process; returns the folder it wrote to."""

    def run(*args: str) -> Path:
        main([arg.replace("{tmp}", str(tmp_path)) for arg in args])
        return tmp_path

    return run
