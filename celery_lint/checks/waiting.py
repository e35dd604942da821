"""Waiting for tasks: blocking on results (CEL201-CEL204)."""
from __future__ import annotations

import ast

from ..engine import Context, on
from ..model import ModuleModel, is_const
from ..results import ignored_result_task, is_async_result
from ..rule import Rule
from ..text import snippet

_REFS_CALLING = ("Celery user guide, Tasks: Avoid launching synchronous subtasks "
                 "(docs/userguide/tasks.rst#avoid-launching-synchronous-subtasks)",)

CEL201 = Rule(
    code="CEL201",
    symbol="celery-blocking-result",
    msgid="W7821",
    message="{method}() waits for a task result inside task '{task}', which can deadlock the worker "
            "pool; chain the work with a chain, chord or link callback instead",
    summary="Never wait for another task's result inside a task",
    what="Finds `.get()`, `.wait()`, `.join()`, `.join_native()` and `.collect()` called inside a task "
         "on an async result: the value of `.delay()`, `.apply_async()`, `app.send_task()`, "
         "`AsyncResult(...)`, `GroupResult.restore(...)` or of calling a `group`, `chain` or "
         "`chord`, directly or through a local name.",
    why="A task that waits for another task holds a worker slot while the other task needs one. "
        "When every slot waits, nothing runs again: the pool deadlocks. Celery raises "
        "`RuntimeError` on the prefork pool; on gevent and eventlet the worker just hangs.",
    example="""\
from celery import shared_task

@shared_task
def fetch_page(url):
    ...

@shared_task
def crawl(url):
    page = fetch_page.delay(url).get()
    return len(page)
""",
    instead="""\
from celery import chain, shared_task

@shared_task
def fetch_page(url):
    ...

@shared_task
def count(page):
    return len(page)

def crawl(url):
    return chain(fetch_page.s(url), count.s()).delay()
""",
    options=("task_decorators", "app_names", "task_base_classes"),
    references=_REFS_CALLING,
)


CEL202 = Rule(
    code="CEL202",
    symbol="celery-sync-subtasks-enabled",
    msgid="W7822",
    message="{what} switches off Celery's guard against waiting for subtasks; "
            "restructure the work as a chain or chord instead",
    summary="Keep Celery's deadlock guard on (no disable_sync_subtasks=False, no allow_join_result)",
    what="Finds `with allow_join_result():` and `disable_sync_subtasks=False` (as a keyword, a dict "
         "entry or an item assignment of options meant for `get(**options)`), in any code except "
         "test code outside tasks (modules matching the `test-paths` setting): a test that waits "
         "for an in-process worker (`celery.contrib.testing`) has to switch the guard off.",
    why="Celery refuses to let a task wait for another task because it can deadlock the worker pool. "
        "Both forms turn that guard off, so the deadlock comes back, only later and under load.",
    example="""\
from celery import shared_task

@shared_task
def total(ids):
    res = add_all.delay(ids)
    return res.get(disable_sync_subtasks=False)
""",
    instead="""\
from celery import chain, shared_task

@shared_task
def total(ids):
    return chain(add_all.s(ids), store_total.s()).delay().id
""",
    options=("task_decorators", "app_names", "task_base_classes", "test_paths"),
    references=_REFS_CALLING,
)


CEL203 = Rule(
    code="CEL203",
    symbol="celery-blocking-result-outside-task",
    msgid="W7823",
    message="{method}() blocks until a worker finishes the task; return the task id and poll, "
            "or use a callback (link=) instead of waiting",
    summary="Do not block a web request or script on a task result",
    default=False,
    what="Finds the same blocking calls as CEL201 (`.get()`, `.wait()`, `.join()`, ...) on async "
         "results outside tasks, for example in a web view. Test modules (the `test-paths` "
         "setting) are left alone: waiting for the result is how a test checks a task; so are Django "
         "management commands (`management/commands/`), run from a shell to wait for their tasks and "
         "report; so is a result already known to be ready (`if r.ready(): r.get()`, or after "
         "`if r.state != 'SUCCESS': raise ...`), whose `get()` returns at once.",
    why="Waiting for the worker defeats the point of a task queue: the request holds a web worker "
        "for as long as the task takes, and hangs when the workers are busy or down.",
    example="""\
from .tasks import render_report

def report_view(request):
    result = render_report.delay(request.GET["id"])
    return result.get(timeout=30)
""",
    instead="""\
from .tasks import render_report

def report_view(request):
    result = render_report.delay(request.GET["id"])
    return {"task_id": result.id}
""",
    options=("task_decorators", "app_names", "task_base_classes", "test_paths"),
    references=("Celery user guide, Calling Tasks: Results (docs/userguide/calling.rst)",),
)


