"""Routing and canvas: queues, chains, chords, crontab schedules, fan-out (CEL601-CEL605).

The canvas checks read signatures (``add.s(...)``, ``add.si(...)``, ``add.signature(...)``,
``celery.signature(add, ...)``) of tasks defined in the module, and follow them through
``|``, ``chain(...)``, ``group(...)`` and ``chord(...)`` as Celery 5.7's ``celery/canvas.py``
does: a chain prepends the parent's result to the args of the next mutable signature, a chord
body gets the list of header results, ``group(...) | task`` is a chord.  Whenever a piece is
not known (``*args``, ``**kwargs``, a task of another module, a signature made elsewhere) the
checks stay silent.

Test modules (the ``test-paths`` setting) build schedules, route to test queues and send
tasks in loops on purpose: CEL601, CEL604 and CEL605 leave them alone.
"""
from __future__ import annotations

import ast

from .. import dataflow as df
from ..config import is_conf
from ..engine import Context, on, on_module
from ..fixes import fixer, insert
from ..model import ModuleModel, TaskInfo, TaskKind, is_const
from ..results import from_tasks_module
from ..rule import Rule
from ..signatures import (
    CHAIN,
    CHORD,
    SIGNATURE,
    SIGNATURE_METHODS,
    Sig,
    canvas_name,
    chain_steps,
    chord_parts,
    group_members,
    ignores_result,
    is_canvas,
    is_nonempty_group,
    last_step,
    receivers,
    signature_of,
    single_value,
)

_TASK_OPTIONS = ("task_decorators", "app_names", "task_base_classes")
_REF_CHAINS = "Celery user guide, Canvas: Chains (docs/userguide/canvas.rst#canvas-chain)"
_REF_IMMUTABLE = "Celery user guide, Canvas: Immutability (docs/userguide/canvas.rst#immutability)"
_REF_CHORD_NOTES = ("Celery user guide, Canvas: Chords, Important Notes "
                    "(docs/userguide/canvas.rst#chord-important-notes)")

CEL601 = Rule(
    code="CEL601",
    symbol="celery-hardcoded-queue",
    msgid="C7861",
    message="queue={queue!r} hard-codes where this task goes; route tasks centrally with the "
            "task_routes setting (and declare queues in task_queues) instead",
    summary="Route tasks centrally with task_routes, not with queue= at each task or call",
    default=False,
    what="Finds `queue=` given a queue name written in the code (a string, or a name bound to one) "
         "on a task decorator and in `apply_async(...)`, `signature(...)`, `send_task(...)` and "
         "`sig.set(...)` calls. A queue computed at run time (a parameter, a setting) is not reported, "
         "nor are test modules (the `test-paths` setting), which route to test queues on purpose.",
    why="Queue names spread over task definitions and call sites are hard to change: moving a "
        "task to another queue means finding every place that names it, and a call that forgets "
        "the queue silently goes to the default queue. Celery's `task_routes` setting keeps the "
        "whole routing table in one place, next to `task_queues`.",
    example="""\
from celery import shared_task

@shared_task(queue="emails")
def send_welcome(user_id):
    ...

def signup(user_id):
    send_welcome.apply_async((user_id,), queue="emails")
""",
    instead="""\
from celery import Celery, shared_task

app = Celery("proj")
app.conf.task_routes = {"proj.tasks.send_welcome": {"queue": "emails"}}

@shared_task
def send_welcome(user_id):
    ...

def signup(user_id):
    send_welcome.delay(user_id)
""",
    options=("task_decorators", "app_names", "task_base_classes", "test_paths"),
    references=("Celery user guide, Routing Tasks: Automatic routing "
                "(docs/userguide/routing.rst#routing-automatic)",
                "Celery configuration: task_routes (docs/userguide/configuration.rst#task-routes)"),
)


