"""Parquet files sized before they are read: a few kB of encoded zeros can hold gigabytes of cells."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO


def parquet_cell_bytes(sources: Iterable[str | Path | BinaryIO]) -> int:
    """At least the bytes the Parquet files' cells take once read (8 per cell, or their uncompressed size if
    larger), from their footers: no cell is read. 0 when a file is not Parquet (reading it says so)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    total = 0
    for source in sources:
        try:
            metadata = pq.ParquetFile(source).metadata
        except (pa.ArrowException, OSError, ValueError):
            return 0
        encoded = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
        total += max(encoded, metadata.num_rows * metadata.num_columns * 8)
    return total


__all__ = ["parquet_cell_bytes"]
