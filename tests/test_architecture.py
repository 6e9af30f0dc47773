"""The package's layers: each imports only layers below it, there are no import cycles, and nothing uses another
package's private members (they break on a minor upgrade)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "src" / "customer_segmentation"
# Lowest first: a module may import its own layer and those before it, never one after it.
LAYERS = [
    {"names", "errors", "processes", "catalog_paths", "last_complete_run", "demo_data"},
    {"io"},
    {"validation"},
    {"features"},
    {"segmentation"},
    {"spark"},
    {"pipelines"},
    {"config", "datasets", "hooks", "context", "pipeline_registry", "settings", "cli", "summary", "__main__", "__init__"},
    {"app_support"},
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of each import; ``from a import b`` counts as ``a.b`` when that is a module, else ``a``."""
    modules = _modules() if path.is_file() else {}
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level and node.module != "__future__":
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.append((node.lineno, name if name in modules or not name.startswith("customer_segmentation")
                              else node.module))
    return found


def _layer(module: str) -> int:
    part = module.split(".")[1] if "." in module else "__init__"
    return next(i for i, members in enumerate(LAYERS) if part in members)


def test_every_module_is_in_a_layer_and_imports_no_layer_above_its_own():
    upward = []
    for module, path in _modules().items():
        for line, name in _imports(path):
            if name.startswith("customer_segmentation.") and _layer(name) > _layer(module):
                upward.append(f"{module}:{line} imports {name}")
    assert upward == []


def test_there_are_no_import_cycles():
    modules = _modules()
    graph = {m: {name for _, name in _imports(p) if name in modules and name != m} for m, p in modules.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for child in sorted(graph[node]):
            if state.get(child) == 1:
                cycles.append(" -> ".join(stack[stack.index(child):] + [child]))
            elif child not in state:
                visit(child, [*stack, child])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_no_private_member_of_another_package_is_used():
    offenders = []
    for module, path in _modules().items():
        for line, name in _imports(path):
            if not name.startswith("customer_segmentation") and any(p.startswith("_") for p in name.split(".")):
                offenders.append(f"{module}:{line} imports {name}")
        text = path.read_text(encoding="utf-8")
        for member in ("._describe(", "_flatten_dict", "_cached_load_version", "set_telemetry_client"):
            if member in text and not (member == "._describe(" and "super()._describe(" in text):
                offenders.append(f"{module} uses {member}")
    assert offenders == []
