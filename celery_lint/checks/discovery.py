"""How workers find the project's tasks (CEL904, CEL906-CEL909): the app, its discovery, Django.

These checks read the project index (``ctx.project``) through
:func:`celery_lint.project.discovery.discovery`, which says which modules a worker imports and
which are imported with the app's module; without an index, or where the index cannot see the
app, its discovery or Django's installed apps in full, they stay silent.
"""
from __future__ import annotations

import ast

from ..engine import Context, on_module
from ..project.discovery import discovery, is_side_module
from ..config import DJANGO_SETTINGS_OBJECTS
from ..project.summary import absolute
from ..model import ModuleModel, const
from ..rule import Rule

_REF_DISCOVERY = ("Celery API reference, celery.Celery.autodiscover_tasks "
                  "(docs/reference/celery.rst#celery.Celery.autodiscover_tasks)")
_REF_IMPORTS = "Celery user guide, Configuration: imports, include (docs/userguide/configuration.rst#imports)"
_REF_DJANGO = ("Celery getting started, First steps with Django: Using Celery with Django "
               "(docs/django/first-steps-with-django.rst#using-celery-with-django)")
_REF_PERIODIC = ("Celery user guide, Periodic Tasks: Entries (docs/userguide/periodic-tasks.rst#entries)")
_REF_SIGNALS = "Celery user guide, Signals: on_after_configure, on_after_finalize (docs/userguide/signals.rst)"
_REF_CUSTOM = "Celery user guide, Tasks: Custom task classes (docs/userguide/tasks.rst#custom-task-classes)"
_REF_REGISTRY = "Celery user guide, Tasks: Task Registry (docs/userguide/tasks.rst#task-registry)"
_REF_NEW_NAMES = ("Celery user guide, Configuration and defaults: New lowercase settings "
                  "(docs/userguide/configuration.rst#new-lowercase-settings)")


def _here(ctx: Context) -> tuple[str, dict] | None:
    """(module name, summary) of the checked file, when the index summarised it and it is no test
    code (as its path below the project's root says)."""
    project = ctx.project
    if project is None:
        return None
    module, _ = project.module_of(ctx.filename)
    summary = project.summaries.get(module)
    return None if summary is None or summary["test"] else (module, summary)


def _where(project, module: str, line: int) -> str:
    return f"{project.path_of(module)}:{line}"


# -- CEL904 -----------------------------------------------------------------------------

CEL904 = Rule(
    code="CEL904",
    symbol="celery-task-not-discovered",
    msgid="E7894",
    message="no worker imports {module}: the app at {app} finds task modules through {how}, and "
            "nothing it imports imports this one, so its tasks are unregistered (\"Received "
            "unregistered task\"): {advice}",
    summary="Put every task module where the worker imports it",
    what="Follows what a worker of the project imports: the app's module (and what it imports), the "
         "modules of the app's `include=` / `imports` settings, the `tasks` module (or `related_name`) "
         "of each package `autodiscover_tasks()` covers -- its package list, or the project's Django "
         "`INSTALLED_APPS` when called without one -- and, in a Django project, what Django imports in a "
         "worker (each installed app's package, `apps`, `models`, `admin`, the URL confs and their "
         "views), then everything those import, at any depth. Reports a module that defines tasks and "
         "is none of them, on its first task's `def` line. Silent when the index cannot see it all: no "
         "app or more than one, `include` / `imports` / `autodiscover_tasks` arguments or a "
         "`config_from_object` source it cannot read, `INSTALLED_APPS` built at run time, a module it "
         "could not read, `import_module` of a computed name; when the app finds no task module at "
         "all (no discovery of any kind: its workers are started on a task module, `celery -A "
         "proj.tasks`, or with `--include`); and on test modules and scripts, examples and docs folders.",
    why="A worker registers the tasks of the modules it imports, and only those. A task module that "
        "neither `include` / `imports` names nor autodiscovery finds (a `jobs.py` beside `tasks.py`, a "
        "submodule of a `tasks/` package whose `__init__.py` does not import it, an app missing from "
        "`INSTALLED_APPS`) is unknown to the worker: every message for its tasks is rejected with "
        "\"Received unregistered task of type ...\", while the code sending them works in tests "
        "(eager mode) and in the web process that imports the module.",
    example="""\
# file: proj/celery.py
from celery import Celery

app = Celery("proj", include=["proj.tasks"])

# file: proj/tasks.py
from celery import shared_task


@shared_task
def send_email(to):
    ...

# file: proj/jobs.py
from celery import shared_task


@shared_task
def rebuild_index():
    ...
""",
    instead="""\
# file: proj/celery.py
from celery import Celery

app = Celery("proj", include=["proj.tasks", "proj.jobs"])

# file: proj/tasks.py
from celery import shared_task


@shared_task
def send_email(to):
    ...

# file: proj/jobs.py
from celery import shared_task


@shared_task
def rebuild_index():
    ...
""",
    references=(_REF_DISCOVERY, _REF_IMPORTS, _REF_DJANGO),
)


