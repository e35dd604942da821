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

from .engine import Engine, Prefilter, paused_gc
from .rule import Rule, Violation
from .rules import BY_SYMBOL, OPT_IN, RULES
from .settings import Settings

__version__ = "0.1.0"
__all__ = ["check", "check_source", "Rule", "Violation", "RULES", "BY_SYMBOL", "OPT_IN", "Settings", "__version__"]

DEFAULT_SETTINGS = Settings()


@functools.lru_cache(maxsize=None)
def _engine() -> Engine:
    from .checks import MODULES

    return Engine(MODULES)


def _log():
    import logging  # only when something goes wrong: logging costs a few ms to import

    return logging.getLogger("celery_lint")


_prefilter = functools.lru_cache(maxsize=8)(Prefilter)  # one per Settings, built once


def check(
    tree: ast.Module,
    filename: str = "<unknown>",
    settings: Settings | None = None,
    source: str | None = None,
    *,
    strict: bool = False,
    on_model=None,
) -> list[Violation]:
    """Check one parsed module; return its violations sorted by position.

    With ``source`` (the module's text), a module that mentions nothing Celery-related
    is skipped before any tree work.  The checker never raises on any input: an internal
    error is logged and yields no findings, unless ``strict`` (for tests) re-raises it.
    ``on_model(model)``, if given, sees the module model once it is built (the pylint
    front-end reads its tasks from it rather than build it again).
    """
    settings = settings or DEFAULT_SETTINGS
    if source is not None and not _prefilter(settings).search(source, filename):
        return []
    try:
        with paused_gc():
            found = _engine().run(tree, filename, settings, RULES, on_model)
    except RecursionError:
        if strict:
            raise
        _log().warning("celery-lint: %s is nested too deeply to check", filename)
        return []
    except Exception:  # noqa: BLE001 -- a linter must not take the lint run down with it
        if strict:
            raise
        _log().warning("celery-lint: internal error while checking %s", filename, exc_info=True)
        return []
    found.sort()
    return _dedupe(found)


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
