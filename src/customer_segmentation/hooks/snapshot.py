"""The last complete, consistent set of outputs, kept aside for the app (a hook: only the end of a successful
run knows that a set is complete).

A training run that ends well records which model version and which output files belong together: the
folder of the catalog's ``served_model`` manifest (``data/07_model_output/last_complete_run/``) holds a hard link to each output the app reads (no copy:
outputs are replaced by rename, so a link keeps the finished run's file) and ``manifest.json`` naming
the model version. When a later run is killed or fails half-way, the app serves this set, with a
notice, instead of a mix of two runs.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl

from customer_segmentation.io.atomic import written_in_place
from customer_segmentation.catalog_paths import dataset_path
from customer_segmentation.last_complete_run import MANIFEST, MANIFEST_DATASET
from customer_segmentation.names import MODEL_DATASET, SNAPSHOT_DATASETS

logger = logging.getLogger(__name__)


def _link_or_copy(source: Path | str, target: Path | str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system: a copy
        shutil.copy2(source, target)


def write_snapshot(target: Path, version: str, files: dict[str, Path]) -> Path:
    """Links ``files`` into a fresh ``target`` folder with its manifest, swapped into place whole."""
    with written_in_place(target) as fresh:
        fresh.mkdir(parents=True)
        names = {}
        for name, path in files.items():
            kept = fresh / f"{name}{path.suffix}"
            if path.is_dir():  # a Parquet folder (the spark environment writes those): each of its files linked
                shutil.copytree(path, kept, copy_function=_link_or_copy)
            else:
                _link_or_copy(path, kept)
            names[name] = kept.name
        manifest = {"model_version": version, "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "files": names}
        (fresh / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return target


class CompleteRunSnapshotHooks:
    """After a run that trained a model and ended well, keeps its outputs aside as the last complete set."""

    @hook_impl(trylast=True)  # after the model was registered (ModelRegistryHooks)
    def after_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        manifest = dataset_path(catalog, MANIFEST_DATASET)
        if MODEL_DATASET not in pipeline.all_outputs() or manifest is None:
            return
        files = {name: dataset_path(catalog, name) for name in SNAPSHOT_DATASETS}
        present = {name: Path(path) for name, path in files.items() if path is not None and Path(path).exists()}
        project = Path(run_params["project_path"])
        target = write_snapshot(Path(manifest).parent, run_params["run_id"], present)
        logger.info("kept the outputs of run %s as the last complete set (%s)", run_params["run_id"],
                    target.relative_to(project))
