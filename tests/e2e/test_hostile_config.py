"""`kedro run` on a hostile configuration file (issue 23, case 8): the project's one-line message naming the file,
exit status 1, no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import run_kedro

BAD_CONFIG = Path(__file__).resolve().parents[1] / "data" / "bad_config"


def test_kedro_run_with_a_yaml_alias_bomb_in_a_parameters_file_names_the_file(project_copy):
    shutil.copy(BAD_CONFIG / "alias_bomb.yml", project_copy / "conf/base/parameters_bomb.yml")
    result = run_kedro(project_copy, "run", check=False, timeout=120)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1 and "Traceback" not in output and "ConstructorError" not in output
    assert ("Error: conf/base/parameters_bomb.yml, line 2: its YAML aliases expand to more nodes than allowed "
            "(YAML node expansion exceeds the configured limit of 10000): write the values out") in output