@on_module(reports=(CEL904,))
def undiscovered_tasks(ctx: Context) -> None:
    here = _here(ctx)
    if here is None:
        return
    module, summary = here
    project = ctx.project
    tasks = [t for t in summary["tasks"] if t["kind"] == "function" and t["module_level"]]
    if not tasks or not module or is_side_module(module, project.path_of(module)):
        return
    found = discovery(project)
    if found is None or module in found.reached:
        return
    if "." not in module and "." in found.app_module:
        return  # a lone top-level module beside a packaged app: a script, not a task module
    first = min(tasks, key=lambda t: t["line"])
    node = next((t.definition for t in ctx.model.tasks if t.definition.lineno == first["line"]), None)
    if node is not None:
        advice = f"add '{module}' to the app's include= / imports setting"
        if found.django:
            advice += ", or add its Django app to INSTALLED_APPS and name the module tasks.py"
        ctx.report(node, CEL904, module=module, app=_where(project, found.app_module, found.app["line"]),
                   how=found.how, advice=advice)


# -- CEL906 -----------------------------------------------------------------------------

CEL906 = Rule(
    code="CEL906",
    symbol="celery-app-not-loaded",
    msgid="E7896",
    message="{package}/__init__.py does not import this app, so Django never loads it and the project's "
            "{count} @shared_task tasks bind to a default app that sends to amqp://guest@localhost: add "
            "'from .celery import app as celery_app' (and __all__ = ('celery_app',)) to {init}",
    summary="Import the Celery app in the Django project package's __init__.py",
    what="In a Django project (one with a settings module: `INSTALLED_APPS`), reports the `Celery(...)` "
         "call of a package's `celery.py` when the package's `__init__.py` does not import that module "
         "(in any form) and the project defines `@shared_task` tasks. Silent without Django settings, "
         "without `@shared_task` tasks, when the settings, `wsgi` / `asgi` or an `apps` module imports "
         "the app module, and when the index could not read every module.",
    why="`@shared_task` binds a task to the *current* app when it is used. Django imports the project "
        "package (through its settings) but not `proj/celery.py`: unless `proj/__init__.py` imports "
        "the app, a web process that calls `task.delay()` uses Celery's default app, whose broker is "
        "`amqp://guest@localhost//` and whose settings are none of the project's -- messages go "
        "nowhere, or the call hangs on connection retries. Celery's Django guide makes the import the "
        "second step of its setup.",
    example="""\
# file: manage.py
import os
import sys

from django.core.management import execute_from_command_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
execute_from_command_line(sys.argv)

# file: proj/__init__.py

# file: proj/settings.py
INSTALLED_APPS = ["django.contrib.contenttypes", "orders"]
CELERY_BROKER_URL = "redis://redis:6379/0"

# file: proj/celery.py
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# file: orders/tasks.py
from celery import shared_task


@shared_task
def ship(order_id):
    ...
""",
    instead="""\
# file: manage.py
import os
import sys

from django.core.management import execute_from_command_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
execute_from_command_line(sys.argv)

# file: proj/__init__.py
from .celery import app as celery_app

__all__ = ("celery_app",)

# file: proj/settings.py
INSTALLED_APPS = ["django.contrib.contenttypes", "orders"]
CELERY_BROKER_URL = "redis://redis:6379/0"

# file: proj/celery.py
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# file: orders/tasks.py
from celery import shared_task


@shared_task
def ship(order_id):
    ...
""",
    references=(_REF_DJANGO,),
)

#: Modules Django imports when it starts (besides the package itself).
_STARTUP = ("settings", "wsgi", "asgi", "apps", "manage")


def _imports_of(project, module: str) -> set[str] | None:
    summary = project.summaries.get(module)
    if summary is not None:
        return {*summary["imports"], *summary.get("lazy_imports", ())}
    found = project.plain_imports.get(module)
    return None if found is None else set(found)


