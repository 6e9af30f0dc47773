"""An uploaded file read by its extension, the way the pipeline reads the same kind of file.

CSV (``.csv``, ``.tsv``, ``.txt``) through :func:`io.read_customer_csv`, Excel (``.xlsx``, ``.xlsm``) through
:func:`io.read_customer_excel` (cells as text), Parquet with its column types (as ``pandas.ParquetDataset`` reads an
order log), sized from its footer before a cell is read. Nothing is unpickled or evaluated.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.io.csv_files import read_customer_csv
from customer_segmentation.io.filenames import safe_stem
from customer_segmentation.io.parquet_files import parquet_cell_bytes, read_parquet

CSV_TYPES = ("csv", "tsv", "txt")
EXCEL_TYPES = ("xlsx", "xlsm")
PARQUET_TYPES = ("parquet",)
#: What the upload widget accepts.
UPLOAD_TYPES = (*CSV_TYPES, *EXCEL_TYPES, *PARQUET_TYPES)
#: The most a Parquet upload's cells may take once read (its footer says): a few million lines.
MAX_PARQUET_CELL_BYTES = 1_000_000_000


def read_upload(data: bytes, name: str) -> pd.DataFrame:
    """The upload's rows, by its extension (see the module docstring).

    Raises:
        CustomerDataError: the file is not what its extension says, is empty, or would not fit in memory.
    """
    kind = Path(name).suffix.lower().lstrip(".")
    if kind in EXCEL_TYPES:
        return _read_excel(data, name, kind)
    if kind in PARQUET_TYPES:
        return _read_parquet(data, name)
    return read_customer_csv(data, name=name)


def _read_excel(data: bytes, name: str, kind: str) -> pd.DataFrame:
    from zipfile import BadZipFile

    from openpyxl.utils.exceptions import InvalidFileException

    from customer_segmentation.io.excel_files import read_customer_excel

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{safe_stem(Path(name).stem)}.{kind}"
        path.write_bytes(data)
        try:
            return read_customer_excel(path)
        except CustomerDataError as error:
            raise CustomerDataError(str(error).replace(str(path), name)) from None
        except (BadZipFile, InvalidFileException, KeyError, OSError) as error:
            raise CustomerDataError(f"{name} cannot be read as an Excel workbook ({type(error).__name__}): save it "
                                    "from Excel as .xlsx again, or upload a CSV") from None


def _read_parquet(data: bytes, name: str) -> pd.DataFrame:
    cells = parquet_cell_bytes([io.BytesIO(data)])
    if cells > MAX_PARQUET_CELL_BYTES:
        raise CustomerDataError(f"{name} holds about {cells:,} bytes of cells once read, more than the "
                                f"{MAX_PARQUET_CELL_BYTES:,} an upload may have: split it into smaller files")
    return read_parquet(io.BytesIO(data), name, "upload a CSV")
