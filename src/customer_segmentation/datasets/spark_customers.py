"""The customer file read by Spark: a CSV or Parquet file, or a folder of them, the format from its name.

Example ``catalog.yml`` entry (``conf/spark/catalog.yml``)::

    customers:
      type: customer_segmentation.datasets.SparkCustomerDataset
      filepath: ${runtime_params:customers_path, data/01_raw/segmentation_data.csv}

A CSV is read as ``read_customer_csv`` reads it: every cell as text, empty cells as empty text, the
delimiter sniffed from the first lines, UTF-8 (with or without a byte-order mark) unless the file is
not UTF-8 (then Latin-1). Its header is checked first with the pandas reader on the first lines,
so an empty file or duplicate headers stop with the same message. Parquet keeps its types.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

from kedro.io import DatasetError
from kedro_datasets._utils.spark_utils import get_spark_with_remote_support
from kedro_datasets.spark import SparkDatasetV2

from customer_segmentation.io import _sniff_delimiter, read_customer_csv, read_customer_header

_SAMPLE_BYTES = 64 * 1024
_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}
# Never a cell of a text file: Spark's CSV reader then keeps empty cells as empty text, as pandas does.
_NO_NULL_TEXT = "\u0000customer_segmentation:null\u0000"


def _data_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))


def _is_utf8(path: Path) -> bool:
    """Whether the whole file is UTF-8 (the pandas reader decides on the whole file too)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(16 * 2**20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


class SparkCustomerDataset(SparkDatasetV2):
    """Loads the customers as a Spark DataFrame; read-only."""

    def __init__(self, *, filepath: str, load_args: dict[str, Any] | None = None,
                 metadata: dict[str, Any] | None = None) -> None:
        super().__init__(filepath=filepath, file_format="parquet", load_args=load_args, metadata=metadata)

    def _local(self) -> Path | None:
        return Path(self._path) if self._protocol == "file" else None

    def _format(self) -> str:
        local = self._local()
        files = _data_files(local) if local is not None and local.exists() else [Path(self._path)]
        suffixes = {_FORMATS.get(f.suffix.lower()) for f in files if f.suffix.lower() in _FORMATS}
        if len(suffixes) != 1:
            raise DatasetError(f"customers_path {self._original_filepath} should be a .csv or .parquet file, or a folder "
                               f"of them (found: {sorted(f.name for f in files)[:10]})")
        return suffixes.pop()

    def _csv_options(self) -> dict[str, Any]:
        options = {"header": True, "inferSchema": False, "quote": '"', "escape": '"', "mode": "PERMISSIVE",
                   "ignoreLeadingWhiteSpace": True, "ignoreTrailingWhiteSpace": False,
                   "nullValue": _NO_NULL_TEXT, "emptyValue": "", "sep": ",", "encoding": "UTF-8"}
        local = self._local()
        if local is not None:
            first = _data_files(local)[0]
            with open(first, "rb") as handle:
                sample = handle.read(_SAMPLE_BYTES)
            if len(sample) == _SAMPLE_BYTES and b"\n" in sample:
                sample = sample[: sample.rindex(b"\n") + 1]  # whole lines only
            read_customer_csv(sample, name=str(first))  # the pandas reader's checks: empty file, duplicate headers
            text = sample.decode("utf-8", errors="ignore")
            options["sep"] = _sniff_delimiter(text)
            options["encoding"] = "UTF-8" if _is_utf8(first) else "ISO-8859-1"
        return {**options, **self._load_args}

    def _load(self) -> Any:
        local = self._local()
        if local is not None and not local.exists():
            raise DatasetError(f"customer file {self._original_filepath} not found; pass its path as "
                               "--params customers_path=... (CSV or Parquet, a file or a folder)")
        file_format = self._format()
        options = self._csv_options() if file_format == "csv" else dict(self._load_args)
        reader = get_spark_with_remote_support().read.format(file_format).options(**options)
        return reader.load(self._spark_path)

    def columns(self) -> list[str] | None:
        """The header names, read without Spark (for the configuration check before the run), or None."""
        local = self._local()
        if local is None or not local.exists():
            return None
        first = _data_files(local)[0]
        if self._format() == "csv":
            return read_customer_header(first)
        import pyarrow.parquet as pq

        return list(pq.read_schema(first).names)

    def _save(self, data: Any) -> None:
        raise DatasetError("SparkCustomerDataset is read-only: raw customer files are never overwritten")

    def _exists(self) -> bool:
        local = self._local()
        return local.exists() if local is not None else super()._exists()


__all__ = ["SparkCustomerDataset"]
