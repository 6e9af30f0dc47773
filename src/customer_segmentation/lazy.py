"""Package attributes imported from their module when first asked for (PEP 562).

A package whose ``__init__`` imported every module would make each import of one name pay for all
of them: ``customer_segmentation.datasets.AtomicDataset`` would import scikit-learn and MLflow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, modules: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, whose name ``N`` is ``package.<modules[N]>.N``."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        if name not in modules:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{modules[name]}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(modules)

    return __getattr__, __dir__
