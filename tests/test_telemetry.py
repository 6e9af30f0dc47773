"""No usage data leaves the machine: every program of the venv starts with MLflow's and Kedro's telemetry off."""

import os
import subprocess
import sys


def test_a_python_of_the_venv_started_without_the_makefile_has_telemetry_off():
    env = {k: v for k, v in os.environ.items()
           if k not in ("MLFLOW_DISABLE_TELEMETRY", "KEDRO_DISABLE_TELEMETRY", "DO_NOT_TRACK")}
    probe = ("import os, mlflow\n"
             "from mlflow.telemetry.client import get_telemetry_client\n"
             "print(os.environ['KEDRO_DISABLE_TELEMETRY'], os.environ['DO_NOT_TRACK'], get_telemetry_client())")
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["1", "1", "None"]
