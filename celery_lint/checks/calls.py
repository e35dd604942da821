"""Task arguments and calling tasks (CEL101-CEL108).

What a task receives travels through the broker as a serialized message: it must be small,
plain data (ids, not objects) that the serializer can carry, and the call's execution
options (``countdown=``, ``eta=``, ``expires=``, ...) must reach Celery rather than the task,
with the types Celery expects.  The checks here read each call that sends a task
(``add.delay(...)``, ``add.apply_async(...)``, ``add.s(...)``, ``app.send_task(...)``,
``self.retry(...)``) and the options of task decorators and Task classes.
"""
from __future__ import annotations

import ast
import re
from functools import cached_property
from typing import Iterator

from .. import dataflow as df
from .. import results
from ..celery_data import EXECUTION_OPTIONS
from ..engine import Context, on, on_module
from ..fixes import Source, edit, fixer, inert, insert
from ..model import MAX_DEPTH, BindingKind, ModuleModel, TaskInfo, const
from ..results import STAR_METHODS, TaskCall
from ..rule import Rule
from ..text import as_float, number, snippet

_REF_STATE = "Celery user guide, Tasks: State (docs/userguide/tasks.rst#state)"
_REF_CALLING = "Celery user guide, Calling Tasks: Basics (docs/userguide/calling.rst#basics)"
_REF_ETA = "Celery user guide, Calling Tasks: ETA and Countdown (docs/userguide/calling.rst#eta-and-countdown)"
_REF_EXPIRES = "Celery user guide, Calling Tasks: Expiration (docs/userguide/calling.rst#expiration)"
_REF_SERIALIZERS = "Celery user guide, Calling Tasks: Serializers (docs/userguide/calling.rst#serializers)"
_REF_APPLY_ASYNC = "Celery API reference, celery.app.task: Task.apply_async (docs/reference/celery.app.task.rst)"
_REF_TIMEZONE = "Celery user guide, Configuration: timezone (docs/userguide/configuration.rst#timezone)"
_REF_VISIBILITY = ("Celery getting started, Using Redis: Visibility timeout "
                   "(docs/getting-started/backends-and-brokers/redis.rst#visibility-timeout)")

CEL101 = Rule(
    code="CEL101",
    symbol="celery-complex-argument",
    msgid="W7811",
    message="{what} is passed to a task; Celery serializes task arguments into the message "
            "(task_serializer), so pass plain data such as the primary key and re-fetch the object "
            "inside the task",
    summary="Pass ids and plain data to tasks, not model instances, requests or other objects",
    what="Finds task arguments that are evidently complex objects: a name bound in the same function "
         "to a Django model instance or queryset (`Order.objects.get(...)`, `.filter(...)`, "
         "`get_object_or_404(...)`, `get_or_create(...)[0]`, a loop variable over a queryset, "
         "`form.save()`, `serializer.save()`), `self`, a view's `request` or `request.user`, the "
         "`instance` of a model-signal receiver, a lambda, a generator or an open file, given to "
         "`.delay()`, `.apply_async(args=, kwargs=)`, `.s()`, `.si()` or `signature(...)`. Also a task "
         "parameter annotated with a model class. A class imported from a `models` module counts as a "
         "Django model only in a module that imports Django, and `self` only when the module sees every "
         "base class (one it cannot see may make the object serializable) and the task does not pickle "
         "on purpose (`serializer='pickle'`: CEL003's). Rows of `values()` and "
         "`values_list()` (ids, tuples, dicts), `count()`, `exists()` and `aggregate()` are plain data; "
         "a `request` parameter annotated with another type than an HTTP request (a pydantic model, a "
         "dataclass, a class of the project) is not the request.",
    why="The arguments travel through the broker. With the JSON serializer a model instance cannot be "
        "sent at all (`EncodeError`); with pickle it arrives as a stale copy of the row as it was when "
        "the task was queued, and the worker may overwrite newer data with it. Requests, files, "
        "lambdas and generators cannot be serialized. Passing the primary key and fetching the object "
        "inside the task always sees the current row.",
    example="""\
from celery import shared_task
from django.shortcuts import get_object_or_404

from .models import Order


@shared_task
def send_receipt(order):
    order.send_receipt()


def checkout(request, order_id):
    order = get_object_or_404(Order, pk=order_id)
    send_receipt.delay(order)
""",
    instead="""\
from celery import shared_task
from django.shortcuts import get_object_or_404

from .models import Order


@shared_task
def send_receipt(order_id):
    Order.objects.get(pk=order_id).send_receipt()


def checkout(request, order_id):
    order = get_object_or_404(Order, pk=order_id)
    send_receipt.delay(order.pk)
""",
    references=(_REF_STATE, _REF_SERIALIZERS),
    options=("task_decorators", "app_names", "task_base_classes"),
)


@fixer(safe=True, description=(
    'rewrites `t.delay(a, b=1, countdown=5)` as `t.apply_async((a,), {"b": 1}, countdown=5)`; no fix with'
    " `*args` / `**kwargs`, comments in the call, or values whose order would change"))
def _fix_delay_options(node: ast.AST, model: ModuleModel):
    call_node = model.parent(node)
    call = results.task_call(model, call_node) if isinstance(call_node, ast.Call) else None
    if call is None or call.method != "delay" or not isinstance(call_node.func, ast.Attribute):
        return None
    if call.task is not None and df.task_class_overrides(model, call.task, ("delay",)):
        return None  # its own delay() may do more than apply_async()
    args, keywords = call_node.args, call_node.keywords
    if any(isinstance(a, ast.Starred) for a in args) or any(kw.arg is None for kw in keywords):
        return None
    options = {id(kw) for kw, _ in _misplaced_options(model, call)}
    source: Source = model.source
    items = sorted((*args, *keywords), key=lambda n: (n.lineno, n.col_offset))
    first, last = source.start(items[0]), source.end(items[-1])
    kept = "".join(source.segment(n) for n in items)
    if "#" in source.between(first, last).replace(kept, "") or "\\" in source.between(first, last):
        return None  # a comment or a continuation among the arguments
    # Options move after the task's keyword arguments: only where no call can see the new order.
    order = [id(kw) in options for kw in keywords]
    if order != sorted(order) and not all(inert(kw.value) for kw in keywords if id(kw) in options):
        return None
    task_args = [source.segment(a) for a in args]
    task_kwargs = [f'"{kw.arg}": {source.segment(kw.value)}' for kw in keywords if id(kw) not in options]
    parts = [f"({task_args[0]},)" if len(task_args) == 1 else f"({', '.join(task_args)})"]
    if task_kwargs:
        parts.append("{" + ", ".join(task_kwargs) + "}")
    elif not args:
        parts = []
    parts += [source.segment(kw) for kw in keywords if id(kw) in options]
    end = source.end(call_node.func)
    return [edit((end[0], end[1] - len("delay")), end, "apply_async"), edit(first, last, ", ".join(parts))]


