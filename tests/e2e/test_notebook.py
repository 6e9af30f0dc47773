"""The walk-through notebook runs top to bottom against a trained copy of the project."""

from __future__ import annotations

import shutil

import nbformat
import pandas as pd
from nbclient import NotebookClient

from tests.conftest import PROJECT_ROOT

NOTEBOOK = PROJECT_ROOT / "notebooks" / "customer_segments.ipynb"


def test_notebook_executes_every_cell_and_predicts_a_segment(trained_project, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(trained_project, project)
    folder = project / "notebooks"
    folder.mkdir(exist_ok=True)
    notebook_path = folder / NOTEBOOK.name
    shutil.copy(NOTEBOOK, notebook_path)
    # The kernel imports the copy's own package (its settings anchor the MLflow store to the copy).
    monkeypatch.setenv("PYTHONPATH", str(project / "src"))
    notebook = nbformat.read(notebook_path, as_version=4)

    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()  # raises on the first failing cell

    printed = "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", []))
    names = pd.read_csv(project / "data/07_model_output/segment_profiles.csv")["segment_name"]
    assert any(f": {name}\n" in printed for name in names), printed[-2000:]
