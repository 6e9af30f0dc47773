"""`mlflow models serve` answers with segment ids for the model the last `kedro run` registered."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import VENV_BIN
from tests.servers import background_server, free_port
from tests.helpers import FEATURE_NAMES as FEATURES
from tests.projects import MODEL_NAME, tracking_uri


START_TIMEOUT_S = 90


def _post_json(url: str, payload: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def project(trained_project) -> Path:
    return trained_project


@pytest.fixture(scope="module")
def server(project, tmp_path_factory):
    """`mlflow models serve` on a free loopback port, in its own process group (uvicorn has children)."""
    port = free_port()
    env = {**os.environ, "MLFLOW_TRACKING_URI": tracking_uri(project)}
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])  # it execs `uvicorn` by name
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    command = [
        str(VENV_BIN / "mlflow"), "models", "serve", "-m", f"models:/{MODEL_NAME}/latest",
        "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port),
    ]
    url = f"http://127.0.0.1:{port}"
    with background_server(command, cwd=project, env=env, log_path=log_path, ready_url=f"{url}/ping",
                           timeout=START_TIMEOUT_S):
        yield url


def test_invocations_return_the_assigned_segments(server, project):
    segments = pd.read_parquet(project / "data/07_model_output/customer_segments.parquet")
    sample = segments.sample(200, random_state=1)
    # Whole numbers as JSON integers, as people and spreadsheets write them.
    rows = [[int(v) if float(v).is_integer() else float(v) for v in row] for row in sample[FEATURES].to_numpy()]
    assert any(isinstance(v, int) for row in rows for v in row)
    answer = _post_json(f"{server}/invocations", {"dataframe_split": {"columns": FEATURES, "data": rows}})
    assert [p["segment_id"] for p in answer["predictions"]] == sample["segment_id"].tolist()
    assert [p["segment_name"] for p in answer["predictions"]] == sample["segment_name"].astype(str).tolist()
    assert all(p["error"] is None for p in answer["predictions"])


def test_impossible_and_empty_values_get_a_per_row_error_instead_of_a_segment(server):
    rows = [[135000, 80, 55000, 46], [50000, 50, 1000, -500], [1e300, 50, 1000, 30], [None, None, None, None]]
    answer = _post_json(f"{server}/invocations", {"dataframe_split": {"columns": FEATURES, "data": rows}})
    first, *bad = answer["predictions"]
    assert isinstance(first["segment_id"], int) and first["error"] is None
    assert [p["segment_id"] for p in bad] == [None, None, None]
    assert [p["error"] for p in bad] == [
        "age: -500 is outside the allowed range [18, 100]",
        "annual_income: 1e+300 is outside the allowed range [0, 10000000]",
        "all feature values are empty (annual_income, spending_score, savings, age)",
    ]


def test_a_missing_feature_is_refused_with_its_name_and_no_stack_trace(server):
    payload = {"dataframe_split": {"columns": FEATURES[:3], "data": [[50000.0, 50.0, 1000.0]]}}
    with pytest.raises(urllib.error.HTTPError) as error:
        _post_json(f"{server}/invocations", payload)
    assert error.value.code == 400
    body = json.loads(error.value.read().decode())
    assert "column(s) 'age' missing: the model was trained on them" in body["message"] and "stack_trace" not in body


def _post(url: str, body: bytes, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_csv_request_is_answered_like_json_with_headers_matched_as_the_pipeline_does(server):
    csv = (" Annual_Income ,SPENDING_SCORE,Savings,Age\n"
           "135000,80,55000,46\n"
           "50000,50,1000,-500\n"
           "abc,50,1000,30\n").encode()
    status, body = _post(f"{server}/invocations", csv, "text/csv")
    assert status == 200, body
    first, *bad = json.loads(body)["predictions"]
    assert isinstance(first["segment_id"], int) and first["error"] is None
    assert [p["error"] for p in bad] == ["age: -500 is outside the allowed range [18, 100]",
                                         "annual_income: 'abc' is not a number"]
