"""Reading customer files the way people export them, without losing or inventing a row.

One reader for the pipeline (through ``CustomerCSVDataset``) and the app's uploads:

* encodings: UTF-8 (with or without a byte-order mark), UTF-16 and UTF-32 with a byte-order mark
  (Excel's "Unicode Text"), and lines that are not UTF-8 read as Windows-1252/Latin-1 one line at a
  time (so one stray byte never turns a whole UTF-8 file into mojibake);
* ``,`` ``;`` tab or ``|`` as delimiter, sniffed from the first lines; Windows, Unix and old Mac
  line endings;
* every cell read as text, so nothing is converted before validation.

Each row gets ``source_row``: its line in the file counted from the line under the header, so
row 5 is the sixth line of the file even after blank lines or cells that span lines. A row that
does not fit the header (more or fewer fields: a short row is never padded with empty cells) is kept with a
problem in ``READ_PROBLEM_COLUMN``, which validation turns into the row's rejection reason; a delimiter at the
end of every line is recognised as such. A double quote that runs away over many lines rejects the line that
opened it, and the lines below are read as rows (:mod:`.records`); a cell may be as long as the file. Files are parsed by pandas' C parser when they are regular, which is almost
always; only irregular files go through the slower line-by-line reader.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from collections import Counter
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.io.records import read_records
from customer_segmentation.names import READ_PROBLEM_COLUMN, ROW_COLUMN

logger = logging.getLogger(__name__)

__all__ = ["BOMS", "MAX_COLUMNS", "READ_PROBLEM_COLUMN", "ROW_COLUMN", "read_customer_csv", "read_customer_header",
           "sniff_delimiter", "width_problem"]
MAX_COLUMNS = 1_000
_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024
BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_TRAILING_FIELD = re.compile(r"^Unnamed: \d+$")
_FALLBACK = "customer_segmentation.windows_1252"


def read_customer_csv(source: str | Path | bytes | BinaryIO, name: str | None = None,
                      max_columns: int = MAX_COLUMNS) -> pd.DataFrame:
    """Reads a customer CSV into a frame of strings, with ``source_row`` first.

    Args:
        source: A path, the file's bytes, or a binary file object (e.g. an upload).
        name: How to call the file in messages (defaults to the path).
        max_columns: Most columns read; a wider file is refused with a message.

    Raises:
        CustomerDataError: the file is empty, not text, too wide, or has duplicate header names.
    """
    if isinstance(source, (str, Path)):
        name = name or str(source)
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    name = name or "the uploaded file"
    text = _normalise_newlines(_decode(data, name))
    if not text.strip():
        raise CustomerDataError(f"{name} is empty: it needs a header line and at least one customer row")
    delimiter = sniff_delimiter(text[:_SNIFF_BYTES])
    first_line = text[: text.find("\n") + 1] if "\n" in text else text
    header = _check_header(next(csv.reader(io.StringIO(first_line), delimiter=delimiter)), name, max_columns)
    if ROW_COLUMN in (h.strip() for h in header):
        raise CustomerDataError(f"{name} already has a column named '{ROW_COLUMN}' in its header; rename it "
                                "(the pipeline numbers the rows in that column)")
    frame = _read_regular(text, delimiter, len(header))
    if frame is None:
        frame = _read_irregular(text, delimiter, header, name)
    return frame


def read_customer_header(path: str | Path) -> list[str]:
    """The header names of a customer CSV, read from its first bytes only (for early checks)."""
    with open(path, "rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    text = _normalise_newlines(_decode(sample, str(path), partial=True))
    if not text.strip():
        return []
    return [h.strip() for h in next(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text)))]


def _check_header(header: list[str], name: str, max_columns: int) -> list[str]:
    if len(header) > max_columns:
        raise CustomerDataError(
            f"{name} has {len(header):,} columns; at most {max_columns:,} are read. Keep the columns you need "
            "(the features' columns and any ids) and try again"
        )
    counts = Counter(h.strip().lower() for h in header if h.strip())
    repeated = [h for h, n in counts.items() if n > 1]
    if repeated:
        shown = header if len(header) <= 40 else [*header[:40], "..."]
        raise CustomerDataError(
            f"{name} has duplicate column names {repeated} in its header {shown}; "
            "rename or remove the repeated columns and upload again"
        )
    return header


def _read_regular(text: str, delimiter: str, width: int) -> pd.DataFrame | None:
    """The file through pandas' C parser, or None when it is not regular (then read line by line).

    Regular: one record per line, no blank lines, every record as wide as the header. pandas would
    otherwise fill short rows, turn a first column into the index, or skip blank lines and shift
    the row numbers; each of those shows in the result and sends the file to the careful reader.
    """
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error, ValueError):
        return None
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    regular = (isinstance(frame.index, pd.RangeIndex) and len(frame) == lines - 1
               and not frame.isna().to_numpy().any())
    if not regular or _has_short_rows(text, frame, delimiter, width):
        return None
    frame = _drop_empty_trailing_column(frame)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.insert(0, ROW_COLUMN, np.arange(1, len(frame) + 1))
    return frame


def _has_short_rows(text: str, frame: pd.DataFrame, delimiter: str, width: int) -> bool:
    """Whether a line has fewer fields than the header: pandas fills the missing cells with empty text, which
    would then be imputed. Only lines whose last cell came out empty can be short, so only they are counted."""
    candidates = np.flatnonzero(frame.iloc[:, -1].eq("").to_numpy()) if len(frame.columns) else []
    if not len(candidates):
        return False
    lines = text.split("\n")
    wanted = [lines[position + 1] for position in candidates.tolist()]
    return any(len(record) < width for record in csv.reader(wanted, delimiter=delimiter))


def _drop_empty_trailing_column(frame: pd.DataFrame) -> pd.DataFrame:
    """A header ending in the delimiter gives a last column without a name and without values: not data."""
    if len(frame.columns) and _TRAILING_FIELD.match(str(frame.columns[-1])) and frame.iloc[:, -1].eq("").all():
        return frame.iloc[:, :-1]
    return frame


def _read_irregular(text: str, delimiter: str, header: list[str], name: str) -> pd.DataFrame:
    """Line by line: blank lines skipped but counted, rows that do not fit the header kept with a problem."""
    # A cell may be as long as the file (pandas' C parser, the regular path, has no limit either).
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    next(reader)
    header_lines = reader.line_num
    width = len(header)
    records, starts, runaway = [], [], {}
    for line, record, problem in read_records(text.split("\n"), header_lines, delimiter, width):
        if problem:
            runaway[len(records)] = problem
        records.append(record)
        starts.append(line + 1 - header_lines)
    if runaway:
        logger.warning("%s: %d line(s) open a double quote that runs over many lines (lines %s); each is rejected "
                       "and the lines after it are read as rows", name, len(runaway),
                       ", ".join(str(starts[i] + header_lines) for i in list(runaway)[:10]))
    if header and header[-1].strip() == "" and all(len(r) <= width and (len(r) < width or r[-1] == "")
                                                   for r in records):
        header, width = header[:-1], width - 1  # a header ending in the delimiter: an empty last column
        records = [r[:width] for r in records]
    if records and all(len(r) == width + 1 and r[-1].strip() == "" for r in records):
        logger.info("%s: every line ends with the delimiter; the empty last field is ignored", name)
        records = [r[:width] for r in records]
    problems = [runaway.get(i) or (None if len(r) == width else width_problem(len(r), width, delimiter))
                for i, r in enumerate(records)]
    cells = [(r + [""] * width)[:width] for r in records]
    columns = list(zip(*cells)) if cells else [()] * width
    frame = pd.DataFrame({h.strip() or f"Unnamed: {i}": pd.array(list(c), dtype="str")
                          for i, (h, c) in enumerate(zip(header, columns))})
    frame.insert(0, ROW_COLUMN, np.asarray(starts, dtype="int64"))
    bad = sum(p is not None for p in problems) - len(runaway)
    if bad or runaway:
        frame[READ_PROBLEM_COLUMN] = pd.array(problems, dtype="str")
    if bad:
        logger.warning("%s: %d row(s) do not have as many fields as the header (%d); they are rejected with "
                       "the line number", name, bad, width)
    return frame


def width_problem(fields: int, width: int, delimiter: str) -> str:
    """The message of a line with ``fields`` fields under a header of ``width`` (the Spark reader words it too)."""
    shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}[delimiter]
    if fields > width:
        return (f"the line has {fields} fields but the header has {width}: a {shown} inside a cell that is not "
                "quoted? Put the cell in double quotes or remove the extra delimiter")
    return (f"the line has {fields} fields but the header has {width}: a cell with a line break that is not "
            "quoted, or cells left out? Put such cells in double quotes, or fill in the missing cells")


def _normalise_newlines(text: str) -> str:
    """Windows (CRLF) and old Mac (CR) line endings as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _decode(data: bytes, name: str, partial: bool = False) -> str:
    for mark, encoding in BOMS:
        if data.startswith(mark):
            try:
                return data.decode(encoding, errors="ignore" if partial else "strict")
            except UnicodeDecodeError as error:
                raise CustomerDataError(f"{name} starts like {encoding.upper()} text but is not ({error.reason} "
                                        f"at byte {error.start}); export it again as CSV") from error
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise CustomerDataError(f"{name} is not a text CSV file (it contains binary data); export it as CSV "
                                "(UTF-8, or Excel's 'Unicode Text')")
    try:
        return data.decode("utf-8", errors="ignore" if partial else "strict")
    except UnicodeDecodeError:
        return _decode_line_by_line(data, name)


