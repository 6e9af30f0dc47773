"""A wrong or unreachable MLflow store stops the run at start, with a message that says what to fix."""

import socket
import time

import pytest

from customer_segmentation.errors import MlflowStoreUnavailableError
from customer_segmentation.hooks.mlflow_store import check_tracking_uri
from tests.conftest import log_size, project_log, run_kedro


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_server_is_reported_with_the_setting_to_fix():
    uri = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(MlflowStoreUnavailableError, match=f"server at {uri} is unreachable.*mlflow_tracking_uri"):
        check_tracking_uri(uri)


def test_sqlite_store_in_a_missing_folder_is_reported(tmp_path):
    with pytest.raises(MlflowStoreUnavailableError, match="does not exist or is not writable"):
        check_tracking_uri(f"sqlite:///{tmp_path}/nowhere/mlflow.db")


def test_unknown_scheme_is_reported():
    with pytest.raises(MlflowStoreUnavailableError, match="unknown scheme 'htp'"):
        check_tracking_uri("htp://typo:5000")


def test_sqlite_store_in_an_existing_folder_passes(tmp_path):
    check_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")


@pytest.mark.slow
def test_kedro_run_fails_at_start_when_the_server_is_down(project_copy):
    uri = f"http://127.0.0.1:{_closed_port()}"
    (project_copy / "conf/local/mlflow.yml").write_text(f"server:\n  mlflow_tracking_uri: {uri}\n")
    started, since = time.monotonic(), log_size(project_copy)
    result = run_kedro(project_copy, "run", check=False)
    assert result.returncode != 0
    assert f"MLflow tracking server at {uri} is unreachable" in result.stdout + result.stderr
    log = project_log(project_copy, since)
    assert "Kedro project" in log and "Running node" not in log, "nothing may run before the store is checked"
    assert time.monotonic() - started < 60
