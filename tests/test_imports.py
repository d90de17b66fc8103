"""The product packages import each other without cycles and only downwards, function-level imports included.

A cycle hidden behind a lazy import still ties two modules together: neither can be read, moved or
tested alone. The rooms are layered: the shell (the command line) sits on top and nothing imports it; flows
orchestrates the rooms below; acquisition, report and the demo site never reach back into flows; transforms
and warehouse stand on their own. The graph is read from the source with ast, so nothing is imported to check it.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("acquisition", "demo_site", "flows", "report", "shell", "transforms", "warehouse")
#: room -> the rooms it must not import (any module of theirs, lazily or not)
FORBIDDEN = {
    "transforms": {"flows", "acquisition", "report", "demo_site", "shell"},
    "warehouse": {"flows", "acquisition", "report", "demo_site", "shell"},
    "acquisition": {"flows", "report", "demo_site", "shell"},
    "report": {"flows", "acquisition", "demo_site", "transforms", "shell"},
    "demo_site": {"flows", "acquisition", "report", "transforms", "warehouse", "shell"},
    "flows": {"shell"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Modules of ours that path imports anywhere in its body (absolute or relative, `from x import mod` too)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m in known and m != name}


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")}
    known = set(paths)
    return {name: _imports(path, name, known) for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_checker_sees_a_lazy_import_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_function_level_and_relative_imports():
    graph = import_graph()
    assert "acquisition.fetching.inflate" in graph["acquisition.fetching.client"]  # relative: from .inflate import ...
    assert "transforms.names" in graph["transforms.gazetteers"]


def test_product_packages_have_no_import_cycle():
    assert cycles(import_graph()) == []


def _room(module: str) -> str:
    return module.split(".")[0]


def layering_violations(graph: dict[str, set[str]]) -> list[str]:
    """`importer -> imported` for every import that reaches into a room its room must not use."""
    return sorted(
        f"{name} -> {target}"
        for name, targets in graph.items()
        for target in targets
        if _room(target) in FORBIDDEN.get(_room(name), set())
    )


def test_the_layering_checker_sees_an_upward_import():
    graph = {"acquisition.sources": {"flows.tasks", "acquisition.records"}, "flows.tasks": {"acquisition.sources"}}
    assert layering_violations(graph) == ["acquisition.sources -> flows.tasks"]


def test_every_room_is_in_the_graph():
    rooms = {_room(name) for name in import_graph()}
    assert rooms == set(PACKAGES)


def test_rooms_import_only_downwards():
    assert layering_violations(import_graph()) == []
