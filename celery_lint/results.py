"""Task sends and their results: which calls send a task (``add.delay(...)``,
``apply_async``, ``send_task``, signatures), and which expressions hold a Celery async result
(CEL201-CEL204).  One home for "is this a task call?" and "is this a task's result?": the
call, waiting and atomicity rules, and the project index, all ask here.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from .dataflow import value_of
from .model import MAX_DEPTH, BindingKind, ModuleModel, TaskInfo, is_const
from .signatures import ignores_result, signature_of

# Packages whose pools have an ``apply_async`` of their own.
_POOL_PACKAGES = frozenset({"multiprocessing", "concurrent", "billiard"})

#: Methods of tasks and signatures that send or describe a task call.
SEND_METHODS = frozenset({
    "delay", "apply_async", "s", "si", "signature", "delay_on_commit", "apply_async_on_commit",
    "retry", "set", "send_task",
})
#: Methods whose positional and keyword arguments all go to the task.
STAR_METHODS = frozenset({"delay", "delay_on_commit", "s", "si"})
_CANVAS = frozenset({"celery.group", "celery.chain", "celery.chord", "celery.chunks", "celery.signature"})


@dataclass
class TaskCall:
    """A call that sends (or describes) a task: ``add.delay(2, 2)``, ``app.send_task(...)``."""

    node: ast.Call
    method: str  # one of SEND_METHODS, or "signature()" for celery.signature(...)
    known: bool  # the receiver is evidently a Celery task, signature or app
    task: TaskInfo | None = None  # the task of this module it sends, when resolvable

    def keyword(self, name: str) -> ast.keyword | None:
        for kw in self.node.keywords:
            if kw.arg == name:
                return kw
        return None

    def slot(self, position: int, name: str, positional: bool = True) -> ast.AST | None:
        """The argument given as keyword ``name`` or (when ``positional``) at ``position``."""
        kw = self.keyword(name)
        if kw is not None:
            return kw.value
        args = self.node.args
        if positional and len(args) > position and not any(isinstance(a, ast.Starred) for a in args[:position + 1]):
            return args[position]
        return None

    @property
    def args_slot(self) -> ast.AST | None:
        """The ``args`` sequence (apply_async-style calls)."""
        if self.method in STAR_METHODS or self.method == "set":
            return None
        return self.slot(1 if self.method in ("send_task", "signature()") else 0, "args")

    @property
    def kwargs_slot(self) -> ast.AST | None:
        if self.method in STAR_METHODS or self.method == "set":
            return None
        return self.slot(2 if self.method in ("send_task", "signature()") else 1, "kwargs")

    def task_arguments(self) -> Iterator[ast.AST]:
        """The expressions the task receives as its arguments, where the call shows them."""
        if self.method in STAR_METHODS:
            for arg in self.node.args:
                if not isinstance(arg, ast.Starred):
                    yield arg
            for kw in self.node.keywords:
                if kw.arg is not None:
                    yield kw.value
            return
        args, kwargs = self.args_slot, self.kwargs_slot
        if isinstance(args, (ast.Tuple, ast.List)):
            yield from (e for e in args.elts if not isinstance(e, ast.Starred))
        if isinstance(kwargs, ast.Dict):
            yield from (v for k, v in zip(kwargs.keys, kwargs.values) if k is not None)
        elif isinstance(kwargs, ast.Call) and isinstance(kwargs.func, ast.Name) and kwargs.func.id == "dict":
            yield from (kw.value for kw in kwargs.keywords if kw.arg is not None)


def from_tasks_module(qualname: str | None) -> bool:
    """``proj.orders.tasks.send_receipt``, ``.tasks.x``, ``proj.celery_tasks.x``."""
    if not qualname:
        return False
    module = qualname.split(".")[:-1]
    return any(part == "tasks" or part.endswith("_tasks") for part in module)


def task_receiver(model: ModuleModel, expr: ast.AST, depth: int = 0) -> tuple[bool, TaskInfo | None]:
    """(is ``expr`` evidently a Celery task or signature?, the task of this module it names)."""
    if depth > MAX_DEPTH or model.is_foreign_task(expr):
        return False, None
    task = model.task_named(expr)
    if task is not None:
        return True, task
    task = model.bound_self_task(expr)
    if task is not None:
        return True, task
    if isinstance(expr, ast.Call):
        func = expr.func
        q = model.resolve(func)
        if q in _CANVAS:
            target = expr.args[0] if q == "celery.signature" and expr.args else None
            return True, model.task_named(target) if target is not None else None
        if isinstance(func, ast.Attribute) and func.attr in ("s", "si", "signature", "set", "clone"):
            return task_receiver(model, func.value, depth + 1)
        if isinstance(func, ast.Attribute) and func.attr == "signature" and model.is_app(func.value):
            return True, None
        return False, None
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Attribute) \
            and expr.value.attr == "tasks" and model.is_app(expr.value.value):
        return True, None
    if isinstance(expr, (ast.Name, ast.Attribute)) and from_tasks_module(model.resolve(expr)):
        return True, None
    if isinstance(expr, ast.Name):
        value = value_of(model, expr)
        if value is not expr and isinstance(value, ast.Call):
            return task_receiver(model, value, depth + 1)
    return False, None


def _foreign(model: ModuleModel, receiver: ast.AST) -> bool:
    """``job.delay`` / ``job.s(...)`` of another task queue's job (through ``.s`` / ``.si`` too)."""
    while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute) \
            and receiver.func.attr in ("s", "si", "signature", "set"):
        receiver = receiver.func.value
    return model.is_foreign_task(receiver)