CEL102 = Rule(
    code="CEL102",
    symbol="celery-delay-execution-option",
    msgid="E7812",
    message="'{option}=' given to {method}() {receives}, not used as Celery's execution option; {fix}",
    summary="Give execution options to apply_async(), not to delay()",
    what="Finds `.delay(...)` (and `.s()`, `.si()`, `.delay_on_commit()`) called with a keyword that is "
         "one of `apply_async()`'s execution options (`countdown=`, `eta=`, `expires=`, `queue=`, "
         "`priority=`, `link=`, ...). When the task is defined in the same module, or in another module of "
         "the project whose signature the project index knows, and declares a parameter of that name, "
         "the keyword is meant for the task and is not reported. A task that "
         "takes `**kwargs` without such a parameter is reported (the option vanishes into `**kwargs` "
         "without an error) unless its body reads that key, passes `**kwargs` on or iterates over it, "
         "or its Task class may take options out of the keywords (one the module cannot see, or one "
         "that overrides `delay`, `apply_async` or `__call__`).",
    why="`delay(*args, **kwargs)` is `apply_async(args, kwargs)`: every keyword becomes a keyword "
        "argument of the task. `add.delay(2, 2, countdown=60)` does not delay anything; it calls "
        "`add(2, 2, countdown=60)`, which fails with `TypeError` when the task does not take "
        "`countdown`, or silently does the wrong thing when it takes `**kwargs`.",
    example="""\
from celery import shared_task


@shared_task
def send_reminder(user_id):
    ...


def schedule(user_id):
    send_reminder.delay(user_id, countdown=3600)
""",
    instead="""\
from celery import shared_task


@shared_task
def send_reminder(user_id):
    ...


def schedule(user_id):
    send_reminder.apply_async((user_id,), countdown=3600)
""",
    references=(_REF_CALLING, _REF_APPLY_ASYNC),
    options=("task_decorators", "app_names", "task_base_classes"),
    fix=_fix_delay_options,
)


@fixer(safe=True, description=(
    "adds the missing comma of a parenthesised single value: `args=(x)` becomes `args=(x,)`"))
def _fix_args_tuple(node: ast.AST, model: ModuleModel):
    if isinstance(node, ast.keyword):
        if node.arg != "args" or not _parenthesised_keyword(node):
            return None
        value = node.value
    else:
        call = model.parent(node)
        if not (isinstance(call, ast.Call) and call.args and call.args[0] is node and _parenthesised_first(call)):
            return None
        value = node
    if not isinstance(value, _SCALAR_EXPRS):
        return None
    source: Source = model.source
    end = source.end(value)
    following = _COMMENTS.sub("", source.text[source.offset(end):source.offset(source.end(model.parent(value)))])
    return [insert(end, ",")] if following.lstrip().startswith(")") else None


_COMMENTS = re.compile(r"#[^\r\n]*")


CEL103 = Rule(
    code="CEL103",
    symbol="celery-apply-async-args",
    msgid="E7813",
    message="{problem}: apply_async() takes the task's positional arguments as one tuple or list "
            "(args=(x,)) and its keyword arguments as a dict (kwargs=), and Celery raises TypeError "
            "when sending",
    summary="Give apply_async() a tuple of args and a dict of kwargs",
    what="Finds `apply_async()` calls whose `args=` (or first positional argument) is evidently not a "
         "sequence: a parenthesised single value `(x)` (which is not a tuple), a string, bytes, number, "
         "dict or set literal, an f-string; whose `kwargs=` is a list or tuple literal; or that pass "
         "the task's arguments one by one as more than two positional arguments.",
    why="`apply_async(args, kwargs, ...)` does not unpack: `args` must be a list or tuple and `kwargs` "
        "a mapping, or Celery raises `TypeError: task args must be a list or tuple` when sending. "
        "`args=(user_id)` is only a parenthesised integer; the tuple is `(user_id,)`. A string is worse: "
        "Celery may unpack it into single characters.",
    example="""\
from celery import shared_task


@shared_task
def index_document(doc_id):
    ...


def reindex(doc_id):
    index_document.apply_async(args=(doc_id), queue="search")
""",
    instead="""\
from celery import shared_task


@shared_task
def index_document(doc_id):
    ...


def reindex(doc_id):
    index_document.apply_async(args=(doc_id,), queue="search")
""",
    references=(_REF_APPLY_ASYNC, _REF_CALLING),
    options=("task_decorators", "app_names", "task_base_classes"),
    fix=_fix_args_tuple,
)


CEL104 = Rule(
    code="CEL104",
    symbol="celery-eta-and-countdown",
    msgid="W7814",
    message="both eta= and countdown= are given to {method}(): countdown silently replaces eta; "
            "pass only one of them",
    summary="Give a task either eta or countdown, not both",
    what="Finds `apply_async()`, `send_task()`, `retry()` and signature options that set both `eta=` and "
         "`countdown=`.",
    why="Celery turns `countdown` into an ETA and overwrites the `eta` you gave; the documentation says "
        "they may not both be given. One of the two values is silently ignored, so the task runs at a "
        "time nobody wrote down.",
    example="""\
from datetime import datetime, timedelta, timezone

from celery import shared_task


@shared_task
def close_poll(poll_id):
    ...


def schedule_close(poll_id):
    close_at = datetime.now(timezone.utc) + timedelta(days=7)
    close_poll.apply_async((poll_id,), eta=close_at, countdown=60)
""",
    instead="""\
from datetime import datetime, timedelta, timezone

from celery import shared_task


@shared_task
def close_poll(poll_id):
    ...


def schedule_close(poll_id):
    close_at = datetime.now(timezone.utc) + timedelta(days=7)
    close_poll.apply_async((poll_id,), eta=close_at)
""",
    references=(_REF_ETA, _REF_APPLY_ASYNC),
)