CEL602 = Rule(
    code="CEL602",
    symbol="celery-chord-ignore-result",
    msgid="E7862",
    message="task '{task}' in this chord header has ignore_result=True, so the chord body may never "
            "run; chord header tasks must keep their results (ignore_result=False)",
    summary="Tasks in a chord header must not ignore their results",
    what="Finds a chord -- `chord(header)(body)`, `chord(header, body)`, `group(...) | body`, or a "
         "group followed by another step in a chain -- whose header holds a signature of a task of "
         "the module defined with `ignore_result=True` (on the decorator or on its Task class), or of a "
         "task of another module of the project defined so (through the project index).",
    why="A chord runs its body once every header task has stored its result. A header task that "
        "ignores its result never reports it, so the chord waits forever and the body never runs, "
        "without an error. Celery's documentation: tasks used within a chord must not ignore "
        "their results.",
    example="""\
from celery import chord, shared_task

@shared_task(ignore_result=True)
def resize(image_id):
    ...

@shared_task
def notify(results, album_id):
    ...

def publish(album_id, image_ids):
    chord([resize.s(i) for i in image_ids])(notify.s(album_id))
""",
    instead="""\
from celery import chord, shared_task

@shared_task
def resize(image_id):
    ...

@shared_task
def notify(results, album_id):
    ...

def publish(album_id, image_ids):
    chord([resize.s(i) for i in image_ids])(notify.s(album_id))
""",
    options=("task_decorators", "app_names", "task_base_classes"),
    references=(_REF_CHORD_NOTES,),
)


CEL603 = Rule(
    code="CEL603",
    symbol="celery-chain-arity",
    msgid="E7863",
    message="{task}() gets the previous task's result as its first argument, but the signature "
            "already fills its parameters ({given}): TypeError at run time; use {task}.si(...) when "
            "it does not need the result, or give it a parameter for it",
    summary="A chained signature needs room for the parent's result, or must be immutable (.si)",
    what="Finds a mutable signature of a task of the module, or of another module of the project "
         "whose signature the project index knows (`b.s(...)`), placed after another step "
         "of a chain (`a.s() | b.s(x)`, `chain(a.s(), b.s(x))`, a group after a step) or used as a "
         "chord body, whose arguments already fill every parameter of the task, so the parent's "
         "result (prepended to the arguments) makes the call fail.",
    why="In a chain Celery calls the next task with the previous task's return value as its first "
        "positional argument, and a chord body with the list of header results. When the "
        "signature already supplies all the parameters, the task is called with one argument too "
        "many and fails with TypeError, after the earlier steps have done their work. An immutable "
        "signature (`.si(...)`) ignores the parent's result.",
    example="""\
from celery import chain, shared_task

@shared_task
def fetch(url):
    ...

@shared_task
def send_report(email, subject):
    ...

def run(url, email):
    chain(fetch.s(url), send_report.s(email, "Done")).delay()
""",
    instead="""\
from celery import chain, shared_task

@shared_task
def fetch(url):
    ...

@shared_task
def send_report(email, subject):
    ...

def run(url, email):
    chain(fetch.s(url), send_report.si(email, "Done")).delay()
""",
    options=("task_decorators", "app_names", "task_base_classes"),
    references=(_REF_CHAINS, _REF_IMMUTABLE),
)


@fixer(safe=False, description=(
    "adds `minute=0`: the task then runs once at the start of each matching hour instead of every minute "
    "of it"))
def _fix_crontab_minute(node: ast.AST, model: ModuleModel):
    if not isinstance(node, ast.Call) or not node.keywords or node.args:
        return None
    first = min(node.keywords, key=lambda kw: (kw.lineno, kw.col_offset))
    return [insert(model.source.start(first), "minute=0, ")]


CEL604 = Rule(
    code="CEL604",
    symbol="celery-crontab-implicit-minute",
    msgid="W7864",
    message="crontab({fields}) without minute= runs every minute of the matching hours, because "
            "minute defaults to '*'; give minute= explicitly (e.g. minute=0)",
    summary="Give crontab() schedules an explicit minute",
    what="Finds `celery.schedules.crontab(...)` (however imported) given `hour=`, `day_of_week=`, "
         "`day_of_month=` or `month_of_year=` but no `minute`, outside test modules (the "
         "`test-paths` setting), where crontab objects are test data rather than schedules.",
    why="Every field of `crontab` defaults to `'*'`. `crontab(hour=7)` does not mean \"at 7 "
        "o'clock\" but \"every minute from 7:00 to 7:59\": the task runs sixty times a day.",
    example="""\
from celery.schedules import crontab

beat_schedule = {
    "daily-report": {"task": "reports.tasks.daily", "schedule": crontab(hour=7)},
}
""",
    instead="""\
from celery.schedules import crontab

beat_schedule = {
    "daily-report": {"task": "reports.tasks.daily", "schedule": crontab(minute=0, hour=7)},
}
""",
    options=("test_paths",),
    references=("Celery user guide, Periodic Tasks: Crontab schedules "
                "(docs/userguide/periodic-tasks.rst#beat-crontab)",),
    fix=_fix_crontab_minute,
)


