"""Atomicity and idempotency: tasks and database transactions (CEL301-CEL304).

A task sent from inside a database transaction can reach a worker before the transaction
commits; a task that may run twice (retries, late acknowledgement) must not repeat what
is not safe to repeat; and a task's own writes belong in one transaction.
"""
from __future__ import annotations

import ast
import builtins

from .. import dataflow as df
from ..engine import Context, on, on_module
from ..model import FUNCTION_TYPES, MAX_DEPTH, TRY_TYPES, BindingKind, ModuleModel, TaskInfo, const
from ..results import task_call
from ..rule import Rule
from ..text import node_key, snippet

_REF_TRANSACTIONS = ("Celery user guide, Tasks: Database transactions "
                     "(docs/userguide/tasks.rst#database-transactions)")
_REF_DJANGO_TASK = ("Celery API reference, celery.contrib.django.task: DjangoTask.delay_on_commit "
                    "(docs/reference/celery.contrib.django.task.rst)")
_REF_RETRYING = "Celery user guide, Tasks: Retrying (docs/userguide/tasks.rst#retrying)"
_REF_ACKS_LATE = "Celery FAQ: Should I use retry or acks_late? (docs/faq.rst#faq-acks-late-vs-retry)"

CEL301 = Rule(
    code="CEL301",
    symbol="celery-delay-in-transaction",
    msgid="W7826",
    message="{method}() inside {block} sends the task before the transaction commits, so the worker "
            "may not see the new rows; {fix}",
    summary="Send tasks after the database transaction commits",
    what="Finds `.delay()`, `.apply_async()` and `app.send_task()` called directly inside "
         "`with transaction.atomic():` or inside a function decorated with `@transaction.atomic` "
         "(Django). Tasks whose class may send after the commit itself are left alone: one that overrides "
         "`apply_async()`, a `base=` class or task decorator of the project's that the module cannot see, "
         "or an app with its own Task class, and so are sends held back by `eta=` or a `countdown=` "
         "that is not a literal under a minute: the worker keeps them until long after the commit.",
    why="The message goes to the broker at once, while the rows the task needs are still invisible to "
        "other connections until the transaction commits. A fast worker reads the old data or gets "
        "`DoesNotExist`; if the transaction rolls back, the task works on rows that never existed. "
        "`delay_on_commit()` (Celery 5.4+) or `transaction.on_commit(...)` send it after the commit.",
    example="""\
from django.db import transaction

from .models import Order
from .tasks import send_confirmation


def place_order(cart):
    with transaction.atomic():
        order = Order.objects.create(cart=cart)
        send_confirmation.delay(order.pk)
    return order
""",
    instead="""\
from django.db import transaction

from .models import Order
from .tasks import send_confirmation


def place_order(cart):
    with transaction.atomic():
        order = Order.objects.create(cart=cart)
        send_confirmation.delay_on_commit(order.pk)
    return order
""",
    references=(_REF_TRANSACTIONS, _REF_DJANGO_TASK),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL302 = Rule(
    code="CEL302",
    symbol="celery-non-idempotent-retry",
    msgid="W7827",
    message="task '{task}' {repeats}, but {action} is not safe to repeat; {fix}",
    summary="Make tasks that may run twice idempotent",
    default=False,
    what="In a task that retries (`autoretry_for`, `self.retry(...)`) or acknowledges late "
         "(`acks_late=True`), finds statements that do something again on every run: "
         "`Model.objects.create(...)`, saving a new `Model(...)`, `F('n') + 1` updates, "
         "`obj.field += ...` followed by `obj.save()`, and `send_mail(...)`. A retry repeats an action "
         "only when the task can still fail after it: the last thing a task does (or a write whose "
         "`transaction.atomic()` block the failure rolls back) is not reported for retries. With "
         "`autoretry_for`, only a later call that may raise an exception it lists counts: logging calls "
         "(loggers from `logging.getLogger`, `get_task_logger`, `structlog.get_logger`, and the `logging` "
         "module's functions) and `print` never do, and builtins without input or output (`len`, `int`, "
         "`str`, ...) only when the list holds one of Python's own exceptions (`ValueError`, `Exception`, "
         "...) or they read a queryset or a model instance. Inserts that a second run does not repeat "
         "are left alone: one inside `try:` whose `except IntegrityError:` goes on, and a `create()` after "
         "`if Model.objects.filter(<same field>=...).exists(): return`.",
    why="A retried task runs again from the start, and a late-acknowledged task runs again when its "
        "worker dies: every row created, counter incremented and mail sent before the failure is "
        "created, incremented or sent a second time. `get_or_create()` / `update_or_create()`, setting "
        "absolute values, or an idempotency key make a second run harmless.",
    example="""\
from celery import shared_task

from .models import Payment


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def record_payment(order_id, amount):
    Payment.objects.create(order_id=order_id, amount=amount)
    notify_accounting(order_id)
""",
    instead="""\
from celery import shared_task

from .models import Payment


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def record_payment(order_id, amount):
    Payment.objects.get_or_create(order_id=order_id, defaults={"amount": amount})
    notify_accounting(order_id)
""",
    references=(_REF_RETRYING, _REF_ACKS_LATE),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL303 = Rule(
    code="CEL303",
    symbol="celery-non-atomic-writes",
    msgid="W7828",
    message="task '{task}' makes {count} database writes ({writes}) outside transaction.atomic(): a "
            "failure between them leaves the data half-written; wrap them in 'with transaction.atomic():'",
    summary="Group a task's database writes in one transaction",
    default=False,
    what="Finds tasks with two or more Django ORM writes (`save()`, `create()`, `update()`, `delete()`, "
         "`bulk_create()`, `bulk_update()`, `update_or_create()`) that are not inside "
         "`with transaction.atomic():` or a function decorated with `@transaction.atomic`, when one of "
         "them is a write that running the task again does not simply redo: a `create()`, saving a new "
         "`Model(...)`, an `F()` or `+=` update. Tasks whose writes are all idempotent (deletes, updates "
         "to absolute values) are left alone: running them again completes the work. Only writes that one "
         "execution path does together count: the branches of one `if`/`elif`/`else`, the cases of a "
         "`match`, the `else` and the `except` clauses of a `try` (which follow a failure, so not the "
         "write that failed) and a branch that returns or leaves the loop before the next write are "
         "alternatives. Writes that all go to one row -- an instance created or fetched once and saved "
         "again and again (or updated through `filter(id=obj.id).update(...)`), a job's status or progress "
         "row -- are left alone: one transaction would hide the progress until the end.",
    why="A task can fail half way: a worker is killed, a time limit fires, the database drops the "
        "connection. Without a transaction the writes before the failure stay, the later ones never "
        "happen, and a retry starts from data no run would have produced.",
    example="""\
from celery import shared_task

from .models import Account, Transfer


@shared_task
def transfer(source_id, target_id, amount):
    source = Account.objects.get(pk=source_id)
    target = Account.objects.get(pk=target_id)
    source.balance -= amount
    source.save()
    target.balance += amount
    target.save()
    Transfer.objects.create(source=source, target=target, amount=amount)
""",
    instead="""\
from celery import shared_task
from django.db import transaction

from .models import Account, Transfer


@shared_task
def transfer(source_id, target_id, amount):
    with transaction.atomic():
        source = Account.objects.select_for_update().get(pk=source_id)
        target = Account.objects.select_for_update().get(pk=target_id)
        source.balance -= amount
        source.save()
        target.balance += amount
        target.save()
        Transfer.objects.create(source=source, target=target, amount=amount)
""",
    references=(_REF_TRANSACTIONS,),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL304 = Rule(
    code="CEL304",
    symbol="celery-delay-in-model-signal",
    msgid="W7829",
    message="{method}() in {where} runs before the caller's transaction commits, so the worker may not "
            "see the saved row; {fix}",
    summary="Send tasks from model signals, save() and the admin's save_model() only after the commit",
    what="Finds `.delay()` and `.apply_async()` called directly in a receiver of Django's `post_save`, "
         "`post_delete` or `m2m_changed` signal (`@receiver(...)` or `signal.connect(...)`, also from "
         "another module of the project, such as an `AppConfig.ready()`), in the "
         "`save()` / `delete()` method of a model class, or in the `save_model()`, `save_related()`, "
         "`save_formset()` or `delete_model()` method of a `ModelAdmin` (Django's admin runs them inside "
         "`transaction.atomic()`: `changeform_view`, `changelist_view` and `delete_view` in "
         "`django/contrib/admin/options.py`). Sends held back by `eta=` or a `countdown=` "
         "that is not a literal under a minute are left alone: the worker keeps them until long after "
         "the commit.",
    why="Model signals and `save()` run inside the caller's transaction (the admin, "
        "`ATOMIC_REQUESTS`, any `transaction.atomic()` block): the task is sent before the row is "
        "committed, so the worker reads the old row or none at all, and a rollback leaves a task "
        "about data that never existed.",
    example="""\
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Article
from .tasks import index_article


@receiver(post_save, sender=Article)
def reindex(sender, instance, **kwargs):
    index_article.delay(instance.pk)
""",
    instead="""\
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Article
from .tasks import index_article


@receiver(post_save, sender=Article)
def reindex(sender, instance, **kwargs):
    index_article.delay_on_commit(instance.pk)
""",
    references=(_REF_TRANSACTIONS, _REF_DJANGO_TASK),
    options=("task_decorators", "app_names", "task_base_classes"),
)

_SENDS = frozenset({"delay", "apply_async"})
_ON_COMMIT_FIX = {
    "delay": "use delay_on_commit() or transaction.on_commit(...) instead",
    "apply_async": "use apply_async_on_commit() or transaction.on_commit(...) instead",
    "send_task": "send it from transaction.on_commit(...) instead",
}
_SIGNAL_RECEIVERS = frozenset(df.INSTANCE_SIGNALS - {
    "django.db.models.signals.pre_save", "django.db.models.signals.pre_delete",
})
_MODEL_METHODS = ("save", "delete")
#: ModelAdmin methods Django's admin calls inside ``transaction.atomic()`` (django/contrib/admin/
#: options.py: changeform_view, changelist_view's list_editable save, delete_view); not
#: delete_queryset, which the delete_selected action calls outside one.
_ADMIN_METHODS = ("save_model", "save_related", "save_formset", "delete_model")
_ADMIN_BASES = frozenset({"django.contrib.admin.ModelAdmin", "django.contrib.admin.options.ModelAdmin",
                          "django.contrib.gis.admin.GISModelAdmin", "django.contrib.gis.admin.OSMGeoAdmin",
                          "django.contrib.gis.admin.options.GISModelAdmin"})
_MAIL_FUNCTIONS = frozenset({
    "django.core.mail.send_mail", "django.core.mail.send_mass_mail",
    "django.core.mail.mail_admins", "django.core.mail.mail_managers",
})
_MAIL_CLASSES = frozenset({"django.core.mail.EmailMessage", "django.core.mail.EmailMultiAlternatives"})
_F = frozenset({"django.db.models.F", "django.db.models.expressions.F"})


def _sending_call(ctx: Context, node: ast.Call) -> str | None:
    """``task.delay()`` / ``task.apply_async()`` on a Celery task, or ``app.send_task()``: the method."""
    model = ctx.model
    call = task_call(model, node)
    if call is None or model.app_has_own_task_class:
        return None
    if call.task is not None and _may_defer(model, call.task):
        return None
    if call.method == "send_task" or (call.method in _SENDS and call.known):
        return call.method
    return None


def _may_defer(model: ModuleModel, task: TaskInfo) -> bool:
    """May the task's class send after the commit itself (a transaction-aware base that
    overrides apply_async, as pretix's TransactionAwareTask does)?  So when the module shows
    such an override, or a base class or decorator of the project's that it cannot see."""
    return task.base_unresolved or task.by_project_decorator or df.task_class_overrides(
        model, task, ("delay", "apply_async"))


# --------------------------------------------------------------------------------------
# CEL301 / CEL304: sending before the commit
# --------------------------------------------------------------------------------------
def _atomic_block(model: ModuleModel, node: ast.AST) -> str | None:
    """How to name the atomic block the node runs in, or None."""
    block = df.atomic_context(model, node)
    if block is None:
        return None
    if isinstance(block, (ast.With, ast.AsyncWith)):
        return "'with transaction.atomic()'"
    return f"'{block.name}', decorated with @transaction.atomic,"


def _commit_sensitive_place(model: ModuleModel, func: ast.AST) -> str | None:
    """A model-signal receiver or a model's save()/delete(): how to name it, else None."""
    signals = df.signal_receivers(model).get(func, frozenset())
    if model.project is not None and model.parent(func) is model.tree:
        signals = signals | model.project.receiver_signals(model.filename, func.name)
    signals = signals & _SIGNAL_RECEIVERS
    if signals:
        signal = sorted(signals)[0].rsplit(".", 1)[-1]
        return f"the {signal} receiver '{func.name}'"
    cls = model.parent(func)
    if func.name in _MODEL_METHODS and isinstance(cls, ast.ClassDef) and df.is_model_class_def(model, cls):
        return f"{cls.name}.{func.name}()"
    if func.name in _ADMIN_METHODS and isinstance(cls, ast.ClassDef) and _is_model_admin(model, cls):
        return f"{cls.name}.{func.name}() (inside the admin's transaction.atomic())"
    return None


def _is_model_admin(model: ModuleModel, cls: ast.ClassDef) -> bool:
    """Does a class derive from Django's ``ModelAdmin`` (directly or through classes of this module,
    its :meth:`~ModuleModel.lineage`)?  A base of another package stays unknown: no."""
    info = model.classes.get(cls)
    return info is not None and any(
        model.resolve(base) in _ADMIN_BASES for c in model.lineage(info) for base in c.node.bases)


#: A literal countdown shorter than this is the "wait a moment for the commit" guess, still a race.
_RACE_COUNTDOWN = 60


def _runs_long_after(node: ast.Call) -> bool:
    """Is the send held back by ``eta=`` or by a ``countdown=`` that is not a short literal?  The
    worker keeps such a message until its ETA (celery/app/amqp.py turns a countdown into an ETA,
    celery/worker/strategy.py waits for it), so it runs long after the caller's commit."""
    for kw in node.keywords:
        if kw.arg not in ("eta", "countdown") or (isinstance(kw.value, ast.Constant) and kw.value.value is None):
            continue
        seconds = const(kw.value)
        if kw.arg == "eta" or not isinstance(seconds, (int, float)) or seconds >= _RACE_COUNTDOWN:
            return True
    return False


@on(ast.Call, reports=(CEL301, CEL304))
def send_before_commit(node: ast.Call, ctx: Context) -> None:
    method = _sending_call(ctx, node)
    if method is None or _runs_long_after(node):
        return
    model = ctx.model
    fix = _ON_COMMIT_FIX[method]
    block = _atomic_block(model, node)
    if block is not None:
        ctx.report(node, CEL301, method=method, block=block, fix=fix)
    if method in _SENDS:
        func = df.direct_function(model, node)
        where = _commit_sensitive_place(model, func) if func is not None else None
        if where is not None:
            ctx.report(node, CEL304, method=method, where=where, fix=fix)


# --------------------------------------------------------------------------------------
# CEL302: things a second run repeats
# --------------------------------------------------------------------------------------
_IDEMPOTENCY_KEY = "use get_or_create() / update_or_create() or an idempotency key"
_ABSOLUTE = "set an absolute value or record the run"
_MAIL_ONCE = "record that the mail was sent (an idempotency key) and check it first"


def _retry_calls(model: ModuleModel, task: TaskInfo) -> list[ast.Call]:
    """The task's own ``self.retry(...)`` calls."""
    found = []
    for node in df.body_nodes(model, task.node):
        if isinstance(node, ast.Call):
            call = task_call(model, node)
            if call is not None and call.method == "retry" and call.task is task:
                found.append(node)
    return found


def _retries(model: ModuleModel, task: TaskInfo) -> tuple[str, list[ast.Call] | None] | None:
    """How the task retries: (reason, its self.retry calls, or None for autoretry_for)."""
    autoretry = task.option("autoretry_for", model)
    if autoretry is not None and not (isinstance(autoretry, (ast.Tuple, ast.List)) and not autoretry.elts):
        return "retries (autoretry_for)", None
    calls = _retry_calls(model, task)
    return ("retries (self.retry)", calls) if calls else None


def _acks_late(model: ModuleModel, task: TaskInfo, config_acks_late: bool) -> str | None:
    """``config_acks_late``: the module's config sets task_acks_late=True (asked once per module)."""
    acks_late = task.option("acks_late", model)
    if const(acks_late) is True:
        return "acknowledges late (acks_late=True)"
    if acks_late is None and config_acks_late:
        return "acknowledges late (task_acks_late=True)"
    return None


def _uses_f(model: ModuleModel, expr: ast.AST) -> bool:
    return isinstance(expr, ast.Call) and model.resolve(expr.func) in _F


def _after(node: ast.AST, unit: ast.AST) -> bool:
    return (node.lineno, node.col_offset) > (unit.end_lineno, unit.end_col_offset)


def _saved_later(model: ModuleModel, func: ast.AST, name: str, after: ast.AST) -> bool:
    for node in df.body_nodes(model, func):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "save"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == name
                and _after(node, after)):
            return True
    return False


def _new_instance(model: ModuleModel, expr: ast.AST) -> str | None:
    """``Payment(...)`` (directly or through a local name): the model class's name."""
    value = df.value_of(model, expr)
    if isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)) \
            and df.is_model_class(model, value.func):
        return snippet(value.func)
    return None