@on_module(reports=(CEL906,))
def app_not_loaded(ctx: Context) -> None:
    here = _here(ctx)
    if here is None:
        return
    module, summary = here
    project = ctx.project
    package, _, last = module.rpartition(".")
    if last != "celery" or not package or not summary.get("apps") or not project.complete:
        return
    settings = [m for m, s in project.summaries.items() if s.get("django") is not None and not s["test"]]
    shared = sum(s.get("shared_tasks", 0) for s in project.summaries.values() if not s["test"])
    init = next((path for path, (name, is_package) in project.files.items() if name == package and is_package), None)
    if not settings or not shared or init is None:
        return
    init_imports = _imports_of(project, package)
    if init_imports is None or module in init_imports or "*" in init_imports:
        return
    for other in project.modules:
        if other == package or other.rsplit(".", 1)[-1] in _STARTUP or other in settings:
            found = _imports_of(project, other)
            if found is None or module in found or f"{module}.app" in found:
                return
    calls = [c for c in ctx.model.nodes.get(ast.Call, ()) if ctx.model.is_app_class(c.func)
             and ctx.model.scope(c) is ctx.model.tree]
    if calls:
        rel_init = project.path_of(package)
        ctx.report(calls[0], CEL906, package=package.replace(".", "/"), count=shared,
                   init=rel_init if rel_init.endswith(".py") else f"{package.replace('.', '/')}/__init__.py")


# -- CEL907 -----------------------------------------------------------------------------

CEL907 = Rule(
    code="CEL907",
    symbol="celery-settings-without-namespace",
    msgid="E7897",
    message="config_from_object(\"django.conf:settings\") has no namespace=\"CELERY\", so Celery "
            "ignores {names} set in {settings}: pass namespace=\"CELERY\" (or rename them to the old "
            "names)",
    summary="Load Django settings with namespace='CELERY' when they use CELERY_-prefixed new names",
    what="Reports `app.config_from_object(\"django.conf:settings\")` (or Django's `settings` object) "
         "without `namespace=` -- and no `Celery(namespace=...)` -- when a Django settings module of the "
         "project sets new-style `CELERY_*` names: `CELERY_` followed by a current setting name "
         "(`CELERY_TASK_ALWAYS_EAGER`, `CELERY_BROKER_URL`, `CELERY_BEAT_SCHEDULE`) that is not also an "
         "old setting name (`CELERY_RESULT_BACKEND`, `CELERY_TIMEZONE` are read either way). The "
         "message names them and the settings module. Silent when the project reads those names "
         "itself (`settings.CELERY_BROKER_URL` handed to Celery by hand), on a namespace Celery "
         "cannot see (`**options`), and on settings that use only old names. The reverse -- the "
         "namespace with old names -- is CEL004.",
    why="Without a namespace Celery reads setting names as they are (`broker_url`, or the old "
        "`BROKER_URL` / `CELERY_ALWAYS_EAGER`): `CELERY_BROKER_URL` is neither, so it is dropped "
        "without a word (`celery.app.utils.detect_settings` strips the prefix only when one is "
        "given). The worker then uses the defaults -- `amqp://guest@localhost`, no eager mode in "
        "tests, no beat schedule.",
    example="""\
# file: manage.py
import os
import sys

from django.core.management import execute_from_command_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
execute_from_command_line(sys.argv)

# file: proj/__init__.py
from .celery import app as celery_app

__all__ = ("celery_app",)

# file: proj/settings.py
INSTALLED_APPS = ["django.contrib.contenttypes", "orders"]
CELERY_BROKER_URL = "redis://redis:6379/0"

# file: proj/celery.py
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
app = Celery("proj")
app.config_from_object("django.conf:settings")
app.autodiscover_tasks()

# file: orders/tasks.py
from celery import shared_task


@shared_task
def ship(order_id):
    ...
""",
    instead="""\
# file: manage.py
import os
import sys

from django.core.management import execute_from_command_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
execute_from_command_line(sys.argv)

# file: proj/__init__.py
from .celery import app as celery_app

__all__ = ("celery_app",)

# file: proj/settings.py
INSTALLED_APPS = ["django.contrib.contenttypes", "orders"]
CELERY_BROKER_URL = "redis://redis:6379/0"

# file: proj/celery.py
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# file: orders/tasks.py
from celery import shared_task


@shared_task
def ship(order_id):
    ...
""",
    references=(_REF_DJANGO, _REF_NEW_NAMES),
)