@fixer(safe=False, description=(
    "makes `datetime.now()` / `today()` / `fromtimestamp(x)` in the option aware with `timezone.utc` "
    "(importing `timezone` from datetime when the name is free); the time it gives changes by the "
    "server's UTC offset"))
def _fix_naive_eta(node: ast.AST, model: ModuleModel):
    if not isinstance(node, ast.keyword):
        return None
    naive = _naive_call(model, node.value)
    if naive is None or not isinstance(naive.func, ast.Attribute):
        return None
    utc, imports = _utc(model, node)
    if utc is None:
        return None
    source: Source = model.source
    start, end = source.end(naive.func.value), source.end(naive)
    if model.resolve(naive.func) == "datetime.datetime.fromtimestamp":
        if len(naive.args) != 1 or naive.keywords:
            return None
        fixed = edit(source.end(naive.args[0]), source.end(naive.args[0]), f", {utc}")
    elif naive.args or naive.keywords or source.between(start, end).replace(" ", "") not in (".now()", ".today()"):
        return None
    else:
        fixed = edit(start, end, f".now({utc})")
    return [fixed, *imports]


def _naive_call(model: ModuleModel, expr: ast.AST) -> ast.Call | None:
    """The naive ``datetime`` call an option's value is made of, seen without following names."""
    while isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Sub)):
        expr = expr.left if _naive(model, expr.left) else expr.right
    return expr if isinstance(expr, ast.Call) and model.resolve(expr.func) in _NAIVE_CALLS else None


def _utc(model: ModuleModel, where: ast.AST) -> tuple[str | None, list]:
    """How to spell UTC at ``where``: through a name bound to ``datetime.timezone`` or to the
    datetime module, or through ``timezone`` imported by the fix (with the edit that imports it)."""
    for name in sorted(model.imported_names):
        bindings = model.lookup(name, where)
        if not bindings or any(b.kind is not BindingKind.IMPORT for b in bindings):
            continue
        values = {b.value for b in bindings}
        if values == {"datetime.timezone"}:
            return f"{name}.utc", []
        if values == {"datetime"}:
            return f"{name}.timezone.utc", []
    if any("timezone" in names for names in model.bindings.values()) or "timezone" in model.imported_names:
        return None, []
    source: Source = model.source
    stmt = next((s for s in model.tree.body if isinstance(s, (ast.Import, ast.ImportFrom))
                 and (isinstance(s, ast.Import) or s.module == "datetime")
                 and any(a.name == "datetime" for a in s.names)), None)
    if stmt is None or source.lines[stmt.end_lineno - 1][source.end(stmt)[1]:].strip():
        return None, []
    line = stmt.end_lineno
    if line == len(source.lines):
        return "timezone.utc", [insert((line, len(source.lines[-1])), source.newline + "from datetime import timezone")]
    return "timezone.utc", [insert((line + 1, 0), "from datetime import timezone" + source.newline)]


CEL105 = Rule(
    code="CEL105",
    symbol="celery-naive-eta",
    msgid="W7815",
    message="{option}={value} is a naive local time, which Celery reads as UTC, so the task runs off by "
            "the server's UTC offset; use an aware datetime such as datetime.now(timezone.utc) or "
            "Django's timezone.now()",
    summary="Give eta and expires aware datetimes",
    what="Finds `eta=` and `expires=` given `datetime.now()`, `datetime.today()` or "
         "`datetime.fromtimestamp(x)` without a time zone (directly, through a local name, or plus or "
         "minus a `timedelta`).",
    why="Celery treats a naive `eta` or `expires` as UTC. `datetime.now()` is the server's local time, so "
        "on a server that is not on UTC the task runs (or expires) hours early or late. "
        "`datetime.utcnow()` is naive but UTC, so it is right; aware datetimes are always right.",
    example="""\
from datetime import datetime, timedelta

from celery import shared_task


@shared_task
def send_digest(user_id):
    ...


def schedule_digest(user_id):
    send_digest.apply_async((user_id,), eta=datetime.now() + timedelta(hours=1))
""",
    instead="""\
from datetime import datetime, timedelta, timezone

from celery import shared_task


@shared_task
def send_digest(user_id):
    ...


def schedule_digest(user_id):
    send_digest.apply_async((user_id,), eta=datetime.now(timezone.utc) + timedelta(hours=1))
""",
    references=(_REF_ETA, _REF_TIMEZONE),
    fix=_fix_naive_eta,
)


