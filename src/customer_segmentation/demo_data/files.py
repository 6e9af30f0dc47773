"""Writing a generated frame to a file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Writes CSV or Parquet by the file's extension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif path.suffix == ".csv":
        frame.to_csv(path, index=False, float_format="%.15g")
    else:
        raise ValueError(f"unsupported extension '{path.suffix}' for {path}: use .csv or .parquet")
