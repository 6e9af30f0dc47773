"""Spark tests: one local[2] SparkSession for the whole session, or a skip saying what is missing."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from tests.spark.engine import LOCAL_SETTINGS


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed: pip install -c requirements.lock -e '.[spark]'"
    if shutil.which("java") is None:
        return "Java 17 not found: install Debian's openjdk-17-jre-headless (scripts/ensure_java.sh)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing()
    for item in items:
        if "tests/spark/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.spark)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def spark():
    """The tests' SparkSession: two cores, two shuffle partitions, no UI, on loopback; stopped at the end."""
    from customer_segmentation.spark.session import start_session, stop_session

    session = start_session(LOCAL_SETTINGS, where="tests/spark/engine.py")
    yield session
    stop_session(session)
