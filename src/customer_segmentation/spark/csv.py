"""A customer CSV read by Spark as ``io.read_customer_csv`` reads it, rows numbered by their line in the file.

The pandas reader's checks run first on the file's first lines (an empty file, a binary one, too many
columns, duplicate headers stop with its messages). What Spark needs to know is then taken from the
file: the delimiter (sniffed like the pandas reader), the encoding (a byte-order mark; else UTF-8,
unless no high byte of the file is UTF-8, then Latin-1), blank lines (counted in the row numbers but
never rows) and whether cells span lines. Every cell is text; empty cells are empty text. A row that
has more or fewer fields than the header keeps ``io.READ_PROBLEM_COLUMN`` with the pandas reader's
message, and validation rejects it with that message alone.

Known differences from the pandas reader (docs/scale.md, "Where Spark reads a CSV differently"): a UTF-8
file with a few bytes that are not UTF-8 gets U+FFFD for them (pandas reads each such byte as
Windows-1252); a file that is not UTF-8 is read as Latin-1 (pandas: Windows-1252, which differs in
0x80-0x9F); a line of spaces only is skipped (pandas rejects it as a one-field row); with cells spanning
lines, rows are numbered by position. A file whose first 64 KiB hold a double quote that runs away over many
lines (``io/records.py``) is read a line at a time, the lines that opened one rejected with the pandas reader's
reason (one later in the file gets the field-count reason). Only local files are inspected; other paths are
read as comma-separated UTF-8 unless ``load_args`` say otherwise.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from customer_segmentation.io.csv_files import (
    BOMS,
    READ_PROBLEM_COLUMN,
    ROW_COLUMN,
    read_customer_csv,
    sniff_delimiter,
    width_problem,
)
from customer_segmentation.io.records import RUNAWAY
from customer_segmentation.spark.frames import NUMBERED_BY, cell, number_rows

logger = logging.getLogger(__name__)

_SAMPLE_BYTES = 64 * 1024
_CHUNK = 16 * 2**20
_CORRUPT = "__corrupt__"
_EXTRA = "__extra__"
_MOST_BLANK_LINES = 100_000
_MORE, _FEWER = 10**12, -(10**12)  # field counts above and below any header's width
_SPARK_ENCODINGS = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass(frozen=True)
class Layout:
    """What Spark's CSV reader must be told about a file to read it as the pandas reader does."""

    header: list[str]
    delimiter: str = ","
    encoding: str = "UTF-8"
    multi_line: bool = False
    empty_last_header: bool = False  # the header ends with the delimiter
    every_line_ends_with_delimiter: bool = False
    blank_lines: list[int] = field(default_factory=list)  # 1-based lines under the header that are empty
    # Rows (line under the header) that open a double quote running over many lines, with the pandas reader's
    # reason: the file is then read a line at a time, so the rows after them are read as rows.
    runaway_quotes: dict[int, str] = field(default_factory=dict)


def _bom_encoding(head: bytes) -> str | None:
    return next((encoding for mark, encoding in BOMS if head.startswith(mark)), None)


