"""The SparkSession of a run, from the ``spark.*`` settings of ``spark.yml``.

Where Spark runs is configuration only (``spark.master``): ``local[*]`` (this machine), a standalone
cluster ``spark://host:7077``, ``yarn``, or a Spark Connect server ``sc://host:15002``. A master that
cannot be reached stops the run in seconds, naming the setting, before a JVM is started. On a
cluster the executors run the project's own functions (number and date parsing, problem texts), so
the package is shipped to them with the session.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.spark import PANDAS_WARNING

logger = logging.getLogger(__name__)

MASTER_KEY = "spark.master"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
_CONNECT_TIMEOUT_S = 3.0
_LOCAL = re.compile(r"^local(\[(\*|\d+)(,\d+)?\])?$|^local-cluster\[\d+,\d+,\d+\]$")
_DEFAULT_PORTS = {"spark": 7077, "sc": 15002, "k8s": 443}
_LOOPBACK = ("127.", "localhost", "::1")


def master_hosts(master: str) -> list[tuple[str, int]]:
    """``(host, port)`` of each master in ``spark://h1:7077,h2:7077``, ``sc://host:15002`` or ``k8s://https://host``."""
    scheme, _, rest = master.partition("://")
    if scheme == "k8s":
        parsed = urlparse(rest if "://" in rest else f"https://{rest}")
        return [(parsed.hostname or "", parsed.port or _DEFAULT_PORTS["k8s"])]
    hosts = []
    for address in rest.split("/")[0].split(";")[0].split(","):
        host, _, port = address.rpartition(":") if ":" in address else (address, "", "")
        hosts.append((host.strip("[]"), int(port) if port.isdigit() else _DEFAULT_PORTS[scheme]))
    return hosts


def check_master(master: Any, where: str) -> None:
    """Raises a :class:`ConfigurationError` naming ``spark.master`` in ``where`` when the master cannot be used.

    A cluster's master must accept a TCP connection within a few seconds; ``yarn`` needs
    ``HADOOP_CONF_DIR`` or ``YARN_CONF_DIR``.
    """
    setting = f"'{MASTER_KEY}' in {where} (or `--params spark_master=...`)"
    master = str(master or "").strip()
    if _LOCAL.match(master):
        return
    if master == "yarn":
        if not (os.environ.get("HADOOP_CONF_DIR") or os.environ.get("YARN_CONF_DIR")):
            raise ConfigurationError(f"Spark master 'yarn' ({setting}) needs HADOOP_CONF_DIR or YARN_CONF_DIR set to "
                                     "the folder of the cluster's configuration files; set it, or run on this machine "
                                     "with spark.master: local[*]")
        return
    scheme = master.partition("://")[0]
    if scheme not in _DEFAULT_PORTS:
        raise ConfigurationError(f"Spark master {master!r} ({setting}) is not one of local[*], local[N], "
                                 "spark://host:7077, yarn, sc://host:15002 or k8s://https://host:443")
    errors = []
    for host, port in master_hosts(master):
        try:
            with socket.create_connection((host, port), timeout=_CONNECT_TIMEOUT_S):
                return
        except OSError as error:
            errors.append(f"{host}:{port}: {error.strerror or error}")
    raise ConfigurationError(
        f"Spark master {master} is unreachable ({'; '.join(errors)}). Start the cluster, or fix {setting}; "
        "spark.master: local[*] runs on this machine. Nothing was run."
    )


def check_java() -> None:
    """Spark needs a Java runtime (17 or newer); says which package to install when there is none."""
    java_home = os.environ.get("JAVA_HOME")
    if (java_home and (Path(java_home) / "bin" / "java").exists()) or shutil.which("java"):
        return
    raise ConfigurationError("Spark needs Java 17 and none was found (no `java` on PATH, JAVA_HOME unset): install "
                             "Debian's openjdk-17-jre-headless (sudo apt-get install -y openjdk-17-jre-headless), or "
                             "set JAVA_HOME")


def _local_defaults(master: str, settings: Mapping[str, Any]) -> dict[str, str]:
    """On this machine the driver listens on loopback only and the Python workers are this interpreter (a
    cluster's workers must reach the driver and bring their own Python: left as Spark sets them)."""
    on_loopback = _LOCAL.match(master) or (master.startswith("spark://") and all(
        host.startswith(_LOOPBACK) for host, _ in master_hosts(master)))
    if not on_loopback:
        return {}
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # PySpark reads the workers' Python from here
    defaults = {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    return {key: value for key, value in defaults.items() if key not in settings}


def _package_zip(folder: Path) -> Path:
    """The ``customer_segmentation`` package as a zip, for executors that do not have it installed."""
    path = folder / "customer_segmentation.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(PACKAGE_DIR.rglob("*.py")):
            archive.write(file, file.relative_to(PACKAGE_DIR.parent).as_posix())
    return path


def start_session(settings: Mapping[str, Any], where: str) -> Any:
    """Builds (or reuses) the SparkSession that ``settings`` (the ``spark.*`` keys of ``spark.yml``) describe.

    Args:
        settings: Spark settings; ``spark.master`` says where it runs (default ``local[*]``).
        where: The file they come from, for messages.

    Raises:
        ConfigurationError: pyspark or Java is missing, or the master is unusable or unreachable.
    """
    master = str(settings.get(MASTER_KEY) or "local[*]")
    check_master(master, where)
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise ConfigurationError("the spark environment needs pyspark: pip install -c requirements.lock -e \".[spark]\" "
                                 "(or make install-spark)") from error
    options = {key: str(value) for key, value in settings.items() if key != MASTER_KEY and value is not None}
    quiet = f"ignore:{PANDAS_WARNING}:FutureWarning"
    os.environ.setdefault("PYTHONWARNINGS", quiet)  # Python workers of local mode inherit the driver's environment
    options.setdefault("spark.executorEnv.PYTHONWARNINGS", quiet)
    if master.startswith("sc://"):
        try:
            import grpc  # noqa: F401 - the Spark Connect client's transport
        except ImportError as error:
            raise ConfigurationError(f"{MASTER_KEY} is {master} ({where}): a Spark Connect server needs pyspark's Connect "
                                     "client, which the [spark] extra leaves out: pip install -c requirements.lock "
                                     "\"pyspark[connect]==4.3.0\" (grpcio and friends), then run again") from error
        os.environ["SPARK_REMOTE"] = master  # kedro-datasets' Spark datasets find the Connect session through it
        builder = SparkSession.builder.remote(master)
    else:
        check_java()
        remote = os.environ.get("SPARK_REMOTE")
        if remote:
            raise ConfigurationError(f"SPARK_REMOTE={remote} is set but {MASTER_KEY} is {master} ({where}): kedro-datasets "
                                     "would read and write through the other session. Unset SPARK_REMOTE, or set "
                                     f"{MASTER_KEY}: {remote}")
        builder = SparkSession.builder.master(master)
        options = {**_local_defaults(master, settings), **options}
    for key, value in options.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    if not _LOCAL.match(master):
        # Executors fetch the file from the driver while the session runs: removed when the process exits.
        folder = Path(tempfile.mkdtemp(prefix="customer_segmentation_spark_"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        spark.addArtifacts(str(_package_zip(folder)), pyfile=True)
    logger.info("Spark %s session on %s (%s)", spark.version, master, where)
    return spark


def stop_session(spark: Any) -> None:
    """Stops ``spark``; the JVM it started goes with the process."""
    try:
        spark.stop()
    except Exception as error:  # noqa: BLE001 - the run's own outcome is what matters
        logger.warning("stopping the Spark session: %s", error)
