"""Runs the checks: one walk builds the model, then each check sees the nodes it asked for."""
from __future__ import annotations

import ast
import gc
import re
from dataclasses import dataclass
from typing import Callable, Iterable, TypeVar

from .config import collect_config
from .fixes import Source, compute_fix
from .model import ModuleModel, TaskInfo, build
from .rule import Rule, Violation
from .settings import Settings, is_celeryconfig_module

F = TypeVar("F")
Check = Callable[[ast.AST, "Context"], None]
ModuleCheck = Callable[["Context"], None]

#: What the user sees when a check fails: one finding per failing check, on line 1 of the
#: file, with this code.  It is no rule: it cannot be switched on, and in flake8 it shows
#: as long as ``CEL000`` (or ``CEL``) is selected.
INTERNAL_ERROR = Rule(
    code="CEL000",
    symbol="celery-lint-internal-error",
    msgid="E7800",
    message="celery-lint internal error in {check} ({codes}) on this file: {error}; {lost}; "
            "please report this bug to celery-lint with the code that triggers it",
    summary="celery-lint could not finish a check on this file (a bug in celery-lint)",
)


def on(*node_types: type, reports: tuple[Rule, ...]) -> Callable[[Check], Check]:
    """Mark a check function as a handler of the given node types that reports ``reports``."""

    def mark(func):
        func.celery_lint_handler = (node_types, tuple(reports))
        return func

    return mark


def on_module(*, reports: tuple[Rule, ...]) -> Callable[[ModuleCheck], ModuleCheck]:
    """Mark a check function that runs once per module, after the node handlers."""

    def mark(func):
        func.celery_lint_handler = ((), tuple(reports))
        return func

    return mark


class UndeclaredReport(Exception):
    """A check reported a rule its ``reports=`` does not declare (a bug in celery-lint)."""


class Context:
    """What a check sees: the model, the settings, and a way to report."""

    __slots__ = ("model", "settings", "filename", "declared", "project", "_out", "_facts")

    def __init__(self, model: ModuleModel, out: list[Violation], project=None):
        self.model = model
        self.project = project  # the project index (celery_lint.project.ProjectIndex), or None
        self.settings = model.settings
        self.filename = model.filename
        self.declared: frozenset[Rule] = frozenset()  # the codes the running handler reports
        self._out = out
        self._facts: dict[type, object] = {}

    def facts(self, kind: type[F]) -> F:
        """The module's instance of ``kind``, a check's class of facts worked out once per module
        (``kind(model)``, its answers usually ``cached_property``): a node handler that runs
        for every call asks it instead of scanning the module's config each time."""
        found = self._facts.get(kind)
        if found is None:
            found = self._facts[kind] = kind(self.model)
        return found  # type: ignore[return-value]

    def report(self, node: ast.AST, rule: Rule, **fmt) -> None:
        if rule not in self.declared:
            raise UndeclaredReport(f"{rule.code} is not among the codes this check declares")
        line = getattr(node, "lineno", 1) or 1
        col = getattr(node, "col_offset", 0) or 0
        fix = None
        if rule.fix is not None and self.model.source is not None:  # fixes were asked for
            fix = compute_fix(rule, node, self.model)
        self._out.append(Violation(line, col, rule.code, rule.message.format(**fmt), fix))

    # Shortcuts to the model, so that checks read naturally.
    def resolve(self, expr: ast.AST) -> str | None:
        return self.model.resolve(expr)

    def enclosing_task(self, node: ast.AST) -> TaskInfo | None:
        return self.model.enclosing_task(node)

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.model.parents.get(node)


