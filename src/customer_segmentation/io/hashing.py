"""Row hashes for finding exact duplicates among millions of rows, and the input's fingerprint.

``row_hashes`` gives one 64-bit hash per row of the numeric columns; only rows whose hash repeats
can be duplicates, and ``exact_duplicates`` lets ``DataFrame.duplicated`` decide on those, so a hash
collision never drops a row. ``fingerprint`` is the SHA-256 of the content (the row hashes, then the
text columns straight from their Arrow buffers), logged with every run to tell inputs apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _is_fixed_width(values: pd.Series) -> bool:
    return values.dtype.kind in "biufcmM"  # numbers, booleans, dates: hashed in a vectorised pass


# splitmix64's finaliser: every input bit reaches every output bit, so near-equal rows hash far apart.
_MIX = (np.uint64(30), np.uint64(0xBF58476D1CE4E5B9), np.uint64(27), np.uint64(0x94D049BB133111EB), np.uint64(31))
_NAN_BITS = np.float64("nan").view("uint64")


def _column_words(values: pd.Series) -> np.ndarray:
    """A new uint64 array, one word per value, equal where the values are equal (as ``duplicated`` sees them)."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        numbers = values.to_numpy(dtype="float64") + 0.0  # a copy, with -0.0 turned into 0.0
        words = numbers.view("uint64")
        words[np.isnan(numbers)] = _NAN_BITS  # one NaN, whatever its payload
        return words
    if isinstance(dtype, np.dtype) and dtype.kind in "biumM":
        return values.to_numpy().astype("int64").view("uint64")
    return pd.util.hash_pandas_object(values, index=False, categorize=False).to_numpy().copy()


def row_hashes(frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """One 64-bit hash per row of the fixed-width columns (all columns if there are none).

    Equal rows hash equal, so rows whose hash is unique cannot be duplicates. Text is left out
    when other columns exist: hashing ten million strings costs seconds, and two rows that differ
    only in text are rare enough for ``DataFrame.duplicated`` to settle on the candidates.
    Numbers are hashed from their bits with in-place integer arithmetic (5x faster than
    ``pd.util.hash_pandas_object`` at 10M rows).

    Returns:
        The hashes and the columns they cover.
    """
    columns = [c for c in frame.columns if _is_fixed_width(frame[c])] or list(frame.columns)
    return _mixed([_column_words(frame[column]) for column in columns]), columns


def _mixed(words: list[np.ndarray]) -> np.ndarray:
    """One 64-bit hash per row of the word columns ``words``, mixed in place."""
    hashes = np.zeros(len(words[0]) if words else 0, dtype="uint64")
    for position, column in enumerate(words, start=1):
        hashes ^= column
        hashes += np.uint64(position * 0x9E3779B97F4A7C15 % 2**64)  # a value hashes differently in each column
        shift_a, multiply_a, shift_b, multiply_b, shift_c = _MIX
        hashes ^= hashes >> shift_a
        hashes *= multiply_a
        hashes ^= hashes >> shift_b
        hashes *= multiply_b
        hashes ^= hashes >> shift_c
    return hashes


def repeated(values: pd.Series) -> np.ndarray:
    """``values.duplicated(keep=False)`` as a boolean array: True for every value that occurs more than once.

    Text whose values all have the same length, up to 16 bytes (ids such as ``C06809010``), is read
    as two 64-bit words per value straight from its Arrow buffers and hashed; pandas decides on the
    values whose hash repeats. 4x faster than hashing ten million strings in pandas.
    """
    words = _fixed_width_text_words(values)
    if words is None:
        return values.duplicated(keep=False).to_numpy()
    hashes = _mixed(words)
    ordered = np.sort(hashes)
    twice = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    result = np.zeros(len(values), dtype=bool)
    if len(twice):
        candidates = np.flatnonzero(pd.Series(hashes, copy=False).isin(twice).to_numpy())
        result[candidates] = values.iloc[candidates].duplicated(keep=False).to_numpy()
    return result


def _fixed_width_text_words(values: pd.Series, width: int = 16) -> list[np.ndarray] | None:
    """Arrow text without missing values, every value ``n`` <= ``width`` bytes long, as ``width / 8`` uint64
    columns (the bytes, zero-padded: equal words if and only if equal text); None for any other column."""
    chunks = _arrow_text_chunks(values)
    if chunks is None or any(chunk.null_count for chunk in chunks):
        return None
    parts, length = [], None
    for chunk in chunks:
        if not len(chunk):
            continue
        offsets = _offsets(chunk)
        lengths = np.diff(offsets)
        length = int(lengths[0]) if length is None else length
        if length > width or not (lengths == length).all():
            return None
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]].reshape(len(chunk), length)
        padded = np.zeros((len(chunk), width), dtype=np.uint8)
        padded[:, :length] = data
        parts.append(padded.view("uint64"))
    if not parts:
        return None
    words = np.concatenate(parts)
    return [np.ascontiguousarray(words[:, i]) for i in range(words.shape[1])]