CEL106 = Rule(
    code="CEL106",
    symbol="celery-time-option-type",
    msgid="E7816",
    message="{option}= is given {given}, but Celery expects {expected} and fails when sending the task; "
            "{fix}",
    summary="Give countdown, expires and time limits in seconds and eta as a datetime",
    what="Finds a `timedelta(...)` given to `countdown=`, `expires=`, `time_limit=` or `soft_time_limit=` "
         "(of `apply_async()`, `send_task()`, `retry()`, a signature, a task decorator or a Task class, "
         "and `default_retry_delay`), and a number or a `timedelta` given to `eta=`.",
    why="Celery compares `countdown` and `expires` with numbers and calls `eta.isoformat()`: a `timedelta` "
        "countdown raises `TypeError`, a numeric `eta` raises `AttributeError`, and a `timedelta` time "
        "limit cannot be encoded into the message (`EncodeError`). The task is never sent.",
    example="""\
from datetime import timedelta

from celery import shared_task


@shared_task
def expire_session(session_id):
    ...


def logout_later(session_id):
    expire_session.apply_async((session_id,), countdown=timedelta(minutes=30))
""",
    instead="""\
from datetime import timedelta

from celery import shared_task


@shared_task
def expire_session(session_id):
    ...


def logout_later(session_id):
    expire_session.apply_async((session_id,), countdown=timedelta(minutes=30).total_seconds())
""",
    references=(_REF_ETA, _REF_EXPIRES, _REF_APPLY_ASYNC),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL107 = Rule(
    code="CEL107",
    symbol="celery-countdown-beyond-visibility-timeout",
    msgid="W7817",
    message="{option} of {delay} seconds reaches the broker's visibility timeout ({timeout} seconds): "
            "Redis and SQS redeliver the unacknowledged task, so it runs twice; use a shorter delay "
            "(or a periodic task) or raise visibility_timeout in broker_transport_options",
    summary="Keep countdowns and ETAs below the broker's visibility timeout",
    default=False,
    what="Finds a literal `countdown=` (of `apply_async()` or `retry()`), `default_retry_delay`, or "
         "`eta=now + timedelta(...)` of at least the `visibility-timeout` setting (3600 seconds by "
         "default, Redis's; SQS uses 1800). Silent when the module's Celery configuration raises "
         "`visibility_timeout` in `broker_transport_options`, or uses an AMQP broker (an `amqp://` URL or "
         "quorum queues).",
    why="Redis and SQS give a task that a worker has reserved but not acknowledged back to another "
        "worker after the visibility timeout. A task waiting for its ETA is reserved, not acknowledged: "
        "when the delay is longer than the timeout, a second worker receives it too and the task runs "
        "twice (celery/celery#4766, #2599).",
    example="""\
from celery import shared_task


@shared_task
def send_trial_reminder(account_id):
    ...


def start_trial(account_id):
    send_trial_reminder.apply_async((account_id,), countdown=3 * 24 * 3600)
""",
    instead="""\
from celery import shared_task


@shared_task
def send_trial_reminder(account_id):
    ...


def start_trial(account_id):
    send_trial_reminder.apply_async((account_id,), countdown=600)
""",
    options=("task_decorators", "app_names", "task_base_classes", "visibility_timeout"),
    references=(_REF_VISIBILITY, _REF_ETA),
)


CEL108 = Rule(
    code="CEL108",
    symbol="celery-unserializable-argument",
    msgid="E7818",
    message="{what} {where} cannot be encoded by Celery's JSON serializer (task_serializer / "
            "result_serializer), so kombu raises EncodeError; {fix}",
    summary="Send and return only what JSON can carry",
    what="Finds task arguments that JSON cannot carry: set and frozenset literals, comprehensions and "
         "calls, `Path(...)` objects (directly, through a local name, or inside a list or dict); and "
         "tasks that return a set, a Path, a model instance or a queryset. Tasks with "
         "`serializer=\"pickle\"` are left alone, and so is a return on a path that an optional parameter "
         "chooses (`if in_task: return {...}`): such a function also serves direct calls.",
    why="Celery's default serializer is JSON; kombu's encoder adds datetimes, `Decimal` and `UUID`, but "
        "not sets, paths or Django objects. Sending such an argument raises `EncodeError` in the caller; "
        "returning one fails after the task did all its work, and the result is lost.",
    example="""\
from celery import shared_task


@shared_task
def notify_users(user_ids):
    ...


def notify_team(team):
    notify_users.delay({member.user_id for member in team.members.all()})
""",
    instead="""\
from celery import shared_task


@shared_task
def notify_users(user_ids):
    ...


def notify_team(team):
    notify_users.delay(sorted({member.user_id for member in team.members.all()}))
""",
    references=(_REF_SERIALIZERS,),
    options=("task_decorators", "app_names", "task_base_classes"),
)

# The options each check reads (names of apply_async()'s execution options; a test proves
# they are all in celery_data.EXECUTION_OPTIONS).
SECONDS_OPTIONS = ("countdown", "expires", "time_limit", "soft_time_limit")
DATETIME_OPTIONS = ("eta", "expires")
RETRY_DELAY = "default_retry_delay"

# Calls whose keywords are execution options (not task arguments).
_OPTION_METHODS = frozenset({
    "apply_async", "apply_async_on_commit", "send_task", "retry", "set", "signature", "signature()",
})
_APPLY_ASYNC = frozenset({"apply_async", "apply_async_on_commit"})
_SENDING = frozenset({"delay", "apply_async", "delay_on_commit", "apply_async_on_commit"})
_BUILTIN_POOLS = ("multiprocessing", "billiard", "concurrent")

_TIMEDELTA = frozenset({"datetime.timedelta", "django.utils.timezone.timedelta"})
_TIMEDELTA_UNITS = (  # positional order of timedelta(); seconds per unit
    ("days", 86400.0), ("seconds", 1.0), ("microseconds", 1e-6), ("milliseconds", 1e-3),
    ("minutes", 60.0), ("hours", 3600.0), ("weeks", 604800.0),
)
_NOW_CALLS = frozenset({
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today", "django.utils.timezone.now",
})
_NAIVE_CALLS = {"datetime.datetime.now": 0, "datetime.datetime.today": None, "datetime.datetime.fromtimestamp": 1}
_EPOCH_CALLS = frozenset({"time.time", "time.monotonic"})

_MAX_SNIPPET = 40  # arguments are quoted shorter than most expressions: a message names several


def _snippet(expr: ast.AST) -> str:
    return snippet(expr, _MAX_SNIPPET)


# --------------------------------------------------------------------------------------
# Which calls count
# --------------------------------------------------------------------------------------
def _likely_task(ctx: Context, call: TaskCall) -> bool:
    """Is the receiver a Celery task?  Evidently so, or an imported name calling apply_async()."""
    if call.known:
        return True
    if call.method not in _APPLY_ASYNC:
        return False
    bindings = df.receiver_root_bindings(ctx.model, call.node)
    return bool(bindings) and all(
        b.kind is BindingKind.IMPORT and not str(b.value).startswith(_BUILTIN_POOLS) for b in bindings
    )


def _sends_arguments(ctx: Context, call: TaskCall) -> bool:
    """Does CEL101 read this call's arguments?  ``.delay`` on anything; the others on tasks."""
    if call.method in ("delay", "delay_on_commit"):
        return True
    if call.method in _APPLY_ASYNC:
        return call.known or not df.receiver_root_is_local(ctx.model, call.node)
    return call.known and call.method not in ("set",)


class _ModuleConfig:
    """What the module's config says to the call checks, worked out once per module (a module
    with many calls and many config items would otherwise cost their product)."""

    def __init__(self, model: ModuleModel):
        self.model = model

    @cached_property
    def pickled_settings(self) -> frozenset[str]:
        """The config keys the module sets to 'pickle' (task_serializer, result_serializer)."""
        return frozenset(item.key for item in self.model.config if const(item.value) == "pickle")

    @cached_property
    def visibility_timeout(self) -> float | None:
        """The visibility timeout to compare with, or None when the module's config makes it moot."""
        model = self.model
        timeout = as_float(model.settings.visibility_timeout)
        for item in model.config:
            if item.key == "broker_url" and str(const(item.value, "")).startswith(("amqp", "pyamqp")):
                return None
            if item.key == "task_default_queue_type" and const(item.value) == "quorum":
                return None  # quorum queues are RabbitMQ's (celery/app/amqp.py): no visibility timeout
            if item.key != "broker_transport_options":
                continue
            value = item.value
            if not isinstance(value, ast.Dict):
                return None
            for key, val in zip(value.keys, value.values):
                if key is None:
                    return None
                if const(key) == "visibility_timeout":
                    seconds = _seconds(model, val)
                    if seconds is None:
                        return None
                    timeout = max(timeout, seconds)
        return timeout


def _pickled(ctx: Context, task: TaskInfo | None, call: ast.Call | None, setting: str) -> bool:
    """Is the message (or result) serialized with pickle, as far as the module shows?"""
    if task is not None and const(task.option("serializer", ctx.model)) == "pickle":
        return True
    if call is not None:
        for kw in call.keywords:
            if kw.arg == "serializer" and const(kw.value) == "pickle":
                return True
    return setting in ctx.facts(_ModuleConfig).pickled_settings


def _nested(expr: ast.AST) -> Iterator[ast.AST]:
    """An argument and, inside list/tuple/dict displays, each element."""
    yield expr
    if isinstance(expr, (ast.List, ast.Tuple)):
        for elt in expr.elts:
            yield from _nested(elt.value if isinstance(elt, ast.Starred) else elt)
    elif isinstance(expr, ast.Dict):
        for value in expr.values:
            yield from _nested(value)


# --------------------------------------------------------------------------------------
# CEL101 / CEL108: what the task receives
# --------------------------------------------------------------------------------------
def _complex_phrase(expr: ast.AST, kind: str) -> str:
    if kind in (df.LAMBDA, df.GENERATOR):
        return kind[0].upper() + kind[1:]
    if kind == df.USER:
        return "'request.user' (a user model instance)" if _snippet(expr) == "request.user" \
            else f"'{_snippet(expr)}' (request.user, a model instance)"
    if kind == df.SELF:
        return "'self'"
    return f"'{_snippet(expr)}' ({kind})"


_UNSERIALIZABLE_FIX = {
    df.SET: "pass a list instead (sorted(...) or list(...))",
    df.FROZENSET: "pass a list instead (sorted(...) or list(...))",
    df.PATH: "pass str(path) instead",
}


def _check_arguments(ctx: Context, call: TaskCall) -> None:
    model = ctx.model
    check_complex = _sends_arguments(ctx, call)
    pickled = _pickled(ctx, call.task, call.node, "task_serializer")
    check_json = (call.known or _likely_task(ctx, call)) and not pickled
    if not (check_complex or check_json):
        return
    for arg in call.task_arguments():
        for expr in _nested(arg):
            kind = df.kind_of(model, expr)
            if kind == df.SELF and pickled:
                break  # a task that pickles on purpose is given the object itself (CEL003 reports the pickle)
            if kind in df.COMPLEX and check_complex:
                ctx.report(expr, CEL101, what=_complex_phrase(expr, kind))
                break
            if kind in _UNSERIALIZABLE_FIX and check_json:
                ctx.report(expr, CEL108, what=f"'{_snippet(expr)}' ({kind})", where="passed to a task",
                           fix=_UNSERIALIZABLE_FIX[kind])
                break


def _may_convert_arguments(ctx: Context, task: TaskInfo) -> bool:
    """Can the task's class turn the message's ids into objects before the body runs?

    A base class the module cannot see, or one that overrides ``__call__`` (pretix's
    ``EventTask`` looks the event up by its id), may.
    """
    return task.base_unresolved or df.task_class_overrides(ctx.model, task, ("__call__",))


def _parameters(task: TaskInfo) -> list[tuple[ast.arg, ast.expr | None]]:
    """The task's named parameters (``self`` of a bound task excluded) with their defaults."""
    args = task.node.args
    positional = task.params
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults))[1 if task.bound else 0:]
    return pairs + list(zip(args.kwonlyargs, args.kw_defaults))