CEL204 = Rule(
    code="CEL204",
    symbol="celery-ignored-result-read",
    msgid="E7824",
    message="{read} reads the result of task '{task}', which has ignore_result=True: the state stays "
            "PENDING and get() returns None; keep the result (ignore_result=False) or stop reading it",
    summary="Do not read the result of a task that ignores its result",
    what="Finds `.get()`, `.ready()`, `.result`, `.state` and `.status` on the async result of "
         "`.delay()` / `.apply_async()` (directly or through a local name) of a task of the module "
         "defined with `ignore_result=True`, on the decorator or on its Task class.",
    why="A task that ignores its result never writes it to the result backend. Its AsyncResult "
        "stays PENDING forever, `ready()` never becomes true, and `get()` returns None at once "
        "(Celery 5.7 skips the wait for ignored results), so code that polls or uses the value "
        "never sees it.",
    example="""\
from celery import shared_task

@shared_task(ignore_result=True)
def render(report_id):
    ...

def report_status(report_id):
    result = render.delay(report_id)
    return result.state
""",
    instead="""\
from celery import shared_task

@shared_task
def render(report_id):
    ...

def report_status(report_id):
    result = render.delay(report_id)
    return result.state
""",
    options=("task_decorators", "app_names", "task_base_classes"),
    references=("Celery user guide, Tasks: Ignore results you don't want "
                "(docs/userguide/tasks.rst#task-ignore_results)",
                "Celery API reference: celery.result.AsyncResult.get"),
)

BLOCKING_METHODS = frozenset({"get", "wait", "join", "join_native", "collect"})
_GUARD = "disable_sync_subtasks"


def _report_guard_off(ctx: Context, node: ast.AST, what: str) -> None:
    """CEL202, except outside tasks in test modules: a test waiting on an in-process worker
    (``celery.contrib.testing``) must switch the guard off, and no worker slot is at stake."""
    if ctx.model.is_test_module() and ctx.enclosing_task(node) is None:
        return
    ctx.report(node, CEL202, what=what)


@on(ast.Call, reports=(CEL201, CEL202, CEL203))
def blocking_result(node: ast.Call, ctx: Context) -> None:
    for kw in node.keywords:
        if kw.arg == _GUARD and is_const(kw.value, False):
            _report_guard_off(ctx, kw, f"{_GUARD}=False")
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in BLOCKING_METHODS:
        return
    if not is_async_result(ctx.model, func.value):
        return
    task = ctx.enclosing_task(node)
    if task is not None:
        ctx.report(node, CEL201, method=func.attr, task=task.label)
    elif not ctx.model.is_test_module() and not _management_command(ctx.filename) \
            and not _known_ready(ctx.model, node, func.value):
        ctx.report(node, CEL203, method=func.attr)


def _management_command(filename: str) -> bool:
    """A Django management command (``<app>/management/commands/x.py``): a one-off run from a
    shell that waits for its tasks on purpose, to report how they went; no web worker waits."""
    return "/management/commands/" in "/" + filename.replace("\\", "/")


@on(ast.Dict, reports=(CEL202,))
def guard_off_in_options(node: ast.Dict, ctx: Context) -> None:
    """``{"disable_sync_subtasks": False}``: options meant for ``get(**options)``."""
    for key, value in zip(node.keys, node.values):
        if is_const(key, _GUARD) and is_const(value, False):
            _report_guard_off(ctx, key, f"'{_GUARD}': False")


@on(ast.Assign, reports=(CEL202,))
def guard_off_by_item(node: ast.Assign, ctx: Context) -> None:
    """``options["disable_sync_subtasks"] = False``: options meant for ``get(**options)``."""
    if not is_const(node.value, False):
        return
    for target in node.targets:
        if isinstance(target, ast.Subscript) and is_const(target.slice, _GUARD):
            _report_guard_off(ctx, node, f"{snippet(target)} = False")
            return