def _orm_repeat(model: ModuleModel, task: TaskInfo, node: ast.AST) -> tuple[str, str] | None:
    """A database write that a second run does again rather than redoes: (what, fix), or None."""
    if isinstance(node, ast.Call):
        func = node.func
        if df.is_manager_call(model, node, frozenset({"create", "bulk_create"})):
            return f"{func.attr}()", _IDEMPOTENCY_KEY
        if isinstance(func, ast.Attribute) and func.attr == "save":
            created = _new_instance(model, func.value)
            if created is not None:
                return f"saving a new {created}", _IDEMPOTENCY_KEY
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        if _uses_f(model, node.left) or _uses_f(model, node.right):
            return f"the relative update {snippet(node)}", _ABSOLUTE
    if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
        target = node.target
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                and _saved_later(model, task.node, target.value.id, node):
            return f"'{snippet(target)} {'+=' if isinstance(node.op, ast.Add) else '-='} ...' then save()", \
                _ABSOLUTE
    return None


_INTEGRITY_ERRORS = frozenset({"django.db.IntegrityError", "django.db.utils.IntegrityError",
                               "django.db.DatabaseError", "django.db.utils.DatabaseError"})


def _insert_if_absent(model: ModuleModel, node: ast.AST) -> bool:
    """Is the write inside ``try:`` whose handler of ``IntegrityError`` goes on without raising
    (``try: Blacklist(email=e).save() except IntegrityError: pass``)?  With a unique field, the
    second run's insert fails and is ignored: the standard insert-if-absent."""
    child = node
    for anc in model.ancestors(node):
        if isinstance(anc, FUNCTION_TYPES):
            return False
        if isinstance(anc, TRY_TYPES) and child in anc.body:
            for handler in anc.handlers:
                types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
                if any(t is not None and model.resolve(t) in _INTEGRITY_ERRORS for t in types) \
                        and not any(isinstance(n, ast.Raise) for n in df.own_nodes(handler.body)):
                    return True
        child = anc
    return False


