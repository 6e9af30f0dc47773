"""What the repository must never carry: local configuration and credentials stay on the user's machine."""

import subprocess

from tests.conftest import PROJECT_ROOT


def test_no_local_configuration_or_credentials_are_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    files = tracked.stdout.splitlines()
    assert [f for f in files if f.startswith("conf/local/")] in ([], ["conf/local/.gitkeep"])
    assert not [f for f in files if "credentials" in f.lower()]
    ignored = subprocess.run(
        ["git", "check-ignore", "conf/local/credentials.yml", "conf/base/credentials.yml", "mlflow.db"],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )
    assert len(ignored.stdout.splitlines()) == 3