CEL605 = Rule(
    code="CEL605",
    symbol="celery-delay-in-loop",
    msgid="W7865",
    message="{method}() inside a loop sends one message per iteration; send the fan-out as one "
            "canvas with {canvas} instead",
    summary="Send a fan-out as one group or chunks, not .delay() in a loop",
    default=False,
    what="Finds `.delay(...)` and `.apply_async(...)` inside a `for` / `while` loop or a "
         "comprehension, called on a task of the module, a task imported from a `tasks` module, or "
         "a signature (`task.s(...).delay()`). Test modules (the `test-paths` setting) are left "
         "alone: tests send tasks one by one on purpose. So are loops over a fixed few: a setting "
         "(`for index in settings.SEARCH_INDEXES:`, `app.conf.x`) or a literal of at most ten "
         "constants, one message per configured target, and `while True:` loops, which send one "
         "message per event as it arrives (a consumer, a menu): there is no collection to group. Nor "
         "are loops over batches (`range(0, len(items), size)`, `itertools.batched(items, 50)`, a "
         "`chunked(...)` helper), which send one message per batch: the fan-out split already.",
    why="A loop of `.delay()` calls publishes the messages one at a time, gives no handle on the "
        "whole fan-out, and cannot be followed by a callback. `group(...)` sends them as one "
        "canvas with one GroupResult (and a chord callback if needed); `Task.chunks` splits a "
        "long list into a few messages.",
    example="""\
from celery import shared_task

@shared_task
def index_document(doc_id):
    ...

def reindex(doc_ids):
    for doc_id in doc_ids:
        index_document.delay(doc_id)
""",
    instead="""\
from celery import group, shared_task

@shared_task
def index_document(doc_id):
    ...

def reindex(doc_ids):
    group(index_document.s(doc_id) for doc_id in doc_ids).delay()
""",
    options=("task_decorators", "app_names", "task_base_classes", "test_paths"),
    references=("Celery user guide, Canvas: Groups (docs/userguide/canvas.rst#canvas-group)",
                "Celery user guide, Canvas: Chunks (docs/userguide/canvas.rst#canvas-chunks)"),
)

_CRONTAB = "celery.schedules.crontab"
_CRONTAB_FIELDS = ("hour", "day_of_week", "day_of_month", "month_of_year")
_SENDING_METHODS = frozenset({"delay", "apply_async"})


# ------------------------------------------------------------------------------------
# CEL602 and CEL603
# ------------------------------------------------------------------------------------

def _project_task(ctx: Context, sig: Sig) -> dict | None:
    """The summary of the task of another module of the project that a signature names (through
    imports), when the module has none of its own by that name and the index knows it."""
    if sig.task is not None or ctx.project is None or not isinstance(sig.target, (ast.Name, ast.Attribute)):
        return None
    found = ctx.project.imported_task(ctx.filename, ctx.resolve(sig.target))
    return None if found is None else found[1]


def _check_header(ctx: Context, header: ast.AST | None) -> None:
    if header is None:
        return
    model = ctx.model
    for member in group_members(model, header):
        sig = signature_of(model, member)
        if sig is None or not sig.options_known:
            continue
        other = _project_task(ctx, sig)
        if sig.task is None and other is None:
            continue
        override = sig.options.get("ignore_result")
        if override is not None:
            ignored = is_const(override, True)
        else:
            ignored = ignores_result(model, sig.task) if other is None else other["ignore_result"] is True
        if ignored:
            ctx.report(sig.node, CEL602, task=sig.task.label if other is None else other["label"])


def _given(sig: Sig) -> str:
    parts = [f"{len(sig.args or ())} positional"]
    if sig.kwargs:
        parts.append("keyword " + ", ".join(f"{k}=" for k in sig.kwargs))
    return " and ".join(parts)


