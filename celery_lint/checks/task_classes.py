"""Defining tasks and task classes: handlers, instance state, shared options, time limits
(CEL505-CEL508, CEL510)."""
from __future__ import annotations

import ast
from typing import Iterator

from ..celery_data import HANDLER_SIGNATURES, SETTINGS, TASK_OPTIONS
from ..config import is_partial
from ..engine import Context, on_module
from ..model import FUNCTION_TYPES, ClassInfo, ModuleModel, TaskInfo, TaskKind, const, is_const, registers_task
from ..rule import Rule
from ..text import node_key, snippet

_REF_HANDLERS = "Celery user guide, Tasks: Handlers (docs/userguide/tasks.rst#handlers)"
_REF_CUSTOM = "Celery user guide, Tasks: Custom task classes (docs/userguide/tasks.rst#custom-task-classes)"
_REF_INSTANTIATION = "Celery user guide, Tasks: Instantiation (docs/userguide/tasks.rst#instantiation)"
_REF_TIME_LIMITS = "Celery user guide, Workers: Time Limits (docs/userguide/workers.rst#time-limits)"
_REF_TIME_LIMIT_SETTING = ("Celery user guide, Configuration: task_time_limit "
                           "(docs/userguide/configuration.rst#task-time-limit)")

CEL505 = Rule(
    code="CEL505",
    symbol="celery-handler-signature",
    msgid="E7845",
    message="{handler}() of task class '{cls}' cannot take the arguments Celery passes, "
            "{handler}({expected}); declare those parameters (or *args, **kwargs)",
    summary="Give Task handlers the signature Celery calls them with",
    what="Finds `on_failure`, `on_retry`, `on_success`, `after_return` and `before_start` methods "
         "of a Task subclass whose parameters cannot receive the positional arguments Celery "
         "passes: too few or too many positional parameters (without `*args`), or a required "
         "keyword-only parameter.",
    why="The worker calls each handler with a fixed list of positional arguments, for example "
        "`on_failure(exc, task_id, args, kwargs, einfo)`. A handler with another signature raises "
        "`TypeError` exactly when it is needed: the failure is never reported, the retry never "
        "recorded.",
    example="""\
from celery import Task


class ReportingTask(Task):
    def on_failure(self, exc, task_id):
        notify_admins(task_id, exc)
""",
    instead="""\
from celery import Task


class ReportingTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        notify_admins(task_id, exc)
""",
    references=(_REF_HANDLERS,),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL506 = Rule(
    code="CEL506",
    symbol="celery-after-return-without-super",
    msgid="W7846",
    message="after_return() of task class '{cls}' does not call super().after_return(...), so the "
            "after_return() of its base class '{base}' never runs for its tasks; call the base's handler",
    summary="Call super().after_return(...) when overriding a base class's after_return",
    what="Finds an `after_return` method of a Task subclass that never calls the base class's "
         "`after_return` (`super().after_return(...)`, `super(Cls, self).after_return(...)` or "
         "`Base.after_return(self, ...)`) while a base class of the module (or a Task class of another "
         "module of the project, through the project index) defines one. `celery.Task.after_return` "
         "itself does nothing, so overriding it directly is not reported, nor are classes whose base "
         "classes neither the module "
         "nor the index shows.",
    why="`after_return` is a hook that base classes use: a project's base task closes database "
        "connections, releases locks or records metrics there. An override in a subclass that does "
        "not call the base silently switches that work off for every task of the subclass.",
    example="""\
from celery import Task


class LockedTask(Task):
    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        release_lock(task_id)


class AuditedTask(LockedTask):
    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        audit(task_id, status)
""",
    instead="""\
from celery import Task


class LockedTask(Task):
    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        release_lock(task_id)


class AuditedTask(LockedTask):
    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        audit(task_id, status)
        super().after_return(status, retval, task_id, args, kwargs, einfo)
""",
    references=(_REF_HANDLERS, _REF_CUSTOM),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL507 = Rule(
    code="CEL507",
    symbol="celery-task-instance-state",
    msgid="W7847",
    message="{method}() of task class '{cls}' sets {attrs}, but Celery creates one task instance "
            "per worker process, so the value leaks into later requests; keep per-request state in "
            "local variables or self.request",
    summary="Keep per-request state out of task instance attributes",
    default=False,
    what="Finds assignments to `self.<attr>` in `run` and in the handlers (`on_failure`, "
         "`on_success`, `on_retry`, `after_return`, `before_start`) of a Task subclass. "
         "The documented lazy cache (`if self._db is None: self._db = connect()`) is not reported.",
    why="A task class is instantiated once per worker process and that instance runs every request "
        "of the task. An attribute set while handling one request is still there for the next one: "
        "data of one user shows up in another user's task, and concurrent threads overwrite it.",
    example="""\
from celery import Task


class ImportTask(Task):
    def run(self, path):
        self.rows = read_rows(path)
        return len(self.rows)
""",
    instead="""\
from celery import Task


class ImportTask(Task):
    def run(self, path):
        rows = read_rows(path)
        return len(rows)
""",
    references=(_REF_INSTANTIATION,),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL508 = Rule(
    code="CEL508",
    symbol="celery-repeated-task-options",
    msgid="C7848",
    message="task '{task}' repeats the options {options}, which {others} other tasks of this module "
            "also set; set them once as attributes of a celery.Task subclass and use base= (or the app's task_cls)",
    summary="Define options shared by many tasks once, in a base Task class",
    default=False,
    what="Finds three or more tasks of a module whose decorators give the same retry, "
         "acknowledgement and limit options (`max_retries`, `autoretry_for`, `retry_backoff`, "
         "`retry_jitter`, `acks_late`, `reject_on_worker_lost`, `time_limit`, `soft_time_limit`, "
         "`default_retry_delay`, `rate_limit`, ...) with the same values.",
    why="Copies drift: the next change of the retry policy reaches some tasks and not others. "
        "A base class (`class ResilientTask(celery.Task)` with the options as class attributes, "
        "then `base=ResilientTask`, or `Celery(task_cls=...)`) states the policy once.",
    example="""\
from celery import shared_task


@shared_task(acks_late=True, max_retries=5)
def sync_users():
    ...


@shared_task(acks_late=True, max_retries=5)
def sync_groups():
    ...


@shared_task(acks_late=True, max_retries=5)
def sync_roles():
    ...
""",
    instead="""\
from celery import Task, shared_task


class SyncTask(Task):
    acks_late = True
    max_retries = 5


@shared_task(base=SyncTask)
def sync_users():
    ...


@shared_task(base=SyncTask)
def sync_groups():
    ...


@shared_task(base=SyncTask)
def sync_roles():
    ...
""",
    references=(_REF_CUSTOM,),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL510 = Rule(
    code="CEL510",
    symbol="celery-missing-time-limit",
    msgid="W7850",
    message="task '{task}' sets no time_limit or soft_time_limit, nor does any Celery config in sight "
            "set task_time_limit; give it a limit so a hung task cannot block its worker forever",
    summary="Give every task a time limit",
    default=False,
    what="Finds tasks that set neither `time_limit` nor `soft_time_limit` (on the decorator, the task "
         "class or a base class of the module) in a module whose Celery config sets neither "
         "`task_time_limit` nor `task_soft_time_limit`. Base classes of other modules of the "
         "project count when the project index knows their whole chain up to `celery.Task`. Tasks "
         "that may get a limit from something nobody shows (a base class the index cannot follow, a "
         "task decorator of the project, `**options`, the app's own task class, config loaded with "
         "`config_from_object` from outside the project) are not reported, nor are tasks of test "
         "modules, nor any task when a module of the project sets `task_time_limit`, "
         "`task_soft_time_limit` or `task_annotations` that may set a limit (app config, a "
         "celeryconfig module, Django settings with the `CELERY_` namespace). A Task subclass "
         "meant as a base class is no task of its own and is not reported either: one that "
         "declares `abstract = True`, whose `run` only raises `NotImplementedError`, or that is "
         "only used as a base (`base=` of a task, or a base of other classes) and never "
         "instantiated, sent or registered; a class given to `app.register_task(...)` is a task "
         "whatever it declares. Nor is a function task whose body only raises (a placeholder whose "
         "messages something else consumes): it cannot hang.",
    why="Without a limit, a task stuck on a network call that never answers holds its worker slot "
        "forever; when all slots hang, the queue stops. A hard limit lets the worker kill and "
        "replace the child process; a soft limit lets the task clean up first.",
    example="""\
from celery import shared_task


@shared_task
def fetch_feed(url):
    return download(url)
""",
    instead="""\
from celery import shared_task


@shared_task(soft_time_limit=60, time_limit=90)
def fetch_feed(url):
    return download(url)
""",
    references=(_REF_TIME_LIMITS, _REF_TIME_LIMIT_SETTING),
    options=("task_decorators", "app_names", "task_base_classes", "test_paths"),
)

#: Methods of a Task subclass that handle one request: ``run`` and the handlers.
_REQUEST_METHODS = frozenset({"run", *HANDLER_SIGNATURES})

#: Options whose repetition across tasks calls for a base class (CEL508): retry,
#: acknowledgement and limit policy.  Intersected with Celery's own option list.
_POLICY_OPTIONS = TASK_OPTIONS & frozenset({
    "acks_late", "acks_on_failure", "acks_on_failure_or_timeout", "acks_on_timeout",
    "autoretry_for", "default_retry_delay", "dont_autoretry_for", "max_retries", "rate_limit",
    "reject_on_worker_lost", "retry_backoff", "retry_backoff_max", "retry_jitter", "retry_kwargs",
    "retry_on_worker_lost", "soft_time_limit", "time_limit",
})
_MIN_REPEATS = 3  # tasks sharing one option set
_MIN_SHARED_OPTIONS = 2  # a single repeated option is no policy worth a base class

_LIMIT_OPTIONS = ("time_limit", "soft_time_limit")
_LIMIT_SETTINGS = frozenset({"task_time_limit", "task_soft_time_limit"}) & SETTINGS
# Config that can give tasks limits we cannot see (annotations set any task attribute).
_OPAQUE_SETTINGS = frozenset({"task_annotations"}) & SETTINGS


def _task_classes(model: ModuleModel) -> Iterator[ClassInfo]:
    return (info for info in model.classes.values() if info.is_task_class)


def _plain_methods(info: ClassInfo, names) -> Iterator[ast.FunctionDef]:
    """Methods of the class among ``names`` that are plain (undecorated) functions."""
    for name, func in info.methods.items():
        if name in names and not func.decorator_list:
            yield func


def _self_name(func: ast.FunctionDef) -> str | None:
    params = [*func.args.posonlyargs, *func.args.args]
    return params[0].arg if params else None


# -- CEL505 ------------------------------------------------------------------------------

def _accepts(func: ast.FunctionDef, count: int) -> bool:
    """Can ``func`` be called with ``count`` positional arguments (self included) and nothing else?"""
    args = func.args
    positional = len(args.posonlyargs) + len(args.args)
    required = positional - len(args.defaults)
    if any(default is None for default in args.kw_defaults):
        return False  # a required keyword-only parameter
    if count < required:
        return False
    return count <= positional or args.vararg is not None


@on_module(reports=(CEL505,))
def handler_signature(ctx: Context) -> None:
    for info in _task_classes(ctx.model):
        for func in _plain_methods(info, HANDLER_SIGNATURES):
            signature = HANDLER_SIGNATURES[func.name]
            if not _accepts(func, len(signature)):
                ctx.report(func, CEL505, handler=func.name, cls=info.name,
                           expected=", ".join(signature[1:]))


# -- CEL506 ------------------------------------------------------------------------------

def _is_super_call(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "super"


def _calls_base(func: ast.FunctionDef, method: str) -> bool:
    """Does ``func`` call the base class's ``method``: ``super().m(...)``, ``super(C, self).m(...)``
    or ``Base.m(self, ...)``?"""
    self_name = _self_name(func)
    for node in ast.walk(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == method):
            continue
        receiver = node.func.value
        if _is_super_call(receiver):
            return True
        first = node.args[0] if node.args else None
        if (isinstance(first, ast.Name) and first.id == self_name
                and not (isinstance(receiver, ast.Name) and receiver.id == self_name)):
            return True
    return False


def _base_defining(model: ModuleModel, info: ClassInfo, method: str) -> ClassInfo | None:
    """The first class of the module (or Task class of the project the index knows in full)
    among ``info``'s bases (and theirs) that defines ``method``.

    ``celery.Task``'s own handlers do nothing (celery/app/task.py), and classes the module
    does not show may or may not define it: neither counts.
    """
    seen = {id(info)}
    stack = [info]
    while stack:
        cls = stack.pop(0)
        for base in cls.node.bases:
            found = model.task_class(base)
            if found is None or id(found) in seen:
                continue
            if method in found.methods:
                return found
            seen.add(id(found))
            stack.append(found)
    return None


@on_module(reports=(CEL506,))
def after_return_without_super(ctx: Context) -> None:
    for info in _task_classes(ctx.model):
        for func in _plain_methods(info, ("after_return",)):
            base = _base_defining(ctx.model, info, "after_return")
            if base is not None and not _calls_base(func, "after_return"):
                ctx.report(func, CEL506, cls=info.name, base=base.name)


# -- CEL507 ------------------------------------------------------------------------------

def _own_statements(func: ast.FunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function's body, without nested functions, lambdas and classes."""
    nested = (*FUNCTION_TYPES, ast.Lambda, ast.ClassDef)
    stack = [stmt for stmt in reversed(func.body) if not isinstance(stmt, nested)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in reversed(list(ast.iter_child_nodes(node)))
                     if not isinstance(child, nested))


def _assigned_targets(stmt: ast.AST) -> list[ast.AST]:
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)) and getattr(stmt, "value", True) is not None:
        targets = [stmt.target]
    else:
        return []
    out = []
    while targets:
        target = targets.pop(0)
        if isinstance(target, (ast.Tuple, ast.List)):
            targets[:0] = target.elts
        elif isinstance(target, ast.Starred):
            targets.insert(0, target.value)
        else:
            out.append(target)
    return out


def _mentions_self_attr(expr: ast.AST, self_name: str, attr: str) -> bool:
    """``self.attr`` or ``hasattr(self, "attr")`` appears in the expression."""
    for node in ast.walk(expr):
        if (isinstance(node, ast.Attribute) and node.attr == attr
                and isinstance(node.value, ast.Name) and node.value.id == self_name):
            return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "hasattr"
                and len(node.args) == 2 and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == attr):
            return True
    return False


def _is_lazy_cache(model: ModuleModel, stmt: ast.AST, self_name: str, attr: str) -> bool:
    """``if self._db is None: self._db = connect()``: a per-process cache, set once on purpose."""
    parent = model.parent(stmt)
    return isinstance(parent, ast.If) and stmt in parent.body and _mentions_self_attr(parent.test, self_name, attr)


#: Logger factories: they return the same logger for a name on every request (``getLogger``,
#: ``get_task_logger``, Celery 2's ``Task.get_logger``), however the module imports them.
_LOGGER_FACTORIES = frozenset({"getLogger", "get_task_logger", "get_logger"})


def _same_every_request(stmt: ast.AST) -> bool:
    """``self.logger = get_task_logger(self.__class__.__name__)``: a value no request changes."""
    value = getattr(stmt, "value", None)
    if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(value, ast.Call)):
        return False
    func = value.func
    return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) in _LOGGER_FACTORIES


def _instance_attrs_set(model: ModuleModel, stmt: ast.AST, self_name: str) -> list[str]:
    """The ``self.<attr>`` a statement assigns, lazy caches and per-class loggers left out."""
    if _same_every_request(stmt):
        return []
    return [
        target.attr for target in _assigned_targets(stmt)
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
        and target.value.id == self_name and not _is_lazy_cache(model, stmt, self_name, target.attr)
    ]


@on_module(reports=(CEL507,))
def task_instance_state(ctx: Context) -> None:
    for info in _task_classes(ctx.model):
        for func in _plain_methods(info, _REQUEST_METHODS):
            self_name = _self_name(func)
            if self_name is None:
                continue
            for stmt in _own_statements(func):
                attrs = _instance_attrs_set(ctx.model, stmt, self_name)
                if attrs:
                    ctx.report(stmt, CEL507, method=func.name, cls=info.name,
                               attrs=", ".join(f"self.{attr}" for attr in attrs))


# -- CEL508 ------------------------------------------------------------------------------

def _policy_key(task: TaskInfo) -> tuple | None:
    """The task's retry/ack/limit options as a comparable key (name, value's tree), or None."""
    if task.decorator is None or task.has_star_kwargs:
        return None
    items = tuple(sorted(
        (name, node_key(kw.value)) for name, kw in task.options.items() if name in _POLICY_OPTIONS
    ))
    return items if len(items) >= _MIN_SHARED_OPTIONS else None


@on_module(reports=(CEL508,))
def repeated_task_options(ctx: Context) -> None:
    groups: dict[tuple, list[TaskInfo]] = {}
    for task in ctx.model.tasks:
        key = _policy_key(task)
        if key is not None:
            groups.setdefault(key, []).append(task)
    for key, tasks in groups.items():
        if len(tasks) < _MIN_REPEATS:
            continue
        first = tasks[0]
        options = ", ".join(f"{name}={snippet(first.options[name].value)}" for name, _ in key)
        for task in tasks:
            ctx.report(task.decorator, CEL508, task=task.name, options=options, others=len(tasks) - 1)


# -- CEL510 ------------------------------------------------------------------------------

# Calls on an app that load configuration from an object or module (celery/app/base.py).
_CONFIG_LOADERS = frozenset({"config_from_object", "config_from_envvar", "config_from_cmdline"})


def _config_partly_unseen(model: ModuleModel) -> bool:
    """Does the module's Celery config have parts it does not show (``**options``,
    ``from .base import *``, ``app.config_from_object("proj.settings")``, ``Celery(config_source=...)``)?"""
    if is_partial(model, model.config):
        return True
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _CONFIG_LOADERS and model.is_app(func.value):
            return True
        if any(kw.arg == "config_source" for kw in call.keywords) and model.is_app_class(func):
            return True
    return False


# Methods of a task class that send or sign a message with the class itself (``Cls.delay(...)``).
_SEND_METHODS = frozenset({"delay", "apply_async", "s", "si", "signature", "delay_on_commit", "apply"})


class _ClassUses:
    """How the module uses its classes, worked out once per module (CEL510 asks per class task):
    those registered (``app.register_task(Cls())``, ``app.tasks.register(Cls)``,
    ``@app.register_task``), those used as a base (a base of another class, ``base=Cls`` in any
    call) and those used as tasks themselves (instantiated: ``Cls()``; sent: ``Cls.delay(...)``)."""

    def __init__(self, model: ModuleModel):
        self.registered: set[ast.ClassDef] = set()
        self.bases: set[ast.ClassDef] = set()
        self.used: set[ast.ClassDef] = set()
        for info in model.classes.values():
            for base in info.node.bases:
                _add(self.bases, model.local_class(base))
            for dec in info.node.decorator_list:
                core = dec.func if isinstance(dec, ast.Call) else dec
                if isinstance(core, ast.Attribute) and registers_task(core, decorator=True):
                    self.registered.add(info.node)
        for call in model.nodes.get(ast.Call, ()):
            func = call.func
            _add(self.used, model.local_class(func))
            if isinstance(func, ast.Attribute):
                if func.attr in _SEND_METHODS:
                    _add(self.used, model.local_class(func.value))
                elif call.args and registers_task(func):
                    given = call.args[0]
                    _add(self.registered, model.local_class(given.func if isinstance(given, ast.Call) else given))
            for kw in call.keywords:
                if kw.arg == "base":
                    _add(self.bases, model.local_class(kw.value))


def _add(found: set[ast.ClassDef], info: ClassInfo | None) -> None:
    if info is not None:
        found.add(info.node)


def _project_uses(ctx: Context, info: ClassInfo) -> tuple[bool, bool, bool]:
    """(registered, used as a base, used as a task) by the modules of the project, for a
    module-level class, as the project index sees them; all False without an index."""
    project = ctx.project
    model = ctx.model
    if project is None or model.scope(info.node) is not model.tree:
        return False, False, False
    qualname = f"{project.module_of(ctx.filename)[0]}.{info.name}"
    registered, based, used = project.memo("task_classes.uses", _class_uses)
    return qualname in registered, qualname in based, qualname in used


def _class_uses(project) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The dotted names of classes the project's modules register, use as a base, send as tasks."""
    registered, based, used = set(), set(), set()
    for summary in project.summaries.values():
        registered.update(summary.get("registers", ()))
        for entry in summary.get("bases", {}).values():
            based.update(base for base in entry.get("bases") or () if base)
        used.update(call["target"] for call in summary.get("class_calls", ()))
    return frozenset(registered), frozenset(based), frozenset(used)


def _after_docstring(func: ast.AST) -> list[ast.stmt]:
    """A function's statements after its docstring."""
    body = func.body
    return body[1:] if body and isinstance(body[0], ast.Expr) and isinstance(const(body[0].value), str) else body


def _raises_not_implemented(model: ModuleModel, func: ast.AST) -> bool:
    """Does the method only raise ``NotImplementedError`` (after its docstring), left to subclasses?"""
    body = _after_docstring(func)
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return model.is_builtin(exc, "NotImplementedError")


def _base_class(ctx: Context, task: TaskInfo) -> bool:
    """Is a class task a base class for other tasks rather than a task of its own?

    Celery 5 registers a Task subclass only through ``app.register_task`` (the metaclass that
    registered every subclass is gone, and ``Task.abstract`` is a leftover that nothing reads:
    celery/app/task.py), so a registered class is a task whatever it declares.  Otherwise a class
    is a base when it says so, with ``abstract = True`` written on the class itself (the attribute
    was never inherited: Celery 3's metaclass read it from the class's own namespace) or a
    ``run`` that only raises ``NotImplementedError``, or when it is used as a base and never as
    a task (instantiated, sent or registered).
    """
    info = task.cls
    if task.kind is not TaskKind.CLASS or info is None:
        return False
    uses = ctx.facts(_ClassUses)
    registered, based, used = _project_uses(ctx, info)
    if registered or info.node in uses.registered:
        return False
    if is_const(info.attrs.get("abstract"), True) or _raises_not_implemented(ctx.model, task.node):
        return True
    return (based or info.node in uses.bases) and not (used or info.node in uses.used)


def _limits_unknowable(model: ModuleModel, task: TaskInfo) -> bool:
    """Could the task get a limit from a class or decorator we cannot see?"""
    if task.has_star_kwargs or task.base_unresolved or task.by_project_decorator:
        return True
    return task.cls is not None and not model.class_chain_known(task.cls)


@on_module(reports=(CEL510,))
def missing_time_limit(ctx: Context) -> None:
    model = ctx.model
    if not model.tasks or model.is_test_code():
        return  # tasks of test modules are fixtures: a limit there protects nothing
    if any(item.key in _LIMIT_SETTINGS or item.key in _OPAQUE_SETTINGS for item in model.config):
        return
    if ctx.project is not None and ctx.project.time_limit_set:
        return  # a module of the project sets a global limit (or annotations) for every task
    if model.app_has_own_task_class or _config_partly_unseen(model):
        return  # the app's own task class, or config we cannot see, may set limits
    for task in model.tasks:
        if any(task.option(name, model) is not None for name in _LIMIT_OPTIONS):
            continue
        if not _limits_unknowable(model, task) and not _base_class(ctx, task) and not _only_raises(task):
            ctx.report(task.definition, CEL510, task=task.label)


def _only_raises(task: TaskInfo) -> bool:
    """Is a function task a placeholder whose body (after its docstring) only raises, with
    constant or plain-name arguments (``raise Exception("called asynchronously only")``)?"""
    if task.kind is not TaskKind.FUNCTION:
        return False
    body = _after_docstring(task.node)
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    exc = body[0].exc
    if isinstance(exc, ast.Call):
        return all(isinstance(arg, (ast.Constant, ast.Name, ast.JoinedStr))
                   for arg in (*exc.args, *(kw.value for kw in exc.keywords)))
    return isinstance(exc, (ast.Name, ast.Attribute))