def _check_annotated_params(ctx: Context) -> None:
    for task in ctx.model.tasks:
        if _may_convert_arguments(ctx, task):
            continue
        for arg, default in _parameters(task):
            # ``component: Component | None = None``: an object for direct calls only.
            if default is not None and const(default, 0) is None:
                continue
            if df.model_annotated(ctx.model, arg):
                ctx.report(arg, CEL101,
                           what=f"task parameter '{arg.arg}: {_snippet(arg.annotation)}' says a model instance")


def _reads_flag(task: TaskInfo, test: ast.AST) -> bool:
    """Does the test read a parameter with a default (``in_task=False``)?"""
    flags = {arg.arg for arg, default in _parameters(task) if default is not None}
    return any(isinstance(n, ast.Name) and n.id in flags for n in ast.walk(test))


def _returns_by_flag(model: ModuleModel, task: TaskInfo, ret: ast.Return) -> bool:
    """Is the return on a path an optional parameter chooses (``if in_task: return {...}``
    before it, or an ``if`` on such a parameter around it)?  Such a function serves direct calls too, and
    what Celery gets depends on how the caller sets the flag."""
    child = ret
    for anc in model.ancestors(ret):
        body = next((block for block in (getattr(anc, f, None) for f in ("body", "orelse", "finalbody"))
                     if isinstance(block, list) and child in block), None)
        for stmt in body[:body.index(child)] if body else ():
            if isinstance(stmt, ast.If) and _reads_flag(task, stmt.test) and any(
                    isinstance(n, ast.Return) for n in (*stmt.body, *stmt.orelse)):
                return True
        if anc is task.node:
            return False
        if isinstance(anc, ast.If) and _reads_flag(task, anc.test):
            return True
        child = anc
    return False


def _check_returns(ctx: Context) -> None:
    model = ctx.model
    for task in model.tasks:
        if const(task.option("ignore_result", model)) is True or _pickled(ctx, task, None, "result_serializer"):
            continue
        for node in df.body_nodes(model, task.node):
            if not (isinstance(node, ast.Return) and node.value is not None) or _returns_by_flag(model, task, node):
                continue
            for expr in _nested(node.value):
                kind = df.kind_of(model, expr)
                if kind in df.ORM or kind in _UNSERIALIZABLE_FIX:
                    fix = _UNSERIALIZABLE_FIX.get(kind, "return primary keys or plain data instead")
                    ctx.report(node, CEL108, what=f"'{_snippet(expr)}' ({kind})",
                               where=f"returned by task '{task.label}'", fix=fix)
                    break


