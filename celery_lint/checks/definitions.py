"""Defining tasks: binding, decorator order, placement, options, names, coroutines and the
exceptions tasks raise (CEL501-CEL504, CEL509, CEL514-CEL516)."""
from __future__ import annotations

import ast
from functools import cached_property
from typing import Iterator

from ..celery_data import HANDLER_SIGNATURES, TASK_METHODS, TASK_OPTIONS
from ..dataflow import body_nodes, identity_decorator, own_nodes
from ..engine import Context, on_module
from ..model import (
    CELERY_APP_CLASSES,
    FUNCTION_TYPES,
    LOOP_TYPES,
    TASK_BASES,
    TRY_TYPES,
    BindingKind,
    ClassInfo,
    ModuleModel,
    TaskInfo,
    TaskKind,
    const,
    dotted,
)
from ..rule import Rule
from ..spelling import close_matches
from ..text import snippet

_REF_BASICS = "Celery user guide, Tasks: Basics (docs/userguide/tasks.rst#basics)"
_REF_BOUND = "Celery user guide, Tasks: Bound tasks (docs/userguide/tasks.rst#bound-tasks)"
_REF_NAMES = "Celery user guide, Tasks: Names (docs/userguide/tasks.rst#names)"
_REF_OPTIONS = "Celery user guide, Tasks: List of Options (docs/userguide/tasks.rst#list-of-options)"
_REF_INHERITANCE = "Celery user guide, Tasks: Task inheritance (docs/userguide/tasks.rst#task-inheritance)"
_REF_STATES = "Celery user guide, Tasks: States (docs/userguide/tasks.rst#states)"
_REF_RETRY = "Celery user guide, Tasks: Retrying (docs/userguide/tasks.rst#retrying)"

CEL501 = Rule(
    code="CEL501",
    symbol="celery-bind-mismatch",
    msgid="E7841",
    message="task '{task}' {problem} but its decorator does not pass bind=True, so Celery gives it "
            "no task instance; add bind=True to the task decorator (with 'self' as first parameter)",
    summary="Use bind=True for tasks that take self or use self.request / self.retry",
    what="Finds function tasks whose first parameter is named `self`, or that use `self.request` "
         "or `self.retry` with no `self` in scope, while the task decorator does not pass "
         "`bind=True`, also on a method of a plain class (the task's `self` is then the caller's "
         "first argument, not the instance). Methods of Task subclasses are bound already and are "
         "not reported, nor are static methods and methods of classes with bases the module cannot "
         "see; tasks "
         "made by a decorator of the `task-decorators` setting are reported only when they pass "
         "`bind=False` themselves, since the project's decorator may bind.",
    why="Only `bind=True` makes Celery pass the task instance as the first argument; a `base=` "
        "class cannot do it. Without it the caller's first argument lands in `self`, so the task "
        "fails with `TypeError` or works on the wrong values, and `self.retry()` raises "
        "`AttributeError` or `NameError` exactly when the task should retry.",
    example="""\
from celery import shared_task


@shared_task(max_retries=3)
def refresh_feed(self, url):
    try:
        return download(url)
    except ConnectionError as exc:
        raise self.retry(exc=exc)
""",
    instead="""\
from celery import shared_task


@shared_task(bind=True, max_retries=3)
def refresh_feed(self, url):
    try:
        return download(url)
    except ConnectionError as exc:
        raise self.retry(exc=exc)
""",
    options=("task_decorators", "app_names", "task_base_classes"),
    references=(_REF_BOUND, _REF_RETRY),
)


