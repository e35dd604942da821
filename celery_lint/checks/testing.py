"""Testing: eager mode outside tests and without propagation (CEL801, CEL802)."""
from __future__ import annotations

import ast
import fnmatch

from ..config import ConfigItem, groups, is_test_code, spell
from ..engine import Context, on_module
from ..rule import Rule

_REF_TESTING = ("Celery user guide, Testing with Celery (docs/userguide/testing.rst)",
                "Celery user guide, Configuration and defaults: task_always_eager, task_eager_propagates "
                "(docs/userguide/configuration.rst)")

RULES = (
    Rule(
        code="CEL801",
        symbol="celery-eager-outside-tests",
        message="{setting} = True outside tests runs every task inline in the caller, not on a worker; "
                "set task_always_eager only in test settings, or read it from the environment",
        summary="Run tasks eagerly only in tests",
        what="Finds `task_always_eager = True` (any spelling: `CELERY_TASK_ALWAYS_EAGER`, `CELERY_ALWAYS_EAGER`, "
             "`app.conf.update(...)`, `Celery(...)`) in a module that is not a test module (the `test-paths` "
             "setting) nor a development or CI settings module (`settings/dev.py`, `local.py`, "
             "`development.py`, `*_dev.py`, `settings/ci.py`). A value read from the environment, or set "
             "under an `if`, is not reported; neither are `override_settings(...)` and test fixtures.",
        why="With eager mode every `.delay()` runs the task in the web process, synchronously, without retries, "
            "time limits or routing. Left on in production, requests get slow and the workers sit idle "
            "without anyone noticing.",
        example="""\
from celery import Celery

app = Celery("proj")
app.conf.task_always_eager = True
app.conf.task_eager_propagates = True
""",
        instead="""\
import os

from celery import Celery

app = Celery("proj")
app.conf.task_always_eager = os.environ.get("CELERY_EAGER") == "1"
app.conf.task_eager_propagates = True
""",
        options=("test_paths",),
        references=_REF_TESTING,
    ),
    Rule(
        code="CEL802",
        symbol="celery-eager-without-propagation",
        message="{setting} = True without {propagates} = True in the same config: a failing task stores its "
                "exception instead of raising it, so tests pass while tasks fail; set {propagates} = True",
        summary="Let eager tasks raise their exceptions",
        what="Finds `task_always_eager = True` in a config (one `Celery(...)`, `conf.update(...)` or "
             "`override_settings(...)` call, one settings module, or consecutive `app.conf.x = ...` "
             "statements) that does not also set `task_eager_propagates = True`.",
        why="An eager task that raises returns a failed `EagerResult` instead of raising: the test never "
            "sees the exception and passes. `task_eager_propagates` makes the exception surface where the "
            "task was called.",
        example="""\
from django.test import TestCase, override_settings


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
class SignupTests(TestCase):
    def test_welcome_mail(self):
        ...
""",
        instead="""\
from django.test import TestCase, override_settings


@override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)
class SignupTests(TestCase):
    def test_welcome_mail(self):
        ...
""",
        references=_REF_TESTING,
    ),
)

#: Development settings modules, where eager mode is a deliberate choice.
DEV_SETTINGS_PATHS = (
    "settings/dev.py",
    "settings/dev_*.py",
    "settings/local*.py",
    "settings/development*.py",
    "local.py",
    "local_settings.py",
    "settings_local.py",
    "development.py",
    "*_dev.py",
    "dev_settings.py",
    "settings/ci.py",
)
# Config sources that only exist in tests (override_settings, pytest fixtures).
_TEST_ONLY_SOURCES = frozenset({"override", "fixture", "pytest"})


def is_dev_settings(filename: str) -> bool:
    path = filename.replace("\\", "/")
    base = path.rsplit("/", 1)[-1]
    for pattern in DEV_SETTINGS_PATHS:
        if "/" in pattern:
            if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, "*/" + pattern):
                return True
        elif fnmatch.fnmatch(base, pattern):
            return True
    return False


def _is_true(item: ConfigItem) -> bool:
    return isinstance(item.value, ast.Constant) and item.value.value is True


@on_module
def eager_mode(ctx: Context) -> None:
    model = ctx.model
    if not model.config:
        return
    production = not (is_test_code(model) or is_dev_settings(ctx.filename))
    for items in groups(model.config):
        eager = [item for item in items if item.key == "task_always_eager" and _is_true(item)]
        if not eager:
            continue
        item = eager[-1]
        if production and item.source not in _TEST_ONLY_SOURCES and not _conditional(ctx, item):
            ctx.report(item.node, "CEL801", setting=item.raw)
        if any(i.unseen for i in items):
            continue
        propagates = [i for i in items if i.key == "task_eager_propagates"]
        if propagates and not (isinstance(propagates[-1].value, ast.Constant) and propagates[-1].value.value is False):
            continue  # set True, or to a value the module does not show
        name = propagates[-1].raw if propagates else spell("task_eager_propagates", item.style, ctx.filename)
        ctx.report(item.node, "CEL802", setting=item.raw, propagates=name)


def _conditional(ctx: Context, item: ConfigItem) -> bool:
    """Is the setting under an ``if`` (DEBUG, TESTING, an environment check)?"""
    return any(isinstance(anc, (ast.If, ast.IfExp)) for anc in ctx.model.ancestors(item.node))
