"""pylint front-end of celery-lint: ``load-plugins=pylint_celery``.

Registers one checker whose messages and options come from the core catalogue.
It replaces the unmaintained ``pylint-celery`` distribution (same import name).
"""
from __future__ import annotations

from .checker import CeleryLintChecker


def register(linter) -> None:
    """Called by pylint for ``load-plugins=pylint_celery``; safe to call more than once."""
    if not any(isinstance(c, CeleryLintChecker) for c in linter.get_checkers()):
        linter.register_checker(CeleryLintChecker(linter))


def load_configuration(linter) -> None:
    """Called by pylint after the configuration is read."""
