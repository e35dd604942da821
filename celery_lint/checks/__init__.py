"""One module per concern of Celery's best practices.

Each module defines ``RULES`` (a tuple of :class:`celery_lint.rule.Rule`, the single
definition of each of its rules) and the functions that check them, marked with
:func:`celery_lint.engine.on` (node handlers) or :func:`celery_lint.engine.on_module`.
Modules are found here by name, so adding a concern is adding a file.
"""
from __future__ import annotations

import importlib
import pkgutil

MODULES = tuple(
    importlib.import_module(f"{__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    if not info.name.startswith("_")
)
