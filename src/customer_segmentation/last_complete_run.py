"""Where the outputs of the last complete training run are kept aside, and how to read its manifest.

Written by ``hooks/snapshot.py`` when a training run ends well; read by the app (to serve a consistent
set when a later run did not finish) and by the monitoring pipeline (the served model). Kept free of
heavy imports: the app reads it before anything else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SNAPSHOT_DIR = Path("data/07_model_output/last_complete_run")
MANIFEST = "manifest.json"


def read_manifest(project: Path) -> dict[str, Any] | None:
    """``{model_version, finished_at, files: {dataset: file name}}`` of the last complete run, or None."""
    try:
        manifest = json.loads((Path(project) / SNAPSHOT_DIR / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and "model_version" in manifest else None
