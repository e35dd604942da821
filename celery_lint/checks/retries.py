"""Retries: bounded, raised, with the real error, not swallowed, backing off (CEL401-CEL410).

Two kinds of checks live here.  Retry *options* (``max_retries``, ``autoretry_for``,
``retry_backoff``, ``retry_jitter``, ...) are read once per module from task decorators and
from the attributes of Task classes, following the class's bases as far as the module can
see them.  Retry *calls* (``self.retry(...)``) are checked where they stand: raised or not,
inside which ``except`` handler, inside which ``try``.
"""
from __future__ import annotations

import ast
import builtins
import enum
from dataclasses import dataclass
from functools import cached_property
from typing import Union

from ..dataflow import may_reach_retry, plain_wrapper, raises_or_retries
from ..engine import Context, on, on_module
from ..fixes import Source, argument_spans, edit, fixer, insert, own_lines, remove_item
from ..model import MAX_DEPTH, TASK_BASES, TRY_TYPES, BindingKind, ClassInfo, ModuleModel, TaskInfo, TaskKind, is_const
from ..rule import Rule
from ..celery_data import EXECUTION_OPTIONS, TASK_OPTIONS
from ..spelling import close_matches
from ..text import snippet

_REF_RETRYING = "Celery user guide, Tasks: Retrying (docs/userguide/tasks.rst#retrying)"
_REF_AUTORETRY = ("Celery user guide, Tasks: Automatic retry for known exceptions "
                  "(docs/userguide/tasks.rst#automatic-retry-for-known-exceptions)")
_REF_DELAY = ("Celery user guide, Tasks: Using a custom retry delay "
              "(docs/userguide/tasks.rst#using-a-custom-retry-delay)")
_REF_MAX_RETRIES = "Celery API reference, celery.app.task: Task.max_retries (docs/reference/celery.app.task.rst)"
_REF_TASK_RETRY = "Celery API reference, celery.app.task: Task.retry (docs/reference/celery.app.task.rst)"

CEL401 = Rule(
    code="CEL401",
    symbol="celery-unbounded-retries",
    msgid="W7830",
    message="max_retries=None on {target} retries it forever; set a finite Task.max_retries "
            "and let the task fail when the retries run out",
    summary="Bound the number of retries",
    what="Finds `max_retries=None` in a task decorator and `max_retries = None` as an attribute of a "
         "Task class (a `celery.Task` subclass, or a class used as a task's `base=`). A function task "
         "whose every `self.retry()` passes a limit of its own (`max_retries=5`), with no automatic "
         "retries or a limit in `retry_kwargs`, is left alone: the task's `None` never applies. So is a "
         "function task seen never to retry (no `autoretry_for`, no `.retry` in its body, no other "
         "decorator but plain wrappers of the module or the project -- no `.retry` or `current_task` "
         "in them -- and, on a task that is not bound, django-esi's `rate_limit_retry_task`, which "
         "retries only a bound task; a bound `self` handed to no helper): Celery reads `max_retries` only in "
         "`Task.retry`, so there the option is inert.",
    why="With `max_retries=None` Celery never gives up: a task that fails for good (a deleted row, a "
        "revoked token, a bug) is retried for ever, fills the queue and hides the error, which never "
        "reaches the result backend or the error tracker. `self.retry(max_retries=None)` is not "
        "affected: there `None` means \"use the task's limit\".",
    example="""\
from celery import shared_task

@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=None)
def sync_account(account_id):
    ...
""",
    instead="""\
from celery import shared_task

@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=10)
def sync_account(account_id):
    ...
""",
    references=(_REF_RETRYING, _REF_MAX_RETRIES),
    options=("task_decorators", "app_names", "task_base_classes"),
)


@fixer(safe=True, description=(
    "writes `raise` before the call (and `from exc` after it inside `except ... as exc`)"))
def _fix_retry_raised(node: ast.AST, model: ModuleModel):
    stmt = model.parent(node)
    if not isinstance(stmt, ast.Expr):
        return None
    function = model.enclosing_function(node)
    handler = _enclosing_handler(model, node, function) if function is not None else None
    source: Source = model.source
    edits = [insert(source.start(stmt), "raise ")]
    if handler is not None and handler.name:
        edits.append(insert(source.end(stmt), f" from {handler.name}"))
    return edits


CEL402 = Rule(
    code="CEL402",
    symbol="celery-retry-not-raised",
    msgid="C7831",
    message="{call}() is used as a statement; write '{instead}' so that it is visible that "
            "Task.retry ends the task here",
    summary="Raise the result of self.retry()",
    what="Finds `self.retry(...)` (the task's own `Task.retry`) written as a bare statement inside a "
         "task or a method of a Task class, unless a `try` around it handles `MaxRetriesExceededError` "
         "or `Retry`: there the exceptions of the call are used on purpose.",
    why="`Task.retry` always raises `celery.exceptions.Retry` (unless `throw=False`), so the code "
        "after it never runs. Written as a statement, the call reads as if the task carried on; "
        "Celery's documentation writes `raise self.retry(...)` so the flow visibly stops, and linters "
        "and type checkers then know the branch ends.",
    example="""\
from celery import shared_task

@shared_task(bind=True)
def charge(self, order_id):
    if not gateway_ready():
        self.retry(countdown=30)
    return gateway_charge(order_id)
""",
    instead="""\
from celery import shared_task

@shared_task(bind=True)
def charge(self, order_id):
    if not gateway_ready():
        raise self.retry(countdown=30)
    return gateway_charge(order_id)
""",
    references=(_REF_RETRYING, _REF_TASK_RETRY),
    options=("task_decorators", "app_names", "task_base_classes"),
    fix=_fix_retry_raised,
)