@on(ast.With, ast.AsyncWith, reports=(CEL202,))
def allow_join_result(node: ast.With, ctx: Context) -> None:
    for item in node.items:
        expr = item.context_expr
        if isinstance(expr, ast.Call) and ctx.resolve(expr.func) == "celery.result.allow_join_result":
            _report_guard_off(ctx, expr, "allow_join_result()")


# -- CEL203: a result already known to be ready does not block ----------------------------
# Outside a task, get() of a finished result returns from the state just fetched
# (celery/result.py AsyncResult.get: ``if self._cache: ... return self.result``).
_READY_CALLS = frozenset({"ready", "successful", "failed"})
_READY_ATTRS = frozenset({"state", "status"})
_READY_STATES = frozenset({"SUCCESS", "FAILURE", "REVOKED"})  # celery/states.py READY_STATES


def _readiness_test(test: ast.AST, name: str) -> bool | None:
    """Does ``test`` say the result ``name`` is ready (True), not ready (False), or neither (None)?
    Reads ``r.ready()`` / ``successful()`` / ``failed()``, ``r.state == 'SUCCESS'`` (``in`` a set of
    states) and their negations (``not``, ``!=``, ``not in``)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _readiness_test(test.operand, name)
        return None if inner is None else not inner
    if isinstance(test, ast.Call) and not test.args and isinstance(test.func, ast.Attribute):
        target = test.func
        return True if target.attr in _READY_CALLS and _is_name(target.value, name) else None
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left = test.left
        if (isinstance(left, ast.Attribute) and left.attr in _READY_ATTRS and _is_name(left.value, name)
                and _ready_states(test.comparators[0])):
            op = test.ops[0]
            if isinstance(op, (ast.Eq, ast.In)):
                return True
            if isinstance(op, (ast.NotEq, ast.NotIn)):
                return False
    return None


def _ready_states(expr: ast.AST) -> bool:
    """Only states of a finished task: ``'SUCCESS'``, ``states.SUCCESS``, ``READY_STATES``, a tuple of them."""
    if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
        return bool(expr.elts) and all(_ready_states(e) for e in expr.elts)
    if isinstance(expr, ast.Constant):
        return expr.value in _READY_STATES
    name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else None
    return name in _READY_STATES or name == "READY_STATES"


def _is_name(expr: ast.AST, name: str) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name


def _known_ready(model: ModuleModel, call: ast.Call, result: ast.AST) -> bool:
    """Is ``result.get()`` reached only once the result is ready: inside ``if result.ready():``
    (or the ``else:`` of ``if not result.ready():``), or after
    ``if result.state != 'SUCCESS': raise/return`` in the same block?"""
    if not isinstance(result, ast.Name):
        return False
    child: ast.AST = call
    for parent in model.ancestors(call):
        if isinstance(parent, ast.If):
            said = _readiness_test(parent.test, result.id)
            if said is not None and child in (parent.body if said else parent.orelse):
                return True
        for block in ("body", "orelse", "finalbody"):
            statements = getattr(parent, block, None)
            if isinstance(statements, list) and child in statements:
                for earlier in statements[:statements.index(child)]:
                    if (isinstance(earlier, ast.If) and _readiness_test(earlier.test, result.id) is False
                            and earlier.body and isinstance(earlier.body[-1], (ast.Raise, ast.Return))):
                        return True
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
        child = parent
    return False


# -- CEL204: reading results a task never stores ---------------------------------------

_RESULT_METHODS = frozenset({"get", "ready"})
_RESULT_ATTRS = frozenset({"result", "state", "status"})


@on(ast.Call, reports=(CEL204,))
def ignored_result_call(node: ast.Call, ctx: Context) -> None:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in _RESULT_METHODS or not ctx.model.tasks:
        return
    task = ignored_result_task(ctx.model, func.value)
    if task is not None:
        ctx.report(node, CEL204, read=f"{func.attr}()", task=task.label)


@on(ast.Attribute, reports=(CEL204,))
def ignored_result_attribute(node: ast.Attribute, ctx: Context) -> None:
    if node.attr not in _RESULT_ATTRS or not isinstance(node.ctx, ast.Load) or not ctx.model.tasks:
        return
    task = ignored_result_task(ctx.model, node.value)
    if task is not None:
        ctx.report(node, CEL204, read=f".{node.attr}", task=task.label)
