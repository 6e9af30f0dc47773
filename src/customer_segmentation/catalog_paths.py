"""Where a catalog entry keeps its data, read from the catalog's configuration (public Kedro API only).

Used by the hooks (the input's name, the files kept as the last complete run), the run summary and the
app, so every one of them finds an output where ``kedro run`` wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PATH_KEYS = ("filepath", "path")


def entry_path(entry: Any) -> str | None:
    """The ``filepath`` (or folder ``path``) of a catalog entry, looking inside wrapping ``dataset`` entries."""
    while isinstance(entry, Mapping):
        for key in PATH_KEYS:
            if isinstance(entry.get(key), str):
                return entry[key]
        entry = entry.get("dataset")
    return None


def dataset_path(catalog: Any, name: str) -> str | None:
    """The path of dataset ``name`` of a ``DataCatalog`` (a factory's entry resolved), or None."""
    resolver = catalog.config_resolver
    entry = resolver.config.get(name)
    if entry is None:
        try:
            entry = resolver.resolve_pattern(name)
        except Exception:  # noqa: BLE001 - not in this catalog
            return None
    return entry_path(entry)