def _decode_line_by_line(data: bytes, name: str) -> str:
    """UTF-8, except the bytes that are not: each read as Windows-1252 (else Latin-1), where it stands.

    So a UTF-8 file with one stray byte keeps every other accent, and a Latin-1 file reads as Latin-1.
    """
    positions: list[int] = []

    def as_windows_1252(error: UnicodeDecodeError) -> tuple[str, int]:
        positions.append(error.start)
        byte = error.object[error.start:error.start + 1]
        try:
            return byte.decode("cp1252"), error.start + 1
        except UnicodeDecodeError:
            return byte.decode("latin-1"), error.start + 1  # every byte decodes

    codecs.register_error(_FALLBACK, as_windows_1252)
    text = data.decode("utf-8", errors=_FALLBACK)
    octets = np.frombuffer(data, dtype=np.uint8)
    if len(positions) == int(np.count_nonzero(octets >= 0x80)):  # not one UTF-8 sequence: a Windows-1252 file
        logger.info("%s is not UTF-8: read as Windows-1252/Latin-1", name)
        return text
    newlines = np.flatnonzero(octets == ord("\n"))
    lines = np.unique(np.searchsorted(newlines, positions) + 1).tolist()
    shown = ", ".join(map(str, lines[:10])) + (" ..." if len(lines) > 10 else "")
    logger.warning("%s: %d line(s) are not UTF-8 (lines %s); those bytes were read as Windows-1252/Latin-1",
                   name, len(lines), shown)
    return text


def sniff_delimiter(sample: str) -> str:
    """The delimiter (``,`` ``;`` tab or ``|``) of the text ``sample``, from its first lines."""
    lines = sample.splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # One column or an irregular sample: take the delimiter the header uses most.
        header = lines[0] if lines else ""
        best = max(_DELIMITERS, key=header.count)
        return best if header.count(best) else ","
