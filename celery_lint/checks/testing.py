"""Testing: eager mode outside tests and without propagation (CEL801, CEL802)."""
from __future__ import annotations

import ast

from ..config import ConfigItem, ConfigSource, conf_app, groups, last, may_be_set_elsewhere, spelled
from ..engine import Context, on_module
from ..model import ModuleModel, is_const
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
         "setting) nor a development, test or CI settings module (`settings/dev.py`, `local.py`, "
         "`development.py`, `*_dev.py`, `settings/ci.py`, `ci_settings.py`, `*_ci.py`, `test.py`, `testing.py`), "
         "nor a config whose broker is the in-process `memory://` (a demo or test setup: no worker can read it). "
         "A value read from the environment, or set "
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
         "turn it off. Outside tests, neither is an app made elsewhere, nor a config that loads "
         "more from a place the module does not show (`from .base import *`, `config_from_object`). "
         "In a test or a pytest fixture of a test module (the `test-paths` setting), eager mode set on "
         "an app's `conf` (`app.conf.update(task_always_eager=True)`, `celery_app.conf.task_always_eager "
         "= True`) is reported even when the app is made elsewhere: tests are where it matters. Unless "
         "the same call spreads options the module cannot see (`**options`), the test sets propagation "
         "on that app in another statement, a `@pytest.mark.celery(...)` configures its app, or the test "
         "is about eager mode itself (named for it: `test_eager_chain`, or calling "
         "`apply_async(..., throw=True)`), or reads the result with `.get()` (without "
         "`propagate=False`), which re-raises the task's error.",
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
    "settings/ci_*.py",
    "ci_settings.py",
    "settings_ci.py",
    "*_ci.py",
    "test.py",
    "testing.py",
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
        if production and not _in_memory_broker(items):
            shown = [i for i in eager if i.source not in _TEST_ONLY_SOURCES and not _conditional(ctx, i)]
            if shown:
                ctx.report(shown[-1].node, CEL801, setting=shown[-1].raw)
        propagates = last(items, "task_eager_propagates")
        if propagates is None:
            if may_be_set_elsewhere(model, items, "task_eager_propagates", _propagating) \
                    and not _eager_in_test(ctx, items, item):
                continue
        elif _propagating(propagates.value):
            continue
        name = propagates.raw if propagates is not None else spelled(ctx, item, "task_eager_propagates")
        ctx.report(item.node, CEL802, setting=item.raw, propagates=name)


def _in_memory_broker(items: list[ConfigItem]) -> bool:
    """Does the same config use the in-process broker (``broker_url = "memory://"``)?  No worker of
    another process can read it: a demo or test setup, where eager mode is the one that works."""
    return any(item.key == "broker_url" and isinstance(item.value, ast.Constant)
               and isinstance(item.value.value, str) and item.value.value.startswith("memory://")
               for item in items)


def _propagating(value: ast.AST) -> bool:
    """task_eager_propagates set to anything but a literal False (a value the module does not show)."""
    return not (isinstance(value, ast.Constant) and value.value is False)


def _conditional(ctx: Context, item: ConfigItem) -> bool:
    """Is the setting under an ``if`` (DEBUG, TESTING, an environment check)?"""
    return any(isinstance(anc, (ast.If, ast.IfExp)) for anc in ctx.model.ancestors(item.node))


# Set-up methods that act as fixtures of the tests of a class or module (unittest, pytest xunit style).
_SETUP_NAMES = frozenset({
    "setUp", "asyncSetUp", "setUpClass", "setup_method", "setup_class", "setup_function", "setup_module",
})
_FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})
# Config written on an app's conf: one call, or consecutive ``app.conf.x = ...`` statements.
_CONF_SOURCES = (ConfigSource.CONF, ConfigSource.UPDATE)


def _eager_in_test(ctx: Context, items: list[ConfigItem], item: ConfigItem) -> bool:
    """Eager mode switched on by a test or a fixture on the ``conf`` of an app made elsewhere (the
    project's app, the ``celery_app`` fixture): tests are where CEL802 matters, so the rest of the
    app's config does not excuse it.  Still silent when the config may set propagation where the
    module cannot see (``conf.update(**options)``), the same test sets it on the same app in another
    statement, a ``@pytest.mark.celery(...)`` configures the test's app, or the test is about eager
    mode itself (:func:`_tests_eager_mode`)."""
    model = ctx.model
    if item.source not in _CONF_SOURCES or item.app is not None or not model.is_test_module():
        return False
    if any(i.unseen for i in items):
        return False
    func = _test_function(model, item.node)
    if func is None or _celery_marked(model, func) or _tests_eager_mode(func):
        return False
    app = ast.dump(conf_app(item))
    for other in model.config:
        if other.key == "task_eager_propagates" and other.source in _CONF_SOURCES \
                and ast.dump(conf_app(other)) == app and _test_function(model, other.node) is func:
            return False
    return True


def _test_function(model: ModuleModel, node: ast.AST) -> ast.AST | None:
    """The test, pytest fixture or set-up method whose own body holds ``node``."""
    for anc in model.ancestors(node):
        if isinstance(anc, (ast.Lambda, ast.ClassDef)):
            return None
        if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if anc.name.startswith("test") or anc.name in _SETUP_NAMES or _is_fixture(model, anc):
                return anc
            return None
    return None


def _is_fixture(model: ModuleModel, func: ast.AST) -> bool:
    return any(model.resolve(dec.func if isinstance(dec, ast.Call) else dec) in _FIXTURE_DECORATORS
               for dec in func.decorator_list)


def _celery_marked(model: ModuleModel, func: ast.AST) -> bool:
    """``@pytest.mark.celery(...)`` on the test or its class: it configures the test's app."""
    holders = [func, *(anc for anc in model.ancestors(func) if isinstance(anc, ast.ClassDef))]
    return any(
        isinstance(dec, ast.Call) and model.resolve(dec.func) == "pytest.mark.celery"
        for holder in holders for dec in holder.decorator_list
    )


def _tests_eager_mode(func: ast.AST) -> bool:
    """A test of eager mode itself rather than one that uses it to run tasks inline: named for it
    (``test_eager_chain_inside_task``, ``test_publish_skipped_when_always_eager``; not
    ``test_close_eagerly``), or asking for the exception per call (``apply_async(...,
    throw=True)``, which raises in eager mode whatever the config says, or ``.get()`` of the
    result, which re-raises it)."""
    if func.name.startswith("test") and "eager" in func.name.lower().split("_"):
        return True
    sent: set[str] = set()  # names assigned a sent task's result (``r = add.delay(1, 2)``)
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and _sends(node.value):
            sent.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            (node.func.attr in ("apply", "apply_async")
             and any(kw.arg == "throw" and is_const(kw.value, True) for kw in node.keywords))
            or (node.func.attr == "get" and _reads_result(node.func.value, sent)
                and not any(kw.arg == "propagate" and is_const(kw.value, False) for kw in node.keywords)))
        for node in ast.walk(func)
    )


def _sends(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) \
        and expr.func.attr in ("delay", "apply_async", "apply")


def _reads_result(expr: ast.AST, sent: set[str]) -> bool:
    """``add.delay(1, 2)`` itself or a name assigned it: ``.get()`` on it re-raises the task's error
    (EagerResult.get propagates by default, celery/result.py), so the test sees failures."""
    return _sends(expr) or (isinstance(expr, ast.Name) and expr.id in sent)