def _django_source(model: ModuleModel, call: ast.Call, here: tuple[str, bool]) -> bool:
    given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "obj"), None)
    if given is None:
        return False
    target = const(given)
    if not isinstance(target, str):
        target = absolute(here[0], here[1], model.resolve(given))
    return target in DJANGO_SETTINGS_OBJECTS


@on_module(reports=(CEL907,))
def settings_without_namespace(ctx: Context) -> None:
    if _here(ctx) is None:
        return
    project, model = ctx.project, ctx.model
    here = project.module_of(ctx.filename)
    calls = [c for c in model.nodes.get(ast.Call, ())
             if isinstance(c.func, ast.Attribute) and c.func.attr == "config_from_object"
             and model.is_app(c.func.value) and not c.keywords and len(c.args) == 1
             and _django_source(model, c, here)]
    if not calls or any(app["namespace"] for app in project.summaries[here[0]].get("apps", ())):
        return
    read = {n for s in project.summaries.values() for n in s.get("settings_read", ())}
    found: dict[str, list[str]] = {}
    for module, summary in sorted(project.summaries.items()):
        django = summary.get("django")
        if django is None or summary["test"]:
            continue
        names = [n for n in django["new_names"] if n not in read]
        if names:
            found[project.path_of(module)] = names
    if not found:
        return
    path, names = next(iter(found.items()))
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    more = f" (and {len(found) - 1} other settings modules)" if len(found) > 1 else ""
    for call in calls:
        ctx.report(call, CEL907, names=shown, settings=path + more)


# -- CEL908 -----------------------------------------------------------------------------

CEL908 = Rule(
    code="CEL908",
    symbol="celery-periodic-task-too-late",
    msgid="E7898",
    message="{module} is imported only when the worker starts ({how}), after the app read its config "
            "and sent on_after_configure: this handler never runs and add_periodic_task adds nothing; "
            "connect it to app.on_after_finalize, or move it into the app's module {app}",
    summary="Connect add_periodic_task handlers where they run before on_after_configure fires",
    what="Reports the `@app.on_after_configure.connect` decorator of a handler that calls "
         "`add_periodic_task`, in a module that the app does not import when it is imported (its "
         "module, its package `__init__` and what they import at module level, the settings it reads) "
         "but that the worker imports when it starts -- through `autodiscover_tasks()` (not "
         "`force=True`), `include=`, `imports` or, in Django, `django.setup()`. Silent where the index "
         "cannot see the app or its discovery in full, when the app's module calls `django.setup()`, "
         "and on modules imported with the app at import time.",
    why="`on_after_configure` is sent once, by `Celery._load_config`, the first time the config is "
        "read. In Celery 5.7 a worker reads it while parsing its command line (the `--pool` option's "
        "type reads `app.conf.worker_pool`, `celery/bin/worker.py`; `celery beat`'s `--schedule` "
        "callback reads `beat_schedule_filename`), before `Worker.__init__` calls "
        "`loader.init_worker()` -> `import_default_modules()`. That method first sends "
        "`import_modules`, whose receivers are the lazy `autodiscover_tasks` calls (and, first, the "
        "Django fixup, whose `DjangoWorkerFixup` reads `app.conf` before `django.setup()`), then "
        "reads `app.conf.imports` / `include` and imports them (`celery/loaders/base.py`). So a "
        "module found that way connects its handler after the signal was sent; Celery's signals do "
        "not replay, and the periodic tasks are never added (celery/celery#3589). "
        "`on_after_finalize` is sent by `app.finalize()`, after those imports.",
    example="""\
# file: proj/celery.py
from celery import Celery

app = Celery("proj", broker="redis://redis:6379/0")
app.autodiscover_tasks(["proj.reports"])

# file: proj/reports/tasks.py
from proj.celery import app


@app.on_after_configure.connect
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(3600.0, build_report.s())


@app.task
def build_report():
    ...
""",
    instead="""\
# file: proj/celery.py
from celery import Celery

app = Celery("proj", broker="redis://redis:6379/0")
app.autodiscover_tasks(["proj.reports"])

# file: proj/reports/tasks.py
from proj.celery import app


@app.on_after_finalize.connect
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(3600.0, build_report.s())


@app.task
def build_report():
    ...
""",
    references=(_REF_PERIODIC, _REF_SIGNALS, _REF_DISCOVERY),
)