@dataclass(frozen=True)
class Handler:
    """One check function: the node types it visits (none: once per module) and its rules."""

    func: Callable
    types: tuple[type, ...]
    rules: frozenset[Rule]
    codes: frozenset[str]

    @property
    def name(self) -> str:
        """``waiting.blocking_result``: the check module and the function."""
        return f"{self.func.__module__.rsplit('.', 1)[-1]}.{self.func.__name__}"


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
    """The checks of a set of check modules.  Immutable once built.

    Each handler runs over all its nodes before the next one starts, so that a failing
    handler can be told apart: its findings for the module are dropped and replaced by one
    internal-error finding; every other handler's findings stay.
    """

    def __init__(self, modules: Iterable):
        handlers: list[Handler] = []
        for module in modules:
            for value in vars(module).values():
                spec = getattr(value, "celery_lint_handler", None)
                if spec is None or getattr(value, "__module__", None) != module.__name__:
                    continue
                types, rules = spec
                if not rules:
                    raise ValueError(f"{module.__name__}.{value.__name__} declares no rule it reports")
                handlers.append(Handler(value, types, frozenset(rules), frozenset(r.code for r in rules)))
        self.handlers = tuple(handlers)
        self.wanted = frozenset(t for h in handlers for t in h.types)
        self._plans: dict[frozenset[str] | None, tuple[Handler, ...]] = {}

    def reporting(self, code: str) -> tuple[Handler, ...]:
        """The handlers that declare ``code``."""
        return tuple(h for h in self.handlers if code in h.codes)

    def plan(self, enabled: frozenset[str] | None) -> tuple[Handler, ...]:
        """The handlers to run when only the codes of ``enabled`` are on (None: all):
        node handlers first, in definition order, then the module handlers."""
        plan = self._plans.get(enabled)
        if plan is None:
            chosen = [h for h in self.handlers if enabled is None or not h.codes.isdisjoint(enabled)]
            plan = self._plans[enabled] = (*(h for h in chosen if h.types), *(h for h in chosen if not h.types))
        return plan

    def run(self, tree: ast.Module, filename: str, settings: Settings,
            enabled: frozenset[str] | None = None,
            on_model: Callable[[ModuleModel], None] | None = None,
            strict: bool = False, project=None, fix_source: str | None = None) -> list[Violation]:
        """The findings of one module; with ``fix_source`` (the module's text), each with the
        fix of its rule, when the rule has one for it.  ``project``: the project index, or None."""
        out: list[Violation] = []
        try:
            model = build(tree, filename, settings, self.wanted, project)
            if fix_source is not None:
                model.source = Source(fix_source)
            collect_config(model)
        except Exception as exc:  # noqa: BLE001 -- a linter must not take the lint run down with it
            if strict:
                raise
            return [internal_error("reading the module", "every rule", exc, filename)]
        if on_model is not None:
            on_model(model)
        ctx = Context(model, out, project)
        nodes = model.nodes
        for handler in self.plan(enabled):
            func = handler.func
            ctx.declared = handler.rules
            start = len(out)
            try:
                if handler.types:
                    for t in handler.types:
                        for node in nodes.get(t, ()):
                            func(node, ctx)
                else:
                    func(ctx)
            except Exception as exc:  # noqa: BLE001 -- lose this handler's findings, not the file's
                if strict:
                    raise
                del out[start:]
                out.append(internal_error(handler.name, ", ".join(sorted(handler.codes)), exc, filename))
        return out


def internal_error(check: str, codes: str, exc: BaseException, filename: str) -> Violation:
    """The finding that stands for a failed check (``codes``: what it checks, or "every rule"),
    and a debug log record with the traceback, for the bug report."""
    error = "the code is nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
    if len(error) > 200:
        error = error[:197] + "..."
    lost = ("no rule could check this file" if codes == "every rule"
            else "these findings are lost for this file, the other checks ran")
    import logging  # noqa: PLC0415 -- only when something went wrong: logging costs ms to import

    logging.getLogger("celery_lint").debug("celery-lint: %s failed on %s", check, filename, exc_info=exc)
    return Violation(1, 0, INTERNAL_ERROR.code,
                     INTERNAL_ERROR.format(check=check, codes=codes, error=error, lost=lost))


# Anything that can make a module matter to celery-lint.  Looking for these substrings in the
# source text costs next to nothing (``in`` is a fast C search; a regex alternation is ten
# times slower); a module that contains none of them is skipped before any tree work.
# Task classes deriving from a project base without any of these need the task-base-classes
# setting, whose names join the markers.
_MARKERS = ("celery", "CELERY", "BROKER_", ".delay", ".apply_async", ".Task", "AsyncResult")
# ``.task`` only as a decorator or a call (``.tasks`` module paths are everywhere): one scan for
# ``.task``, and the pattern only where it is found, instead of a scan per following character.
_TASK_USE = re.compile(r"\.task[(\r\n]")


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
        if ".task" in text and _TASK_USE.search(text):
            return True
        # A celeryconfig-style module may hold nothing but lower-case setting names.
        return bool(filename) and is_celeryconfig_module(filename)
