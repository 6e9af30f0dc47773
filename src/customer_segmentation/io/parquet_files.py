"""Parquet files sized before they are read (a few kB of encoded zeros can hold gigabytes of cells), and read with
one message for a file that is not Parquet."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from customer_segmentation.errors import CustomerDataError


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


def read_parquet(source: str | Path | BinaryIO, what: str, otherwise: str) -> pd.DataFrame:
    """The rows of a Parquet file (or folder) with their types.

    Raises:
        CustomerDataError: ``source`` is not Parquet: "{what} cannot be read as Parquet (the cause): export it as
            Parquet again, or {otherwise}".
    """
    import pyarrow as pa

    try:
        return pd.read_parquet(source)
    except (pa.ArrowException, OSError, ValueError) as error:
        cause = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise CustomerDataError(f"{what} cannot be read as Parquet ({cause}): export it as Parquet again, or "
                                f"{otherwise}") from error


__all__ = ["parquet_cell_bytes", "read_parquet"]