def task_call(model: ModuleModel, node: ast.Call) -> TaskCall | None:
    """The call as a task call, or None when it is none of the sending methods."""
    func = node.func
    if not isinstance(func, ast.Attribute):
        if model.resolve(func) == "celery.signature":
            target = node.args[0] if node.args else None
            task = model.task_named(target) if target is not None else None
            return TaskCall(node, "signature()", True, task)
        return None
    method = func.attr
    if method not in SEND_METHODS:
        return None
    receiver = func.value
    if method == "send_task":
        return TaskCall(node, method, True) if model.is_app(receiver) else None
    if _foreign(model, receiver):
        return None  # an RQ / dramatiq / huey job: its .delay is that library's
    known, task = task_receiver(model, receiver)
    if method in ("retry", "set") and not known:
        return None
    return TaskCall(node, method, known, task)


# -- async results ----------------------------------------------------------------------

def is_async_result(model: ModuleModel, expr: ast.AST, _depth: int = 0) -> bool:
    """Does the expression hold a Celery async result (AsyncResult, GroupResult, ...)?"""
    if _depth > MAX_DEPTH:
        return False
    if isinstance(expr, ast.Await):
        return False
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute):
            if func.attr in ("delay", "apply_async", "delay_on_commit"):
                return func.attr != "delay_on_commit" and not _pool_apply_async(model, expr) \
                    and not _foreign(model, func.value)
            if func.attr in ("AsyncResult", "GroupResult") or func.attr == "restore":
                q = model.resolve(func)
                if func.attr == "restore":
                    return q == "celery.result.GroupResult.restore"
                return q is None or q.startswith("celery") or model.is_app(func.value) \
                    or model.task_named(func.value) is not None
        if sends_task(model, expr):
            return True
        q = model.resolve(func)
        if q in ("celery.result.AsyncResult", "celery.result.GroupResult", "celery.result.ResultSet"):
            return True
        if isinstance(func, ast.Call):  # group(...)(), chord(h)(body), sig.s(...)()
            inner = model.resolve(func.func)
            if inner in ("celery.group", "celery.chain", "celery.chord"):
                return True
        return False
    if isinstance(expr, ast.Name):
        for b in model.assigned_values(expr):
            if b.kind is BindingKind.ASSIGN and b.index is None and b.value is not None:
                if is_async_result(model, b.value, _depth + 1):
                    return True
    return False


def _pool_apply_async(model: ModuleModel, call: ast.Call) -> bool:
    """``pool.apply_async(func, args)`` of a process or thread pool, which returns no Celery
    result: a function (not an args sequence) comes first, or the pool is evidently one."""
    if call.func.attr != "apply_async":
        return False
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Lambda):
        return True
    if isinstance(first, ast.Name) and any(b.kind is BindingKind.DEF for b in model.lookup(first.id, first)):
        return True
    receiver = call.func.value
    if not isinstance(receiver, ast.Name):
        return False
    for b in model.lookup(receiver.id, receiver):
        if b.kind is BindingKind.PARAM:
            origin = b.node.annotation
        elif b.kind in (BindingKind.ASSIGN, BindingKind.WITH) and isinstance(b.value, ast.Call):
            origin = b.value.func
        else:
            continue
        q = model.resolve(origin) if origin is not None else None
        if q is not None and q.split(".")[0] in _POOL_PACKAGES:
            return True
    return False


def sends_task(model: ModuleModel, expr: ast.AST) -> bool:
    """``app.send_task(...)``, ``current_app.send_task(...)``, or ``model.app.send_task(...)``
    in a bound task: Celery.send_task sends a task by name and returns an AsyncResult."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "send_task"):
        return False
    app = expr.func.value
    if model.is_app(app):
        return True
    return isinstance(app, ast.Attribute) and app.attr == "app" and model.bound_self_task(app.value) is not None


def ignored_result_task(model: ModuleModel, expr: ast.AST, depth: int = 0) -> TaskInfo | None:
    """The task whose ignored result ``expr`` holds: ``t.delay()`` / ``t.apply_async()`` /
    ``t.s().delay()`` of a task with ``ignore_result=True``, directly or through local names
    that are only ever bound to such results."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(expr, ast.Name):
        bindings = model.lookup(expr.id, expr)
        if not bindings or any(b.kind is not BindingKind.ASSIGN or b.index is not None for b in bindings):
            return None
        tasks = [ignored_result_task(model, b.value, depth + 1) for b in bindings]
        return tasks[0] if all(tasks) else None
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)):
        return None
    method = expr.func.attr
    if method not in ("delay", "apply_async"):
        return None
    if method == "apply_async" and any(kw.arg in (None, "ignore_result") for kw in expr.keywords):
        return None  # apply_async(ignore_result=...) overrides the task's option
    producer = expr.func.value
    task = model.task_named(producer)
    if task is None:
        sig = signature_of(model, producer)
        if sig is None or sig.task is None or not sig.options_known:
            return None
        override = sig.options.get("ignore_result")
        if override is not None:
            return sig.task if is_const(override, True) else None
        task = sig.task
    return task if ignores_result(model, task) else None