# --------------------------------------------------------------------------------------
# CEL102 / CEL103 / CEL104: the shape of the call
# --------------------------------------------------------------------------------------
_AS_ARGUMENT = "is passed to the task as an argument"
# Methods of a Task class that may take execution options out of the keywords before sending.
_SENDING_OVERRIDES = ("delay", "apply_async", "s", "si", "signature", "subtask", "__call__")
_MAPPING_READS = frozenset({"get", "pop", "setdefault"})


def _declares(task: TaskInfo, name: str) -> bool:
    args = task.node.args
    return any(a.arg == name for a in (*args.args, *args.kwonlyargs))  # not positional-only ones


def _reads_other_keys_only(model: ModuleModel, task: TaskInfo, kwarg: str, option: str) -> bool:
    """Does the task's body use its ``**kwargs`` only to read other keys than ``option``
    (``kwargs.get("user")``, ``kwargs["user"]``), or not at all?

    Any other use (passing ``**kwargs`` on, iterating over it, reading ``option``'s key)
    may mean the keyword is meant for the task, or forwarded as an option on purpose.
    """
    for node in df.body_nodes(model, task.node):
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if any(isinstance(n, ast.Name) and n.id == kwarg for n in ast.walk(node)):
                return False  # a closure reads it: too far to follow
            continue
        if not (isinstance(node, ast.Name) and node.id == kwarg):
            continue
        parent = model.parent(node)
        if isinstance(parent, ast.Subscript) and parent.value is node:
            key = const(parent.slice, None)
        elif isinstance(parent, ast.Attribute) and parent.attr in _MAPPING_READS:
            call = model.parent(parent)
            key = const(call.args[0], None) if isinstance(call, ast.Call) and call.args else None
        else:
            return False
        if not isinstance(key, str) or key == option:
            return False
    return True


def _swallowed_by(model: ModuleModel, task: TaskInfo | None, option: str) -> str | None:
    """The name of the task's ``**kwargs`` when it silently takes ``option``, else None.

    Only a task of the module whose own code shows the keyword goes nowhere: no parameter of
    that name, a body that reads other keys only, and a Task class that cannot take the option
    out of the keywords before sending (one the module cannot see, or that overrides the
    sending methods, may).
    """
    if task is None or task.node.args.kwarg is None or _declares(task, option):
        return None
    if task.base_unresolved or df.task_class_overrides(model, task, _SENDING_OVERRIDES):
        return None
    kwarg = task.node.args.kwarg.arg
    return kwarg if _reads_other_keys_only(model, task, kwarg, option) else None


def _project_receives(model: ModuleModel, call: TaskCall, option: str) -> str | None:
    """How a task of another module of the project receives the keyword ``option`` (the index
    knows its parameters): None when it declares a parameter of that name."""
    func = call.node.func
    found = None
    if model.project is not None and isinstance(func, ast.Attribute):
        found = model.project.imported_task(model.filename, model.resolve(func.value))
    params = found[1]["sig"] if found is not None else None
    if params is None:
        return _AS_ARGUMENT
    if option in params["pos"][params["posonly"]:] or option in params["kwonly"]:
        return None
    if params["varkw"]:
        module, task = found
        return f"goes into the **kwargs of task '{task['label']}' ({model.project.path_of(module)}:{task['line']})"
    return _AS_ARGUMENT


def _misplaced_options(model: ModuleModel, call: TaskCall) -> Iterator[tuple[ast.keyword, str]]:
    """The keywords of a ``delay()``-style call that are execution options, with what the task
    does with them (a task of another module of the project: as the index knows it)."""
    if call.method not in STAR_METHODS or not call.known:
        return
    task = call.task
    for kw in call.node.keywords:
        # ``countdown=None`` means nothing as an option: it is the task's own parameter.
        if kw.arg not in EXECUTION_OPTIONS or const(kw.value, 0) is None:
            continue
        if task is None:
            receives = _project_receives(model, call, kw.arg)
            if receives is not None:
                yield kw, receives
        elif task.node.args.kwarg is None and not _declares(task, kw.arg):
            yield kw, _AS_ARGUMENT
        else:
            kwarg = _swallowed_by(model, task, kw.arg)
            if kwarg is not None:
                yield kw, f"goes silently into the **{kwarg} of task '{task.label}'"


def _check_delay_options(ctx: Context, call: TaskCall) -> None:
    for kw, receives in _misplaced_options(ctx.model, call):
        if call.method in ("s", "si"):
            fix = f"set it on the signature with .{call.method}(...).set({kw.arg}=...)"
        else:
            send = "apply_async_on_commit" if call.method == "delay_on_commit" else "apply_async"
            fix = f"call {send}((...), {kw.arg}=...) instead"
        ctx.report(kw, CEL102, option=kw.arg, method=call.method, receives=receives, fix=fix)


def _parenthesised_keyword(kw: ast.keyword) -> bool:
    """``args=(x)``: the keyword ends after its value, at a closing parenthesis."""
    value = kw.value
    return (kw.end_lineno, kw.end_col_offset) > (value.end_lineno, value.end_col_offset)


def _parenthesised_first(call: ast.Call) -> bool:
    """``apply_async((x), ...)`` on one line: a gap both before and after the first argument."""
    arg = call.args[0]
    func = call.func
    if not (func.end_lineno == arg.lineno == arg.end_lineno == call.end_lineno):
        return False
    if arg.col_offset <= func.end_col_offset + 1:
        return False
    following = [n for n in (*call.args[1:], *call.keywords) if n.lineno == arg.lineno]
    if following:
        return min(n.col_offset for n in following) > arg.end_col_offset + 2
    return call.end_col_offset > arg.end_col_offset + 1


_SCALAR_EXPRS = (ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.JoinedStr)


def _is_sequence_value(ctx: Context, expr: ast.AST) -> bool:
    value = df.value_of(ctx.model, expr)
    if isinstance(value, (ast.Tuple, ast.List, ast.ListComp)):
        return True
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("list", "tuple")


