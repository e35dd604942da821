"""Runs the checks: one walk builds the model, then each check sees the nodes it asked for."""
from __future__ import annotations

import ast
import gc
from typing import Callable, Iterable

from .config import collect_config
from .model import ModuleModel, TaskInfo, build
from .rule import Rule, Violation
from .settings import Settings, is_celeryconfig_module

Handler = Callable[[ast.AST, "Context"], None]
ModuleHandler = Callable[["Context"], None]


def on(*node_types: type) -> Callable[[Handler], Handler]:
    """Mark a check function as a handler of the given node types."""

    def mark(func):
        func.celery_lint_types = node_types
        return func

    return mark


def on_module(func: ModuleHandler) -> ModuleHandler:
    """Mark a check function that runs once per module, after the node handlers."""
    func.celery_lint_types = ("module",)
    return func


class Context:
    """What a check sees: the model, the settings, and a way to report."""

    __slots__ = ("model", "settings", "filename", "rules", "_out")

    def __init__(self, model: ModuleModel, rules: dict[str, Rule], out: list[Violation]):
        self.model = model
        self.settings = model.settings
        self.filename = model.filename
        self.rules = rules
        self._out = out

    def report(self, node: ast.AST, code: str, **fmt) -> None:
        rule = self.rules[code]
        line = getattr(node, "lineno", 1) or 1
        col = getattr(node, "col_offset", 0) or 0
        self._out.append(Violation(line, col, code, rule.format(**fmt)))

    # Shortcuts to the model, so that checks read naturally.
    def resolve(self, expr: ast.AST) -> str | None:
        return self.model.resolve(expr)

    def enclosing_task(self, node: ast.AST) -> TaskInfo | None:
        return self.model.enclosing_task(node)

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.model.parents.get(node)


class paused_gc:
    """``with paused_gc():`` -- no cyclic garbage collection while celery-lint parses and checks.

    A check allocates many small objects (the tree, the model), and allocations trigger the
    collector, which then walks every object the host tool holds: inside pylint, with its
    astroid trees, that walk cost more than the check itself (about 3/4 of the plugin's time
    on weblate).  What the check allocates is freed by reference counting when it returns;
    the collector is switched back on if it was on, so nothing the tool does is changed.
    """

    __slots__ = ("was_enabled",)

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc) -> None:
        if self.was_enabled:
            gc.enable()


class Engine:
    """The checks of a set of check modules, indexed by node type.  Immutable once built."""

    def __init__(self, modules: Iterable):
        handlers: dict[type, list[Handler]] = {}
        module_handlers: list[ModuleHandler] = []
        for module in modules:
            for value in vars(module).values():
                types = getattr(value, "celery_lint_types", None)
                if types is None or getattr(value, "__module__", None) != module.__name__:
                    continue
                for t in types:
                    if t == "module":
                        module_handlers.append(value)
                    else:
                        handlers.setdefault(t, []).append(value)
        self.handlers = {t: tuple(fs) for t, fs in handlers.items()}
        self.module_handlers = tuple(module_handlers)
        self.wanted = frozenset(self.handlers)

    def run(self, tree: ast.Module, filename: str, settings: Settings, rules: dict[str, Rule],
            on_model: Callable[[ModuleModel], None] | None = None) -> list[Violation]:
        out: list[Violation] = []
        model = build(tree, filename, settings, self.wanted)
        collect_config(model)
        if on_model is not None:
            on_model(model)
        ctx = Context(model, rules, out)
        nodes = model.nodes
        for t, funcs in self.handlers.items():
            for node in nodes.get(t, ()):
                for func in funcs:
                    func(node, ctx)
        for func in self.module_handlers:
            func(ctx)
        return out


# Anything that can make a module matter to celery-lint.  Looking for these substrings in the
# source text costs next to nothing (``in`` is a fast C search; a regex alternation is ten
# times slower); a module that contains none of them is skipped before any tree work.
# Task classes deriving from a project base without any of these need the task-base-classes
# setting, whose names join the markers.
# ``.task`` only as a decorator or a call: ``.tasks`` module paths are everywhere.
_MARKERS = ("celery", "CELERY", "BROKER_", ".task(", ".task\n", ".task\r", ".delay", ".apply_async", ".Task",
            "AsyncResult")


class Prefilter:
    """``Prefilter(settings).search(text)``: may this module matter to celery-lint?"""

    __slots__ = ("markers",)

    def __init__(self, settings: Settings):
        extra = (n.rsplit(".", 1)[-1] for n in (*settings.task_decorators, *settings.task_base_classes))
        self.markers = tuple(dict.fromkeys((*_MARKERS, *extra)))

    def search(self, text: str, filename: str = "") -> bool:
        for marker in self.markers:
            if marker in text:
                return True
        # A celeryconfig-style module may hold nothing but lower-case setting names.
        return bool(filename) and is_celeryconfig_module(filename)
