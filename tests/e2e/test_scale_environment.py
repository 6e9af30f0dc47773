"""``kedro run --env scale`` as the documentation gives it: Parquet in, Parquet out, the same segments and
accounting, every output in the environment's own folder (data/scale/), the demo's outputs untouched."""

from __future__ import annotations

import json

import pandas as pd

from customer_segmentation.demo_data import main as demo_data
from tests.conftest import run_kedro


def test_a_scale_run_on_parquet_writes_every_output_and_one_audience_file_per_segment(project_copy):
    customers = project_copy / "data/01_raw/customers.parquet"
    demo_data(["--rows", "20000", "--out", str(customers), "--seed", "7"])
    run_kedro(project_copy, "run", "--env", "scale", "--params", f"customers_path={customers}")

    data = project_copy / "data" / "scale"
    assert not (project_copy / "data/08_reporting/data_quality_report.json").exists(), "the default's outputs untouched"
    report = json.loads((data / "08_reporting/data_quality_report.json").read_text())
    assert report["rows_read"] == len(pd.read_parquet(customers))
    assert report["rows_read"] == report["rows_out"] + report["rows_rejected"] + report["duplicates_removed"]
    assert len(pd.read_parquet(data / "02_intermediate/rejected_customers.parquet")) == report["rows_rejected"]
    segments = pd.read_parquet(data / "07_model_output/customer_segments.parquet")
    assert len(segments) == report["rows_out"]

    audiences = sorted((data / "07_model_output/segment_audiences").glob("*.parquet"))
    sizes = segments["segment_id"].value_counts().sort_index()
    assert [path.name.split("_")[1] for path in audiences] == [str(i) for i in sizes.index]
    assert [len(pd.read_parquet(path)) for path in audiences] == sizes.tolist()