def lacks_room(task: TaskInfo, sig: Sig) -> bool:
    """Does ``task(parent_result, *sig.args, **sig.kwargs)`` fail for want of a parameter?"""
    if sig.args is None or sig.kwargs is None:
        return False
    if task.node.args.vararg is not None or task.has_star_kwargs:
        return False
    if task.kind is TaskKind.FUNCTION and len(task.node.decorator_list) != 1:
        return False  # other decorators may change what the task is called with
    params = task.params
    posonly = len(task.node.args.posonlyargs)
    if task.bound:
        if not params:
            return False
        params = params[1:]
        posonly = max(posonly - 1, 0)
    positional = 1 + len(sig.args)
    if positional > len(params):
        return True
    filled = {p.arg for i, p in enumerate(params[:positional]) if i >= posonly}
    return any(name in filled for name in sig.kwargs)


def lacks_room_in(params: dict, sig: Sig) -> bool:
    """:func:`lacks_room` for a task of another module, from its parameters in the project index
    (``sig`` of its summary: positional names without a bound ``self``; None when unknown)."""
    if sig.args is None or sig.kwargs is None or params is None or params["var"]:
        return False
    positional = 1 + len(sig.args)
    if positional > len(params["pos"]):
        return True
    filled = {name for i, name in enumerate(params["pos"][:positional]) if i >= params["posonly"]}
    return any(name in filled for name in sig.kwargs)


def _check_receivers(ctx: Context, expr: ast.AST | None) -> None:
    if expr is None:
        return
    for sig in receivers(ctx.model, expr):
        if sig.immutable is not False:
            continue
        if sig.task is not None:
            if lacks_room(sig.task, sig):
                ctx.report(sig.node, CEL603, task=sig.task.label, given=_given(sig))
            continue
        other = _project_task(ctx, sig)
        if other is not None and lacks_room_in(other["sig"], sig):
            ctx.report(sig.node, CEL603, task=other["label"], given=_given(sig))


@on(ast.BinOp, reports=(CEL602, CEL603))
def pipe(node: ast.BinOp, ctx: Context) -> None:
    """``left | right`` of signatures: a chain step (CEL603), or a chord (CEL602)."""
    if not isinstance(node.op, ast.BitOr) or not (ctx.model.tasks or ctx.project):
        return
    model = ctx.model
    if not is_canvas(model, node.left):
        return
    _check_receivers(ctx, node.right)
    step = last_step(model, node.left)
    if is_nonempty_group(model, step) and is_canvas(model, node.right):
        _check_header(ctx, step)


def _check_chain(ctx: Context, call: ast.Call) -> None:
    steps = chain_steps(call)
    seen_step = False
    for i, step in enumerate(steps):
        if isinstance(step, ast.Starred):
            continue
        if seen_step:
            _check_receivers(ctx, step)
        seen_step = True
        if i + 1 < len(steps) and is_nonempty_group(ctx.model, step):
            _check_header(ctx, step)


def _check_canvas_call(ctx: Context, call: ast.Call) -> None:
    kind = canvas_name(ctx.model, call)
    if kind == CHAIN:
        _check_chain(ctx, call)
    elif kind == CHORD:
        header, body = chord_parts(call)
        _check_header(ctx, header)
        _check_receivers(ctx, body)
    elif isinstance(call.func, ast.Call) and canvas_name(ctx.model, call.func) == CHORD:
        # chord(header)(body): chord.__call__(body=None, **options)
        body = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else None
        for kw in call.keywords:
            if kw.arg == "body":
                body = kw.value
        _check_receivers(ctx, body)


# ------------------------------------------------------------------------------------
# CEL601, CEL604, CEL605
# ------------------------------------------------------------------------------------

def literal_queue(model: ModuleModel, expr: ast.AST) -> str | None:
    """The queue name an expression spells out: a string, or a name bound once to one."""
    if isinstance(expr, ast.Name):
        value = single_value(model, expr)
        expr = value if value is not None else expr
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def _queue_keywords(ctx: Context, call: ast.Call) -> list[tuple[ast.AST, ast.expr]]:
    """(node to report, value) of ``queue=`` (or ``options={"queue": ...}``) in a routing call."""
    func = call.func
    model = ctx.model
    if isinstance(func, ast.Attribute):
        method = func.attr
        if method == "apply_async":
            pass
        elif method == "send_task":
            if not model.is_app(func.value):
                return []
        elif method in SIGNATURE_METHODS or method == "set":
            if signature_of(model, call) is None:
                return []
        else:
            return []
    elif model.resolve(func) != SIGNATURE:
        return []
    found: list[tuple[ast.AST, ast.expr]] = [(kw, kw.value) for kw in call.keywords if kw.arg == "queue"]
    for kw in call.keywords:
        if kw.arg == "options" and isinstance(kw.value, ast.Dict):
            found.extend((k, v) for k, v in zip(kw.value.keys, kw.value.values) if is_const(k, "queue"))
    return found


