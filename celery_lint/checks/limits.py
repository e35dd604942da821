"""Time limits: soft limits that cannot fire and soft limits that are swallowed (CEL511, CEL512)."""
from __future__ import annotations

import ast
import operator

from ..dataflow import falls_into_raise, raises_or_retries
from ..engine import Context, on, on_module
from ..model import FUNCTION_TYPES, LOOP_TYPES, MAX_DEPTH, TRY_TYPES, ClassInfo, ModuleModel, TaskInfo, TaskKind, const
from ..rule import Rule
from ..text import number, snippet

_REF_TIME_LIMITS = "Celery user guide, Workers: Time Limits (docs/userguide/workers.rst#time-limits)"
_REF_OPTIONS = "Celery user guide, Tasks: List of Options (docs/userguide/tasks.rst#list-of-options)"
_REF_SOFT_SETTING = ("Celery user guide, Configuration: task_soft_time_limit "
                     "(docs/userguide/configuration.rst#task-soft-time-limit)")

CEL511 = Rule(
    code="CEL511",
    symbol="celery-soft-limit-not-below-hard",
    msgid="W7851",
    message="{soft_name}={soft} is not below {hard_name}={hard}: the hard limit kills the worker "
            "process before SoftTimeLimitExceeded can be handled (and apply_async() raises ValueError "
            "when soft > hard); set the soft time limit below the hard one",
    summary="Keep soft_time_limit below time_limit",
    what="Finds literal soft and hard time limits where the soft one is not below the hard one: "
         "`soft_time_limit` / `time_limit` of a task decorator or a Task subclass (also through a "
         "base class of the module), `task_soft_time_limit` / `task_time_limit` in one Celery "
         "config, and both options of one `apply_async()`, `signature()`, `.set()`, `retry()` or "
         "`send_task()` call.",
    why="The soft limit exists to give the task a chance to clean up: it raises "
        "`SoftTimeLimitExceeded` inside the task, and the hard limit kills the process later. When "
        "the soft limit is not below the hard one, the process is killed first and the clean-up "
        "never runs; Celery's `apply_async()` even refuses a soft limit above the hard one with "
        "`ValueError`.",
    example="""\
from celery import shared_task


@shared_task(soft_time_limit=300, time_limit=120)
def rebuild_index(index_id):
    ...
""",
    instead="""\
from celery import shared_task


@shared_task(soft_time_limit=120, time_limit=300)
def rebuild_index(index_id):
    ...
""",
    references=(_REF_TIME_LIMITS, _REF_OPTIONS),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL512 = Rule(
    code="CEL512",
    symbol="celery-soft-limit-swallowed",
    msgid="W7852",
    message="{handler} in task '{task}', which has a soft time limit, also catches "
            "SoftTimeLimitExceeded and lets the task carry on; add 'except SoftTimeLimitExceeded: raise' "
            "(from celery.exceptions) before it, or re-raise",
    summary="Let SoftTimeLimitExceeded through broad except clauses",
    what="In a task with a soft time limit (`soft_time_limit` on the decorator or the Task class, "
         "or `task_soft_time_limit` in the module's Celery config), finds `except Exception`, "
         "`except BaseException` and bare `except:` handlers that neither re-raise nor retry, "
         "in a `try` without an earlier `except SoftTimeLimitExceeded`, after which the task "
         "goes on working: the `try` sits in a loop, or more statements follow it. A handler "
         "that ends the task (a `return`, or nothing but a plain `return` after the `try`) has "
         "done the clean-up the soft limit is there for and is not reported, nor is a best-effort "
         "`try` inside a handler that then re-raises (the task fails all the same).",
    why="`SoftTimeLimitExceeded` is an ordinary `Exception`. A broad handler catches it, so the "
        "task carries on with its next item or step as if nothing happened, until the hard "
        "limit kills the worker process: the time limit no longer stops the work in an orderly "
        "way, and the task's failure is reported as a lost worker.",
    example="""\
from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task(soft_time_limit=60, time_limit=90)
def render_all(doc_ids):
    for doc_id in doc_ids:
        try:
            build_pdf(doc_id)
        except Exception:
            logger.exception("rendering %s failed", doc_id)
""",
    instead="""\
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task(soft_time_limit=60, time_limit=90)
def render_all(doc_ids):
    for doc_id in doc_ids:
        try:
            build_pdf(doc_id)
        except SoftTimeLimitExceeded:
            logger.warning("out of time before %s", doc_id)
            raise
        except Exception:
            logger.exception("rendering %s failed", doc_id)
""",
    references=(_REF_TIME_LIMITS, _REF_SOFT_SETTING),
    options=("task_decorators", "app_names", "task_base_classes"),
)

_SOFT_LIMIT_EXCEPTIONS = frozenset({
    "celery.exceptions.SoftTimeLimitExceeded",
    "billiard.exceptions.SoftTimeLimitExceeded",
})
_BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})

