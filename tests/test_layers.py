"""The seams hold: no package imports another in a circle, and the base knows no feature.

Python packages are read for their imports (webapp/<package>/...), and so are the phone
app's ES modules. A new import that closes a circle, or that makes core/ depend on a
feature, fails here.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

WEBAPP = Path(__file__).resolve().parents[1] / "webapp"
# Below every feature: they may use these, and these use only each other.
BASE = {"db", "extensions", "errors", "config", "core"}
# Above every feature: the app factory and what assembles the features' parts.
TOP = {"__init__", "models", "commands", "openapi", "wsgi"}


def _python_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in WEBAPP.rglob("*.py"):
        package = path.relative_to(WEBAPP).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                if name.startswith("webapp.") and name.split(".")[1] != package:
                    graph[package].add(name.split(".")[1])
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary circle found by a depth-first walk (enough to name what is wrong)."""
    found, state, stack = [], {}, []

    def walk(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            walk(node)
    return found


def test_no_python_package_imports_another_in_a_circle():
    graph = {package: targets - TOP for package, targets in _python_graph().items() if package not in TOP}
    assert _cycles(graph) == []


def test_the_base_depends_on_no_feature():
    graph = _python_graph()
    reaching = {package: sorted(graph[package] - BASE) for package in BASE if graph[package] - BASE}
    assert reaching == {}


JS = WEBAPP / "static" / "js"
IMPORT = re.compile(r"""(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}/[^'"]+)['"]""")


def _js_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in JS.rglob("*.js"):
        for target in IMPORT.findall(path.read_text()):
            resolved = (path.parent / target).resolve()
            if resolved.is_relative_to(JS):
                graph[path.relative_to(JS).as_posix()].add(resolved.relative_to(JS).as_posix())
    return graph


def test_no_es_module_of_the_app_imports_another_in_a_circle():
    graph = _js_graph()
    assert len(graph) > 20  # the walk found the app's modules
    assert _cycles(graph) == []