def _checked_first(model: ModuleModel, task: TaskInfo, node: ast.AST) -> bool:
    """Does the task return (or raise) first when the row already exists:
    ``if Repo.objects.filter(key=key).exists(): return`` before ``Repo.objects.create(key=key, ...)``?
    A second run then stops at the check instead of inserting again."""
    func = node.func if isinstance(node, ast.Call) else None
    if not (isinstance(func, ast.Attribute) and func.attr == "create" and isinstance(func.value, ast.Attribute)):
        return False
    manager = node_key(func.value)
    created = {kw.arg for kw in node.keywords if kw.arg}
    for stmt in df.body_nodes(model, task.node):
        if not (isinstance(stmt, ast.If) and stmt.lineno < node.lineno and stmt.body
                and isinstance(stmt.body[-1], (ast.Return, ast.Raise))):
            continue
        test = stmt.test
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "exists":
            query = test.func.value
            if (isinstance(query, ast.Call) and isinstance(query.func, ast.Attribute)
                    and query.func.attr in ("filter", "get") and node_key(query.func.value) == manager
                    and created & {kw.arg for kw in query.keywords if kw.arg}):
                return True
    return False


def _mail_repeat(model: ModuleModel, node: ast.AST) -> tuple[str, str] | None:
    """Sending a mail: (what, fix), or None."""
    if not isinstance(node, ast.Call):
        return None
    q = model.resolve(node.func)
    if q in _MAIL_FUNCTIONS:
        return f"{q.rsplit('.', 1)[-1]}()", _MAIL_ONCE
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "send":
        target = df.value_of(model, func.value)
        if isinstance(target, ast.Call) and model.resolve(target.func) in _MAIL_CLASSES:
            return "sending the mail", _MAIL_ONCE
    return None


