"""A Parquet folder written by Spark that readers only ever see whole: the previous one or the new one.

Spark writes a folder of part files; a run killed half-way through ``mode("overwrite")`` would leave a
folder with some of them. Here Spark writes a new folder beside the target, and once its job has
committed, the folder is swapped in by two renames (the previous folder, or a file a pandas run
left there, is removed after). A run killed at any moment leaves the previous output or the new
one; stale temporary folders are removed by the next save. Paths that are not local (``s3a://``,
``abfss://``...) are written by Spark's ``overwrite`` directly: object stores have no rename.

Example ``catalog.yml`` entry (``conf/spark/catalog.yml``)::

    model_input_customers@spark:
      type: customer_segmentation.datasets.SparkParquetDataset
      filepath: data/05_model_input/model_input_customers.parquet
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from kedro_datasets.spark import SparkDatasetV2

_TEMPORARY = ".{name}.{tag}.{kind}"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


class SparkParquetDataset(SparkDatasetV2):
    """``spark.SparkDatasetV2`` for Parquet, saved atomically on local paths."""

    def __init__(self, *, filepath: str, save_args: dict[str, Any] | None = None,
                 load_args: dict[str, Any] | None = None, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(filepath=filepath, file_format="parquet", save_args={"mode": "overwrite", **(save_args or {})},
                         load_args=load_args, metadata=metadata)

    def _save(self, data: Any) -> None:
        if self._protocol != "file":
            return super()._save(data)
        target = Path(self._path)
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f".{target.name}.*"):  # left by a run killed while saving
            _remove(stale)
        tag = uuid.uuid4().hex[:12]
        new = target.with_name(_TEMPORARY.format(name=target.name, tag=tag, kind="new"))
        old = target.with_name(_TEMPORARY.format(name=target.name, tag=tag, kind="old"))
        options = {k: v for k, v in self._save_args.items() if k not in ("mode", "partitionBy")}
        writer = data.write.mode("overwrite").format("parquet").options(**options)
        if self._save_args.get("partitionBy"):
            writer = writer.partitionBy(self._save_args["partitionBy"])
        try:
            writer.save(new.as_uri())
            if target.exists() or target.is_symlink():
                os.replace(target, old)
            os.replace(new, target)
        except BaseException:
            _remove(new)
            if old.exists() and not target.exists():
                os.replace(old, target)  # the previous output back in place
            raise
        _remove(old)

    def _exists(self) -> bool:
        return Path(self._path).exists() if self._protocol == "file" else super()._exists()