#: Calls whose keyword arguments are execution options (time limits among them).
_OPTION_CALLS = frozenset({"apply_async", "signature", "set", "retry", "send_task"})
_SIGNATURE_FUNCTIONS = frozenset({"celery.signature", "celery.Signature"})

_ARITHMETIC = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv,
}


def _seconds(expr: ast.AST | None, depth: int = 0) -> float | None:
    """The number of seconds a literal expression gives (``300``, ``5 * 60``), else None."""
    if expr is None or depth > MAX_DEPTH:
        return None
    if isinstance(expr, ast.Constant):
        value = expr.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        return None
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        inner = _seconds(expr.operand, depth + 1)
        return None if inner is None else -inner
    if isinstance(expr, ast.BinOp) and type(expr.op) in _ARITHMETIC:
        left, right = _seconds(expr.left, depth + 1), _seconds(expr.right, depth + 1)
        if left is None or right is None:
            return None
        try:
            return _ARITHMETIC[type(expr.op)](left, right)
        except (ZeroDivisionError, OverflowError):
            return None
    return None


def _not_below(soft: ast.AST | None, hard: ast.AST | None) -> tuple[float, float] | None:
    """(soft, hard) when both are literal positive limits and the soft one is not below."""
    s, h = _seconds(soft), _seconds(hard)
    if s is None or h is None or s <= 0 or h <= 0 or s < h:
        return None
    return s, h


def _fmt(value: float) -> str:
    return number(value)


# ------------------------------------------------------------------------------------
# CEL511
# ------------------------------------------------------------------------------------

def _class_attr(model: ModuleModel, cls: ClassInfo | None, name: str) -> tuple[ast.AST | None, ClassInfo | None]:
    """A class attribute through the class's base classes of this module, nearest first."""
    for info in model.lineage(cls) if cls is not None else ():
        if name in info.attrs:
            return info.attrs[name], info
    return None, None


def _report_limits(ctx: Context, soft: tuple[ast.AST | None, ast.AST | None],
                   hard: tuple[ast.AST | None, ast.AST | None], names=("soft_time_limit", "time_limit")) -> None:
    """Report a (value, node) pair of limits where a node is given: the soft one first."""
    found = _not_below(soft[0], hard[0])
    node = soft[1] or hard[1]
    if found is not None and node is not None:
        ctx.report(node, CEL511, soft_name=names[0], soft=_fmt(found[0]),
                   hard_name=names[1], hard=_fmt(found[1]))


@on_module(reports=(CEL511,))
def soft_limit_not_below_hard(ctx: Context) -> None:
    model = ctx.model
    for info in model.classes.values():
        if not info.is_task_class:
            continue
        soft, soft_owner = _class_attr(model, info, "soft_time_limit")
        hard, hard_owner = _class_attr(model, info, "time_limit")
        _report_limits(ctx, (soft, info.attr_nodes.get("soft_time_limit") if soft_owner is info else None),
                       (hard, info.attr_nodes.get("time_limit") if hard_owner is info else None))
    for task in model.tasks:
        if task.kind is not TaskKind.FUNCTION:
            continue
        soft_kw, hard_kw = task.options.get("soft_time_limit"), task.options.get("time_limit")
        if soft_kw is None and hard_kw is None:
            continue  # both from a base class: reported there
        _report_limits(ctx, (task.option("soft_time_limit", model), soft_kw),
                       (task.option("time_limit", model), hard_kw))
    groups: dict[int, dict[str, object]] = {}
    for item in model.config:
        if item.key in ("task_soft_time_limit", "task_time_limit"):
            groups.setdefault(id(item.group), {})[item.key] = item
    for items in groups.values():
        soft, hard = items.get("task_soft_time_limit"), items.get("task_time_limit")
        if soft is not None and hard is not None:
            _report_limits(ctx, (soft.value, soft.node), (hard.value, None), names=(soft.raw, hard.raw))


@on(ast.Call, reports=(CEL511,))
def call_limits(node: ast.Call, ctx: Context) -> None:
    if len(node.keywords) < 2:
        return
    func = node.func
    if isinstance(func, ast.Attribute):
        if func.attr not in _OPTION_CALLS:
            return
    elif ctx.resolve(func) not in _SIGNATURE_FUNCTIONS:
        return
    soft = hard = None
    for kw in node.keywords:
        if kw.arg == "soft_time_limit":
            soft = kw
        elif kw.arg == "time_limit":
            hard = kw
    if soft is not None and hard is not None:
        _report_limits(ctx, (soft.value, soft), (hard.value, None))