@on_module(reports=(CEL908,))
def periodic_task_too_late(ctx: Context) -> None:
    here = _here(ctx)
    if here is None or not here[1].get("periodic_handlers"):
        return
    module, summary = here
    project = ctx.project
    found = discovery(project)
    if found is None or module in found.eager or module not in found.reached:
        return
    decorators = {(d.lineno, d.col_offset): d for f in ctx.model.nodes.get(ast.FunctionDef, ())
                  for d in f.decorator_list}
    for handler in summary["periodic_handlers"]:
        node = decorators.get((handler["line"], handler["col"]))
        if node is not None:
            ctx.report(node, CEL908, module=module, how=found.how,
                       app=_where(project, found.app_module, found.app["line"]))


# -- CEL909 -----------------------------------------------------------------------------

CEL909 = Rule(
    code="CEL909",
    symbol="celery-class-task-not-registered",
    msgid="E7899",
    message="class task {name} is sent at {where} but never registered: since Celery 4 a Task subclass "
            "is not registered by defining it, so the worker answers \"Received unregistered task\": "
            "register it with app.register_task({name}())",
    summary="Register class-based tasks with app.register_task",
    what="Reports the `class` line of a module-level Task subclass with its own `run` that the project "
         "sends (`X().delay(...)`, `X.delay(...)`, `X().apply_async(...)`, `.s()`) but never registers "
         "(`app.register_task(X())`, `app.tasks.register(X())`, the class or an instance) anywhere. "
         "Silent on abstract bases (no `run`, or used only as `base=`), on classes with decorators, a "
         "metaclass or an `__init_subclass__` of their own (they may register themselves), when a "
         "registration names a class the index cannot tell, and when the index could not read every "
         "module. Calls from test code do not count.",
    why="Celery 4 dropped the automatic registration of Task subclasses (the old metaclass): a class "
        "task exists in the worker only when `app.register_task()` (or `app.tasks.register()`) adds an "
        "instance. Sending an unregistered one fails: the message has no registered name, and the worker "
        "rejects it as an unregistered task.",
    example="""\
# file: proj/celery.py
from celery import Celery

app = Celery("proj", include=["proj.tasks"])

# file: proj/tasks.py
from celery import Task


class RebuildIndex(Task):
    def run(self, index_name):
        ...

# file: proj/views.py
from proj.tasks import RebuildIndex


def rebuild(request):
    RebuildIndex().delay("products")
""",
    instead="""\
# file: proj/celery.py
from celery import Celery

app = Celery("proj", include=["proj.tasks"])

# file: proj/tasks.py
from celery import Task

from proj.celery import app


class RebuildIndex(Task):
    def run(self, index_name):
        ...


rebuild_index = app.register_task(RebuildIndex())

# file: proj/views.py
from proj.tasks import rebuild_index


def rebuild(request):
    rebuild_index.delay("products")
""",
    references=(_REF_CUSTOM, _REF_REGISTRY),
)


def _registers_itself(model: ModuleModel, node: ast.ClassDef) -> bool:
    """A class that registers itself: decorators, a metaclass, ``__init_subclass__``, or a base of the
    old ``celery.task`` module, whose TaskType metaclass registered every subclass (Celery 4; under
    Celery 5 that import fails, which CEL513 reports)."""
    info = model.classes.get(node)
    if node.decorator_list or any(k.arg == "metaclass" for k in node.keywords) or info is None:
        return True
    return any("__init_subclass__" in c.methods or c.node.decorator_list
               or any((model.resolve(base) or "").startswith("celery.task.") for base in c.node.bases)
               for c in model.lineage(info))


@on_module(reports=(CEL909,))
def class_task_not_registered(ctx: Context) -> None:
    here = _here(ctx)
    if here is None:
        return
    module, summary = here
    project = ctx.project
    classes = {name: info for name, info in summary.get("bases", {}).items() if info["run"]}
    if not classes or not project.complete:
        return
    registered: set[str] = set()
    calls: dict[str, tuple[str, int]] = {}
    for other, s in sorted(project.summaries.items(), key=lambda m: project.path_of(m[0])):
        if s.get("registers_unknown"):
            return
        registered.update(s.get("registers", ()))
        if s["test"]:
            continue
        for call in s.get("class_calls", ()):
            calls.setdefault(call["target"], (other, call["line"]))
    nodes = {n.name: n for n in ctx.model.tree.body if isinstance(n, ast.ClassDef)}
    for name, info in classes.items():
        qualname = f"{module}.{name}"
        node = nodes.get(name)
        if qualname in registered or qualname not in calls or node is None or node.lineno != info["line"]:
            continue
        if _registers_itself(ctx.model, node):
            continue
        other, line = calls[qualname]
        ctx.report(node, CEL909, name=name, where=_where(project, other, line))
