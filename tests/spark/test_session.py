"""Where Spark runs is configuration only, and a master that cannot be used stops the run naming the setting."""

from __future__ import annotations

import socket

import pytest

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.spark.session import check_master
from tests.conftest import run_kedro
from tests.servers import free_port

WHERE = "conf/spark/spark.yml"


@pytest.mark.parametrize("master", ["local", "local[2]", "local[*]", "local[4,2]", "local-cluster[2,1,1024]"])
def test_local_masters_need_nothing_else(master):
    check_master(master, WHERE)


def test_a_listening_master_is_accepted():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        check_master(f"spark://127.0.0.1:{server.getsockname()[1]}", WHERE)


def test_an_unreachable_master_names_the_setting_and_the_fix():
    port = free_port()
    with pytest.raises(ConfigurationError) as error:
        check_master(f"spark://127.0.0.1:{port}", WHERE)
    message = str(error.value)
    assert f"Spark master spark://127.0.0.1:{port} is unreachable" in message
    assert "'spark.master' in conf/spark/spark.yml (or `--params spark_master=...`)" in message


def test_a_spark_connect_server_is_checked_like_a_master():
    with pytest.raises(ConfigurationError, match=r"Spark master sc://127.0.0.1:\d+ is unreachable"):
        check_master(f"sc://127.0.0.1:{free_port()}", WHERE)


def test_yarn_needs_the_clusters_configuration(monkeypatch):
    monkeypatch.delenv("HADOOP_CONF_DIR", raising=False)
    monkeypatch.delenv("YARN_CONF_DIR", raising=False)
    with pytest.raises(ConfigurationError, match="needs HADOOP_CONF_DIR or YARN_CONF_DIR"):
        check_master("yarn", WHERE)


def test_an_unknown_master_lists_the_ones_that_work():
    with pytest.raises(ConfigurationError, match=r"is not one of local\[\*\], local\[N\], spark://host:7077, yarn"):
        check_master("mesos://host:5050", WHERE)


def test_kedro_run_against_an_unreachable_master_stops_before_any_node(project_copy):
    port = free_port()
    result = run_kedro(project_copy, "run", "--env", "spark", "--params", f"spark_master=spark://127.0.0.1:{port}",
                       check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1
    assert f"Spark master spark://127.0.0.1:{port} is unreachable" in output
    assert "fix 'spark.master' in conf/spark/spark.yml" in output
    assert "Running node" not in output and "Traceback" not in output


def test_a_spark_connect_master_without_the_connect_client_says_what_to_install(monkeypatch):
    import sys

    from customer_segmentation.spark.session import start_session

    monkeypatch.setitem(sys.modules, "grpc", None)  # the [spark] extra leaves the Connect client out
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        master = f"sc://127.0.0.1:{server.getsockname()[1]}"
        with pytest.raises(ConfigurationError) as error:
            start_session({"spark.master": master}, WHERE)
    assert f"spark.master is {master} (conf/spark/spark.yml)" in str(error.value)
    assert 'pip install -c requirements.lock "pyspark[connect]==4.3.0"' in str(error.value)
