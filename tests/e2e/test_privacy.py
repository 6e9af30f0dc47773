"""Customer data stays the user's: after `kedro run`, the data and log folders and the log are owner-only,
whatever modes the clone gave them."""

from __future__ import annotations

import os
import stat

from tests.projects import copy_project, run_kedro


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_run_leaves_data_and_logs_readable_by_their_user_only(tmp_path):
    project = copy_project(tmp_path)
    for folder in (project / "data", project / "data/02_intermediate", project / "logs"):
        folder.chmod(0o755)  # as a clone with the usual umask has them
    (project / "logs/kedro_run.log").write_text("an earlier run\n")
    (project / "logs/kedro_run.log").chmod(0o644)
    run_kedro(project, "run", "--pipelines", "data_processing")
    assert _mode(project / "logs/kedro_run.log") == 0o600
    assert {_mode(project / "data"), _mode(project / "data/02_intermediate"), _mode(project / "logs")} == {0o700}
    assert _mode(project / "data/02_intermediate/rejected_customers.csv") == 0o600