# ------------------------------------------------------------------------------------
# CEL512
# ------------------------------------------------------------------------------------

def _config_soft_limit(model: ModuleModel) -> bool:
    return any(item.key == "task_soft_time_limit" and _is_set(item.value) for item in model.config)


def _is_set(expr: ast.AST | None) -> bool:
    """A limit expression that is (or may be) a positive limit: not None, 0 or False."""
    if expr is None:
        return False
    value = _seconds(expr)
    if value is not None:
        return value > 0
    return const(expr, default=True) not in (None, False, 0)


def _catches(model: ModuleModel, handler: ast.ExceptHandler, names: frozenset[str], builtins: bool) -> bool:
    """Does the handler's type name one of the classes (builtin names, or qualified names)?"""
    if handler.type is None:
        return builtins
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for expr in types:
        if builtins:
            if isinstance(expr, ast.Name) and expr.id in names and not model.lookup(expr.id, expr):
                return True
        elif model.resolve(expr) in names:
            return True
    return False


def _has_soft_limit(model: ModuleModel, task: TaskInfo, config_limit: bool) -> bool:
    """A soft limit on the task, or (when the task leaves it None) in the module's config:
    Task.bind() fills attributes that are None from the config (Task.from_config)."""
    option = task.option("soft_time_limit", model)
    if option is not None and const(option, default=True) is not None:
        return _is_set(option)
    return config_limit


def _ends_at_once(stmts: list[ast.stmt]) -> bool:
    """Statements that end the task straight away: nothing, ``pass``, or a ``return`` of a
    name, attribute or literal."""
    return all(isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Return) and (
        stmt.value is None or isinstance(stmt.value, (ast.Name, ast.Attribute, ast.Constant)))) for stmt in stmts)


def _rest_of_block(parent: ast.AST, child: ast.AST) -> list[ast.stmt] | None:
    """The statements after ``child`` in the block of ``parent`` that holds it (None when
    ``child`` is no statement of a block: a handler, a match case)."""
    for name in ("body", "orelse", "finalbody"):
        block = getattr(parent, name, None)
        if isinstance(block, list) and child in block:
            rest = block[block.index(child) + 1:]
            if name == "body" and isinstance(parent, TRY_TYPES):
                rest = rest + parent.orelse  # the try's else runs after its body
            return rest
    return None


def _task_carries_on(model: ModuleModel, handler: ast.ExceptHandler) -> bool:
    """Can the task run more of its code after the handler: is the ``try`` in a loop, or do
    statements follow it?  A handler that ends the task has done the clean-up the soft limit
    is there for."""
    if handler.body and isinstance(handler.body[-1], ast.Return) or falls_into_raise(model, handler):
        return False  # the task returns, or fails with the error a handler around re-raises
    child: ast.AST = model.parent(handler)
    for anc in model.ancestors(child):
        if isinstance(anc, LOOP_TYPES) and child in anc.body:
            return True
        rest = _rest_of_block(anc, child)
        if rest and not _ends_at_once(rest):
            return True
        if isinstance(anc, FUNCTION_TYPES):
            return False
        child = anc
    return False


@on_module(reports=(CEL512,))
def soft_limit_swallowed(ctx: Context) -> None:
    model = ctx.model
    if not model.tasks:
        return
    config_limit = _config_soft_limit(model)
    verdicts: dict[int, bool] = {}
    for handler in model.nodes.get(ast.ExceptHandler, ()):
        task = model.enclosing_task(handler)
        if task is None:
            continue
        if id(task) not in verdicts:
            verdicts[id(task)] = _has_soft_limit(model, task, config_limit)
        if not verdicts[id(task)]:
            continue
        if not _catches(model, handler, _BROAD_EXCEPTIONS, builtins=True) or raises_or_retries(handler.body) \
                or not _task_carries_on(model, handler):
            continue
        try_node = model.parent(handler)
        earlier = try_node.handlers[:try_node.handlers.index(handler)] if try_node is not None else []
        if any(_catches(model, h, _SOFT_LIMIT_EXCEPTIONS, builtins=False) for h in earlier):
            continue
        if handler.type is None:
            what = "a bare 'except:'"
        else:
            what = f"'except {snippet(handler.type)}'"
        ctx.report(handler, CEL512, handler=what, task=task.label)
