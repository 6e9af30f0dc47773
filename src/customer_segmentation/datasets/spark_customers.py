"""The customer file read by Spark: a CSV or Parquet file, or a folder of them, the format from its name.

Example ``catalog.yml`` entry (``conf/spark/catalog.yml``)::

    customers:
      type: customer_segmentation.datasets.spark_customers.SparkCustomerDataset
      filepath: ${runtime_params:customers_path, data/01_raw/segmentation_data.csv}

A CSV is read as the pandas reader reads it (``spark/csv.py``): every cell as text, the same checks
and messages, rows numbered by their line. Parquet keeps its types and is numbered by position.
``load_args`` go to Spark's reader (e.g. ``{multiLine: true}`` for cells with line breaks in a big file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io import DatasetError
from kedro_datasets.spark import SparkDatasetV2

from customer_segmentation.io.csv_files import read_customer_header

_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def _data_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))


class SparkCustomerDataset(SparkDatasetV2):
    """Loads the customers as a Spark DataFrame; read-only."""

    def __init__(self, *, filepath: str, load_args: dict[str, Any] | None = None,
                 metadata: dict[str, Any] | None = None) -> None:
        super().__init__(filepath=filepath, file_format="parquet", load_args=load_args, metadata=metadata)

    def _local(self) -> Path | None:
        return Path(self._path) if self._protocol == "file" else None

    def _files(self) -> list[Path]:
        local = self._local()
        return _data_files(local) if local is not None and local.exists() else [Path(self._path)]

    def _format(self) -> str:
        files = self._files()
        formats = {_FORMATS.get(f.suffix.lower()) for f in files} - {None}
        if len(formats) != 1:
            raise DatasetError(f"customers_path {self._original_filepath} should be a .csv or .parquet file, or a "
                               f"folder of them (found: {sorted(f.name for f in files)[:10]})")
        return formats.pop()

    def _load(self) -> Any:
        from customer_segmentation.spark.csv import Layout, inspect, read_csv

        local = self._local()
        if local is not None and not local.exists():
            raise DatasetError(f"customer file {self._original_filepath} not found; pass its path as "
                               "--params customers_path=... (CSV or Parquet, a file or a folder)")
        from pyspark.sql import SparkSession

        # The session the Spark hook started (local, a master, or Spark Connect through SPARK_REMOTE, which the
        # builder follows): kedro-datasets' own helper for this is private.
        spark = SparkSession.builder.getOrCreate()
        if self._format() == "parquet":
            return spark.read.options(**self._load_args).parquet(self._spark_path)
        files = self._files()
        if local is None:
            layout = Layout(header=[])  # not inspected: Spark reads the header
        else:
            layout = inspect(files[0])
            if len(files) > 1:  # rows of several files are numbered by position, not by line
                layout = Layout(header=layout.header, delimiter=layout.delimiter, encoding=layout.encoding,
                                multi_line=layout.multi_line)
        return read_csv(spark, self._spark_path, layout, self._load_args)

    def columns(self) -> list[str] | None:
        """The header names, read without Spark (for the configuration check before the run), or None."""
        local = self._local()
        if local is None or not local.exists():
            return None
        first = self._files()[0]
        if self._format() == "csv":
            return read_customer_header(first)
        import pyarrow.parquet as pq

        return list(pq.read_schema(first).names)

    def _save(self, data: Any) -> None:
        raise DatasetError("SparkCustomerDataset is read-only: raw customer files are never overwritten")

    def _exists(self) -> bool:
        local = self._local()
        return local.exists() if local is not None else super()._exists()