def _statement(model: ModuleModel, node: ast.AST) -> ast.AST:
    while not isinstance(node, ast.stmt):
        node = model.parent(node)
    return node


def _done_unit(model: ModuleModel, node: ast.AST, orm: bool) -> ast.AST:
    """What a failure after the action no longer undoes: its statement, or for a database
    write the atomic block (or ``@transaction.atomic`` function) it runs in."""
    block = df.atomic_context(model, node) if orm else None
    return block if block is not None else _statement(model, node)


def _last_in_try(model: ModuleModel, retry: ast.Call, unit: ast.AST) -> bool:
    """Is the retry in an ``except`` of a ``try`` whose body ends with the action, so that it
    follows only a failure of the action (or of what came before it)?"""
    for anc in model.ancestors(retry):
        if isinstance(anc, ast.ExceptHandler):
            owner = model.parent(anc)
            return isinstance(owner, TRY_TYPES) and owner.body[-1] is unit
        if isinstance(anc, (*FUNCTION_TYPES, ast.Lambda)):
            return False
    return False


# What a call after the action can raise (CEL302 with autoretry_for): only a call that may raise
# an exception autoretry_for lists makes the task retry, and so repeat the action.

#: The ``logging`` module's functions that log on the root logger, and the methods of loggers
#: (structlog's loggers also have ``msg``).
_LOGGING_FUNCTIONS = frozenset(f"logging.{name}" for name in (
    "debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"))
