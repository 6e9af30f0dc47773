"""`kedro run` against an MLflow server that is down stops at start, before any node, saying what to fix."""

import socket
import time

from tests.conftest import log_size, project_log, run_kedro


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