def _args_problem(ctx: Context, call: TaskCall, positional: bool) -> tuple[ast.AST, str] | None:
    node = call.node
    kw = call.keyword("args")
    value = call.slot(0, "args", positional)
    if value is None:
        return None
    where = kw if kw is not None else value
    if isinstance(value, ast.Constant):
        if value.value is None or value.value is Ellipsis:
            return None
        return where, f"args is a {type(value.value).__name__} literal, not a tuple"
    if isinstance(value, ast.JoinedStr):
        return where, "args is an f-string, not a tuple"
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return where, "args is a dict, not a tuple (use kwargs= for keyword arguments)"
    if isinstance(value, (ast.Set, ast.SetComp)):
        return where, "args is a set, not a tuple"
    if isinstance(value, ast.GeneratorExp):
        return where, "args is a generator, not a tuple"
    parenthesised = _parenthesised_keyword(kw) if kw is not None else _parenthesised_first(node)
    if parenthesised and isinstance(value, _SCALAR_EXPRS) and not _is_sequence_value(ctx, value):
        text = _snippet(value)
        return where, f"args=({text}) is a parenthesised value, not a tuple (write ({text},))"
    return None


def _kwargs_problem(call: TaskCall, positional: bool) -> tuple[ast.AST, str] | None:
    kw = call.keyword("kwargs")
    value = call.slot(1, "kwargs", positional)
    if value is None:
        return None
    where = kw if kw is not None else value
    if isinstance(value, (ast.List, ast.ListComp)):
        return where, "kwargs is a list, not a dict"
    if isinstance(value, ast.Tuple):
        return where, "kwargs is a tuple, not a dict (positional arguments go in args=)"
    if isinstance(value, (ast.Set, ast.SetComp)):
        return where, "kwargs is a set, not a dict"
    if isinstance(value, ast.Constant) and value.value is not None and value.value is not Ellipsis:
        return where, f"kwargs is a {type(value.value).__name__} literal, not a dict"
    return None


def _named_like(expr: ast.AST, word: str) -> bool:
    name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else ""
    return word in name.lower()


def _spread_arguments(call: TaskCall) -> bool:
    """``apply_async(a, b, c)``: the task's arguments one by one, not (args, kwargs, task_id)."""
    args = call.node.args
    if len(args) <= 2 or any(isinstance(a, ast.Starred) for a in args):
        return False
    first, second = args[0], args[1]
    first_ok = isinstance(first, (ast.Tuple, ast.List)) or const(first, 0) is None or _named_like(first, "args")
    second_ok = isinstance(second, ast.Dict) or const(second, 0) is None or _named_like(second, "kwargs") or (
        isinstance(second, ast.Call) and isinstance(second.func, ast.Name) and second.func.id == "dict")
    return not (first_ok and second_ok)


def _check_apply_async_args(ctx: Context, call: TaskCall) -> None:
    if call.method not in _APPLY_ASYNC or not _likely_task(ctx, call):
        return
    # Positional arguments are read only when the receiver is evidently a task: another
    # library's apply_async (a process pool's) takes a function first.
    positional = call.known
    if positional and _spread_arguments(call):
        ctx.report(call.node, CEL103,
                   problem=f"{len(call.node.args)} positional arguments are given one by one")
        return
    for found in (_args_problem(ctx, call, positional), _kwargs_problem(call, positional)):
        if found is not None:
            ctx.report(found[0], CEL103, problem=found[1])


# --------------------------------------------------------------------------------------
# CEL104-CEL107: times
# --------------------------------------------------------------------------------------
def _is_timedelta(model: ModuleModel, expr: ast.AST, depth: int = 0) -> bool:
    expr = df.value_of(model, expr)
    if depth > MAX_DEPTH:
        return False
    if isinstance(expr, ast.Call):
        return model.resolve(expr.func) in _TIMEDELTA
    if isinstance(expr, ast.BinOp):
        if isinstance(expr.op, (ast.Add, ast.Sub)):
            return _is_timedelta(model, expr.left, depth + 1) and _is_timedelta(model, expr.right, depth + 1)
        if isinstance(expr.op, ast.Mult):
            return _is_timedelta(model, expr.left, depth + 1) or _is_timedelta(model, expr.right, depth + 1)
        if isinstance(expr.op, (ast.Div, ast.FloorDiv)):
            return _is_timedelta(model, expr.left, depth + 1) and _number(model, expr.right, depth + 1)
    return False


def _number(model: ModuleModel, expr: ast.AST, depth: int = 0) -> bool:
    """Is the expression evidently a plain number (literals, time.time() and arithmetic on them)?"""
    expr = df.value_of(model, expr)
    if depth > MAX_DEPTH:
        return False
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, (int, float)) and not isinstance(expr.value, bool)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, (ast.USub, ast.UAdd)):
        return _number(model, expr.operand, depth + 1)
    if isinstance(expr, ast.Call):
        return model.resolve(expr.func) in _EPOCH_CALLS
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv)):
        return _number(model, expr.left, depth + 1) and _number(model, expr.right, depth + 1)
    return False


def _naive(model: ModuleModel, expr: ast.AST, depth: int = 0) -> bool:
    """Is the expression a naive local datetime (``datetime.now()``, ``+ timedelta``, ...)?"""
    expr = df.value_of(model, expr)
    if depth > MAX_DEPTH:
        return False
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Sub)):
        if _naive(model, expr.left, depth + 1):
            return _is_timedelta(model, expr.right)
        return isinstance(expr.op, ast.Add) and _naive(model, expr.right, depth + 1) \
            and _is_timedelta(model, expr.left)
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    if isinstance(func, ast.Attribute) and func.attr == "replace":
        return not any(kw.arg == "tzinfo" for kw in expr.keywords) and _naive(model, func.value, depth + 1)
    q = model.resolve(func)
    if q not in _NAIVE_CALLS:
        return False
    tz_position = _NAIVE_CALLS[q]
    if tz_position is None:
        return True
    tz = expr.args[tz_position] if len(expr.args) > tz_position else None
    for kw in expr.keywords:
        if kw.arg == "tz":
            tz = kw.value
        elif kw.arg is None:
            return False
    return tz is None or const(tz, 0) is None


