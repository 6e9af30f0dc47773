"""The outputs of the last complete training run, kept aside: where they are and how to read their manifest.

Written by ``hooks/snapshot.py`` when a training run ends well, into the folder of the catalog's
``served_model`` entry (``<data_root>/07_model_output/last_complete_run/manifest.json``: each environment has
its own); read by the app (to serve a consistent set when a later run did not finish) and by the monitoring
pipeline (the served model). Kept free of heavy imports: the app reads it before anything else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MANIFEST_DATASET = "served_model"  # the catalog entry whose file is the manifest
MANIFEST = "manifest.json"


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """``{model_version, finished_at, files: {dataset: file name}}`` of the last complete run kept in ``folder``,
    or None."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and "model_version" in manifest else None
