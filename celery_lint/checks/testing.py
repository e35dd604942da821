"""Testing: eager mode outside tests and without propagation (CEL801, CEL802)."""
from __future__ import annotations

import ast

from ..config import ConfigItem, ConfigSource, groups, last, may_be_set_elsewhere, spell
from ..engine import Context, on_module
from ..rule import Rule
from ..settings import matches_paths

_REF_TESTING = ("Celery user guide, Testing with Celery (docs/userguide/testing.rst)",
                "Celery user guide, Configuration and defaults: task_always_eager, task_eager_propagates "
                "(docs/userguide/configuration.rst)")

CEL801 = Rule(
    code="CEL801",
    symbol="celery-eager-outside-tests",
    msgid="W7881",
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
    options=("app_names", "test_paths"),
    references=_REF_TESTING,
)


CEL802 = Rule(
    code="CEL802",
    symbol="celery-eager-without-propagation",
    msgid="W7882",
    message="{setting} = True without {propagates} = True in the same config: a failing task stores its "
            "exception instead of raising it, so tests pass while tasks fail; set {propagates} = True",
    summary="Let eager tasks raise their exceptions",
    what="Finds `task_always_eager = True` in a config (one `Celery(...)` or `conf.update(...)` call, "
         "consecutive `app.conf.x = ...` statements, one settings module, the `celery_config` fixture) "
         "that does not also set `task_eager_propagates = True`. Other calls on the same app in the "
         "module count too. `override_settings(...)` and pytest-django's `settings` fixture only change "
         "some of the project's settings, which may set propagation: they are reported only when they "
         "turn it off. Neither is an app made elsewhere (a fixture's test app), nor a config that loads "
         "more from a place the module does not show (`from .base import *`, `config_from_object`).",
    why="An eager task that raises returns a failed `EagerResult` instead of raising: the test never "
        "sees the exception and passes. `task_eager_propagates` makes the exception surface where the "
        "task was called.",
    example="""\
# filename: proj/settings/test.py
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
""",
    instead="""\
# filename: proj/settings/test.py
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
""",
    references=_REF_TESTING,
    options=("app_names", "test_paths"),
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
_TEST_ONLY_SOURCES = (ConfigSource.OVERRIDE, ConfigSource.FIXTURE, ConfigSource.PYTEST)


def is_dev_settings(filename: str) -> bool:
    """A development or CI settings module, where eager mode is deliberate."""
    return matches_paths(filename, DEV_SETTINGS_PATHS)


def _is_true(item: ConfigItem) -> bool:
    return isinstance(item.value, ast.Constant) and item.value.value is True


@on_module(reports=(CEL801, CEL802))
def eager_mode(ctx: Context) -> None:
    model = ctx.model
    if not model.config:
        return
    production = not (model.is_test_code() or is_dev_settings(ctx.filename))
    for items in groups(model.config):
        eager = [item for item in items if item.key == "task_always_eager" and _is_true(item)]
        if not eager:
            continue
        item = eager[-1]
        if production:
            shown = [i for i in eager if i.source not in _TEST_ONLY_SOURCES and not _conditional(ctx, i)]
            if shown:
                ctx.report(shown[-1].node, CEL801, setting=shown[-1].raw)
        propagates = last(items, "task_eager_propagates")
        if propagates is None:
            if may_be_set_elsewhere(model, items, "task_eager_propagates", _propagating):
                continue
        elif _propagating(propagates.value):
            continue
        name = propagates.raw if propagates is not None else spell("task_eager_propagates", item.style, ctx.filename)
        ctx.report(item.node, CEL802, setting=item.raw, propagates=name)


def _propagating(value: ast.AST) -> bool:
    """task_eager_propagates set to anything but a literal False (a value the module does not show)."""
    return not (isinstance(value, ast.Constant) and value.value is False)


def _conditional(ctx: Context, item: ConfigItem) -> bool:
    """Is the setting under an ``if`` (DEBUG, TESTING, an environment check)?"""
    return any(isinstance(anc, (ast.If, ast.IfExp)) for anc in ctx.model.ancestors(item.node))
