"""The order-log benchmark still runs: `benchmarks/bench_orders.py --tiny` on a generated 5,000-line log.

It checks the report's shape and that both figures (wall time and peak memory of the pipeline and of the floor)
are printed, never how fast anything is.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import tiny_benchmark

pytestmark = pytest.mark.e2e

ROW = re.compile(
    r"^\| ([\d,]+) \| ([\d,]+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+)x \| (\d+) \| (\d+) \|$", re.MULTILINE
)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> str:
    return tiny_benchmark("bench_orders.py", tmp_path_factory.mktemp("bench_orders"))


def test_table_prints_both_figures(report):
    rows = ROW.findall(report)
    assert len(rows) == 1, report
    lines, customers, k, pipeline, floor, ratio, pipeline_rss, floor_rss = rows[0]
    assert 4_000 < int(lines.replace(",", "")) < 6_000
    assert int(customers.replace(",", "")) > 100
    assert 2 <= int(k) <= 10
    assert float(pipeline) > 0 and float(floor) > 0 and float(ratio) > 0
    assert int(pipeline_rss) > 50 and int(floor_rss) > 50, "peak RSS in MB"


def test_report_says_where_the_time_goes(report):
    line = next(line for line in report.splitlines() if line.startswith("where the time goes at 5,000 lines"))
    for part in ("start-up", "orders nodes", "data_processing nodes", "eda nodes", "clustering nodes",
                 "dataset loads", "the rest"):
        assert re.search(rf"{part}\b.*? \d+\.\d s", line), part
    assert re.search(r"slowest nodes: \w+_node [\d.]+ s", report)
    assert re.search(r"^floor: \d+ lines kept, \d+ customers", report, re.MULTILINE)
    assert re.match(r"machine: .+, \d+ cores", report)
