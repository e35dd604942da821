"""The modules of celery_lint import each other without a cycle.

The graph is read from the source with ``ast``: every ``import`` and ``from ... import``
statement of a module, at any depth (inside functions too), in its absolute and relative
forms.  ``from package import name`` is an edge to ``package.name`` when that is a module of
the package, else to the package itself.  A package whose ``__init__`` loads its modules with
``importlib.import_module`` (celery_lint.checks) imports each of them.  Importing a module
also runs the ``__init__`` of the packages around it; that implicit edge is left out, as in
every such graph (else each module would reach the package and the package each module).
"""
from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import celery_lint

ROOT = Path(celery_lint.__file__).parent


def _modules(root: Path) -> dict[str, Path]:
    """Dotted name -> file of every module of the package (a package by its ``__init__``)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of ``from <level dots><name> import ...`` written in ``module``."""
    if not level:
        return name or ""
    base = module.split(".")
    base = base[: len(base) - level + (1 if is_package else 0)]
    return ".".join(base + ([name] if name else []))


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports, for the package in ``root``."""
    modules = _modules(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(module, is_package, node.level, node.module)
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.append(submodule if submodule in modules else source)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr == "import_module" and is_package):
                targets.extend(name for name in modules if name.startswith(module + "."))
        for target in targets:
            # ``import celery_lint.model`` names the module; keep the longest known prefix.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module:
                graph[module].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_graph_sees_every_kind_of_import():
    graph = import_graph()
    assert "celery_lint.model" in graph["celery_lint.config"]  # from .model import ...
    assert "celery_lint.config" in graph["celery_lint.engine"]  # from .config import ...
    assert "celery_lint.dataflow" in graph["celery_lint.checks.atomicity"]  # from .. import dataflow
    assert "celery_lint" in graph["celery_lint.cli"]  # from . import check, ...
    assert "celery_lint.checks.definitions" in graph["celery_lint.checks"]  # importlib
    assert "celery_lint.checks" in graph["celery_lint.rules"]


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    files = {
        "__init__.py": "from .engine import run\n",
        "engine.py": "from .model import build\nfrom pkg.settings import Settings\n",
        "model.py": "import pkg.settings\n\ndef build():\n    from .config import collect\n",
        "config.py": "from . import model\n",
        "settings.py": "import os\n",
        "sub/__init__.py": "",
        "sub/check.py": "from .. import settings\nfrom ..engine import run\n",
    }
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    graph = import_graph(tmp_path / "pkg")
    assert graph == {
        "pkg": {"pkg.engine"},
        "pkg.engine": {"pkg.model", "pkg.settings"},
        "pkg.model": {"pkg.settings", "pkg.config"},
        "pkg.config": {"pkg.model"},
        "pkg.settings": set(),
        "pkg.sub": set(),
        "pkg.sub.check": {"pkg.settings", "pkg.engine"},
    }
    assert find_cycle(graph) == ["pkg.model", "pkg.config", "pkg.model"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