_LOG_METHODS = frozenset({name.rpartition(".")[2] for name in _LOGGING_FUNCTIONS} | {"msg"})
#: Calls that make a logger, and methods of a logger that make another.
_LOGGER_FACTORIES = frozenset({
    "logging.getLogger", "logging.LoggerAdapter", "celery.utils.log.get_task_logger",
    "celery.utils.log.get_logger", "structlog.get_logger", "structlog.getLogger", "structlog.stdlib.get_logger",
})
_LOGGER_METHODS = frozenset({"getChild", "bind", "new"})
#: Builtins that do no input or output: they raise Python's own exceptions on bad values
#: (``int("x")``: ValueError) and, through the objects they read (``len(queryset)`` runs a query),
#: what those raise.
_VALUE_BUILTINS = frozenset({
    "abs", "all", "any", "ascii", "bin", "bool", "bytearray", "bytes", "callable", "chr", "complex", "dict",
    "divmod", "enumerate", "filter", "float", "format", "frozenset", "getattr", "hasattr", "hash", "hex", "id",
    "int", "isinstance", "issubclass", "iter", "len", "list", "map", "max", "min", "next", "oct", "ord", "pow",
    "range", "repr", "reversed", "round", "set", "setattr", "slice", "sorted", "str", "sum", "tuple", "type",
    "vars", "zip",
})
#: What an argument may be that runs database queries when a builtin reads it.
_LAZY_DATABASE = (df.QUERYSET, df.VALUES, df.INSTANCE, df.INSTANCES)


