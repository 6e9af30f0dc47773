"""How header names are compared: a file's ``" Annual_Income "`` is the configuration's ``annual_income``."""

from __future__ import annotations


def normalise_header(header: object) -> str:
    """A header without a byte-order mark or surrounding spaces, in lower case."""
    return str(header).strip().lstrip("\ufeff").strip().lower()