def _seconds(model: ModuleModel, expr: ast.AST, depth: int = 0) -> float | None:
    """The literal number of seconds an expression evaluates to, or None."""
    expr = df.value_of(model, expr)
    if depth > MAX_DEPTH:
        return None
    if isinstance(expr, ast.Constant):
        ok = isinstance(expr.value, (int, float)) and not isinstance(expr.value, bool)
        return as_float(expr.value) if ok else None
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        value = _seconds(model, expr.operand, depth + 1)
        return -value if value is not None else None
    if isinstance(expr, ast.BinOp):
        left, right = _seconds(model, expr.left, depth + 1), _seconds(model, expr.right, depth + 1)
        if left is None or right is None:
            return None
        try:
            if isinstance(expr.op, ast.Add):
                return left + right
            if isinstance(expr.op, ast.Sub):
                return left - right
            if isinstance(expr.op, ast.Mult):
                return left * right
            if isinstance(expr.op, ast.Div):
                return left / right
            if isinstance(expr.op, ast.FloorDiv):
                return float(left // right)
        except (ZeroDivisionError, OverflowError):
            return None
        return None
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr == "total_seconds" and not expr.args:
            return _timedelta_seconds(model, func.value, depth + 1)
        return _timedelta_seconds(model, expr, depth + 1)
    return None


def _timedelta_seconds(model: ModuleModel, expr: ast.AST, depth: int) -> float | None:
    expr = df.value_of(model, expr)
    if not (isinstance(expr, ast.Call) and model.resolve(expr.func) in _TIMEDELTA):
        return None
    total = 0.0
    pairs = list(zip((unit for unit, _ in _TIMEDELTA_UNITS), expr.args))
    pairs += [(kw.arg, kw.value) for kw in expr.keywords]
    factors = dict(_TIMEDELTA_UNITS)
    for unit, value in pairs:
        if unit not in factors or isinstance(value, ast.Starred):
            return None
        amount = _seconds(model, value, depth + 1)
        if amount is None:
            return None
        total += amount * factors[unit]
    return total


def _eta_delay(model: ModuleModel, expr: ast.AST) -> float | None:
    """``now + timedelta(hours=2)``: the delay in seconds from now, or None."""
    expr = df.value_of(model, expr)
    if not (isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add)):
        return None
    for now, delta in ((expr.left, expr.right), (expr.right, expr.left)):
        now = df.value_of(model, now)
        if isinstance(now, ast.Call) and model.resolve(now.func) in _NOW_CALLS:
            return _timedelta_seconds(model, delta, 0)
    return None


def _format_seconds(value: float) -> str:
    return number(value)


def _check_time_option(ctx: Context, name: str, value: ast.AST, where: ast.AST, in_call: bool) -> None:
    """CEL105-CEL107 for one option, of a call (in_call) or of a task definition."""
    model = ctx.model
    if name in SECONDS_OPTIONS or name == RETRY_DELAY:
        # Celery skips a falsy countdown (timedelta(0)) before looking at its type.
        zero = name in ("countdown", RETRY_DELAY) and _timedelta_seconds(model, value, 0) == 0
        if _is_timedelta(model, value) and not zero:
            ctx.report(where, CEL106, option=name, given="a timedelta", expected="a number of seconds",
                       fix="use timedelta(...).total_seconds()" if name != "expires"
                       else "use seconds (timedelta(...).total_seconds()) or a datetime")
            return
    if name == "eta" and in_call:
        if _is_timedelta(model, value):
            ctx.report(where, CEL106, option=name, given="a timedelta", expected="a datetime",
                       fix="use countdown= for a delay in seconds, or now + timedelta(...) as eta")
            return
        if _number(model, value) and const(value, 1) != 0:  # eta=0 is falsy: Celery ignores it
            ctx.report(where, CEL106, option=name, given="a number", expected="a datetime",
                       fix="use countdown= for a delay in seconds, or a datetime as eta")
            return
    if name in DATETIME_OPTIONS and in_call and _naive(model, value):
        ctx.report(where, CEL105, option=name, value=_snippet(value))
        return
    if name in ("countdown", RETRY_DELAY, "eta"):
        delay = _eta_delay(model, value) if name == "eta" else _seconds(model, value)
        timeout = ctx.facts(_ModuleConfig).visibility_timeout if delay is not None else None
        if delay is not None and timeout is not None and delay >= timeout:
            label = "a default_retry_delay" if name == RETRY_DELAY else \
                "an eta" if name == "eta" else "a countdown"
            ctx.report(where, CEL107, option=label, delay=_format_seconds(delay),
                       timeout=_format_seconds(timeout))


def _check_call_options(ctx: Context, call: TaskCall) -> None:
    if call.method not in _OPTION_METHODS or not _likely_task(ctx, call):
        return
    names = {kw.arg for kw in call.node.keywords}
    if "eta" in names and "countdown" in names:
        ctx.report(call.node, CEL104, method=call.method.rstrip("()"))
    for kw in call.node.keywords:
        if kw.arg is not None:
            _check_time_option(ctx, kw.arg, kw.value, kw, in_call=True)


def _check_definition_options(ctx: Context) -> None:
    """Time options of task decorators and Task classes (CEL106, CEL107)."""
    names = (*SECONDS_OPTIONS, RETRY_DELAY)
    for task in ctx.model.tasks:
        for name in names:
            kw = task.options.get(name)
            if kw is not None:
                _check_time_option(ctx, name, kw.value, kw, in_call=False)
    for info in ctx.model.classes.values():
        if not info.is_task_class:
            continue
        for name in names:
            if name in info.attrs:
                _check_time_option(ctx, name, info.attrs[name], info.attr_nodes[name], in_call=False)


# --------------------------------------------------------------------------------------
# Handlers
# --------------------------------------------------------------------------------------
@on(ast.Call, reports=(CEL101, CEL102, CEL103, CEL104, CEL105, CEL106, CEL107, CEL108))
def task_call(node: ast.Call, ctx: Context) -> None:
    call = results.task_call(ctx.model, node)
    if call is None:
        return
    _check_arguments(ctx, call)
    _check_delay_options(ctx, call)
    _check_apply_async_args(ctx, call)
    _check_call_options(ctx, call)


@on_module(reports=(CEL101, CEL105, CEL106, CEL107, CEL108))
def task_definitions(ctx: Context) -> None:
    _check_annotated_params(ctx)
    _check_returns(ctx)
    _check_definition_options(ctx)
