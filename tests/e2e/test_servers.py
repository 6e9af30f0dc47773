"""The servers `make` starts listen on 127.0.0.1 only (a machine's other addresses are refused) and answer there:
the app (which refuses a form post without its XSRF token), kedro-viz and the MLflow UI. And a bare `kedro`
command, without make's environment, sends no usage data."""

from __future__ import annotations

import os
import socket
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.conftest import PROJECT_ROOT
from tests.servers import background_server, free_port

# make target: (its port variable, a page that answers once the server is up)
SERVERS = {"app": ("APP_PORT", "/_stcore/health"), "viz": ("VIZ_PORT", "/api/main"),
           "mlflow-ui": ("MLFLOW_PORT", "/health")}


def listening_addresses(port: int) -> set[str]:
    """The local addresses of every socket listening on ``port`` (IPv4 and IPv6), from /proc/net."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def other_addresses() -> list[str]:
    """This machine's addresses that are not loopback."""
    addresses = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return [a for a in addresses if not a.startswith(("127.", "::1"))]


@pytest.mark.parametrize("target", list(SERVERS))
def test_make_starts_the_server_on_loopback_only(target, tmp_path):
    variable, page = SERVERS[target]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
    with background_server(["make", "-s", target, f"{variable}={port}"], cwd=PROJECT_ROOT, env=env,
                           log_path=tmp_path / f"{target}.log", ready_url=f"http://127.0.0.1:{port}{page}",
                           timeout=180):
        assert listening_addresses(port) == {"127.0.0.1"}
        for address in other_addresses():
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=3).close()
        if target == "app":
            # A file upload without the app's XSRF cookie and token is refused.
            request = urllib.request.Request(f"http://127.0.0.1:{port}/_stcore/upload_file/session/file",
                                             data=b"x", method="PUT")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 403  # 400 when XSRF protection is off: the session id is made up


def test_a_bare_kedro_command_sends_no_telemetry(tmp_path):
    """Without make's environment variables: kedro-telemetry finds consent: false, MLflow has no client."""
    from tests.conftest import VENV_BIN, copy_project, kedro_env

    project = copy_project(tmp_path)
    # MLflow also keeps quiet under pytest or CI: those markers go too, or the check could not fail.
    quiet = ("KEDRO_DISABLE_TELEMETRY", "DO_NOT_TRACK", "MLFLOW_DISABLE_TELEMETRY", "PYTEST_CURRENT_TEST", "CI",
             "GITHUB_ACTIONS")
    env = {k: v for k, v in kedro_env(project).items() if k not in quiet}
    script = (
        "from kedro.framework.startup import bootstrap_project\n"
        "bootstrap_project('.')\n"
        "from mlflow.telemetry import get_telemetry_client\n"
        "print('mlflow telemetry client:', get_telemetry_client())\n"
    )
    mlflow_check = subprocess.run([str(VENV_BIN / "python"), "-c", script], cwd=project, env=env,
                                  capture_output=True, text=True, timeout=120)
    assert "mlflow telemetry client: None" in mlflow_check.stdout, mlflow_check.stdout + mlflow_check.stderr
    kedro = subprocess.run([str(VENV_BIN / "kedro"), "registry", "list"], cwd=project, env=env,
                           capture_output=True, text=True, timeout=120)
    assert kedro.returncode == 0, kedro.stderr[-2000:]
    assert "anonymous usage data" not in kedro.stdout + kedro.stderr
    assert "Heap" not in kedro.stdout + kedro.stderr
