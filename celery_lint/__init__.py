"""celery-lint: check code that uses Celery against Celery's best practices.

The core knows every rule and nothing of flake8 or pylint; it imports only the
standard library and never imports or runs the code it checks::

    import ast, celery_lint
    for v in celery_lint.check(ast.parse(source), "tasks.py", source=source):
        print(v.line, v.col, v.code, v.message)
"""
from __future__ import annotations

import ast
import functools

from .checks import MODULES
from .engine import INTERNAL_ERROR, Engine, Prefilter, internal_error, paused_gc
from .rule import Rule, Violation
from .rules import BY_SYMBOL, OPT_IN, RULES
from .settings import Settings

__version__ = "0.1.0"
__all__ = ["check", "check_source", "prefilter", "Rule", "Violation", "RULES", "BY_SYMBOL", "OPT_IN",
           "INTERNAL_ERROR", "Settings", "__version__"]

DEFAULT_SETTINGS = Settings()


@functools.lru_cache(maxsize=None)
def default_engine() -> Engine:
    """The engine of every check module (built once)."""
    return Engine(MODULES)


_prefilter = functools.lru_cache(maxsize=8)(Prefilter)  # one per Settings, built once


def prefilter(settings: Settings) -> Prefilter:
    """The prefilter for these settings (built once): ``prefilter(settings).search(text, filename)``
    tells whether a module may matter to celery-lint at all."""
    return _prefilter(settings)


def check(
    tree: ast.Module,
    filename: str = "<unknown>",
    settings: Settings | None = None,
    source: str | None = None,
    *,
    enabled: frozenset[str] | None = None,
    strict: bool = False,
    on_model=None,
    project=None,
    fixes: bool = False,
) -> list[Violation]:
    """Check one parsed module; return its violations sorted by position.

    With ``source`` (the module's text), a module that mentions nothing Celery-related
    is skipped before any tree work.  ``enabled``: the codes the caller will report (None:
    every rule); checks whose codes are all off are skipped, though a check that runs may
    also return findings of codes outside ``enabled``, for the caller to filter.

    The checker never raises on any input: a check that fails loses its own findings for
    the module, and a ``CEL000`` finding (:data:`INTERNAL_ERROR`) on line 1 names it; the
    other checks' findings stay.  ``strict`` (for tests) re-raises instead.
    ``on_model(model)``, if given, sees the module model once it is built (the pylint
    front-end reads its tasks from it rather than build it again).
    ``project``: the project index (:func:`celery_lint.project.index_for`), for the project
    rules (CEL9xx) and what other modules tell the per-module rules; its settings are used.
    Without it, the module is checked on its own and the project rules stay silent.
    ``fixes`` (with ``source``): attach to each finding the fix of its rule, when it has one
    (:mod:`celery_lint.fixes` applies them); off, the plugins pay nothing for fixes.
    """
    if project is not None:
        settings = project.settings
    settings = settings or DEFAULT_SETTINGS
    if fixes and source is None:
        raise ValueError("fixes=True needs the module's text (source=)")
    if source is not None and not _prefilter(settings).search(source, filename):
        return []
    if enabled is not None and not enabled and on_model is None:
        return []  # nothing selected: no check would run
    try:
        with paused_gc():
            found = default_engine().run(tree, filename, settings, enabled, on_model, strict, project,
                                         fix_source=source if fixes else None)
    except Exception as exc:  # noqa: BLE001 -- the engine contains the checks' failures; this, its own
        if strict:
            raise
        return [internal_error("celery-lint's engine", "every rule", exc, filename)]
    found.sort(key=_position)
    return _dedupe(found)


def _position(v: Violation) -> tuple:
    return v[:4]  # not the fix: a Fix and None do not compare


def _dedupe(found: list[Violation]) -> list[Violation]:
    out = []
    last = None
    for v in found:
        if v != last:
            out.append(v)
        last = v
    return out


def check_source(source: str, filename: str = "<unknown>", settings: Settings | None = None,
                 *, strict: bool = False) -> list[Violation]:
    """Parse and check a module's text.  A module that does not parse has no findings."""
    settings = settings or DEFAULT_SETTINGS
    if not _prefilter(settings).search(source, filename):
        return []
    try:
        with paused_gc():
            tree = ast.parse(source, filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return check(tree, filename, settings, source=None, strict=strict)
