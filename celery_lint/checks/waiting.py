"""Waiting for tasks: blocking on results (CEL201-CEL204)."""
from __future__ import annotations

import ast

from ..engine import Context, on
from ..rule import Rule

_REFS_CALLING = ("Celery user guide, Tasks: Avoid launching synchronous subtasks "
                 "(docs/userguide/tasks.rst#avoid-launching-synchronous-subtasks)",)

RULES = (
    Rule(
        code="CEL201",
        symbol="celery-blocking-result",
        message="{method}() waits for a task result inside task '{task}', which can deadlock the worker "
                "pool; chain the work with a chain, chord or link callback instead",
        summary="Never wait for another task's result inside a task",
        what="Finds `.get()`, `.wait()`, `.join()`, `.join_native()` and `.collect()` called inside a task "
             "on an async result: the value of `.delay()`, `.apply_async()`, `AsyncResult(...)`, "
             "`GroupResult.restore(...)` or of calling a `group`, `chain` or `chord`, directly or "
             "through a local name.",
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
        references=_REFS_CALLING,
    ),
    Rule(
        code="CEL202",
        symbol="celery-sync-subtasks-enabled",
        message="{what} switches off Celery's guard against waiting for subtasks; "
                "restructure the work as a chain or chord instead",
        summary="Keep Celery's deadlock guard on (no disable_sync_subtasks=False, no allow_join_result)",
        what="Finds `result.get(disable_sync_subtasks=False)` and `with allow_join_result():`, anywhere.",
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
        references=_REFS_CALLING,
    ),
    Rule(
        code="CEL203",
        symbol="celery-blocking-result-outside-task",
        message="{method}() blocks until a worker finishes the task; return the task id and poll, "
                "or use a callback (link=) instead of waiting",
        summary="Do not block a web request or script on a task result",
        default=False,
        what="Finds the same blocking calls as CEL201 (`.get()`, `.wait()`, `.join()`, ...) on async "
             "results outside tasks, for example in a web view.",
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
        references=("Celery user guide, Calling Tasks: Results (docs/userguide/calling.rst)",),
    ),
)

BLOCKING_METHODS = frozenset({"get", "wait", "join", "join_native", "collect"})


@on(ast.Call)
def blocking_result(node: ast.Call, ctx: Context) -> None:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in BLOCKING_METHODS:
        return
    for kw in node.keywords:
        if kw.arg == "disable_sync_subtasks" and isinstance(kw.value, ast.Constant) and kw.value.value is False:
            ctx.report(kw, "CEL202", what="disable_sync_subtasks=False")
    if not ctx.model.is_async_result(func.value):
        return
    task = ctx.enclosing_task(node)
    if task is not None:
        ctx.report(node, "CEL201", method=func.attr, task=task.name)
    else:
        ctx.report(node, "CEL203", method=func.attr)


@on(ast.With, ast.AsyncWith)
def allow_join_result(node: ast.With, ctx: Context) -> None:
    for item in node.items:
        expr = item.context_expr
        if isinstance(expr, ast.Call) and ctx.resolve(expr.func) == "celery.result.allow_join_result":
            ctx.report(expr, "CEL202", what="allow_join_result()")
