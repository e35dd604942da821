"""pylint front-end of celery-lint: ``load-plugins=pylint_celery``.

Registers one checker whose messages and options come from the core catalogue, and
silences pylint's own false positives on Celery tasks (see :mod:`pylint_celery.suppression`).
It replaces the unmaintained ``pylint-celery`` distribution, which had the same import name.
"""
from __future__ import annotations

import sys

from .checker import CeleryLintChecker
from .suppression import install


def register(linter) -> None:
    """Called by pylint for ``load-plugins=pylint_celery``; safe to call more than once."""
    checker = next((c for c in linter.get_checkers() if isinstance(c, CeleryLintChecker)), None)
    if checker is None:
        checker = CeleryLintChecker(linter)
        linter.register_checker(checker)
    install(linter, checker.task_index)


def load_configuration(linter) -> None:
    """Called by pylint once the configuration is read (also in each ``-j`` worker).  A bad
    setting value (``celery-visibility-timeout=0``) ends the run as pylint ends it for a bad
    value of its own in a configuration file: a line on stderr and exit status 32."""
    register(linter)
    checker = next(c for c in linter.get_checkers() if isinstance(c, CeleryLintChecker))
    checker._settings = None
    try:
        checker.settings()
    except ValueError as exc:
        print(f"pylint: error: {exc}", file=sys.stderr)
        sys.exit(32)