def _scan(path: Path) -> tuple[bool, bool, list[int]]:
    """One pass over the file's bytes: whether it is all UTF-8, whether it holds any UTF-8 sequence of
    several bytes (a UTF-8 file with stray bytes, not a Latin-1 one), and its blank lines under the header."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid, multibyte, blank, line, carry = True, False, [], 0, b""
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            if valid:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid = False
            multibyte = multibyte or _UTF8_SEQUENCE.search(chunk) is not None
            data = carry + chunk
            cut = max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1))  # an \r at the end may start \r\n
            complete, carry = data[:cut + 1], data[cut + 1:]
            text = complete.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            if b"\n\n" in text or (line and text.startswith(b"\n")):
                blank += [line + i for i, piece in enumerate(text.split(b"\n")[:-1]) if not piece and line + i]
            line += text.count(b"\n")
            if len(blank) > _MOST_BLANK_LINES:
                break
    return valid, multibyte, blank


def inspect(path: Path) -> Layout:
    """The layout of the CSV at ``path`` (a local file), after the pandas reader's checks of its first lines.

    Raises:
        CustomerDataError: the pandas reader's messages for an empty, binary, too wide or badly headed file.
    """
    with open(path, "rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    whole = len(sample) < _SAMPLE_BYTES
    if not whole and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    first = read_customer_csv(sample, name=str(path))  # the pandas reader's checks and its reading of the sample
    bom = _bom_encoding(sample)
    text = sample.decode(bom or "utf-8", errors="ignore").replace("\r\n", "\n").replace("\r", "\n")
    delimiter = sniff_delimiter(text)
    raw_header = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [c for c in first.columns if c not in (ROW_COLUMN, READ_PROBLEM_COLUMN)]
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True))[1:]
    records = [r for r in records if r]
    runaway = {int(row): str(problem) for row, problem in zip(first[ROW_COLUMN], first.get(READ_PROBLEM_COLUMN, ()))
               if isinstance(problem, str) and problem.startswith(RUNAWAY)}
    spans_lines = not runaway and len(records) != len([line for line in text.split("\n")[1:] if line.strip()])
    if bom in ("utf-16", "utf-32"):
        encoding, blank = _SPARK_ENCODINGS[bom], []  # read whole (multiLine): rows numbered by position
    else:
        valid, multibyte, blank = _scan(path)
        encoding = "UTF-8" if valid or multibyte else "ISO-8859-1"
        if not valid:
            logger.warning("%s is not all UTF-8: read as %s by Spark", path,
                           "UTF-8 with U+FFFD for the stray bytes" if multibyte else "Latin-1")
    width = len(header)
    ends = bool(records) and len(raw_header) == width and all(len(r) == width + 1 and not r[-1].strip()
                                                               for r in records)
    return Layout(header=header, delimiter=delimiter, encoding=encoding,
                  multi_line=spans_lines or bom in ("utf-16", "utf-32"),
                  empty_last_header=len(raw_header) == width + 1 and not raw_header[-1].strip(),
                  every_line_ends_with_delimiter=ends, blank_lines=blank if len(blank) <= _MOST_BLANK_LINES else [],
                  runaway_quotes=runaway)


def _width_problem_text(line: Column, delimiter: str, width: int) -> Column:
    """The pandas reader's message (``width_problem``) for a line that does not have ``width`` fields, its
    count of fields filled in by Spark (null for a line that does)."""
    separator = re.escape(delimiter)
    # Quoted cells (which may hold the delimiter) count as one field each.
    unquoted = F.regexp_replace(line, f'(^|{separator})[ ]*"(?:[^"]|"")*"(?={separator}|$)', "$1x")
    fields = F.size(F.split(unquoted, separator, -1))
    # The message for "more fields" and for "fewer", cut where the count goes.
    more, fewer = (width_problem(count, width, delimiter).split(str(count), 1) for count in (_MORE, _FEWER))
    return F.when(fields > width, F.concat(F.lit(more[0]), fields.cast("string"), F.lit(more[1]))).otherwise(
        F.concat(F.lit(fewer[0]), fields.cast("string"), F.lit(fewer[1])))


def _line_numbers(position: Column, blank_lines: list[int]) -> Column:
    """Each row's line under the header: its position plus the blank lines before it."""
    if not blank_lines:
        return position
    thresholds = [b - i for i, b in enumerate(sorted(blank_lines))]  # rows from this position on sit below blank i
    return position + F.size(F.filter(F.array(*map(F.lit, thresholds)), lambda t: t <= position))


def read_csv(spark: SparkSession, path: str, layout: Layout, options: dict[str, Any] | None = None) -> DataFrame:
    """The rows of the CSV at ``path`` as text cells, ``source_row`` first (see the module docstring)."""
    if not layout.header:  # a file that was not inspected: Spark's own reading of the header
        rows = spark.read.options(**{"header": True, "quote": '"', "escape": '"', **(options or {})}).csv(path)
        return number_rows(rows.fillna(""), ROW_COLUMN)
    names = list(layout.header) + (["__trailing__"] if layout.empty_last_header else []) + (
        [_EXTRA] if layout.every_line_ends_with_delimiter else [])
    schema = StructType([StructField(n, StringType()) for n in names] + [StructField(_CORRUPT, StringType())])
    reader = spark.read.schema(schema).options(**{
        "header": True, "sep": layout.delimiter, "encoding": layout.encoding, "multiLine": layout.multi_line,
        "quote": '"', "escape": '"', "mode": "PERMISSIVE", "ignoreLeadingWhiteSpace": True,
        "columnNameOfCorruptRecord": _CORRUPT, **(options or {})})
    rows = reader.csv(path).fillna("", subset=names)
    if layout.empty_last_header:
        has_values = rows.where(F.col("__trailing__") != "").limit(1).count() > 0
        rows = rows.withColumnRenamed("__trailing__", f"Unnamed: {len(layout.header)}") if has_values else \
            rows.drop("__trailing__")
    rows = rows.drop(_EXTRA) if layout.every_line_ends_with_delimiter else rows
    width = len(layout.header) + (1 if layout.empty_last_header else 0)  # as the pandas reader counts the header
    problem = _width_problem_text(F.col(_CORRUPT), layout.delimiter, width)
    rows = rows.withColumn(READ_PROBLEM_COLUMN, F.when(F.col(_CORRUPT).isNotNull(), problem))
    numbered = number_rows(rows.drop(_CORRUPT), "_position")
    lines = _line_numbers(F.col("_position"), layout.blank_lines).alias(ROW_COLUMN, metadata={NUMBERED_BY: "reader"})
    numbered = numbered.select(lines, *[cell(c) for c in numbered.columns if c != "_position"])
    if not layout.runaway_quotes:
        return numbered
    runaway = F.lit(None).cast("string")
    for row, problem in layout.runaway_quotes.items():
        runaway = F.when(F.col(ROW_COLUMN) == row, F.lit(problem)).otherwise(runaway)
    return numbered.withColumn(READ_PROBLEM_COLUMN, F.coalesce(runaway, F.col(READ_PROBLEM_COLUMN)))
