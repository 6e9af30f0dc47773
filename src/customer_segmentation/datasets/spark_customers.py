"""The customer file read by Spark: a CSV or Parquet file, or a folder of them, the format from its name.

Example ``catalog.yml`` entry (``conf/spark/catalog.yml``)::

    customers:
      type: customer_segmentation.datasets.spark_customers.SparkCustomerDataset
      filepath: ${runtime_params:customers_path, data/01_raw/segmentation_data.csv}

A CSV is read as the pandas reader reads it (``spark/csv.py``): every cell as text, the same checks
and messages, rows numbered by their line. Parquet keeps its types and is numbered by position.
``load_args`` go to Spark's reader (e.g. ``{multiLine: true}`` for cells with line breaks in a big file).
Local paths are inspected on this machine; other paths (``s3://``, ``hdfs://``...) go to Spark as they
are (``s3://`` as ``s3a://``, Hadoop's name for it). The session is the run's (``hooks/spark_session.py``).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io import AbstractDataset, DatasetError
from kedro.io.core import get_protocol_and_path

from customer_segmentation.io.csv_files import read_customer_header

_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_HADOOP_SCHEMES = {"s3": "s3a", "s3n": "s3a", "gcs": "gs"}


def _data_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))


def _session() -> Any:
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()


class SparkCustomerDataset(AbstractDataset):
    """Loads the customers as a Spark DataFrame; read-only."""

    def __init__(self, *, filepath: str, load_args: dict[str, Any] | None = None,
                 metadata: dict[str, Any] | None = None) -> None:
        protocol, path = get_protocol_and_path(filepath)
        self._filepath = filepath
        self._local = Path(path).resolve() if protocol == "file" else None
        scheme = _HADOOP_SCHEMES.get(protocol, protocol)
        self._spark_path = str(self._local) if self._local else f"{scheme}://{path}"
        self._load_args = dict(load_args or {})
        self.metadata = metadata

    def _files(self) -> list[Path]:
        if self._local is not None and self._local.exists():
            return _data_files(self._local)
        return [Path(PurePosixPath(self._spark_path).name)]

    def _format(self) -> str:
        files = self._files()
        formats = {_FORMATS.get(f.suffix.lower()) for f in files} - {None}
        if len(formats) != 1:
            raise DatasetError(f"customers_path {self._filepath} should be a .csv or .parquet file, or a "
                               f"folder of them (found: {sorted(f.name for f in files)[:10]})")
        return formats.pop()

    def load(self) -> Any:
        from customer_segmentation.spark.csv import Layout, inspect, read_csv

        if self._local is not None and not self._local.exists():
            raise DatasetError(f"customer file {self._filepath} not found; pass its path as "
                               "--params customers_path=... (CSV or Parquet, a file or a folder)")
        spark = _session()
        if self._format() == "parquet":
            return spark.read.options(**self._load_args).parquet(self._spark_path)
        files = self._files()
        if self._local is None:
            layout = Layout(header=[])  # not inspected: Spark reads the header
        else:
            layout = inspect(files[0])
            if len(files) > 1:  # rows of several files are numbered by position, not by line
                layout = Layout(header=layout.header, delimiter=layout.delimiter, encoding=layout.encoding,
                                multi_line=layout.multi_line)
        return read_csv(spark, self._spark_path, layout, self._load_args)

    def columns(self) -> list[str] | None:
        """The header names, read without Spark (for the configuration check before the run), or None."""
        if self._local is None or not self._local.exists():
            return None
        first = self._files()[0]
        if self._format() == "csv":
            return read_customer_header(first)
        import pyarrow.parquet as pq

        return list(pq.read_schema(first).names)

    def save(self, data: Any) -> None:
        raise DatasetError("SparkCustomerDataset is read-only: raw customer files are never overwritten")

    def _exists(self) -> bool:
        if self._local is not None:
            return self._local.exists()
        try:  # a remote path: Spark says whether it can list it
            _session().read.format(self._format()).options(**self._load_args).load(self._spark_path).schema
        except Exception:  # noqa: BLE001 - not found, or not readable: either way there is nothing to load
            return False
        return True

    def _describe(self) -> dict[str, Any]:
        return {"filepath": self._filepath, "load_args": self._load_args}
