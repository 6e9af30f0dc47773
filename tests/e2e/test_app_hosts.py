"""The served app answers only the hosts it serves (DNS-rebinding protection), WebSocket included."""

from __future__ import annotations

import base64
import os
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import VENV_BIN
from tests.servers import background_server, free_port



@pytest.fixture(scope="module")
def app_port(untrained_project: Path, tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(untrained_project / "src"), KEDRO_DISABLE_TELEMETRY="1", DO_NOT_TRACK="1",
               MLFLOW_DISABLE_TELEMETRY="true")
    command = [str(VENV_BIN / "streamlit"), "run", "streamlit_app/serve.py", "--server.port", str(port),
               "--server.headless", "true"]
    log = tmp_path_factory.mktemp("hosts") / "streamlit.log"
    with background_server(command, cwd=untrained_project, env=env, log_path=log,
                           ready_url=f"http://127.0.0.1:{port}/_stcore/health"):
        yield port


def _health(port: int, host: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_stcore/health", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _websocket_upgrade(port: int, host: str) -> str:
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://{host}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request.encode())
        return connection.recv(200).decode(errors="replace").split("\r\n")[0]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "localhost:8501"])
def test_the_hosts_it_serves_are_answered(app_port, host):
    assert _health(app_port, host) == 200


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8501", "127.0.0.1.attacker.example"])
def test_a_hostile_host_gets_a_400_on_health_and_websocket(app_port, host):
    assert _health(app_port, host) == 400
    assert " 400 " in _websocket_upgrade(app_port, host) + " "