def _is_logger(model: ModuleModel, expr: ast.AST, depth: int = 0) -> bool:
    """Does the expression hold a logger: what a logger factory returns (``logging.getLogger(...)``,
    ``get_task_logger(...)``, ``structlog.get_logger()``), a child or bound copy of a logger
    (``log.getChild(...)``, ``log.bind(...)``), or a name each binding of which that may reach
    it is one of those?"""
    if depth > MAX_DEPTH:
        return False
    if isinstance(expr, ast.Call):
        func = expr.func
        if model.resolve(func) in _LOGGER_FACTORIES:
            return True
        return isinstance(func, ast.Attribute) and func.attr in _LOGGER_METHODS \
            and _is_logger(model, func.value, depth + 1)
    if not isinstance(expr, ast.Name):
        return False
    bindings = df.reaching(model, expr)
    return bool(bindings) and all(
        b.kind is BindingKind.ASSIGN and b.index is None and b.value is not None
        and _is_logger(model, b.value, depth + 1) for b in bindings)


def _logs(model: ModuleModel, call: ast.Call) -> bool:
    """A logging call (``log.info(...)``, ``logging.warning(...)``), ``print(...)`` to standard
    output, or a call that makes a logger (``logging.getLogger(...).info(...)``,
    ``log.bind(user=...)``).  None of them raises: a handler that fails reports through
    ``Handler.handleError`` (Lib/logging), and the worker sends a task's standard output to its
    logger (``worker_redirect_stdouts``).  The calls in their arguments run before them and are
    judged on their own."""
    if _is_logger(model, call):
        return True
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS and _is_logger(model, func.value):
        return True
    if model.is_builtin(func, "print"):
        return not any(kw.arg in ("file", None) for kw in call.keywords)  # print(..., file=report) writes a file
    return model.resolve(func) in _LOGGING_FUNCTIONS


def _retries_python_errors(model: ModuleModel, autoretry: ast.expr) -> bool:
    """Does autoretry_for list an exception class of Python's own that is no ``OSError`` (so
    one that builtins raise on bad values: ValueError, KeyError, or a base such as Exception),
    or something the module cannot tell?  A class of a library or of the project is raised
    by code of theirs, never by a builtin itself."""
    value = df.value_of(model, autoretry)
    for item in value.elts if isinstance(value, (ast.Tuple, ast.List)) else [value]:
        item = df.value_of(model, item)
        name = item.id if isinstance(item, ast.Name) and model.is_builtin(item) else None
        qualname = model.resolve(item)
        if qualname is not None and qualname.startswith("builtins."):
            name = qualname[len("builtins."):]
        if name is not None:
            cls = getattr(builtins, name, None)
            if not (isinstance(cls, type) and issubclass(cls, OSError)):
                return True
        elif not isinstance(item, (ast.Name, ast.Attribute)):
            return True  # a call, a starred list, ...: the module cannot tell
    return False


def _may_raise(model: ModuleModel, call: ast.Call, python_errors: bool) -> bool:
    """May the call raise an exception autoretry_for lists?  Logging and ``print`` never raise;
    a builtin that does no input or output raises only Python's own exceptions
    (``python_errors``: autoretry_for lists one) or, reading a queryset or a model instance, what
    the database raises; any other call may raise anything."""
    if _logs(model, call):
        return False
    if not model.is_builtin(call.func) or call.func.id not in _VALUE_BUILTINS:
        return True
    return python_errors or any(
        df.kind_of(model, arg) in _LAZY_DATABASE
        for arg in (*call.args, *(kw.value for kw in call.keywords)))


def _retry_may_follow(model: ModuleModel, task: TaskInfo, unit: ast.AST, retries: list[ast.Call] | None) -> bool:
    """Can the task still retry once the action is done?  Only then does a retry repeat it:
    an action that is the last thing that can fail is repeated only when it failed."""
    if unit is task.node:
        return False
    loop = model.in_loop(unit)
    if loop is not None and (retries is None or any(loop in model.ancestors(call) for call in retries)):
        return True  # the next round may fail (or retry) after this one's action
    if retries is None:  # autoretry_for: a later call that may raise what it lists
        python_errors = _retries_python_errors(model, task.option("autoretry_for", model))
        return any(isinstance(node, ast.Call) and _after(node, unit) and _may_raise(model, node, python_errors)
                   for node in df.body_nodes(model, task.node))
    return any(_after(call, unit) and not _last_in_try(model, call, unit) for call in retries)