def _crontab_without_minute(ctx: Context, call: ast.Call) -> None:
    if call.args or ctx.resolve(call.func) != _CRONTAB or ctx.model.is_test_module():
        return
    names = [kw.arg for kw in call.keywords]
    if None in names or "minute" in names:
        return
    fields = [kw.arg for kw in call.keywords if kw.arg in _CRONTAB_FIELDS and not is_const(kw.value, "*")]
    if fields:
        ctx.report(call, CEL604, fields=", ".join(f"{f}=..." for f in fields))


def _not_celery_tasks_module(qualname: str | None) -> bool:
    """A name from a project's tasks module (``proj.tasks.send_mail``), not one of Celery's own."""
    return from_tasks_module(qualname) and qualname.split(".")[0] != "celery"


def _expr_name(expr: ast.AST) -> str:
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return expr.id if isinstance(expr, ast.Name) else "task"


def _sent_task_name(ctx: Context, receiver: ast.AST) -> str | None:
    """The name of the task a ``.delay`` / ``.apply_async`` receiver evidently is, else None."""
    model = ctx.model
    task = model.task_named(receiver)
    if task is not None:
        return task.label
    sig = signature_of(model, receiver)
    if sig is not None:
        if sig.task is not None:
            return sig.task.label
        func = sig.node.func
        return _expr_name(func.value) if isinstance(func, ast.Attribute) else "task"
    if isinstance(receiver, (ast.Name, ast.Attribute)) and _not_celery_tasks_module(model.resolve(receiver)):
        return _expr_name(receiver)
    return None


def _delay_in_loop(ctx: Context, call: ast.Call) -> None:
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in _SENDING_METHODS:
        return
    if not sent_repeatedly(ctx.model, call) or ctx.model.is_test_module() or _over_a_fixed_few(ctx.model, call):
        return
    name = _sent_task_name(ctx, func.value)
    if name is not None:
        canvas = f"group(...) or {name}.chunks(...)" if _chunks_fit(ctx.model, call) else "group(...)"
        ctx.report(call, CEL605, method=func.attr, canvas=canvas)


#: What apply_async takes beside the task's arguments: a chunk cannot carry them per item.
_ARGUMENTS = frozenset({"args", "kwargs"})


def _chunks_fit(model: ModuleModel, call: ast.Call) -> bool:
    """Would ``task.chunks(...)`` do what the loop does?  Not when each send passes options of its
    own (``apply_async(..., countdown=i)``: a group of ``task.s(...).set(...)`` keeps them), nor for a
    task whose class may send differently (its own ``apply_async``, a ``base=``: celery_once's
    QueueOnce takes its lock there, and chunks run the items inside one task, past it)."""
    if any(kw.arg not in _ARGUMENTS for kw in call.keywords) or len(call.args) > 2:
        return False
    task = model.task_named(call.func.value)
    return task is None or ("base" not in task.options and not task.base_unresolved
                            and not df.task_class_overrides(model, task, ("apply_async", "delay")))


#: A literal collection of at most this many constants is a fixed few, not a fan-out.
_FEW = 10


