"""One module per concern of Celery's best practices.

Each module defines its rules as constants named after their codes (``CEL201 = Rule(...)``,
the single definition of each rule) and the functions that check them, marked with
:func:`celery_lint.engine.on` (node handlers) or :func:`celery_lint.engine.on_module`, each
declaring the rules it reports (``@on(ast.Call, reports=(CEL201, CEL203))``).
Modules are found here by name, so adding a concern is adding a file.
"""
from __future__ import annotations

import importlib
import os

MODULES = tuple(
    importlib.import_module(f"{__name__}.{name[:-3]}")
    for name in sorted(os.listdir(__path__[0]))  # os, not pkgutil: pkgutil costs more to import than the listing
    if name.endswith(".py") and not name.startswith("_")
)
