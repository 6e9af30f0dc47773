"""A wrong or unreachable MLflow store stops the run at start, with a message that says what to fix."""

import socket

import pytest

from customer_segmentation.errors import MlflowStoreUnavailableError
from customer_segmentation.hooks.mlflow_store import check_tracking_uri


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
