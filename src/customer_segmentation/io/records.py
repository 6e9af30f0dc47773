"""The records of a CSV text, line by line, with quotes that run away caught where they open.

A cell in double quotes may hold line breaks (an address on two lines). A quote that is never closed, or
closed by a stray quote far below, takes every line after it into one cell: a file of 201 customers would read
as 2 rows, and nothing would tell. So a record that spans lines is taken for a runaway quote when it does not
fit the header (more or fewer fields) or when a line inside one of its cells looks like a row of its own (as
many delimiters as the header has, less one). Such a record is not kept: the line where it started is rejected
with a message naming its lines, and reading starts again on the next line, so the rows below are read as rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence


class _Lines:
    """The lines from ``start`` on, fed to a ``csv.reader`` one at a time; ``next`` is the first line not fed."""

    def __init__(self, lines: Sequence[str], start: int) -> None:
        self.lines, self.next = lines, start

    def __iter__(self) -> Iterator[str]:
        while self.next < len(self.lines):
            self.next += 1
            yield self.lines[self.next - 1] + "\n"


def read_records(lines: Sequence[str], start: int, delimiter: str, width: int
                 ) -> Iterator[tuple[int, list[str], str | None]]:
    """Each non-blank record from ``lines[start]`` on: the index of its first line, its fields and, for a line
    that opens a runaway quote, the problem (its fields are then the line's own, read alone)."""
    position = start
    while position < len(lines):
        feed = _Lines(lines, position)
        reader = csv.reader(feed, delimiter=delimiter, skipinitialspace=True)
        first = feed.next
        for record in reader:
            last = feed.next - 1
            if last > first and _runaway(record, delimiter, width):
                yield first, _alone(lines[first], delimiter), runaway_problem(first, last, len(lines))
                position = first + 1
                break
            if record:  # a blank line is an empty record: skipped, its line still counted
                yield first, record, None
            first = feed.next
        else:
            position = len(lines)


def _runaway(record: list[str], delimiter: str, width: int) -> bool:
    if len(record) != width:
        return True
    enough = max(width - 1, 1)
    return any(line.count(delimiter) >= enough for cell in record if "\n" in cell for line in cell.split("\n")[1:])


def _alone(line: str, delimiter: str) -> list[str]:
    """The fields of one line read on its own (an unclosed quote ends with the line)."""
    return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])


#: How the reason of a line that opened a runaway quote begins.
RUNAWAY = "a double quote on this line is not closed before the next line"


def runaway_problem(first: int, last: int, lines: int) -> str:
    """The reason of the row whose line opened a runaway quote (``first``, ``last``: 0-based line indices)."""
    to_end = last >= lines - 2  # the text ends with a line break: its last "line" is empty
    where = "to the end of the file" if to_end else f"to line {last + 1}"
    return (f"{RUNAWAY}: it would take {last - first} more "
            f"line(s) ({where}) into one cell. Close the quote or remove it (a quote inside a quoted cell is "
            "written twice: \"\"); the lines after this one are read as rows")


__all__ = ["RUNAWAY", "read_records", "runaway_problem"]