def _check_repeats(ctx: Context) -> None:
    model = ctx.model
    config_acks_late = any(item.key == "task_acks_late" and const(item.value) is True for item in model.config)
    for task in model.tasks:
        retries = _retries(model, task)
        acks_late = _acks_late(model, task, config_acks_late)
        if retries is None and acks_late is None:
            continue
        reported = set()
        for node in df.body_nodes(model, task.node):
            found = _orm_repeat(model, task, node)
            orm = found is not None
            if orm and (_insert_if_absent(model, node) or _checked_first(model, task, node)):
                continue
            found = found or _mail_repeat(model, node)
            if found is None:
                continue
            stmt = _statement(model, node)
            if id(stmt) in reported:
                continue
            if retries is not None and _retry_may_follow(model, task, _done_unit(model, node, orm), retries[1]):
                repeats = retries[0]
            elif acks_late is not None:
                repeats = acks_late  # the worker may die after the action, before the ack
            else:
                continue
            reported.add(id(stmt))
            ctx.report(stmt, CEL302, task=task.label, repeats=repeats, action=found[0], fix=found[1])


# --------------------------------------------------------------------------------------
# CEL303: several writes without a transaction
# --------------------------------------------------------------------------------------
# Writes in exclusive branches (if/elif/else, the cases of a match, the else and the except
# clauses of a try) never run together: what counts is the writes one execution path does.
# A path is summed up as (a lasting write on it, how it ended) -> the most writes such a path
# makes (their names); so a body of any size has at most a handful of paths to follow.
_GOES_ON, _BROKE, _CONTINUED = "goes on", "broke out of the loop", "went on to the next round"
_ENDS = {ast.Break: _BROKE, ast.Continue: _CONTINUED, ast.Return: "returned", ast.Raise: "raised"}

_Paths = dict[tuple[bool, str], tuple[str, ...]]  # (lasting, end) -> the write names


def _collect(pairs) -> _Paths:
    """Paths from (key, writes) pairs: of paths with the same key, the one with the most writes
    (of as many, the one with the most kinds of write: the message names them)."""
    out: _Paths = {}
    for key, writes in pairs:
        if key not in out or _weight(writes) > _weight(out[key]):
            out[key] = writes
    return out


def _weight(writes: tuple[str, ...]) -> tuple[int, int]:
    return len(writes), len(set(writes))


def _merge(*alternatives: _Paths) -> _Paths:
    return _collect(pair for paths in alternatives for pair in paths.items())


def _ended(paths: _Paths, end: str) -> _Paths:
    return _collect(((lasting, end), writes) for (lasting, _), writes in paths.items())


def _resumed(paths: _Paths, end: str) -> _Paths:
    """The paths, those that ended so going on (after the loop they broke out of, ...)."""
    return _collect(((lasting, _GOES_ON if was == end else was), writes) for (lasting, was), writes in paths.items())


class _WritePaths:
    """The writes each execution path through a task's body does outside a transaction.

    ``events`` maps each statement to what it runs itself, not through statements nested in it
    (for ``if``, ``for``, ``with``: in its test, iterable, context): (the write's name or None,
    whether a second run cannot simply redo it) pairs."""

    def __init__(self, events: dict[ast.AST, list[tuple[str | None, bool]]]):
        self.events = events
        self.trail: list[_Paths] | None = None  # the paths before each statement of a try's body

    def block(self, stmts: list[ast.stmt], paths: _Paths) -> _Paths:
        for stmt in stmts:
            going = {key: writes for key, writes in paths.items() if key[1] == _GOES_ON}
            if going:
                if self.trail is not None:
                    self.trail.append(going)
                done = {key: writes for key, writes in paths.items() if key[1] != _GOES_ON}
                paths = _merge(done, self.statement(stmt, going))
        return paths

    def _own(self, stmt: ast.AST, paths: _Paths) -> _Paths:
        """The paths once the statement's own writes are done."""
        events = self.events.get(stmt)
        if not events:
            return paths
        names = tuple(name for name, _ in events if name is not None)
        lasting = any(last for _, last in events)
        return _collect(((was or lasting, end), writes + names) for (was, end), writes in paths.items())

    def statement(self, stmt: ast.stmt, paths: _Paths) -> _Paths:
        paths = self._own(stmt, paths)
        if isinstance(stmt, ast.If):
            return _merge(self.block(stmt.body, paths), self.block(stmt.orelse, paths))
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):  # the body once, as often as not
            once = self.block(stmt.body, paths)
            done = _merge(paths, _resumed(once, _CONTINUED))  # else runs when the loop ends without a break
            return _resumed(self.block(stmt.orelse, done), _BROKE)
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            return self.block(stmt.body, paths)
        if isinstance(stmt, ast.Match):
            return _merge(paths, *(self.block(case.body, paths) for case in stmt.cases))
        if isinstance(stmt, TRY_TYPES):
            return self._try(stmt, paths)
        end = _ENDS.get(type(stmt))
        return paths if end is None else _ended(paths, end)

    def _try(self, stmt: ast.AST, paths: _Paths) -> _Paths:
        """The else clause after the whole body; an except clause after a failure in any statement
        of the body (the writes before it done, the failed statement's own not: a write that
        raises has not written); finally after all of them."""
        outer, self.trail = self.trail, []
        body = self.block(stmt.body, paths)
        trail, self.trail = self.trail, outer
        if outer is not None:
            outer.extend(trail)  # what the handlers let through fails in the enclosing try
        failed = _merge(*trail)
        out = _merge(self.block(stmt.orelse, body), *(self.block(h.body, failed) for h in stmt.handlers))
        if not stmt.finalbody:
            return out
        final: _Paths = {}
        for (lasting, end), writes in out.items():
            after = self.block(stmt.finalbody, {(lasting, _GOES_ON): writes})
            final = _merge(final, _collect(((last, end if then == _GOES_ON else then), w)
                                           for (last, then), w in after.items()))
        return final