CEL502 = Rule(
    code="CEL502",
    symbol="celery-decorator-order",
    msgid="W7842",
    message="the task decorator of '{task}' sits below {above}, which then wraps the task object: the "
            "worker runs the task without it and the module-level name loses .delay(); list the task "
            "decorator first, above every other decorator",
    summary="Put the task decorator on top of the decorator list",
    what="Finds a task decorator that is not the first (top-most) decorator of its function. "
         "Decorators that only register the task and return it unchanged are allowed above it: "
         "`.connect` of Celery signals (`worker_ready.connect`, `app.on_after_configure.connect`), "
         "Django's `receiver(...)`, `staticmethod` on a task kept in a class (attribute "
         "access hands back the task itself), and decorators of the module or the project that return "
         "what they decorate, or make one that does (`def step(**meta): def decorator(fn): "
         "setattr(fn, ...); return fn; return decorator`).",
    why="Decorators apply from the bottom up. Celery must wrap the final function, so the task "
        "decorator has to be applied last, which in Python means listed first. A decorator above "
        "it wraps the Task object instead: the module-level name loses `.delay()` and "
        "`.apply_async()`, and the worker runs the task without that decorator's behaviour.",
    example="""\
from celery import shared_task
from django.db import transaction


@transaction.atomic
@shared_task
def close_invoice(invoice_id):
    ...
""",
    instead="""\
from celery import shared_task
from django.db import transaction


@shared_task
@transaction.atomic
def close_invoice(invoice_id):
    ...
""",
    references=(_REF_BASICS,),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL503 = Rule(
    code="CEL503",
    symbol="celery-nested-task",
    msgid="W7843",
    message="task '{task}' is defined inside {where}, {consequence}; define the task once, at module level",
    summary="Define tasks at module level",
    what="Finds task decorators on functions defined inside another function or a method, except "
         "hooks that run whenever the app is set up (`connect_on_app_finalize`, "
         "`app.on_after_finalize.connect`, ...) and functions that make the app or receive it "
         "(`app = Celery(...)` or a parameter `app`, then `@app.task`), and tasks defined in a "
         "loop under one name (no "
         "`name=`, or a literal one). Tasks at module level, also under a module-level `if` / "
         "`try`, in a module-level class body or in `__init_subclass__`, are defined at import "
         "and are fine, and so is the wrapper inside the module's own task decorator (a "
         "module-level function that applies Celery's task decorator to the function handed to "
         "it and returns the task, or returns Celery's decorator); test "
         "modules, where defining a task inside a test is the documented pattern, are not checked.",
    why="A worker knows the tasks that exist once it has imported the task modules. A task "
        "defined inside a function exists only after that function has run in the worker "
        "process, so messages for it fail with 'Received unregistered task of type ...'. A task "
        "defined in a loop is defined again on every pass under the same name, and Celery keeps "
        "only the first definition.",
    example="""\
from celery import shared_task


def make_exporter(fmt):
    @shared_task
    def export(report_id):
        ...
    return export
""",
    instead="""\
from celery import shared_task


@shared_task
def export(report_id, fmt):
    ...
""",
    references=(_REF_NAMES,),
    options=("task_decorators", "app_names", "task_base_classes", "test_paths"),
)


CEL504 = Rule(
    code="CEL504",
    symbol="celery-unknown-task-option",
    msgid="W7844",
    message="'{option}' is not a Celery task option, so Celery only sets it as an unused task "
            "attribute; {advice}",
    summary="Pass only Celery task options to the task decorator",
    what="Finds keyword arguments of a task decorator that are not options of Celery's Task "
         "(`retry_limit`, `max_retry`, setting names such as `task_time_limit`) and suggests the "
         "option meant. Keywords named after attributes of a `base=` class of the module, and "
         "keywords the module uses as attributes of the task (`export.calls`, or `self.calls` "
         "in the bound task), are deliberate, as are handlers (`on_failure=report`: the keyword "
         "replaces the handler, as meant); a keyword named after another Task method is CEL517's. "
         "When the app comes from another module (its "
         "Celery subclass may give tasks options of its own), only keywords that are evidently "
         "slips of a Celery option (a setting name, a close misspelling) are reported; nothing "
         "is reported when `base=` (or the app's `task_cls`) is a class the module cannot see, "
         "nor for decorators of the `task-decorators` setting.",
    why="The task decorator turns every keyword into a class attribute of the task. Celery reads "
        "only its own options, so a misspelt option is silently ignored and the default applies: "
        "`retry_limit=5` leaves `max_retries` at 3, `task_time_limit=60` sets no time limit.",
    example="""\
from celery import shared_task


@shared_task(max_retry=5, task_time_limit=60)
def sync_account(account_id):
    ...
""",
    instead="""\
from celery import shared_task


@shared_task(max_retries=5, time_limit=60)
def sync_account(account_id):
    ...
""",
    options=("task_decorators", "app_names", "task_base_classes"),
    references=(_REF_OPTIONS, _REF_INHERITANCE),
)


CEL509 = Rule(
    code="CEL509",
    symbol="celery-duplicate-task-name",
    msgid="W7849",
    message="task '{task}' reuses the name '{name}' of task '{first}' (line {line}); {consequence}; "
            "give each task its own name",
    summary="Give every task a unique name",
    what="Finds two tasks defined in the same scope of one module with the same literal `name=` "
         "(or `name` class attribute of a Task subclass the module registers with "
         "`app.register_task()`), and reports the later one. Definitions in exclusive branches "
         "of an `if`/`else` or `try`/`except`, and in different functions (which may register "
         "them with different apps), are not reported.",
    why="Celery registers one task per name. A task decorator whose name is taken registers "
        "nothing, so every message sent under that name runs the first task's code; "
        "`register_task()` replaces the task registered before. Either way one of the two "
        "tasks can never run.",
    example="""\
from celery import shared_task


@shared_task(name="reports.build")
def build_daily_report(day):
    ...


@shared_task(name="reports.build")
def build_weekly_report(week):
    ...
""",
    instead="""\
from celery import shared_task


@shared_task(name="reports.build_daily")
def build_daily_report(day):
    ...


@shared_task(name="reports.build_weekly")
def build_weekly_report(week):
    ...
""",
    references=(_REF_NAMES,),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL514 = Rule(
    code="CEL514",
    symbol="celery-async-task",
    msgid="E7854",
    message="task '{task}' is a coroutine function: Celery does not await it, so the task returns an "
            "un-awaited coroutine and its body never runs; make it a plain def (use asyncio.run() inside)",
    summary="Do not define tasks as async def",
    what="Finds a task decorator on an `async def`, and `async def run` in a Task subclass. Tasks "
         "whose `base=` class, base classes or the app's `task_cls` may run coroutines (a "
         "custom `__call__`, a class the module cannot see) and decorators of the "
         "`task-decorators` setting are not reported.",
    why="Celery 5 calls the task function and stores what it returns. For a coroutine function "
        "that is a coroutine object that nobody awaits: the task 'succeeds' at once, its body "
        "never runs, and the result cannot be serialized (celery/celery#7743). Worker pools that "
        "run coroutines (such as celery-aio-pool) change this; silence the rule there.",
    example="""\
import httpx
from celery import shared_task


@shared_task
async def ping(url):
    async with httpx.AsyncClient() as client:
        await client.get(url)
""",
    instead="""\
import asyncio

import httpx
from celery import shared_task


async def _ping(url):
    async with httpx.AsyncClient() as client:
        await client.get(url)


@shared_task
def ping(url):
    asyncio.run(_ping(url))
""",
    options=("task_decorators", "app_names", "task_base_classes"),
    references=(_REF_BASICS,),
)


CEL515 = Rule(
    code="CEL515",
    symbol="celery-implicit-task-name",
    msgid="C7855",
    message="task '{task}' has no explicit name, so its name follows the module path and moving "
            "or renaming the module orphans queued messages; {fix}",
    summary="Give tasks an explicit, stable name",
    default=False,
    what="Finds function tasks whose decorator has no `name=` (the decorators removed in Celery 5, "
         "`celery.task.task` and the like, too: they name tasks the same way), and Task subclasses (with a "
         "`run` method) without a `name` class attribute. Decorators of the `task-decorators` setting "
         "may name tasks themselves and are not checked, nor are test modules. This is a naming "
         "policy, not a Celery requirement: Celery's automatic names serve most projects, so the "
         "rule is for teams that want task names independent of the code layout.",
    why="Without a name, Celery names a task after its module and function "
        "(`proj.billing.tasks.charge`). Moving or renaming the module changes the name: messages "
        "already queued (ETA and countdown tasks too), beat schedules and `send_task()` calls "
        "still use the old one, and workers reject them as unregistered. An explicit name, "
        "namespaced like a module path as Celery's guide suggests, survives such moves.",
    example="""\
from celery import shared_task


@shared_task
def charge(order_id):
    ...
""",
    instead="""\
from celery import shared_task


@shared_task(name="billing.charge")
def charge(order_id):
    ...
""",
    options=("task_decorators", "app_names", "task_base_classes", "test_paths"),
    references=(_REF_NAMES,),
)


CEL516 = Rule(
    code="CEL516",
    symbol="celery-unpicklable-exception",
    msgid="W7856",
    message="{exc} raised in task '{task}' requires ({params}) but its __init__ passes other arguments "
            "to super().__init__(), so the result backend's cls(*exc.args) raises TypeError; pass every "
            "argument to super().__init__(...)",
    summary="Make task exceptions rebuildable from their args",
    default=False,
    what="Finds exceptions raised in a task (or given to `retry(exc=...)`) whose class is defined "
         "in the module and whose `__init__` passes `super().__init__(...)` or "
         "`Base.__init__(self, ...)` fewer arguments than it requires (or more than it takes), so "
         "that `cls(*exc.args)` raises `TypeError`. Classes that set "
         "`self.args` themselves are left alone; a `__reduce__` method does not help, because "
         "the JSON result serializer (the default) rebuilds exceptions from their args.",
    why="The result backend stores a failed task's exception as its class and `exc.args`, and "
        "rebuilds it with `cls(*args)` (pickle does the same). When `__init__` turns its arguments "
        "into one message, `cls(message)` raises `TypeError`, and callers of `result.get()` receive "
        "a different exception than the task raised (celery/celery#6990).",
    example="""\
from celery import shared_task


class QuotaExceeded(Exception):
    def __init__(self, account, limit):
        super().__init__(f"{account} is over its quota of {limit}")


@shared_task
def upload(account, size):
    raise QuotaExceeded(account, 100)
""",
    instead="""\
from celery import shared_task


class QuotaExceeded(Exception):
    def __init__(self, account, limit):
        super().__init__(account, limit)
        self.account, self.limit = account, limit

    def __str__(self):
        return f"{self.account} is over its quota of {self.limit}"


@shared_task
def upload(account, size):
    raise QuotaExceeded(account, 100)
""",
    references=(_REF_STATES, _REF_RETRY),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL517 = Rule(
    code="CEL517",
    symbol="celery-option-replaces-task-method",
    msgid="E7857",
    message="{option}={value} makes the task's {option} {value} instead of Celery's {what}, because the "
            "task decorator turns every keyword into a class attribute; {advice}",
    summary="Do not pass a task decorator a keyword named after a Task method",
    what="Finds keywords of Celery's task decorators (`@shared_task`, `@app.task`) named after a method "
         "or read-only property of `celery.Task` that is no task option and no handler: `retry=True`, "
         "`delay=...`, `request=...`, `s=...` (the list comes from Celery's Task class). Only a "
         "literal value is reported (a number, a string, `True`, a container of them): a function "
         "given to replace a method is left alone, and so are the handlers (`on_failure=`, "
         "`on_retry=`...), which a keyword may replace on purpose.",
    why="The decorator builds the task's class with its keywords as class attributes "
        "(`celery/app/base.py`, `_task_from_fun`): `retry=True` replaces `Task.retry`, so "
        "`self.retry(...)` raises `TypeError: 'bool' object is not callable` in the very handler meant "
        "to retry, and no automatic retry is turned on either (invenio-users-resources' tasks).",
    example="""\
from celery import shared_task


@shared_task(bind=True, retry=True, max_retries=5)
def sync_account(self, account_id):
    try:
        return fetch(account_id)
    except ConnectionError as exc:
        raise self.retry(exc=exc)
""",
    instead="""\
from celery import shared_task


@shared_task(bind=True, autoretry_for=(ConnectionError,), max_retries=5)
def sync_account(self, account_id):
    return fetch(account_id)
""",
    references=(_REF_OPTIONS, _REF_RETRY),
    options=("task_decorators", "app_names", "task_base_classes"),
)


# ------------------------------------------------------------------------------------
# Shared helpers
# ------------------------------------------------------------------------------------

def _is_celery_decorator(task: TaskInfo) -> bool:
    """Made by Celery's own current decorators (not a removed one, not a project's own)."""
    return task.kind is TaskKind.FUNCTION and not task.by_project_decorator and not task.removed_api


def _class_chain(model: ModuleModel, cls: ClassInfo) -> tuple[list[ClassInfo], bool]:
    """The class and its base classes of this module, and whether that chain is closed:
    every base is a class of the module, ``celery.Task`` or ``object``."""
    chain = model.lineage(cls)
    closed = not any(
        info.node.keywords  # metaclass=..., or class keywords we cannot follow
        or any(model.task_class(base) is None and model.resolve(base) not in TASK_BASES
               and not model.is_builtin(base, "object") for base in info.node.bases)
        for info in chain
    )
    return chain, closed


def _class_names(chain: list[ClassInfo]) -> set[str]:
    """Attribute and method names defined in the bodies of a chain of classes."""
    names: set[str] = set()
    for info in chain:
        names.update(info.attrs, info.methods)
        for stmt in info.node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                names.add(stmt.target.id)
    return names


# ------------------------------------------------------------------------------------
# CEL501: self without bind=True
# ------------------------------------------------------------------------------------

def _bind_unknowable(model: ModuleModel, task: TaskInfo) -> bool:
    """Could the task be bound by something we cannot see?"""
    bind = task.options.get("bind")
    if bind is not None and (not isinstance(bind.value, ast.Constant) or bind.value.value):
        return True  # bind=SOME_FLAG, or a truthy literal such as bind=1
    if task.has_star_kwargs or "filter" in task.options:
        return True  # **options may hold bind; filter= may rebind (celery.contrib.methods)
    if task.by_project_decorator:
        return bind is None  # the project's decorator may bind; an explicit bind=False is visible
    return task.removed_api  # pre-Celery-4 APIs: CEL513 reports them


def _unbound_self_use(model: ModuleModel, task: TaskInfo) -> str | None:
    """``self.request`` / ``self.retry`` in the body, where ``self`` is bound nowhere."""
    for node in ast.walk(task.node):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("request", "retry")
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and not model.lookup("self", node.value)
        ):
            return f"uses self.{node.attr}"
    return None


def _plain_method(model: ModuleModel, task: TaskInfo) -> bool | None:
    """None for a task outside class bodies; for a method, True when its class is evidently no
    Task subclass (every base is ``object`` or a plain class of the module) and the method is no
    staticmethod or classmethod: the task decorator then makes a task whose ``self`` is simply
    the caller's first argument."""
    parent = model.parent(task.node)
    if not isinstance(parent, ast.ClassDef):
        return None
    info = model.classes.get(parent)
    if info is None or info.is_task_class or model.is_static_or_class_method(task.node):
        return False
    chain, closed = _class_chain(model, info)
    return closed and not any(c.is_task_class for c in chain)


@on_module(reports=(CEL501,))
def bind_mismatch(ctx: Context) -> None:
    model = ctx.model
    for task in model.tasks:
        if task.kind is not TaskKind.FUNCTION or task.bound:
            continue
        method = _plain_method(model, task)
        if method is False or _bind_unknowable(model, task):
            continue
        params = task.params
        if params and params[0].arg == "self":
            problem = "takes 'self' as its first parameter"
        elif method:
            continue  # a method's self.request is the instance's attribute
        else:
            problem = _unbound_self_use(model, task)
        if problem:
            ctx.report(task.node, CEL501, task=task.name, problem=problem)


# ------------------------------------------------------------------------------------
# CEL502: task decorator not on top
# ------------------------------------------------------------------------------------

#: Attributes of a Celery app that are signals (``@app.on_after_configure.connect``).
_APP_SIGNALS = frozenset({"on_configure", "on_after_configure", "on_after_finalize", "on_after_fork"})


def _returns_its_argument(model: ModuleModel, dec: ast.expr) -> bool:
    """Decorators that leave the task object reachable and unchanged: Celery signals' ``connect``
    (without ``retry=True``, which wraps), Django's ``receiver`` and ``staticmethod`` (whose
    attribute access hands back the task itself)."""
    if model.is_builtin(dec, "staticmethod"):
        return True
    core = dec.func if isinstance(dec, ast.Call) else dec
    if isinstance(dec, ast.Call) and any(kw.arg == "retry" and const(kw.value, True) for kw in dec.keywords):
        return False
    if model.resolve(core) == "django.dispatch.receiver" or _hands_back(model, core):
        return True
    if not (isinstance(core, ast.Attribute) and core.attr == "connect"):
        return False
    signal = core.value
    qualname = model.resolve(signal) or ""
    if qualname.startswith("celery.signals."):
        return True
    return isinstance(signal, ast.Attribute) and signal.attr in _APP_SIGNALS and model.is_app(signal.value)


def _hands_back(model: ModuleModel, core: ast.expr) -> bool:
    """A decorator of the module or the project that returns what it decorates, or makes one
    (``@saga_step(...)`` setting an attribute on the task and returning it)."""
    if isinstance(core, ast.Name):
        defs = [b.node for b in model.lookup(core.id, core) if b.kind is BindingKind.DEF]
        if defs:
            return all(identity_decorator(d) for d in defs)
    qualname = model.resolve(core) if isinstance(core, (ast.Name, ast.Attribute)) else None
    return bool(qualname) and model.project is not None and model.project.identity_decorator(model.filename, qualname)


@on_module(reports=(CEL502,))
def decorator_order(ctx: Context) -> None:
    model = ctx.model
    for task in model.tasks:
        if task.kind is not TaskKind.FUNCTION or task.decorator_index == 0:
            continue
        above = task.node.decorator_list[:task.decorator_index]
        wrapping = [dec for dec in above if not _returns_its_argument(model, dec)]
        if wrapping:
            core = wrapping[-1].func if isinstance(wrapping[-1], ast.Call) else wrapping[-1]
            name = dotted(core)
            ctx.report(task.decorator, CEL502, task=task.name, above=f"@{name}" if name else "another decorator")


# ------------------------------------------------------------------------------------
# CEL503: nested tasks
# ------------------------------------------------------------------------------------

#: Hooks that run in every process that sets up the app, workers included (Celery's own
#: built-in tasks are defined in connect_on_app_finalize functions, celery/app/builtins.py).
_APP_SETUP_HOOKS = frozenset({"on_configure", "on_after_configure", "on_after_finalize"})


def _runs_at_app_setup(model: ModuleModel, func: ast.AST) -> bool:
    for dec in func.decorator_list:
        core = dec.func if isinstance(dec, ast.Call) else dec
        if model.resolve(core) == "celery._state.connect_on_app_finalize":
            return True
        if (isinstance(core, ast.Attribute) and core.attr == "connect" and isinstance(core.value, ast.Attribute)
                and core.value.attr in _APP_SETUP_HOOKS and model.is_app(core.value.value)):
            return True
    return False


_RUNS_LATE = "so it is registered only when that code runs and workers may report 'Received unregistered task'"
_REDEFINED = "so every pass defines it again under the same name and Celery registers only the first definition"


def _name_varies(task: TaskInfo) -> bool:
    """Does the task's ``name=`` change from one pass of a loop to the next (an f-string, a
    variable)?  Without a name, or with a literal one, every pass gives the same name."""
    kw = task.options.get("name")
    return task.has_star_kwargs or (kw is not None and not isinstance(kw.value, ast.Constant))


def _app_of_function(model: ModuleModel, task: TaskInfo) -> bool:
    """Is the task's app a local name of a function around it (``app = Celery()`` made there,
    or an app handed in as a parameter)?  Then the task exists whenever that app does."""
    if task.via != "<app>.task":
        return False
    core = task.decorator.func if isinstance(task.decorator, ast.Call) else task.decorator
    app = core.value if isinstance(core, ast.Attribute) else None
    if isinstance(app, ast.Call):
        return True  # Celery(...).task
    if not isinstance(app, ast.Name):
        return False
    for scope in model.scopes(app):
        if app.id in model.bindings.get(scope, ()):
            return isinstance(scope, FUNCTION_TYPES)
    return False


def _runs_at_subclassing(model: ModuleModel, func: ast.AST) -> bool:
    """``__init_subclass__`` of a class: it runs when each subclass is defined, at the import of
    the subclass's module, as a class body does."""
    return func.name == "__init_subclass__" and isinstance(model.parent(func), ast.ClassDef)


def _nesting(model: ModuleModel, task: TaskInfo) -> tuple[str, str] | None:
    """(where, consequence) for a task that is not defined once when its module is imported:
    inside a function (not an app set-up hook), or in a loop under one name.  Class bodies
    run at import like the module, so a class does not count by itself."""
    loop = None
    child: ast.AST = task.node
    if model.task_factories and any(anc in model.task_factories for anc in model.ancestors(task.node)):
        return None  # the wrapper of the module's own task decorator: a task wherever it is applied
    for anc in model.ancestors(task.node):
        if isinstance(anc, FUNCTION_TYPES):
            if _runs_at_app_setup(model, anc) or _app_of_function(model, task) or _runs_at_subclassing(model, anc):
                break
            return f"function '{anc.name}'", _RUNS_LATE
        if loop is None and isinstance(anc, LOOP_TYPES) and child not in anc.orelse:
            loop = anc
        child = anc
    if loop is not None and not _name_varies(task):
        return "a loop", _REDEFINED
    return None


@on_module(reports=(CEL503,))
def nested_task(ctx: Context) -> None:
    model = ctx.model
    if model.is_test_module():
        return
    for task in model.tasks:
        if task.kind is not TaskKind.FUNCTION:
            continue
        found = _nesting(model, task)
        if found is not None:
            ctx.report(task.node, CEL503, task=task.name, where=found[0], consequence=found[1])


# ------------------------------------------------------------------------------------
# CEL504: unknown task options
# ------------------------------------------------------------------------------------


#: Usual slips whose closest spelling is not the option meant.  Each target is a real option.
_MEANT = {
    name: option
    for name, option in {
        "retry_limit": "max_retries",
        "retries": "max_retries",
        "max_retry": "max_retries",
        "retry_max": "max_retries",
        "retry_delay": "default_retry_delay",
        "countdown": "default_retry_delay",
        "timeout": "time_limit",
        "hard_time_limit": "time_limit",
        "soft_timeout": "soft_time_limit",
        "queue_name": "queue",
        "auto_retry": "autoretry_for",
        "autoretry": "autoretry_for",
        "retry_for": "autoretry_for",
        "ack_late": "acks_late",
    }.items()
    if option in TASK_OPTIONS
}

#: Setting-name prefixes whose remainder may be the task option meant (task_time_limit).
_SETTING_PREFIXES = ("celery_task_default_", "celery_task_", "celery_", "task_default_", "task_")


#: Slips of ``_MEANT`` that are also likely attribute names of a project's own Task class.
_GENERIC_WORDS = frozenset({"retries", "countdown", "timeout"})


def _suggestion(name: str) -> tuple[str, bool] | None:
    """(the option a wrong keyword most likely meant, is it surely a slip?), or None."""
    lower = name.lower()
    for prefix in _SETTING_PREFIXES:
        if lower.startswith(prefix) and lower[len(prefix):] in TASK_OPTIONS:
            return lower[len(prefix):], True
    if lower in TASK_OPTIONS:
        return lower, True
    if lower in _MEANT:
        return _MEANT[lower], lower not in _GENERIC_WORDS
    close = close_matches(lower, sorted(TASK_OPTIONS), n=1, cutoff=0.8)
    return (close[0], True) if close else None


def _valid_keywords(model: ModuleModel, task: TaskInfo) -> frozenset[str] | None:
    """The keywords the task's decorator accepts, or None when any keyword may be valid."""
    if task.base_unresolved:
        return None
    if "base" in task.options:
        if task.cls is None:
            return TASK_OPTIONS  # base=celery.Task
        chain, closed = _class_chain(model, task.cls)
        if not closed:
            return None
        return TASK_OPTIONS | _class_names(chain)
    if model.app_has_own_task_class:
        return None
    return TASK_OPTIONS


def _plain_app(model: ModuleModel, expr: ast.AST) -> bool:
    """Is the expression an app this module makes with ``celery.Celery(...)`` itself?"""
    if isinstance(expr, ast.Call):
        return model.resolve(expr.func) in CELERY_APP_CLASSES
    if isinstance(expr, ast.Name):
        return any(b.kind is BindingKind.ASSIGN and b.index is None and isinstance(b.value, ast.Call)
                   and model.resolve(b.value.func) in CELERY_APP_CLASSES for b in model.lookup(expr.id, expr))
    return False


def _task_class_seen(model: ModuleModel, task: TaskInfo) -> bool:
    """Does the module show the class the task is made from?  Without ``base=``, that is the
    app's Task class, which only an app made here with plain ``Celery(...)`` shows: an app
    from another module may be a Celery subclass whose Task reads keywords of its own."""
    if "base" in task.options:
        return True
    if task.via == "<app>.task":
        core = task.decorator.func if isinstance(task.decorator, ast.Call) else task.decorator
        return isinstance(core, ast.Attribute) and _plain_app(model, core.value)
    return any(model.resolve(call.func) in CELERY_APP_CLASSES for call in model.nodes.get(ast.Call, ()))


class _AttributeUses:
    """The attributes a module uses on its plain names, walked for on the first question."""

    def __init__(self, model: ModuleModel):
        self.model = model

    @cached_property
    def by_name(self) -> dict[str, set[str]]:
        """Attribute names read or written on each plain name of the module (``export.calls``)."""
        found: dict[str, set[str]] = {}
        for node in ast.walk(self.model.tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                found.setdefault(node.value.id, set()).add(node.attr)
        return found

    def of_task(self, task: TaskInfo, name: str) -> bool:
        """Does the module use the keyword as an attribute of the task (``export.calls`` or, in a
        bound task, ``self.calls``)?  Then it is a deliberate task attribute, not a slip."""
        attrs = self.by_name
        if name in attrs.get(task.name, ()):
            return True
        params = task.params
        return task.bound and bool(params) and name in attrs.get(params[0].arg, ())


@on_module(reports=(CEL504,))
def unknown_task_option(ctx: Context) -> None:
    model = ctx.model
    attributes = _AttributeUses(model)
    for task in model.tasks:
        if not _is_celery_decorator(task) or not task.options:
            continue
        valid = _valid_keywords(model, task)
        if valid is None:
            continue
        # a method or handler of Task is no unused attribute: the keyword replaces it (CEL517)
        unknown = [name for name in task.options if name not in valid and name not in _REPLACEABLE]
        if not unknown:
            continue
        seen = _task_class_seen(model, task)
        for name in unknown:
            meant = _suggestion(name)
            if attributes.of_task(task, name) or (not seen and (meant is None or not meant[1])):
                continue
            if meant is not None:
                advice = f"did you mean '{meant[0]}'?"
            else:
                advice = "remove it, or make it an attribute of a Task subclass given as base="
            ctx.report(task.options[name], CEL504, option=name, advice=advice)


# ------------------------------------------------------------------------------------
# CEL517: a keyword that replaces a Task method
# ------------------------------------------------------------------------------------

#: Task methods, properties and handlers: a keyword of one of these names replaces it.
_REPLACEABLE = TASK_METHODS | frozenset(HANDLER_SIGNATURES)


def _replaces_method(task: TaskInfo, name: str) -> bool:
    """Does the keyword replace a method of Task with a literal (CEL517's, not CEL504's)?"""
    kw = task.options.get(name)
    return name in TASK_METHODS and kw is not None and _literal(kw.value)


_NOT_LITERAL = object()


def _literal(expr: ast.AST) -> bool:
    return const(expr, _NOT_LITERAL) is not _NOT_LITERAL


@on_module(reports=(CEL517,))
def option_replaces_method(ctx: Context) -> None:
    for task in ctx.model.tasks:
        if not _is_celery_decorator(task):
            continue
        for name, kw in task.options.items():
            if _replaces_method(task, name):
                what = "property" if name == "request" else "method"
                advice = ("remove it (for automatic retries, give autoretry_for=(...))" if name == "retry"
                          else "remove it")
                ctx.report(kw, CEL517, option=name, value=snippet(kw.value), what=f"{name} {what}",
                           advice=advice)


# ------------------------------------------------------------------------------------
# CEL509: duplicate task names
# ------------------------------------------------------------------------------------

def _literal_name(task: TaskInfo) -> tuple[str, ast.AST] | None:
    """A task's explicit literal name and the node that sets it."""
    if task.kind is TaskKind.FUNCTION:
        kw = task.options.get("name")
        if kw is not None and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return kw.value.value, kw
        return None
    if task.cls is not None:
        value = task.cls.attrs.get("name")
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value, task.cls.attr_nodes["name"]
    return None


def _branch(parent: ast.AST, child: ast.AST) -> str | None:
    """The branch of an if/try/match a child statement belongs to."""
    if isinstance(parent, ast.If):
        return "body" if child in parent.body else "orelse"
    if isinstance(parent, TRY_TYPES):
        if isinstance(child, ast.ExceptHandler):
            return f"handler{parent.handlers.index(child)}"
        if child in parent.body or child in parent.orelse:
            return "body"  # the else branch runs after the body, the handlers instead of it
        return None  # finally runs in every case
    if isinstance(parent, ast.Match):
        return f"case{parent.cases.index(child)}"
    return None


def _exclusive(model: ModuleModel, first: ast.AST, second: ast.AST) -> bool:
    """Do two definitions sit in branches of which at most one runs?"""
    path: dict[ast.AST, ast.AST] = {}
    child = first
    for anc in model.ancestors(first):
        path[anc] = child
        child = anc
    child = second
    for anc in model.ancestors(second):
        if anc in path:
            a, b = _branch(anc, path[anc]), _branch(anc, child)
            return a is not None and b is not None and a != b
        child = anc
    return False


_FIRST_KEPT = "Celery does not register the later one, so messages sent under that name run the first"
_ONE_KEPT = ("Celery registers one task per name (register_task() replaces the one registered before), "
             "so messages sent under that name run only one of them")


def _registered_classes(model: ModuleModel) -> set[ast.ClassDef]:
    """Task classes the module registers: ``app.register_task(C)`` / ``(C())``,
    ``app.tasks.register(C())``.  Celery registers no Task subclass by itself."""
    found = set()
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ("register_task", "register") and call.args:
            arg = call.args[0]
            info = model.local_class(arg.func if isinstance(arg, ast.Call) else arg)
            if info is not None:
                found.add(info.node)
    return found


@on_module(reports=(CEL509,))
def duplicate_task_name(ctx: Context) -> None:
    model = ctx.model
    seen: dict[str, list[TaskInfo]] = {}
    registered: set[ast.ClassDef] | None = None
    for task in model.tasks:
        found = _literal_name(task)
        if found is None:
            continue
        if task.kind is TaskKind.CLASS:
            registered = _registered_classes(model) if registered is None else registered
            if task.definition not in registered:
                continue
        name, node = found
        scope = model.scope(task.definition)
        earlier = [t for t in seen.get(name, ()) if model.scope(t.definition) is scope
                   and not _exclusive(model, t.node, task.node)]
        if earlier:
            first = earlier[0]
            consequence = _FIRST_KEPT if task.kind is first.kind is TaskKind.FUNCTION else _ONE_KEPT
            ctx.report(node, CEL509, task=task.label, name=name, first=first.label,
                       line=first.definition.lineno, consequence=consequence)
        seen.setdefault(name, []).append(task)


# ------------------------------------------------------------------------------------
# CEL514: async tasks
# ------------------------------------------------------------------------------------

def _may_run_coroutines(model: ModuleModel, task: TaskInfo) -> bool:
    """A task class that may await what run() returns: a custom __call__ anywhere in its base
    classes, or a class we cannot see."""
    if task.kind is TaskKind.FUNCTION:
        if task.by_project_decorator:
            return True
        if "base" not in task.options:
            return model.app_has_own_task_class
        if task.cls is None:
            return task.base_unresolved
    if task.cls is None:
        return True
    chain, closed = _class_chain(model, task.cls)
    return not closed or any("__call__" in info.methods for info in chain)


@on_module(reports=(CEL514,))
def async_task(ctx: Context) -> None:
    model = ctx.model
    for task in model.tasks:
        if isinstance(task.node, ast.AsyncFunctionDef) and not _may_run_coroutines(model, task):
            ctx.report(task.node, CEL514, task=task.label)


# ------------------------------------------------------------------------------------
# CEL515: implicit task names
# ------------------------------------------------------------------------------------

@on_module(reports=(CEL515,))
def implicit_task_name(ctx: Context) -> None:
    model = ctx.model
    if model.is_test_module():
        return  # tasks of a test run no messages that a later rename could orphan
    for task in model.tasks:
        if task.kind is TaskKind.FUNCTION:
            # The decorators removed in Celery 5 name tasks as the current ones do: Celery 4's
            # celery.task.task is current_app.task(base=<compat Task>, ...), and app.task names a
            # function task gen_task_name(fun.__name__, fun.__module__) unless name= is given.
            if task.by_project_decorator or task.has_star_kwargs or "name" in task.options:
                continue
            ctx.report(task.node, CEL515, task=task.name,
                       fix="pass name='...' to the task decorator")
        elif task.cls is not None and task.cls.removed_base is None and task.option("name", model) is None \
                and const(task.option("abstract", model)) is not True:
            ctx.report(task.cls.node, CEL515, task=task.cls.name,
                       fix="set a name = '...' class attribute")


# ------------------------------------------------------------------------------------
# CEL516: exceptions the result backend cannot rebuild
# ------------------------------------------------------------------------------------

def _effective_init(model: ModuleModel, cls: ClassInfo) -> ast.FunctionDef | None:
    """The ``__init__`` the class runs, when it is defined in this module (else None)."""
    seen: list[ClassInfo] = []
    info: ClassInfo | None = cls
    while info is not None and not any(info is s for s in seen):
        seen.append(info)
        init = info.methods.get("__init__")
        if init is not None:
            return init if isinstance(init, ast.FunctionDef) else None
        bases = info.node.bases
        info = model.local_class(bases[0]) if bases else None
    return None


def _super_init_args(call: ast.Call, self_name: str) -> list[ast.expr] | None:
    """The arguments a ``super().__init__(...)`` / ``Base.__init__(self, ...)`` call passes on,
    or None when the call is not one."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "__init__"):
        return None
    owner = func.value
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
        return list(call.args)
    if isinstance(owner, (ast.Name, ast.Attribute)) and call.args and isinstance(call.args[0], ast.Name) \
            and call.args[0].id == self_name:
        return list(call.args[1:])
    return None


def _forwards_required(init: ast.FunctionDef) -> tuple[bool, list[str]]:
    """(True when ``cls(*exc.args)`` can rebuild the exception, the required parameter names)."""
    args = init.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    if not positional:
        return True, []
    self_name, params = positional[0], positional[1:]
    n_required = len(params) - len(args.defaults)
    required = params[:max(n_required, 0)]
    required_kw = [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    if required_kw:
        return False, required + required_kw
    if not required:
        return True, []
    calls = []
    for node in own_nodes(init.body):
        if isinstance(node, ast.Call):
            passed = _super_init_args(node, self_name)
            if passed is not None:
                calls.append((node, passed))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "args" and isinstance(t.value, ast.Name)
                   and t.value.id == self_name for t in targets):
                return True, required  # sets exc.args itself
    if not calls:
        return True, required  # BaseException keeps the constructor's arguments as args
    for call, passed in calls:
        if call.keywords or any(isinstance(a, ast.Starred) for a in passed):
            return True, required  # forwards *args (or fails for another reason)
        # cls(*exc.args) gets as many arguments as the call passed on: it raises TypeError only
        # when they are fewer than the required parameters, or more than the parameters there are
        # (a different message alone still rebuilds the same class)
        if len(required) <= len(passed) and (len(passed) <= len(params) or args.vararg):
            return True, required
    return False, required


def _raised_class(model: ModuleModel, expr: ast.AST | None) -> ClassInfo | None:
    if isinstance(expr, ast.Call):
        expr = expr.func
    info = model.local_class(expr) if expr is not None else None
    if info is None or not info.node.bases:
        return None
    return info


def _raised_in_tasks(model: ModuleModel) -> Iterator[tuple[ast.AST, ast.AST, TaskInfo]]:
    """(node to report, exception expression, task) for raises and retry(exc=...) in tasks."""
    for task in model.tasks:
        for node in body_nodes(model, task.node):
            if isinstance(node, ast.Raise) and node.exc is not None:
                yield node, node.exc, task
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "retry":
                for kw in node.keywords:
                    if kw.arg == "exc":
                        yield node, kw.value, task


@on_module(reports=(CEL516,))
def unpicklable_exception(ctx: Context) -> None:
    model = ctx.model
    if not model.tasks:
        return
    verdicts: dict[ast.ClassDef, tuple[bool, list[str]]] = {}
    for node, expr, task in _raised_in_tasks(model):
        info = _raised_class(model, expr)
        if info is None:
            continue
        if info.node not in verdicts:
            init = _effective_init(model, info)
            verdicts[info.node] = (True, []) if init is None else _forwards_required(init)
        ok, required = verdicts[info.node]
        if not ok:
            ctx.report(node, CEL516, exc=info.name, task=task.label, params=", ".join(required))
