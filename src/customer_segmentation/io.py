"""Reading customer files the way people export them.

One reader for the pipeline (through ``CustomerCSVDataset``) and the app's uploads:
UTF-8 with or without a byte-order mark, else Latin-1; ``,`` ``;`` tab or ``|`` as
delimiter, sniffed from the first lines; every cell read as text so nothing is
silently converted before validation.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from customer_segmentation.errors import CustomerDataError

_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024


def read_customer_csv(source: str | Path | bytes | BinaryIO, name: str | None = None) -> pd.DataFrame:
    """Reads a customer CSV into a frame of strings.

    Args:
        source: A path, the file's bytes, or a binary file object (e.g. an upload).
        name: How to call the file in messages (defaults to the path).

    Raises:
        CustomerDataError: the file is empty, not text, or has duplicate header names.
    """
    if isinstance(source, (str, Path)):
        name = name or str(source)
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    name = name or "the uploaded file"
    text = _decode(data, name)
    if not text.strip():
        raise CustomerDataError(f"{name} is empty: it needs a header line and at least one customer row")
    sample = text[:_SNIFF_BYTES]
    delimiter = _sniff_delimiter(sample)
    header = next(csv.reader(io.StringIO(sample), delimiter=delimiter))
    counts = Counter(h.strip().lower() for h in header)
    repeated = [h for h, n in counts.items() if n > 1]
    if repeated:
        raise CustomerDataError(
            f"{name} has duplicate column names {repeated} in its header {header}; "
            "rename or remove the repeated columns and upload again"
        )
    return pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        skipinitialspace=True,
    )


def read_customer_header(path: str | Path) -> list[str]:
    """The header names of a customer CSV, read from its first bytes only (for early checks)."""
    with open(path, "rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    text = _decode(sample, str(path), partial=True)
    if not text.strip():
        return []
    return [h.strip() for h in next(csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(text)))]


def _decode(data: bytes, name: str, partial: bool = False) -> str:
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise CustomerDataError(f"{name} is not a text CSV file (it contains binary data); export it as CSV")
    try:
        return data.decode("utf-8-sig", errors="ignore" if partial else "strict")
    except UnicodeDecodeError:
        # Spreadsheets on Windows still export Latin-1; every byte sequence decodes, so it is the fallback.
        return data.decode("latin-1")


def _sniff_delimiter(sample: str) -> str:
    lines = sample.splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # One column or an irregular sample: take the delimiter the header uses most.
        header = lines[0] if lines else ""
        best = max(_DELIMITERS, key=header.count)
        return best if header.count(best) else ","
