"""A real Spark standalone cluster on 127.0.0.1 for the tests: a master and one worker, free ports, stopped after."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.servers import background_server, free_port


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def master_state(web_port: int) -> dict:
    """The master's own report (workers, applications), from its web UI's JSON."""
    with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/json/", timeout=5) as response:
        return json.loads(response.read())


@contextmanager
def standalone_cluster(folder: Path, cores: int = 2, memory: str = "6g") -> Iterator[tuple[str, int]]:
    """``(spark://127.0.0.1:PORT, master web UI port)`` while a master and a worker run, each in its own process
    group (``tests/servers.py``), bound to loopback; both stopped at the end, by process group.

    The worker offers ``memory`` to executors: at least conf/spark/spark.yml's ``spark.executor.memory``, or
    the run waits for resources that never come.
    """
    home = spark_home()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_NO_DAEMONIZE": "1",
           "SPARK_LOG_DIR": str(folder / "logs"), "SPARK_WORKER_DIR": str(folder / "work")}
    port, web, worker_web = free_port(), free_port(), free_port()
    spark_class = str(home / "bin" / "spark-class")
    with ExitStack() as stack:
        stack.enter_context(background_server(
            [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
             "--webui-port", str(web)], cwd=folder, env=env, log_path=folder / "master.log",
            ready_url=f"http://127.0.0.1:{web}/json/"))
        stack.enter_context(background_server(
            [spark_class, "org.apache.spark.deploy.worker.Worker", f"spark://127.0.0.1:{port}", "--host", "127.0.0.1",
             "--port", str(free_port()), "--webui-port", str(worker_web), "--cores", str(cores), "--memory", memory],
            cwd=folder, env=env, log_path=folder / "worker.log", ready_url=f"http://127.0.0.1:{worker_web}/json/"))
        deadline = time.monotonic() + 60
        while not master_state(web).get("aliveworkers"):
            assert time.monotonic() < deadline, (folder / "worker.log").read_text()[-3000:]
            time.sleep(0.5)
        yield f"spark://127.0.0.1:{port}", web