def _offsets(chunk: pa.Array) -> np.ndarray:
    width = "int64" if pa.types.is_large_string(chunk.type) else "int32"
    return np.frombuffer(chunk.buffers()[1], dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]


def exact_duplicates(frame: pd.DataFrame, hashes: np.ndarray) -> np.ndarray:
    """``frame.duplicated(keep="first")`` as a boolean array, without comparing every row.

    Only rows whose hash occurs more than once can be duplicates; ``DataFrame.duplicated``
    then decides on that small subset, so a hash collision can never drop a row.
    """
    ordered = np.sort(hashes)  # sorting 10M hashes is ~3x faster than a hash table over them
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    duplicated = np.zeros(len(frame), dtype=bool)
    if len(repeated):
        candidates = np.flatnonzero(pd.Series(hashes, copy=False).isin(repeated).to_numpy())
        duplicated[candidates] = frame.iloc[candidates].duplicated(keep="first").to_numpy()
    return duplicated


def duplicate_lines(frame: pd.DataFrame, codes: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """``frame.duplicated(keep="first")`` as a boolean array, every column compared (:func:`exact_duplicates`).

    Args:
        frame: The rows.
        codes: ``pd.factorize`` codes of some of the columns (equal codes, equal cells): hashed in place of the
            values, so a text column whose codes are known costs nothing to hash. The other text columns are
            compared only among the rows whose hash repeats.
    """
    codes = codes or {}
    words = [_unsigned(codes[column]) if column in codes else _column_words(frame[column])
             for column in frame.columns if column in codes or _is_fixed_width(frame[column])]
    if not words:
        return frame.duplicated(keep="first").to_numpy()
    return exact_duplicates(frame, _mixed(words))


def _unsigned(codes: np.ndarray) -> np.ndarray:
    """Non-negative integer codes as unsigned words of their own width (no copy)."""
    return codes.view(f"uint{8 * codes.itemsize}")


def fingerprint(frame: pd.DataFrame, hashes: np.ndarray, hashed: list[str]) -> str:
    """SHA-256 of the frame's content: the row hashes of ``hashed`` columns, then every other column."""
    digest = hashlib.sha256(hashes.tobytes())
    for column in frame.columns:
        if column not in hashed:
            digest.update(str(column).encode())
            _update_with_values(digest, frame[column])
    return digest.hexdigest()


def _update_with_values(digest: Any, values: pd.Series) -> None:
    """Feeds a column's values to ``digest``; text held by Arrow straight from its buffers."""
    chunks = _arrow_text_chunks(values)
    if chunks is None:
        digest.update(pd.util.hash_pandas_object(values, index=False, categorize=False).to_numpy().tobytes())
        return
    # Lengths (-1 when missing), then the characters: the same bytes however the column is chunked.
    for chunk in chunks:
        digest.update(pc.fill_null(pc.binary_length(chunk), -1).to_numpy().astype("int64").tobytes())
    for chunk in chunks:
        if len(chunk):
            chunk = pc.fill_null(chunk, "")
            offsets = _offsets(chunk)
            digest.update(memoryview(chunk.buffers()[2])[offsets[0]:offsets[-1]])


def _arrow_text_chunks(values: pd.Series) -> list[pa.Array] | None:
    """The Arrow chunks of a text column stored by Arrow (pandas' default ``str``), else None."""
    dtype = values.dtype
    arrow_text = (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow") or (
        isinstance(dtype, pd.ArrowDtype) and (pa.types.is_string(dtype.pyarrow_dtype)
                                              or pa.types.is_large_string(dtype.pyarrow_dtype)))
    if not arrow_text:
        return None
    array = pa.array(values.array)  # zero-copy
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    if not all(pa.types.is_string(c.type) or pa.types.is_large_string(c.type) for c in chunks):
        return None
    return chunks