def _over_a_fixed_few(model: ModuleModel, call: ast.AST) -> bool:
    """Does the innermost loop around the send iterate over a fixed few: a setting
    (``settings.SEARCH_INDEXES``, ``app.conf.x``: what the deployment configures, not the data), or a
    literal of at most ``_FEW`` constants?  One message per configured target is no fan-out to group.
    Nor is ``while True:``, a loop that sends one message per event as it comes."""
    loop = model.in_loop(call)
    if isinstance(loop, ast.While):
        # ``while True:`` sends as events arrive (a consumer, a menu): no collection to group.
        return isinstance(loop.test, ast.Constant) and bool(loop.test.value)
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        iterable = loop.iter
    elif isinstance(loop, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        iterable = loop.generators[-1].iter
    else:
        return False
    if isinstance(iterable, (ast.Tuple, ast.List, ast.Set)):
        return len(iterable.elts) <= _FEW and all(isinstance(e, ast.Constant) for e in iterable.elts)
    if _batches(model, iterable):
        return True
    while isinstance(iterable, (ast.Attribute, ast.Subscript)):
        if isinstance(iterable, ast.Attribute) and _is_settings(model, iterable):
            return True
        iterable = iterable.value
    return False


#: Helpers that split a sequence into batches, whatever module they come from (itertools.batched,
#: more_itertools.chunked / grouper, a project's own chunks()): a loop over them sends one message per
#: batch; and more_itertools' ichunked, by its full name.
_BATCHING_NAMES = frozenset({"chunked", "batched", "chunks", "grouper"})
_BATCHING = "more_itertools.ichunked"


def _batches(model: ModuleModel, iterable: ast.AST) -> bool:
    """Is the loop over batches: ``range(0, len(items), size)`` (a step: each round takes
    ``items[i:i + size]``) or a batching helper (``itertools.batched(items, 50)``)?  One message per
    batch is the fan-out already split, what ``Task.chunks`` would do."""
    if not isinstance(iterable, ast.Call):
        return False
    func = iterable.func
    if isinstance(func, ast.Name) and func.id == "range" and model.is_builtin(func):
        return len(iterable.args) == 3 and not (isinstance(iterable.args[2], ast.Constant)
                                                and iterable.args[2].value in (1, -1))
    name = model.resolve(func) or ""
    return name == _BATCHING or name.rsplit(".", 1)[-1] in _BATCHING_NAMES


def _is_settings(model: ModuleModel, attr: ast.Attribute) -> bool:
    """``settings.X`` (Django's, or a project's own settings object: an upper-case name on
    something called ``settings``) or ``app.conf.x``."""
    owner = attr.value
    if model.resolve(owner) == "django.conf.settings" or is_conf(model, owner):
        return True
    q = model.resolve(owner)  # ``from proj.system import settings as system_settings`` is a settings object
    name = q.rsplit(".", 1)[-1] if q else owner.attr if isinstance(owner, ast.Attribute) else None
    return name == "settings" and attr.attr.isupper()


def sent_repeatedly(model: ModuleModel, call: ast.AST) -> bool:
    """Is the call inside a loop that may run it more than once?  Not when the iteration that
    sends also leaves the loop (``send(); return``, ``send(); break`` with no outer loop)."""
    node = call
    while True:
        loop = model.in_loop(node)
        if loop is None:
            return False
        exit_stmt = _exit_after(model, node, loop)
        if exit_stmt is None:
            return True
        if not isinstance(exit_stmt, ast.Break):
            return False  # return / raise: no further iteration of any loop around
        node = loop  # break leaves this loop only; an outer one may still repeat it


def _exit_after(model: ModuleModel, node: ast.AST, loop: ast.AST) -> ast.stmt | None:
    """The ``return`` / ``break`` / ``raise`` that surely follows ``node`` in the same iteration
    of ``loop`` (or holds it: ``return task.delay(x)``), else None."""
    child = node
    for anc in model.ancestors(node):
        if isinstance(anc, (ast.Return, ast.Raise)):
            return anc
        for name in ("body", "orelse", "finalbody"):
            stmts = getattr(anc, name, None)
            if isinstance(stmts, list) and child in stmts:
                later = stmts[stmts.index(child) + 1:]
                found = next((s for s in later if isinstance(s, (ast.Return, ast.Break, ast.Raise))), None)
                if found is not None:
                    return found
        if anc is loop:
            return None
        child = anc
    return None


@on(ast.Call, reports=(CEL601, CEL602, CEL603, CEL604, CEL605))
def canvas_call(node: ast.Call, ctx: Context) -> None:
    for where, value in _queue_keywords(ctx, node):
        _report_queue(ctx, where, value)
    _crontab_without_minute(ctx, node)
    _delay_in_loop(ctx, node)
    if ctx.model.tasks or ctx.project is not None:
        _check_canvas_call(ctx, node)


@on_module(reports=(CEL601,))
def decorator_queue(ctx: Context) -> None:
    """CEL601 on ``queue=`` of task decorators."""
    for task in ctx.model.tasks:
        kw = task.options.get("queue")
        if kw is not None:
            _report_queue(ctx, kw, kw.value)


def _report_queue(ctx: Context, where: ast.AST, value: ast.expr) -> None:
    queue = literal_queue(ctx.model, value)
    if queue is not None and not ctx.model.is_test_module():
        ctx.report(where, CEL601, queue=queue)
