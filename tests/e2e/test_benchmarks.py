"""The benchmark still runs: `benchmarks/run_benchmarks.py --tiny` on 3,000 generated rows.

It checks the report's shape and that its numbers are sane, never how fast anything is.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import tiny_benchmark


ROW = re.compile(
    r"^\| ([\d,]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+)x \| (\d+) \| (\d+) \| (\d+) \| (\d+) \((agrees|differs)\) \|$",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> str:
    return tiny_benchmark("run_benchmarks.py", tmp_path_factory.mktemp("benchmark"))


def test_table_has_a_row_with_sane_numbers(report):
    rows = ROW.findall(report)
    assert len(rows) == 1, report
    size, pipeline, floor, ratio, pipeline_rss, floor_rss, k, full_k, _ = rows[0]
    assert int(size.replace(",", "")) == 3000
    assert 0 < float(floor) < float(pipeline)
    # The table prints seconds to 0.1 s and the ratio of the unrounded times: it must lie within
    # what the rounding allows.
    p, f = float(pipeline), float(floor)
    assert (p - 0.05) / (f + 0.05) - 0.01 <= float(ratio) <= (p + 0.05) / (f - 0.05) + 0.01
    assert 50 < int(floor_rss) < int(pipeline_rss) < 3000, "peak RSS in MB"
    assert 2 <= int(k) <= 10 and 2 <= int(full_k) <= 10


def test_report_says_where_the_time_goes(report):
    line = next(line for line in report.splitlines() if line.startswith("where the time goes at 3,000 rows"))
    for part in ("start-up", "data_processing nodes", "eda nodes", "clustering nodes", "dataset loads and saves",
                 "the rest"):
        assert re.search(rf"{part}\b.*? \d+\.\d s", line), part
    assert re.search(r"slowest nodes: \w+_node [\d.]+ s", report)
    assert re.match(r"machine: .+, \d+ cores", report)