def _write_events(model: ModuleModel, task: TaskInfo) -> dict[ast.AST, list[tuple[str | None, bool]]]:
    """The writes and lasting changes outside a transaction of a task's body, by statement."""
    events: dict[ast.AST, list[tuple[str | None, bool]]] = {}
    for node in df.body_nodes(model, task.node):
        repeat = _orm_repeat(model, task, node)
        write = df.orm_write(model, node) if isinstance(node, ast.Call) else None
        if (repeat is None and write is None) or df.atomic_context(model, node) is not None:
            continue
        events.setdefault(_statement(model, node), []).append((write, repeat is not None))
    return events


def _worst_path(model: ModuleModel, task: TaskInfo) -> tuple[str, ...]:
    """The writes of the execution path with the most writes, one of them lasting."""
    paths = _WritePaths(_write_events(model, task)).block(task.node.body, {(False, _GOES_ON): ()})
    return max((writes for (lasting, _), writes in paths.items() if lasting), key=_weight, default=())


_INSTANCE_WRITES = frozenset({"save", "delete"})


def _one_row(model: ModuleModel, writes: list[ast.Call]) -> bool:
    """Do all the task's writes outside a transaction (``writes``) go to one row: an instance made or fetched
    once (``job = Export.objects.create()``) and then saved again and again (a job's status or
    progress row, which the web page polls)?  One transaction would hide the progress until the
    end, and there is no second row to leave half-written."""
    rows = set()
    for node in writes:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _INSTANCE_WRITES and isinstance(func.value, ast.Name):
            rows.add(func.value.id)
            continue
        parent = model.parent(node)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            rows.add(parent.targets[0].id)
            continue
        row = _row_updated(func)
        if row is not None:
            rows.add(row)
            continue
        return False  # another write (an update(), a create() not kept): a second row
    return len(rows) == 1


def _row_updated(func: ast.expr) -> str | None:
    """``Delivery.objects.filter(id=event.id).update(...)``: the instance whose row it updates
    (``event``), by its primary key; else None."""
    if not (isinstance(func, ast.Attribute) and func.attr == "update" and isinstance(func.value, ast.Call)):
        return None
    query = func.value
    if not (isinstance(query.func, ast.Attribute) and query.func.attr == "filter") or query.args \
            or len(query.keywords) != 1 or query.keywords[0].arg not in ("id", "pk"):
        return None
    key = query.keywords[0].value
    return key.value.id if isinstance(key, ast.Attribute) and key.attr in ("id", "pk") \
        and isinstance(key.value, ast.Name) else None


def _check_writes(ctx: Context) -> None:
    """Two or more writes outside a transaction on one execution path, one of which a second
    run cannot simply redo (a create, a relative update): after a failure between them,
    re-running the task does not repair the data.  Writes that are all idempotent (deletes,
    absolute updates) converge."""
    model = ctx.model
    for task in model.tasks:
        if df.atomic_decorated(model, task.node):
            continue
        writes: list[ast.Call] = []
        lasting = False
        for node in df.body_nodes(model, task.node):
            repeat = None if lasting else _orm_repeat(model, task, node)
            write = df.orm_write(model, node) if isinstance(node, ast.Call) else None
            if (repeat is None and write is None) or df.atomic_context(model, node) is not None:
                continue  # the atomic test last: it walks up the tree
            lasting = lasting or repeat is not None
            if write is not None:
                writes.append(node)
        if len(writes) < 2 or not lasting:
            continue  # the quick count over the whole body: no path can do more
        if _one_row(model, writes):
            continue
        path = _worst_path(model, task)
        if len(path) >= 2:
            ctx.report(task.definition, CEL303, task=task.label, count=len(path),
                       writes=", ".join(dict.fromkeys(path)))


@on_module(reports=(CEL302, CEL303))
def task_bodies(ctx: Context) -> None:
    _check_repeats(ctx)
    _check_writes(ctx)