CEL403 = Rule(
    code="CEL403",
    symbol="celery-retry-without-exc",
    msgid="W7832",
    message="{call}() in 'except ... as {name}' without exc=: when max_retries runs out, "
            "MaxRetriesExceededError replaces the real error; write 'raise {call}(..., exc={name}) from {name}'",
    summary="Give self.retry() the exception it retries for",
    what="Finds `self.retry(...)` inside an `except ... as e` handler of a task that passes no `exc=` "
         "argument, unless a `try` around the call handles `MaxRetriesExceededError` itself.",
    why="When the last retry is used up, `Task.retry` raises the exception given as `exc=`; without "
        "it Celery raises `MaxRetriesExceededError`, and the result backend, Flower and the error "
        "tracker show that instead of the error that made the task fail.",
    example="""\
import requests
from celery import shared_task

@shared_task(bind=True)
def fetch(self, url):
    try:
        return requests.get(url, timeout=10).text
    except requests.RequestException as exc:
        raise self.retry(countdown=2 ** self.request.retries)
""",
    instead="""\
import requests
from celery import shared_task

@shared_task(bind=True)
def fetch(self, url):
    try:
        return requests.get(url, timeout=10).text
    except requests.RequestException as exc:
        raise self.retry(exc=exc, countdown=2 ** self.request.retries)
""",
    references=(_REF_RETRYING, _REF_TASK_RETRY),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL404 = Rule(
    code="CEL404",
    symbol="celery-retry-swallowed",
    msgid="W7833",
    message="{call}() raises celery.exceptions.Retry, which the '{handler}' handler on line {line} "
            "catches and does not re-raise; put 'except Retry: raise' before it or re-raise",
    summary="Do not catch the Retry exception of self.retry()",
    what="Finds `self.retry(...)` inside the body of a `try` whose handler catches the "
         "`celery.exceptions.Retry` it raises (`except Exception`, `except BaseException`, a bare "
         "`except:`, or one of Retry's bases `CeleryError` / `TaskPredicate`) and does not re-raise, "
         "with no earlier `except Retry: raise`.",
    why="`Task.retry` signals the worker by raising `Retry`. A broad handler that catches it turns the "
        "retry into an ordinary error or a silent return: the task goes on running code meant for the "
        "failure case and is recorded as SUCCESS (or FAILURE) instead of RETRY, and once the retries "
        "run out the final error is swallowed the same way.",
    example="""\
from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)

@shared_task(bind=True)
def push(self, device_id):
    try:
        if not send_push(device_id):
            raise self.retry(countdown=10)
    except Exception:
        logger.exception("push to %s failed", device_id)
""",
    instead="""\
from celery import shared_task
from celery.exceptions import Retry
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)

@shared_task(bind=True)
def push(self, device_id):
    try:
        if not send_push(device_id):
            raise self.retry(countdown=10)
    except Retry:
        raise
    except Exception:
        logger.exception("push to %s failed", device_id)
""",
    references=(_REF_RETRYING, _REF_TASK_RETRY),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL405 = Rule(
    code="CEL405",
    symbol="celery-autoretry-without-backoff",
    msgid="W7834",
    message="autoretry_for on {target} without retry_backoff retries at a fixed default_retry_delay; "
            "add retry_backoff=True to back off exponentially",
    summary="Back off exponentially when retrying automatically",
    what="Finds `autoretry_for=` on a task decorator (or `autoretry_for = ...` on a Task class) when "
         "neither the task nor a base class the module can see sets `retry_backoff`, or sets it to "
         "`False`, and the task chooses no delay of its own (`default_retry_delay`, or a `countdown` "
         "or `eta` in `retry_kwargs`).",
    why="Without `retry_backoff`, automatic retries all wait the task's `default_retry_delay` "
        "(3 minutes unless changed): a service that is down gets hammered at a steady rate, and a long "
        "outage uses up every retry in a short time. `retry_backoff=True` doubles the delay each time, "
        "up to `retry_backoff_max`, with jitter.",
    example="""\
from celery import shared_task

@shared_task(autoretry_for=(ConnectionError,), max_retries=5)
def sync_inventory(store_id):
    ...
""",
    instead="""\
from celery import shared_task

@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def sync_inventory(store_id):
    ...
""",
    references=(_REF_AUTORETRY,),
    options=("task_decorators", "app_names", "task_base_classes"),
)


@fixer(safe=False, description=(
    "removes `retry_jitter=False` (the keyword, or the class attribute's line; with a comment, the lines "
    "the keyword has to itself); retries then wait random "
    "times up to the backed-off delay"))
def _fix_jitter(node: ast.AST, model: ModuleModel):
    source: Source = model.source
    if isinstance(node, ast.keyword):
        call = model.parent(node)
        if not isinstance(call, ast.Call):
            return None
        spans = argument_spans(source, call)
        index = next(i for i, (_, _, n) in enumerate(spans) if n is node)
        end_line, end_col = source.end(node)
        if "#" in source.lines[end_line - 1][end_col:]:  # a comment after it: its lines, comment and all
            removed = own_lines(source, node, comma="optional" if index == len(spans) - 1 else "required")
        else:
            removed = remove_item(source, [s[:2] for s in spans], index)
        return [removed] if removed is not None else None
    cls = model.parent(node)
    if not isinstance(node, ast.Assign) or not isinstance(cls, ast.ClassDef) or len(cls.body) < 2:
        return None
    line, end_line = node.lineno, node.end_lineno
    before = source.lines[line - 1][:source.start(node)[1]]
    after = source.lines[end_line - 1][source.end(node)[1]:]
    if before.strip() or after.strip() or end_line >= len(source.lines):
        return None  # not alone on its lines
    return [edit((line, 0), (end_line + 1, 0), "")]


CEL406 = Rule(
    code="CEL406",
    symbol="celery-retry-jitter-disabled",
    msgid="W7835",
    message="retry_jitter=False on {target} makes every backed-off retry wait the same time; remove it "
            "so that Celery spreads the retries with jitter",
    summary="Keep the jitter of automatic retries",
    what="Finds `retry_jitter=False` on a task decorator and `retry_jitter = False` on a Task class or "
         "mixin, where automatic retries may back off. Test modules are left alone: tests switch "
         "jitter off to assert exact countdowns.",
    why="When a service fails, every task that used it fails at the same moment. Without jitter their "
        "backed-off retries all come back at the same moments too, and the recovering service is hit "
        "by the whole herd at once. Celery's default, `retry_jitter=True`, randomises each delay.",
    example="""\
from celery import shared_task

@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=False)
def notify(user_id):
    ...
""",
    instead="""\
from celery import shared_task

@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True)
def notify(user_id):
    ...
""",
    references=(_REF_AUTORETRY,),
    options=("task_decorators", "app_names", "task_base_classes", "test_paths"),
    fix=_fix_jitter,
)


CEL407 = Rule(
    code="CEL407",
    symbol="celery-backoff-without-autoretry",
    msgid="W7836",
    message="{option} on {target} has no effect without autoretry_for; it only shapes automatic "
            "retries, so add autoretry_for=(...) or compute the countdown of self.retry() yourself",
    summary="Use retry_backoff, retry_backoff_max and retry_jitter with autoretry_for",
    what="Finds `retry_backoff`, `retry_backoff_max` or `retry_jitter` on a task whose decorator and "
         "visible base classes set no `autoretry_for`.",
    why="Celery reads those three options only in the wrapper it puts around a task with "
        "`autoretry_for`. Set on a task that calls `self.retry()` itself, they are silently ignored: "
        "the retries keep the fixed `default_retry_delay` the author meant to replace.",
    example="""\
from celery import shared_task

@shared_task(bind=True, retry_backoff=True)
def upload(self, path):
    try:
        put_object(path)
    except ConnectionError as exc:
        raise self.retry(exc=exc)
""",
    instead="""\
from celery import shared_task

@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True)
def upload(path):
    put_object(path)
""",
    references=(_REF_AUTORETRY,),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL408 = Rule(
    code="CEL408",
    symbol="celery-autoretry-not-tuple",
    msgid="E7837",
    message="{option}= takes a tuple (or list) of exception classes, not {got}; write {option}=({example},)",
    summary="Give autoretry_for and dont_autoretry_for a tuple or list of exception classes",
    what="Finds `autoretry_for=` and `dont_autoretry_for=` (decorator keywords or Task class attributes) "
         "set to a single exception class or to a literal that is not a tuple or list.",
    why="Celery calls `tuple()` on the value: a single class raises `TypeError` when the task is "
        "registered, and a string becomes a tuple of characters, so the `except` clause raises "
        "`TypeError` the first time the task fails.",
    example="""\
import requests
from celery import shared_task

@shared_task(autoretry_for=requests.RequestException, retry_backoff=True)
def fetch(url):
    return requests.get(url, timeout=10).text
""",
    instead="""\
import requests
from celery import shared_task

@shared_task(autoretry_for=(requests.RequestException,), retry_backoff=True)
def fetch(url):
    return requests.get(url, timeout=10).text
""",
    references=(_REF_AUTORETRY,),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL409 = Rule(
    code="CEL409",
    symbol="celery-fixed-retry-delay",
    msgid="W7838",
    message="{call}() retries after {delay}; back off with jitter, e.g. "
            "countdown=random.uniform(0, 2 ** self.request.retries)",
    summary="Make the countdown of self.retry() grow with self.request.retries",
    default=False,
    what="Finds `self.retry(...)` calls without `countdown=` (so the task's `default_retry_delay` "
         "applies) or with a constant `countdown=` that recover from a failure (inside an `except` "
         "handler, given the error with `exc=`, or under an `if` that tests one: `if "
         "get_error_count_flag():`), outside test modules. A retry in plain control "
         "flow reschedules the task on a normal state (a cache mid-cycle, more work left): its fixed "
         "delay is the schedule, and is left alone.",
    why="A fixed delay retries a failing service at a steady rate however long it stays down, and "
        "tasks that failed together retry together. A countdown that grows with "
        "`self.request.retries`, with some randomness, spreads the load and gives the service time "
        "to recover.",
    example="""\
import random

from celery import shared_task

@shared_task(bind=True, max_retries=8)
def refresh(self, token_id):
    try:
        renew(token_id)
    except TimeoutError as exc:
        raise self.retry(exc=exc, countdown=60)
""",
    instead="""\
import random

from celery import shared_task

@shared_task(bind=True, max_retries=8)
def refresh(self, token_id):
    try:
        renew(token_id)
    except TimeoutError as exc:
        raise self.retry(exc=exc, countdown=random.uniform(0, 2 ** self.request.retries))
""",
    references=(_REF_DELAY, _REF_TASK_RETRY),
    options=("task_decorators", "app_names", "task_base_classes", "test_paths"),
)


CEL410 = Rule(
    code="CEL410",
    symbol="celery-broad-autoretry",
    msgid="W7839",
    message="autoretry_for on {target} includes {name}, so bugs are retried too; list the "
            "exception classes that are worth retrying",
    summary="Retry automatically only for specific exceptions",
    default=False,
    what="Finds `autoretry_for` (decorator keyword or Task class attribute) that includes the builtin "
         "`Exception` or `BaseException`.",
    why="A retry helps against failures that go away: timeouts, refused connections, rate limits. "
        "With `Exception` in `autoretry_for` a `KeyError` or `TypeError` is retried as well, which "
        "delays the error report by all the retries and repeats any side effect the task had before "
        "failing.",
    example="""\
from celery import shared_task

@shared_task(autoretry_for=(Exception,), retry_backoff=True)
def import_feed(feed_id):
    ...
""",
    instead="""\
from celery import shared_task

@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True)
def import_feed(feed_id):
    ...
""",
    references=(_REF_AUTORETRY,),
    options=("task_decorators", "app_names", "task_base_classes"),
)

CEL411 = Rule(
    code="CEL411",
    symbol="celery-unknown-retry-option",
    msgid="W7840",
    message="{call}() takes no {option}=: it goes on to apply_async() as a message option that Celery "
            "ignores; {advice}",
    summary="Give self.retry() only its own parameters and execution options",
    what="Finds keywords of a task's own `self.retry(...)` (or `task.retry(...)` inside the task) that "
         "are neither parameters of `Task.retry` (`exc`, `countdown`, `eta`, `max_retries`, `throw`, "
         "`args`, `kwargs`) nor execution options of `apply_async` (`queue`, `priority`, `expires`...): "
         "`ex=` for `exc=`, `retry_backoff=` (a task option). A task whose class defines its own "
         "`retry`, or comes from a base or decorator the module cannot see, is left alone.",
    why="`Task.retry` passes every other keyword to `apply_async` for the new message, where an unknown "
        "one is dropped without a word: `retry(ex=exc)` retries without the exception (the failure "
        "the task reports at the end is `MaxRetriesExceededError`, not the cause), `retry(retry_backoff=60)` "
        "waits the fixed `default_retry_delay`.",
    example="""\
from celery import shared_task


@shared_task(bind=True, max_retries=5)
def sync_account(self, account_id):
    try:
        return fetch(account_id)
    except ConnectionError as exc:
        raise self.retry(ex=exc, retry_backoff=60)
""",
    instead="""\
from celery import shared_task


@shared_task(bind=True, max_retries=5)
def sync_account(self, account_id):
    try:
        return fetch(account_id)
    except ConnectionError as exc:
        raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries)
""",
    references=(_REF_TASK_RETRY, _REF_RETRYING),
    options=("task_decorators", "app_names", "task_base_classes"),
)

# celery.exceptions.Retry and the classes it derives from (Retry -> TaskPredicate -> CeleryError
# -> Exception), as ``celery_lint.model.ModuleModel.resolve`` spells them.
_RETRY_NAMES = frozenset({
    "celery.exceptions.Retry", "celery.exceptions.RetryTaskError", "celery.app.task.Retry",
})
_MAX_RETRIES_NAMES = frozenset({
    "celery.exceptions.MaxRetriesExceededError", "celery.app.task.MaxRetriesExceededError",
})
_RETRY_OUTCOME_NAMES = _RETRY_NAMES | _MAX_RETRIES_NAMES
_RETRY_BASE_NAMES = frozenset({
    "celery.exceptions.CeleryError", "celery.exceptions.TaskPredicate",
    "builtins.Exception", "builtins.BaseException",
})
_BROAD_BUILTINS = ("Exception", "BaseException")
_AUTORETRY_OPTIONS = ("autoretry_for", "dont_autoretry_for")
_BACKOFF_OPTIONS = ("retry_backoff", "retry_backoff_max", "retry_jitter")
# Task.retry(args, kwargs, exc, throw, eta, countdown, max_retries, **options): positions.
_RETRY_POSITIONS = {"exc": 2, "throw": 3, "eta": 4, "countdown": 5, "max_retries": 6}
RETRY_PARAMETERS = frozenset({"args", "kwargs", *_RETRY_POSITIONS})
_BUILTIN_EXCEPTIONS = frozenset(
    name for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)
_EXCEPTION_SUFFIXES = ("Error", "Exception")


# -------------------------------------------------------------------------------------
# Looking up an option through a task's bases
# -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Found:
    """The value a task option is set to, or None when not set.

    ``known`` is False when some base class the module cannot see might set it.
    """

    value: ast.expr | None = None
    known: bool = True

    @property
    def off(self) -> bool:
        """Certainly not set, or set to a literal that switches it off."""
        return self.known and (self.value is None or _is_off(self.value))


_UNKNOWN = _Found(known=False)
_MISSING = _Found()
Owner = Union[TaskInfo, ClassInfo]


def _is_off(expr: ast.expr) -> bool:
    """A literal that switches an option off: False, 0, None, an empty tuple or list."""
    if isinstance(expr, ast.Constant):
        return not expr.value
    return isinstance(expr, (ast.Tuple, ast.List)) and not expr.elts


def _set_here(owner: Owner, name: str) -> ast.AST | None:
    """The keyword or class attribute statement that sets ``name`` on the owner itself."""
    if isinstance(owner, ClassInfo):
        return owner.attr_nodes.get(name)
    return owner.options.get(name)


def _value_here(owner: Owner, name: str) -> ast.expr | None:
    if isinstance(owner, ClassInfo):
        return owner.attrs.get(name)
    kw = owner.options.get(name)
    return kw.value if kw is not None else None


def _describe(owner: Owner) -> str:
    if isinstance(owner, ClassInfo):
        return f"Task class '{owner.name}'"
    return f"task '{owner.label}'"


class _TaskOptions:
    """The retry options of a module's function tasks and of the classes that give tasks options.

    An option of a function task comes from its decorator, then from its ``base=`` class; an
    option of a class from its own attributes, then from its bases, depth first.  A base the
    module cannot see (imported, a project's own task decorator, an app with its own Task
    class) makes the answer unknown.
    """

    def __init__(self, model: ModuleModel):
        self.model = model
        self.default_task_known = not model.app_has_own_task_class
        self.tasks = [t for t in model.tasks if t.kind is TaskKind.FUNCTION]
        relevant: set[int] = set()
        for info in model.classes.values():
            if info.is_task_class:
                relevant.update(id(c) for c in model.lineage(info))
        for task in self.tasks:
            if task.cls is not None:
                relevant.update(id(c) for c in model.lineage(task.cls))
        self.classes = [info for info in model.classes.values() if id(info) in relevant]
        # id(owner) -> ids of the module's classes it derives from (a class: itself included).
        self.lineage: dict[int, set[int]] = {
            id(info): {id(c) for c in model.lineage(info)} for info in self.classes
        }
        for task in self.tasks:
            self.lineage[id(task)] = {id(c) for c in model.lineage(task.cls)} if task.cls is not None else set()

    @cached_property
    def own_retry_calls(self) -> dict[ast.AST, list[ast.Call]]:
        """Every call of a task's own retry in the module, by the function that makes it."""
        calls: dict[ast.AST, list[ast.Call]] = {}
        for call in self.model.nodes.get(ast.Call, ()):
            function = _own_retry(call, self.model)
            if function is not None:
                calls.setdefault(function, []).append(call)
        return calls

    @property
    def owners(self) -> list[Owner]:
        return [*self.tasks, *self.classes]

    def users(self, owner: Owner) -> list[Owner]:
        """The owner and, for a class, the function tasks and classes of the module built on it."""
        if isinstance(owner, ClassInfo):
            key = id(owner)
            return [owner, *(other for other in self.owners
                             if other is not owner and key in self.lineage[id(other)])]
        return [owner]

    def option(self, owner: Owner, name: str) -> _Found:
        if isinstance(owner, ClassInfo):
            return self.class_option(owner, name)
        kw = owner.options.get(name)
        if kw is not None:
            return _Found(kw.value)
        if owner.has_star_kwargs:
            return _UNKNOWN
        base = owner.options.get("base")
        if base is not None:
            if owner.cls is not None:
                return self.class_option(owner.cls, name)
            return _MISSING if self._plain_base(base.value) else _UNKNOWN
        if not owner.by_project_decorator and not owner.removed_api and self.default_task_known:
            return _MISSING
        return _UNKNOWN  # a project's own task decorator may set any option

    def class_option(self, cls: ClassInfo, name: str, seen: frozenset = frozenset()) -> _Found:
        if name in cls.attrs:
            return _Found(cls.attrs[name])
        if id(cls) in seen:
            return _UNKNOWN
        seen = seen | {id(cls)}
        for base in cls.node.bases:
            local = self.model.task_class(base)
            if local is not None:
                found = self.class_option(local, name, seen)
                if found.value is not None or not found.known:
                    return found
            elif not self._plain_base(base):
                return _UNKNOWN
        return _MISSING

    def _plain_base(self, base: ast.expr) -> bool:
        """A base that sets no retry option: celery.Task, ``app.Task`` of a plain app, object, or a
        library's base known to set none (:data:`RETRY_FREE_BASES`)."""
        model = self.model
        q = model.resolve(base)
        if q in TASK_BASES or q in RETRY_FREE_BASES:
            return True
        if isinstance(base, ast.Attribute) and base.attr == "Task" and model.is_app(base.value):
            return self.default_task_known
        return isinstance(base, ast.Name) and base.id == "object" and not model.lookup("object", base)

    def concrete(self, owner: Owner) -> bool:
        """Does the owner run as a task itself, so that the module sees every task that uses it?

        A function task does.  A class does when its ``run`` (its own or a base's of the module)
        does real work, it is not marked ``abstract`` and leaves no method for subclasses to
        fill in (``raise NotImplementedError``): a base class may serve tasks of other modules,
        which set further options themselves.
        """
        if not isinstance(owner, ClassInfo):
            return True
        lineage = self.model.lineage(owner)
        if any(is_const(info.attrs.get("abstract"), True) for info in lineage):
            return False
        methods: dict[str, ast.AST] = {}
        for info in lineage:
            for name, method in info.methods.items():
                methods.setdefault(name, method)  # the nearest definition wins
        if any(_placeholder(method) is _Placeholder.HOOK for method in methods.values()):
            return False
        return "run" in methods and _placeholder(methods["run"]) is None

    def certainly_off(self, owner: Owner, name: str) -> bool:
        """Is the option off for the owner and for everything of the module that uses it?"""
        return self.concrete(owner) and all(self.option(user, name).off for user in self.users(owner))


class _Placeholder(enum.Enum):
    """A method that does nothing yet."""

    HOOK = "hook"  # left to subclasses: raise NotImplementedError
    EMPTY = "empty"  # pass or ...


def _placeholder(function: ast.AST) -> _Placeholder | None:
    """What kind of placeholder a method is; None for a method that does something."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring
    if not body:
        return _Placeholder.EMPTY
    if len(body) != 1:
        return None
    stmt = body[0]
    if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and is_const(stmt.value, ...)):
        return _Placeholder.EMPTY
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
            return _Placeholder.HOOK
    return None


# -------------------------------------------------------------------------------------
# Options: CEL401, CEL405-CEL408, CEL410
# -------------------------------------------------------------------------------------

@on_module(reports=(CEL401, CEL405, CEL406, CEL407, CEL408, CEL410))
def retry_options(ctx: Context) -> None:
    options = _TaskOptions(ctx.model)
    for owner in options.owners:
        target = _describe(owner)
        _check_max_retries(ctx, options, owner, target)
        _check_autoretry_values(ctx, owner, target)
        _check_backoff(ctx, options, owner, target)


def _check_max_retries(ctx: Context, options: _TaskOptions, owner: Owner, target: str) -> None:
    node = _set_here(owner, "max_retries")
    value = _value_here(owner, "max_retries")
    if node is not None and is_const(value, None) and not _every_retry_bounded(options, owner) \
            and not _never_retries(ctx.model, options, owner):
        ctx.report(node, CEL401, target=target)


#: Task bases of libraries that set no retry option (no autoretry_for, max_retries, retry_*): their
#: source shows only their own attributes (celery_once/tasks.py: once; celery_singleton/
#: singleton.py: lock and backend settings; Alliance Auth's QueueOnce, the base of its plugins'
#: tasks, in allianceauth/services/tasks.py: once).  A task on one retries only as its code says.
RETRY_FREE_BASES = frozenset({
    "celery_once.QueueOnce", "celery_once.tasks.QueueOnce",
    "celery_singleton.Singleton", "celery_singleton.singleton.Singleton",
    "allianceauth.services.tasks.QueueOnce",
})


#: Library decorators that retry a task only through its bound ``self``: django-esi's
#: ``rate_limit_retry_task`` (esi/decorators.py) calls ``args[0].retry(...)`` only when ``args[0]``
#: is a Task and re-raises otherwise, so on a task without ``bind=True`` it never retries.
BOUND_ONLY_RETRY_DECORATORS = frozenset({"esi.decorators.rate_limit_retry_task"})


def _never_retries(model: ModuleModel, options: _TaskOptions, owner: Owner) -> bool:
    """Is a function task seen never to retry, so that its ``max_retries=None`` is inert?  Celery
    reads ``max_retries`` only in ``Task.retry``: here no ``autoretry_for`` (on the decorator or a
    base class the module shows; a project's own task decorator is taken at its word), no ``.retry``
    anywhere in the function, no other decorator that could retry for it (only plain wrappers of
    the module or the project, :func:`dataflow.plain_wrapper`, and on a task that is not bound the
    library decorators that retry only through ``self``), and a bound task's ``self``
    handed to no other function."""
    if isinstance(owner, ClassInfo) or owner.has_star_kwargs:
        return False
    if not all(_plain_wrapper(model, dec) or (not owner.bound and _bound_only_retry(model, dec))
               for dec in owner.node.decorator_list if dec is not owner.decorator):
        return False
    autoretry = options.option(owner, "autoretry_for")
    # A project's own decorator may add autoretry_for: trust it not to unless the task's own
    # options are those of automatic retries (retry_backoff, retry_jitter, retry_kwargs...).
    taken_at_its_word = owner.by_project_decorator and "base" not in owner.options and not any(
        name.startswith("retry_") for name in owner.options)
    if autoretry.value is not None or not (autoretry.known or taken_at_its_word):
        return False
    params = owner.node.args.posonlyargs + owner.node.args.args
    bound_self = params[0].arg if owner.bound and params else None
    for node in ast.walk(owner.node):
        if isinstance(node, ast.Attribute) and node.attr == "retry":
            return False
        if bound_self is not None and isinstance(node, ast.Call) and any(
                isinstance(arg, ast.Name) and arg.id == bound_self
                for arg in (*node.args, *(kw.value for kw in node.keywords))):
            return False
    return True


def _plain_wrapper(model: ModuleModel, dec: ast.AST) -> bool:
    """Is a decorator a wrapper of this module or of the project that cannot retry the task?"""
    if isinstance(dec, ast.Name):
        bindings = model.lookup(dec.id, dec)
        if len(bindings) == 1 and bindings[0].kind is BindingKind.DEF:
            return plain_wrapper(bindings[0].node)
    q = model.resolve(dec) if isinstance(dec, (ast.Name, ast.Attribute)) else None
    return q is not None and model.project is not None and model.project.is_plain_wrapper(model.filename, q)


def _bound_only_retry(model: ModuleModel, dec: ast.AST) -> bool:
    return isinstance(dec, (ast.Name, ast.Attribute)) and model.resolve(dec) in BOUND_ONLY_RETRY_DECORATORS


def _every_retry_bounded(options: _TaskOptions, owner: Owner) -> bool:
    """Does every retry of a function task pass a limit of its own, so that the task's
    ``max_retries=None`` never applies?  Its ``self.retry(max_retries=...)`` calls, and automatic
    retries, if any, through ``retry_kwargs`` (Celery's autoretry passes them to ``Task.retry``,
    celery/app/autoretry.py): at least one of the two."""
    if isinstance(owner, ClassInfo):
        return False
    calls = options.own_retry_calls.get(owner.node)
    if calls and not all(_opaque(call) or _limit_given(_argument(call, "max_retries")) for call in calls):
        return False
    autoretry = options.option(owner, "autoretry_for")
    if autoretry.off:
        return bool(calls)
    if not calls and (not autoretry.known or may_reach_retry(owner.node)):
        return False  # no self.retry() of its own seen, and no automatic retries to bound: unknown
    retry_kwargs = options.option(owner, "retry_kwargs").value
    return retry_kwargs is not None and _limit_given(_dict_entry(retry_kwargs, "max_retries"))


def _limit_given(expr: ast.expr | None) -> bool:
    """An argument that sets a retry limit: given, and not the literal None."""
    return expr is not None and not is_const(expr, None)


def _dict_entry(expr: ast.expr, key: str) -> ast.expr | None:
    """The value of ``key`` in a dict display or a ``dict(...)`` call, else None."""
    if isinstance(expr, ast.Dict):
        for k, v in zip(expr.keys, expr.values):
            if is_const(k, key):
                return v
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "dict":
        for kw in expr.keywords:
            if kw.arg == key:
                return kw.value
    return None


def _check_autoretry_values(ctx: Context, owner: Owner, target: str) -> None:
    for option in _AUTORETRY_OPTIONS:
        node = _set_here(owner, option)
        value = _value_here(owner, option)
        if node is None or value is None:
            continue
        wrong = _not_a_tuple(ctx.model, value)
        if wrong is not None:
            got, example = wrong
            ctx.report(node, CEL408, option=option, got=got, example=example)
        if option == "autoretry_for":
            broad = _broad_member(ctx.model, value)
            if broad is not None:
                ctx.report(node, CEL410, target=target, name=broad)


def _check_backoff(ctx: Context, options: _TaskOptions, owner: Owner, target: str) -> None:
    autoretry_node = _set_here(owner, "autoretry_for")
    if autoretry_node is not None and not _is_off(_value_here(owner, "autoretry_for")) and all(
        options.option(user, "retry_backoff").off for user in options.users(owner)
    ) and not _delay_chosen(options, owner):
        ctx.report(autoretry_node, CEL405, target=target)
    no_autoretry = options.certainly_off(owner, "autoretry_for")
    for option in _BACKOFF_OPTIONS:
        node = _set_here(owner, option)
        if node is None:
            continue
        if no_autoretry:
            if option == "retry_backoff_max" or not _is_off(_value_here(owner, option)):
                # retry_backoff=False / retry_jitter=False ask for what happens anyway
                ctx.report(node, CEL407, option=option, target=target)
        elif option == "retry_jitter" and is_const(_value_here(owner, option), False) \
                and not options.certainly_off(owner, "retry_backoff") and not ctx.model.is_test_module():
            # Tests switch jitter off to assert exact countdowns; without backoff it changes nothing.
            ctx.report(node, CEL406, target=target)


def _delay_chosen(options: _TaskOptions, owner: Owner) -> bool:
    """Has the author chosen the delay of automatic retries: ``default_retry_delay``, or a
    ``countdown``/``eta`` in ``retry_kwargs`` (or retry_kwargs we cannot read)?"""
    if not options.option(owner, "default_retry_delay").off:
        return True
    found = options.option(owner, "retry_kwargs")
    if not found.known:
        return True
    if found.value is None or _is_off(found.value):
        return False
    value = found.value
    literal = isinstance(value, ast.Dict) and None not in value.keys
    call = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" \
        and not value.args and all(kw.arg is not None for kw in value.keywords)
    if not (literal or call):
        return True  # a name, a helper's result, ** entries: it may hold a countdown
    return any(_dict_entry(value, key) is not None for key in ("countdown", "eta"))


# -- CEL408: what autoretry_for is given ---------------------------------------------------

def _not_a_tuple(model: ModuleModel, value: ast.expr, depth: int = 0) -> tuple[str, str] | None:
    """(what the value is, an example to write instead) when it is evidently no tuple, else None.

    Tuples, lists, comprehensions, names bound to them, calls of helpers and anything the
    module cannot see are left alone.
    """
    if isinstance(value, ast.Constant):
        text = snippet(value)
        return (f"the literal {text}" if len(text) <= 40 else "a literal"), "SomeError"
    if isinstance(value, (ast.JoinedStr, ast.Dict, ast.DictComp)):
        return ("a string" if isinstance(value, ast.JoinedStr) else "a dict"), "SomeError"
    if isinstance(value, ast.Call):
        if _is_exception_class(model, value.func):
            return "an exception instance", snippet(value.func)
        return None
    if not isinstance(value, (ast.Name, ast.Attribute)):
        return None
    if _is_exception_class(model, value):
        return f"the single class {snippet(value)}", snippet(value)
    if isinstance(value, ast.Name) and depth < MAX_DEPTH:
        for binding in model.assigned_values(value):
            if binding.kind is BindingKind.ASSIGN and binding.index is None and binding.value is not None:
                inner = _not_a_tuple(model, binding.value, depth + 1)
                if inner is not None:
                    return inner
    return None


def _is_exception_class(model: ModuleModel, expr: ast.expr, depth: int = 0) -> bool:
    """Is the expression evidently an exception class (not a tuple of them)?"""
    if isinstance(expr, ast.Name):
        bindings = model.lookup(expr.id, expr)
        if not bindings:
            return expr.id in _BUILTIN_EXCEPTIONS
        for binding in bindings:
            if binding.kind is BindingKind.IMPORT:
                return _exception_like_name(binding.value)
            if binding.kind is BindingKind.CLASS:
                return _derives_from_exception(model, binding.node, depth)
        return False
    if isinstance(expr, ast.Attribute):
        qualname = model.resolve(expr)
        if qualname is not None:
            return _exception_like_name(qualname)
    return False


def _exception_like_name(qualname: str) -> bool:
    """A qualified name that evidently names an exception class."""
    module, _, name = qualname.rpartition(".")
    if module == "builtins":
        return name in _BUILTIN_EXCEPTIONS
    if name.endswith(_EXCEPTION_SUFFIXES) and name[:1].isupper():
        return True
    # A CamelCase name from an exceptions module; a plural may be a tuple of them.
    return name[:1].isupper() and not name.isupper() and not name.endswith("s") and any(
        part in ("exceptions", "errors", "exc") for part in module.split(".")
    )


def _derives_from_exception(model: ModuleModel, node: ast.ClassDef, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return False
    for base in node.bases:
        if isinstance(base, ast.Name):
            local = model.local_class(base)
            if local is not None:
                if _derives_from_exception(model, local.node, depth + 1):
                    return True
                continue
        if _is_exception_class(model, base, depth + 1):
            return True
    return False


# -- CEL410: Exception in autoretry_for ----------------------------------------------------

def _broad_member(model: ModuleModel, value: ast.expr, depth: int = 0) -> str | None:
    """``Exception`` or ``BaseException`` when the value is (or contains) the builtin class."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        for elt in value.elts:
            found = _broad_member(model, elt, depth + 1)
            if found is not None:
                return found
        return None
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _broad_member(model, value.left, depth + 1) or _broad_member(model, value.right, depth + 1)
    if isinstance(value, ast.Name):
        bindings = model.lookup(value.id, value)
        if not bindings:
            return value.id if value.id in _BROAD_BUILTINS else None
        for binding in bindings:
            if binding.kind is BindingKind.ASSIGN and binding.index is None and binding.value is not None:
                return _broad_member(model, binding.value, depth + 1)
        return None
    qualname = model.resolve(value)
    if qualname in ("builtins.Exception", "builtins.BaseException"):
        return qualname.rpartition(".")[2]
    return None


# -------------------------------------------------------------------------------------
# Calls of Task.retry: CEL402-CEL404, CEL409
# -------------------------------------------------------------------------------------

def _own_retry(call: ast.Call, model: ModuleModel) -> ast.AST | None:
    """The task function (or Task method) when ``call`` is the task's own ``Task.retry``.

    A task whose class (or a base class of the module) defines ``retry`` itself is left
    alone: that ``retry`` may not raise.
    """
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr != "retry" or not isinstance(func.value, ast.Name):
        return None
    receiver = func.value
    function = model.enclosing_function(call)
    if function is None:
        return None
    task = model.task_by_node.get(function)
    if task is not None:
        if task.cls is not None and _defines_retry(model, task.cls):
            return None
        if task.kind is TaskKind.FUNCTION and model.task_named(receiver) is task:
            return function  # fetch.retry(...) inside the task fetch
        if task.bound and _is_first_param(model, receiver, function):
            return function
        return None
    parent = model.parent(function)
    info = model.classes.get(parent) if isinstance(parent, ast.ClassDef) else None
    if info is None or not info.is_task_class or model.is_static_or_class_method(function) \
            or _defines_retry(model, info):
        return None
    return function if _is_first_param(model, receiver, function) else None


def _defines_retry(model: ModuleModel, cls: ClassInfo) -> bool:
    """Does the class, or a base class of the module, define its own ``retry``?"""
    return any("retry" in info.methods for info in model.lineage(cls))


def _is_first_param(model: ModuleModel, name: ast.Name, function: ast.AST) -> bool:
    args = function.args
    params = [*args.posonlyargs, *args.args]
    if not params or params[0].arg != name.id:
        return False
    bindings = model.lookup(name.id, name)
    return bool(bindings) and all(b.kind is BindingKind.PARAM and b.node is params[0] for b in bindings)


def _argument(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    position = _RETRY_POSITIONS.get(name)
    if position is not None and position < len(call.args):
        return call.args[position]
    return None


def _opaque(call: ast.Call) -> bool:
    """Does the call pass arguments we cannot see (``*args``, ``**kwargs``)?"""
    return any(kw.arg is None for kw in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args)


def _throws(call: ast.Call) -> bool:
    """Does the call raise Retry?  Not with ``throw=False`` or a throw= we cannot read."""
    throw = _argument(call, "throw")
    return throw is None or (isinstance(throw, ast.Constant) and throw.value is True)


@on(ast.Call, reports=(CEL402, CEL403, CEL404, CEL409, CEL411))
def retry_call(node: ast.Call, ctx: Context) -> None:
    model = ctx.model
    function = _own_retry(node, model)
    if function is None:
        return
    call = snippet(node.func)
    opaque = _opaque(node)
    # A try around the call that handles MaxRetriesExceededError (or Retry itself) uses the
    # exceptions of retry() on purpose: the task may go on, and the final error is dealt with.
    handler = _enclosing_handler(model, node, function)
    if isinstance(ctx.parent(node), ast.Expr) and not opaque and _throws(node) \
            and not _handled_around(model, node, function, _RETRY_OUTCOME_NAMES):
        ctx.report(node, CEL402, call=call, instead=_raised(node, call, handler.name if handler else None))
    if handler is not None and handler.name and not opaque and _argument(node, "exc") is None \
            and not _handled_around(model, node, function, _MAX_RETRIES_NAMES):
        ctx.report(node, CEL403, call=call, name=handler.name)
    if not opaque and _throws(node):
        swallowing = _swallowing_handler(model, node, function)
        if swallowing is not None:
            caught = f"except {snippet(swallowing.type)}" if swallowing.type is not None else "except:"
            ctx.report(node, CEL404, call=call, handler=caught, line=swallowing.lineno)
    delay = _fixed_delay(model, node, opaque, model.task_by_node.get(function))
    if delay is not None and not model.is_test_module() and _after_failure(model, node, function):
        ctx.report(node, CEL409, call=call, delay=delay)
    _unknown_retry_options(ctx, node, function, call)


def _unknown_retry_options(ctx: Context, node: ast.Call, function: ast.AST, call: str) -> None:
    """CEL411: keywords of the task's own retry() that Task.retry and apply_async do not take."""
    task = ctx.model.task_by_node.get(function)
    if task is None or _class_unseen(ctx.model, task):
        return  # a Task class of the project's may define a retry() with keywords of its own
    for kw in node.keywords:
        name = kw.arg
        if name is None or name in RETRY_PARAMETERS or name in EXECUTION_OPTIONS:
            continue
        if name in TASK_OPTIONS:
            advice = f"{name} is a task option: set it on the task, or compute countdown= here"
        else:
            close = close_matches(name, sorted(RETRY_PARAMETERS | EXECUTION_OPTIONS), n=1, cutoff=0.6)
            advice = f"did you mean {close[0]}=?" if close else "remove it"
        ctx.report(kw, CEL411, call=call, option=name, advice=advice)


def _class_unseen(model: ModuleModel, task: TaskInfo) -> bool:
    """May the task's class come from somewhere the module does not show (a ``base=``, an
    unresolved base, a project's task decorator, the app's own task class), and define what
    Celery's ``Task`` does differently (its own ``retry``, its own ``default_retry_delay``)?"""
    return task.base_unresolved or task.by_project_decorator or "base" in task.options \
        or model.app_has_own_task_class


def _raised(node: ast.Call, call: str, exc_name: str | None) -> str:
    """How to write a bare retry: raised, and inside ``except ... as exc`` given the error and
    chained to it (what flake8-bugbear's B904 asks of a raise in an except clause)."""
    if not exc_name:
        return f"raise {call}(...)"
    if _argument(node, "exc") is not None:
        args = "..."
    else:
        args = f"..., exc={exc_name}" if node.args or node.keywords else f"exc={exc_name}"
    return f"raise {call}({args}) from {exc_name}"


def _handled_around(model: ModuleModel, node: ast.Call, function: ast.AST, names: frozenset[str]) -> bool:
    """Is the call inside the body of a ``try`` (in its function) with a handler of one of
    the exceptions ``names`` (or, for MaxRetriesExceededError, the task's own
    ``self.MaxRetriesExceededError``)?"""
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    child: ast.AST = node
    for anc in model.ancestors(node):
        if anc is function:
            return False
        if isinstance(anc, TRY_TYPES) and child in anc.body and any(
            _names_one_of(model, handler.type, names, receiver) for handler in anc.handlers
        ):
            return True
        child = anc
    return False


def _names_one_of(model: ModuleModel, expr: ast.expr | None, names: frozenset[str], receiver: ast.AST | None) -> bool:
    if isinstance(expr, ast.Tuple):
        return any(_names_one_of(model, elt, names, receiver) for elt in expr.elts)
    if not isinstance(expr, (ast.Name, ast.Attribute)):
        return False
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and isinstance(receiver, ast.Name) \
            and expr.value.id == receiver.id and expr.attr == "MaxRetriesExceededError":
        return True  # self.MaxRetriesExceededError: Task keeps the class as an attribute
    return model.resolve(expr) in names


def _enclosing_handler(model: ModuleModel, node: ast.AST, function: ast.AST) -> ast.ExceptHandler | None:
    """The innermost ``except`` handler whose body holds the node, inside the function."""
    for anc in model.ancestors(node):
        if anc is function:
            return None
        if isinstance(anc, ast.ExceptHandler):
            return anc
    return None


class _Passage(enum.Enum):
    """What a try statement does with a Retry raised in its body, when no handler swallows it."""

    PASSES = "pass"  # no handler catches it, or the one that does re-raises
    STOPS = "stop"  # a handler of Retry itself deals with it, or we cannot tell


class _Catch(enum.Enum):
    """How the type of an ``except`` clause meets celery.exceptions.Retry."""

    RETRY = "retry"  # Retry itself
    BROAD = "broad"  # a class Retry derives from: a bare except, Exception, CeleryError, ...
    NO = "no"  # other exceptions only
    UNKNOWN = "unknown"  # we cannot tell


#: Which answer wins among the types of a tuple, or the values a name may hold (else NO).
_CATCH_PRECEDENCE = (_Catch.RETRY, _Catch.BROAD, _Catch.UNKNOWN)


def _swallowing_handler(model: ModuleModel, node: ast.AST, function: ast.AST) -> ast.ExceptHandler | None:
    """The first handler around the node that catches Retry and does not re-raise it."""
    child = node
    for anc in model.ancestors(node):
        if anc is function:
            return None
        if isinstance(anc, TRY_TYPES) and child in anc.body:
            outcome = _first_catcher(model, anc)
            if isinstance(outcome, ast.ExceptHandler):
                return outcome
            if outcome is _Passage.STOPS:
                return None
        child = anc
    return None


def _first_catcher(model: ModuleModel, try_node: ast.AST) -> ast.ExceptHandler | _Passage:
    """What a try statement does with a Retry raised in its body: the handler that swallows
    it, or how it passes the try otherwise."""
    for handler in try_node.handlers:
        caught = _catches_retry(model, handler.type)
        if caught is _Catch.NO:
            continue
        if caught is _Catch.UNKNOWN:
            return _Passage.STOPS
        if raises_or_retries(handler.body):
            return _Passage.PASSES
        return _Passage.STOPS if caught is _Catch.RETRY else handler
    return _Passage.PASSES


def _catches_retry(model: ModuleModel, expr: ast.expr | None, depth: int = 0) -> _Catch:
    """How a handler type meets celery.exceptions.Retry."""
    if expr is None:
        return _Catch.BROAD
    if isinstance(expr, ast.Tuple):
        kinds = {_catches_retry(model, elt, depth) for elt in expr.elts}
        for kind in _CATCH_PRECEDENCE:
            if kind in kinds:
                return kind
        return _Catch.NO
    if not isinstance(expr, (ast.Name, ast.Attribute)):
        return _Catch.UNKNOWN
    qualname = model.resolve(expr)
    if qualname in _RETRY_NAMES:
        return _Catch.RETRY
    if qualname in _RETRY_BASE_NAMES:
        return _Catch.BROAD
    if qualname is not None or isinstance(expr, ast.Attribute):
        return _Catch.NO
    bindings = model.lookup(expr.id, expr)
    if not bindings:
        if expr.id in _BROAD_BUILTINS:
            return _Catch.BROAD
        return _Catch.NO if expr.id in _BUILTIN_EXCEPTIONS else _Catch.UNKNOWN
    if all(b.kind is BindingKind.CLASS for b in bindings):
        return _Catch.NO
    values = [b.value for b in bindings if b.kind is BindingKind.ASSIGN and b.index is None]
    if depth < MAX_DEPTH and len(values) == len(bindings):
        kinds = {_catches_retry(model, value, depth + 1) for value in values}
        for kind in _CATCH_PRECEDENCE:
            if kind in kinds:
                return kind
        return _Catch.NO
    return _Catch.UNKNOWN


# -- CEL409: fixed countdown ----------------------------------------------------------------

#: Task.default_retry_delay when nothing sets it (celery/app/task.py: ``3 * 60``).
CELERY_DEFAULT_RETRY_DELAY = 180


def _fixed_delay(model: ModuleModel, call: ast.Call, opaque: bool, task: TaskInfo | None = None) -> str | None:
    """How a retry call's delay is fixed ("default_retry_delay", "a fixed countdown=60"), or None."""
    if opaque or _argument(call, "eta") is not None:
        return None
    countdown = _argument(call, "countdown")
    if countdown is None:
        if task is not None and task.kind is TaskKind.FUNCTION:
            value = task.option("default_retry_delay", model)
            if value is not None:
                return f"the task's fixed default_retry_delay={snippet(value)}"
            if not _class_unseen(model, task):
                return f"Celery's fixed default_retry_delay of {CELERY_DEFAULT_RETRY_DELAY} seconds"
        return "the task's fixed default_retry_delay"
    if _uses_retries(model, countdown):
        return None
    if _constant_number(model, countdown):
        return f"a fixed countdown={snippet(countdown)}"
    return None


#: Parts of a name that say a test is about a failure (``if get_error_count_flag():``).
_FAILURE_WORDS = ("error", "fail", "exception", "timeout", "unavailable")


def _after_failure(model: ModuleModel, call: ast.Call, function: ast.AST) -> bool:
    """Does the retry recover from a failure: inside an ``except`` handler of its function, given
    the error (``exc=``), or under an ``if`` whose test names one (``if get_error_count_flag():``,
    ``if response.failed:``)?  A retry in plain control flow (``if cache_mid_cycle: raise
    self.retry(countdown=1)``) reschedules on a normal state: its fixed delay is the schedule."""
    if _argument(call, "exc") is not None:
        return True
    for anc in model.ancestors(call):
        if anc is function:
            return False
        if isinstance(anc, ast.ExceptHandler):
            return True
        if isinstance(anc, (ast.If, ast.While)) and any(
                word in name.lower() for node in ast.walk(anc.test)
                for name in (getattr(node, "id", None), getattr(node, "attr", None)) if isinstance(name, str)
                for word in _FAILURE_WORDS):
            return True
    return False


def _constant_number(model: ModuleModel, expr: ast.expr, depth: int = 0) -> bool:
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, (int, float)) and not isinstance(expr.value, bool)
    if isinstance(expr, ast.UnaryOp):
        return _constant_number(model, expr.operand, depth)
    if isinstance(expr, ast.BinOp):
        return _constant_number(model, expr.left, depth) and _constant_number(model, expr.right, depth)
    if isinstance(expr, ast.Name) and depth < MAX_DEPTH:
        bindings = model.lookup(expr.id, expr)
        return bool(bindings) and all(
            b.kind is BindingKind.ASSIGN and b.index is None and b.value is not None
            and model.scope(b.node) is model.tree and _constant_number(model, b.value, depth + 1)
            for b in bindings
        )
    return False


def _uses_retries(model: ModuleModel, expr: ast.expr, depth: int = 0) -> bool:
    """Does the expression read ``<task>.request.retries``, directly or through a local name?"""
    for node in ast.walk(expr):
        if isinstance(node, ast.Attribute) and node.attr == "retries" and \
                isinstance(node.value, ast.Attribute) and node.value.attr == "request":
            return True
        if isinstance(node, ast.Name) and depth < MAX_DEPTH:
            for binding in model.assigned_values(node):
                if binding.value is not None and _uses_retries(model, binding.value, depth + 1):
                    return True
    return False
