"""`kedro run` on a hostile configuration (issue 23): a YAML alias bomb in a parameters file (case 8) and a
read-only data/ (case 21) each stop with the project's one-line message naming the file, exit status 1, no
traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run_kedro

BAD_CONFIG = Path(__file__).resolve().parents[1] / "data" / "bad_config"


def test_kedro_run_with_a_yaml_alias_bomb_in_a_parameters_file_names_the_file(project_copy):
    shutil.copy(BAD_CONFIG / "alias_bomb.yml", project_copy / "conf/base/parameters_bomb.yml")
    result = run_kedro(project_copy, "run", check=False, timeout=120)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1 and "Traceback" not in output and "ConstructorError" not in output
    assert ("Error: conf/base/parameters_bomb.yml, line 2: its YAML aliases expand to more nodes than allowed "
            "(YAML node expansion exceeds the configured limit of 10000): write the values out") in output


def _read_only_mounts() -> bool:
    import subprocess

    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind -o ro /tmp /tmp"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(shutil.which("unshare") is None or not _read_only_mounts(),
                    reason="needs a mount namespace (root) to mount data/ read-only")
def test_kedro_run_on_a_read_only_data_folder_names_the_file_and_what_to_do(project_copy):
    """Issue 23, case 21: data/ on a read-only file system (a bind mount, in a mount namespace of its own)."""
    import subprocess

    from tests.conftest import VENV_BIN, kedro_env

    data = project_copy / "data"
    command = f"mount --bind -o ro {data} {data} && exec {VENV_BIN / 'kedro'} run"
    result = subprocess.run(["unshare", "-m", "sh", "-c", command], cwd=project_copy, env=kedro_env(project_copy),
                            capture_output=True, text=True, timeout=300)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1 and "Traceback" not in output
    assert (f"Error: could not write {data}/02_intermediate/rejected_customers.csv: Read-only file system; the folder "
            "is on a read-only file system: point the catalog entry at a writable folder. The previous file, if any, "
            "is unchanged") in output
