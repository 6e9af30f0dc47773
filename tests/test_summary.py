"""The summary at the end of `make run`: what the run wrote, read back, in a few lines."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from customer_segmentation.summary import catalog_paths, main, summarise
from tests.conftest import PROJECT_ROOT


def _project(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "conf", project / "conf")
    paths = catalog_paths(project)
    outputs = {
        "data_quality_report": {"rows_read": 3030, "rows_out": 2960, "rows_rejected": 40, "duplicates_removed": 30,
                                "rejections_by_reason": {"age: outside the allowed range [18, 100]": 25,
                                                         "annual_income: not a number": 15}},
        "k_selection": {"k": 4, "method": "auto", "structure": "strong", "reason": "All four criteria agree on 4."},
        "clustering_metrics": {"k": 4, "silhouette": 0.5912, "silhouette_sample_size": 2960},
    }
    for name, content in outputs.items():
        (project / paths[name]).parent.mkdir(parents=True, exist_ok=True)
        (project / paths[name]).write_text(json.dumps(content))
    (project / paths["segment_profiles"]).parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"segment_id": [0, 1], "segment_name": ["Budget-conscious", "High income, high spenders"],
                  "size": [2000, 960], "share": [2000 / 2960, 960 / 2960]}).to_csv(project / paths["segment_profiles"],
                                                                                 index=False)
    return project, paths


def test_the_summary_gives_rows_k_and_why_silhouette_segments_outputs_and_the_app(tmp_path):
    project, paths = _project(tmp_path)
    text = summarise(project, paths, "http://127.0.0.1:8501")
    assert "3,030 read, 2,960 kept, 40 rejected, 30 duplicates removed" in text
    assert "age: outside the allowed range [18, 100] (25); annual_income: not a number (15)" in text
    assert "k = 4 (auto, strong structure): All four criteria agree on 4." in text
    assert "silhouette 0.59" in text
    assert "Budget-conscious" in text and "2,000 customers (68 %)" in text and "960 customers (32 %)" in text
    assert "data/07_model_output/customer_segments.parquet" in text and "data/08_reporting/" in text
    assert "make app, then http://127.0.0.1:8501" in text


def test_without_a_run_the_summary_says_to_run_first(tmp_path):
    shutil.copytree(PROJECT_ROOT / "conf", tmp_path / "conf")
    with pytest.raises(SystemExit, match="no complete run to summarise .* run `make run` first"):
        main(["--project", str(tmp_path)])


def test_without_a_refresh_the_refresh_summary_says_how_to_make_one(tmp_path):
    shutil.copytree(PROJECT_ROOT / "conf", tmp_path / "conf")
    with pytest.raises(SystemExit, match=r"no refresh to summarise .* run `make refresh BATCH=<file>` first"):
        main(["--project", str(tmp_path), "--refresh"])


def _refresh_report(tmp_path, **extra):
    project = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "conf", project / "conf")
    paths = catalog_paths(project, "retail")
    report = {"batch": "orders_2012_01.parquet", "compared_with": "the customers the model was trained on",
              "repeat": False, "model_changed": False,
              "rows": {"rows_read": 299, "rows_out": 299, "rows_rejected": 0, "duplicates_removed": 0},
              "customers": {"scored": 299, "stayed": 253, "moved": 31, "new": 15, "departed": 15, "previous": 299},
              "holdout": {"customers": 24, "share": 0.08, "setting": 0.1}, "alert": "none", "reason": "Stable.",
              "segments": [], **extra}
    (project / paths["refresh_report"]).parent.mkdir(parents=True, exist_ok=True)
    (project / paths["refresh_report"]).write_text(json.dumps(report))
    return project, paths


def test_a_refresh_of_an_order_log_shows_its_lines_and_dates_before_its_customers(tmp_path):
    from customer_segmentation.summary import summarise_refresh

    lines = {"lines_read": 49_773, "lines_kept": 38_923, "lines_rejected": 10_352, "duplicates_removed": 498,
             "return_lines": 996, "customers_out": 299, "rejections_by_reason": {"CustomerID: a placeholder": 9_955},
             "first_order_date": "2011-01-06", "last_order_date": "2012-01-06", "days_covered": 366,
             "snapshot_date": "2012-01-07"}
    project, paths = _refresh_report(tmp_path, order_lines=lines)
    text = summarise_refresh(project, paths, "http://127.0.0.1:8501", "retail").splitlines()
    assert text[1] == ("  lines      49,773 order lines read, 38,923 kept (996 returns netted), 10,352 rejected, 498 "
                       "duplicates removed -> 299 customers")
    assert text[3].startswith("  window     orders 2011-01-06 to 2012-01-06 (366 days), snapshot 2012-01-07")
    assert text[4].startswith("  rows       299 read, 299 scored")
    assert "  rejected lines    data/retail/02_intermediate/batch_rejected_order_lines.csv" in text


def test_a_refresh_of_a_customer_file_names_no_order_lines(tmp_path):
    from customer_segmentation.summary import summarise_refresh

    project, paths = _refresh_report(tmp_path)
    text = summarise_refresh(project, paths, "http://127.0.0.1:8501", "retail")
    assert "order lines" not in text and "rejected lines" not in text
