"""Logging and error reporting inside tasks (CEL701-CEL703)."""
from __future__ import annotations

import ast
import re

from ..dataflow import (
    TASK_FORMATTER, cleanup_in_finally, configured_loggers, connects_setup_logging, falls_into_raise, formats_task_id,
    leaves, own_nodes,
)
from ..engine import Context, on, on_module
from ..model import FUNCTION_TYPES, MAX_DEPTH, BindingKind, ModuleModel, TaskInfo
from ..rule import Rule
from ..text import node_key, snippet

_REF_LOGGING = "Celery user guide, Tasks: Logging (docs/userguide/tasks.rst#logging)"
_REF_RETRY = "Celery user guide, Tasks: Retrying (docs/userguide/tasks.rst#retrying)"
_REF_HANDLERS = "Celery user guide, Tasks: Handlers (docs/userguide/tasks.rst#handlers)"

CEL701 = Rule(
    code="CEL701",
    symbol="celery-stdlib-logger-in-task",
    msgid="W7871",
    message="task '{task}' logs through {logger}, whose records lack the task name and id; {fix}",
    summary="Log from tasks through celery.utils.log.get_task_logger",
    what="Finds logging calls (`debug`, `info`, `warning`, `error`, `exception`, `critical`, `log`) "
         "inside a task on a logger made by `logging.getLogger(...)` -- a module-level logger, one "
         "made in the task, or one a task passes down to a helper -- and the `logging` module's own "
         "functions (`logging.info(...)`, the root logger). Not reported: log calls that pass the "
         "task's id themselves (`self.request.id`, or a name assigned from it), and loggers that are "
         "task loggers after all: named under `celery.task`, or given the same name as a `get_task_logger(...)` "
         "call of the module (both calls return the same logger object). A logger the project's logging "
         "configuration sets up, or a child of one (a `\"loggers\"` entry of Django's `LOGGING` or of a "
         "`dictConfig` dict, for `getLogger(__name__)` or a literal name), gets other advice: "
         "`get_task_logger` re-parents a logger under `celery.task`, so its records would leave the "
         "handlers the project gave them; a `celery.app.log.TaskFormatter` on those handlers adds the "
         "task's name and id instead, and once a formatter of the configuration writes `%(task_id)s` or "
         "`%(task_name)s` (or is a TaskFormatter) such loggers are not reported. Nor is anything reported "
         "where the module or its project connects a receiver to "
         "`celery.signals.setup_logging` (or imports `pyramid_celery`, which connects one): the worker "
         "then leaves logging to the project and sets up no task logger (`celery/app/log.py`), so "
         "`get_task_logger` would add no task name or id either; or to `after_setup_logger` with a "
         "receiver that restyles, adds or replaces handlers (`setFormatter`, `addHandler`, `dictConfig`, "
         "a `configure_logging()` helper): records of the (not propagating) task logger never reach those.",
    why="The worker formats records of task loggers (`celery.utils.log.get_task_logger`) with the "
        "task's name and id, so the lines of one run can be found among thousands. Records of "
        "other loggers carry neither.",
    example="""\
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def import_orders(path):
    logger.info("importing %s", path)
""",
    instead="""\
from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task
def import_orders(path):
    logger.info("importing %s", path)
""",
    references=(_REF_LOGGING,),
    options=("task_decorators", "app_names", "task_base_classes"),
)


CEL702 = Rule(
    code="CEL702",
    symbol="celery-print-in-task",
    msgid="W7872",
    message="print() in task '{task}' writes to the worker's {stream} without task name, id or level; "
            "log through a logger from celery.utils.log.get_task_logger(__name__) instead",
    summary="Log from tasks instead of printing",
    default=False,
    what="Finds calls of the built-in `print(...)` inside a task that write to stdout or stderr "
         "(`print(..., file=fh)` writes a file and is not reported), outside test modules.",
    why="The worker redirects stdout to its log at one fixed level (`worker_redirect_stdouts_level`) "
        "without the task's name and id, and output is lost when redirection is off. A task logger "
        "gives each line a level and the task it belongs to.",
    example="""\
from celery import shared_task


@shared_task
def resize(image_id):
    print("resizing", image_id)
""",
    instead="""\
from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task
def resize(image_id):
    logger.info("resizing %s", image_id)
""",
    references=(_REF_LOGGING,),
    options=("task_decorators", "app_names", "task_base_classes", "test_paths"),
)


CEL703 = Rule(
    code="CEL703",
    symbol="celery-swallowed-exception",
    msgid="W7873",
    message="{handler} in task '{task}' neither re-raises, retries nor logs the traceback, so the "
            "failure never reaches monitoring; catch only the exceptions you expect, or re-raise, raise "
            "self.retry(exc=...), or log it with logger.exception(...)",
    summary="Do not swallow broad exceptions inside tasks",
    what="Finds `except Exception`, `except BaseException` and bare `except:` handlers inside a task "
         "that do none of: `raise` (bare, a new exception, `raise ... from e`), `self.retry(...)`, "
         "`logger.exception(...)`, a log call with `exc_info=`, `sentry_sdk.capture_exception` / "
         "`capture_message`, `traceback.print_exc()`. Handlers of narrow, expected exceptions "
         "(`except User.DoesNotExist: return`) are not reported, nor handlers that hand the "
         "exception object on to code the checker cannot see, nor a best-effort `try` inside a "
         "handler that then re-raises, inside a handler that reports its own error (a second, lesser "
         "error while marking the job failed), or inside a `finally:` block (cleanup after the work, "
         "whose own exception goes on; unless the handler returns). An exception that only goes into "
         "the text of a message "
         "(`str(e)`, `f\"{e}\"`, `\"%s\" % e`, `\"{r}\".format(r=e)`, `\"%(e)s\" % {\"e\": e}`) is "
         "not its traceback: such a handler is reported.",
    why="Celery marks a task FAILURE, calls `on_failure`, sends the `task-failed` event and lets "
        "error trackers record it only when the exception leaves the task. A handler that catches "
        "everything and returns makes a broken task look successful: no alert, no traceback, and "
        "the bug is found by the users.",
    example="""\
from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task
def charge(order_id):
    try:
        gateway_charge(order_id)
    except Exception as exc:
        logger.error("charge failed: %s", exc)
""",
    instead="""\
from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task
def charge(order_id):
    try:
        gateway_charge(order_id)
    except Exception:
        logger.exception("charge failed for order %s", order_id)
        raise
""",
    references=(_REF_HANDLERS, _REF_RETRY),
    options=("task_decorators", "app_names", "task_base_classes"),
)

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})
_GET_LOGGER = "logging.getLogger"
_GET_TASK_LOGGER = "celery.utils.log.get_task_logger"
# Names under "celery.task" are task loggers: get_task_logger makes its loggers their children.
_TASK_LOGGER_PREFIX = "celery.task"


def task_around(model: ModuleModel, node: ast.AST) -> TaskInfo | None:
    """The task whose code contains the node, through nested functions and lambdas
    (a class defined inside a task is not the task's code)."""
    for anc in model.ancestors(node):
        if isinstance(anc, ast.ClassDef):
            return None
        if isinstance(anc, FUNCTION_TYPES):
            task = model.task_by_node.get(anc)
            if task is not None:
                return task
    return None


# -- CEL701 ------------------------------------------------------------------------------

def _configured_ancestor(parts: list[str], configured: frozenset[str]) -> str | None:
    """The nearest of the logger ``".".join(parts)`` and its ancestors that is ``configured``."""
    return next((n for i in range(len(parts), 0, -1) if (n := ".".join(parts[:i])) in configured), None)


class _LoggerUse:
    """Which loggers the module's logging calls use; built once per module."""

    def __init__(self, model: ModuleModel):
        self.model = model
        self._calls_of: dict[ast.AST, list[ast.Call]] | None = None
        self._origins: dict[ast.AST, ast.Call | None] = {}
        self._task_logger_names: frozenset[str] | None = None

    def is_task_logger(self, get_logger: ast.Call) -> bool:
        """Does ``logging.getLogger(name)`` return a task logger?  Yes for names under
        ``celery.task``, and for a name the module also gives ``get_task_logger``: both calls
        return the same logger object, which get_task_logger re-parents under ``celery.task``."""
        name = get_logger.args[0] if get_logger.args else next(
            (kw.value for kw in get_logger.keywords if kw.arg == "name"), None)
        if name is None:
            return False
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            if name.value.split(".")[:2] == _TASK_LOGGER_PREFIX.split("."):
                return True
        if self._task_logger_names is None:
            self._task_logger_names = frozenset(
                node_key(call.args[0]) for call in self.model.nodes.get(ast.Call, ())
                if call.args and self.model.resolve(call.func) == _GET_TASK_LOGGER
            )
        return node_key(name) in self._task_logger_names

    def routed(self, get_logger: ast.Call, configured: frozenset[str], project=None) -> str | None:
        """The logger the project's logging configuration sets up (one of ``configured``) that
        ``logging.getLogger(name)`` makes, or an ancestor of it, or None.  ``__name__`` is the name
        the project index gives the module; without one, where ``sys.path`` starts is not known,
        and a logger named by any run of the file's folders counts."""
        if not configured:
            return None
        name = get_logger.args[0] if get_logger.args else next(
            (kw.value for kw in get_logger.keywords if kw.arg == "name"), None)
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            return _configured_ancestor(name.value.split("."), configured)
        if not (isinstance(name, ast.Name) and name.id == "__name__"):
            return None
        module = project.module_of(self.model.filename)[0] if project is not None else ""
        if module:
            return _configured_ancestor(module.split("."), configured)
        path = [p for p in re.split(r"[\\/]", self.model.filename) if p]
        if path and path[-1].endswith(".py"):
            path[-1] = path[-1][:-3]
            if path[-1] == "__init__":
                path.pop()
        return next((n for i in range(len(path)) if (n := _configured_ancestor(path[i:], configured))), None)

    def calls_of(self, func: ast.AST) -> list[ast.Call]:
        """The calls in the module of a function defined in it (``helper(...)``)."""
        if self._calls_of is None:
            index: dict[ast.AST, list[ast.Call]] = {}
            for call in self.model.nodes.get(ast.Call, ()):
                if isinstance(call.func, ast.Name):
                    for b in self.model.lookup(call.func.id, call.func):
                        if b.kind is BindingKind.DEF:
                            index.setdefault(b.node, []).append(call)
            self._calls_of = index
        return self._calls_of.get(func, [])

    def origin(self, expr: ast.AST, depth: int = 0) -> ast.Call | None:
        """The ``logging.getLogger(...)`` call that made the logger ``expr`` holds, or None."""
        if depth > MAX_DEPTH:
            return None
        if expr in self._origins:
            return self._origins[expr]
        self._origins[expr] = None  # while in progress: a cycle holds no logger
        made = self._origins[expr] = self._origin(expr, depth)
        return made

    def _origin(self, expr: ast.AST, depth: int) -> ast.Call | None:
        model = self.model
        if isinstance(expr, ast.Call):
            func = expr.func
            if model.resolve(func) == _GET_LOGGER:
                return None if self.is_task_logger(expr) else expr
            if isinstance(func, ast.Attribute) and func.attr == "getChild":
                return self.origin(func.value, depth + 1)
            return None
        if not isinstance(expr, ast.Name):
            return None
        bindings = model.lookup(expr.id, expr)
        found = None
        for b in bindings:
            if b.kind is BindingKind.ASSIGN and b.index is None and b.value is not None:
                made = self.origin(b.value, depth + 1)
            elif b.kind is BindingKind.PARAM:
                made = self._param_origin(b.node, depth + 1)
            else:
                made = None
            if made is None:
                return None
            found = found or made
        return found

    def _param_origin(self, arg: ast.arg, depth: int) -> ast.Call | None:
        """A parameter holds a stdlib logger when its default is one, or when every call of its
        function in the module passes one."""
        arguments = self.model.parent(arg)
        func = self.model.parent(arguments)
        if not isinstance(arguments, ast.arguments) or not isinstance(func, FUNCTION_TYPES):
            return None
        if func in self.model.task_by_node:
            return None  # task arguments come from messages, never loggers
        positional = [*arguments.posonlyargs, *arguments.args]
        if arg in positional:
            index = positional.index(arg)
            offset = len(positional) - len(arguments.defaults)
            if index >= offset:
                return self.origin(arguments.defaults[index - offset], depth)
        else:
            index = None
            if arg in arguments.kwonlyargs:
                default = arguments.kw_defaults[arguments.kwonlyargs.index(arg)]
                if default is not None:
                    return self.origin(default, depth)
        calls = self.calls_of(func)
        if not calls:
            return None
        found = None
        for call in calls:
            passed = _argument_for(call, arg.arg, index)
            made = self.origin(passed, depth) if passed is not None else None
            if made is None:
                return None
            found = found or made
        return found

    def passing_task(self, expr: ast.AST) -> TaskInfo | None:
        """For a logger that is a parameter of a helper: a task that calls the helper."""
        if not isinstance(expr, ast.Name):
            return None
        for b in self.model.lookup(expr.id, expr):
            if b.kind is not BindingKind.PARAM:
                continue
            func = self.model.parent(self.model.parent(b.node))
            for call in self.calls_of(func):
                task = task_around(self.model, call)
                if task is not None:
                    return task
        return None


def _argument_for(call: ast.Call, name: str, index: int | None) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if index is not None and index < len(call.args) and not any(
        isinstance(a, ast.Starred) for a in call.args[: index + 1]
    ):
        return call.args[index]
    return None


def _is_request_id(node: ast.AST) -> bool:
    """``<task>.request.id``: ``self.request.id``, ``current_task.request.id``, ..."""
    return (isinstance(node, ast.Attribute) and node.attr == "id"
            and isinstance(node.value, ast.Attribute) and node.value.attr == "request")


def _carries_task_id(model: ModuleModel, expr: ast.AST, depth: int = 0) -> bool:
    """Does the expression hold the task's id, directly or through local names assigned from it
    (``lock_id = f"{self.request.id}"``)?"""
    for node in ast.walk(expr):
        if _is_request_id(node):
            return True
        if depth < MAX_DEPTH and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            for b in model.assigned_values(node):
                if b.kind is BindingKind.ASSIGN and b.value is not None and _carries_task_id(model, b.value, depth + 1):
                    return True
    return False


def _logs_task_id(model: ModuleModel, call: ast.Call) -> bool:
    """A log call that passes the task's id already ties its line to the run."""
    return any(_carries_task_id(model, arg) for arg in (*call.args, *(kw.value for kw in call.keywords)))


def _describe(expr: ast.AST) -> str:
    if isinstance(expr, ast.Name):
        return f"the standard-library logger '{expr.id}'"
    return "a logger made with logging.getLogger(...)"


@on_module(reports=(CEL701,))
def stdlib_logger_in_task(ctx: Context) -> None:
    model = ctx.model
    if not model.tasks or connects_setup_logging(model) or (
            ctx.project is not None and ctx.project.logging_set_up_by_project):
        return
    loggers = _LoggerUse(model)
    configured = configured_loggers(model)
    formatted = formats_task_id(model)
    if ctx.project is not None:
        configured |= ctx.project.configured_loggers
        formatted = formatted or ctx.project.formats_task_id
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if method not in LOG_METHODS:
            continue
        if model.resolve(func) == f"logging.{method}":
            task, made = task_around(model, call), None
        elif isinstance(func, ast.Attribute) and (made := loggers.origin(func.value)) is not None:
            task = task_around(model, call) or loggers.passing_task(func.value)
        else:
            continue
        if task is None or _logs_task_id(model, call):
            continue
        if made is None:
            ctx.report(call, CEL701, task=task.label, logger=f"the root logger (logging.{method})",
                       fix="log through a logger made with celery.utils.log.get_task_logger(__name__)")
        elif (routed := loggers.routed(made, configured, ctx.project)) is not None:
            # get_task_logger would re-parent it under celery.task, out of the project's handlers
            if not formatted:
                ctx.report(call, CEL701, task=task.label, logger=_describe(func.value),
                           fix=f"the logging configuration sends them to the handlers of '{routed}': give "
                               f"those a {TASK_FORMATTER} (it fills %(task_name)s and %(task_id)s) rather "
                               f"than moving the logger under celery.task with get_task_logger")
        else:
            ctx.report(call, CEL701, task=task.label, logger=_describe(func.value),
                       fix=f"make it with celery.utils.log.get_task_logger(__name__) instead of "
                           f"logging.getLogger(...) on line {made.lineno}")


# -- CEL702 ------------------------------------------------------------------------------

@on(ast.Call, reports=(CEL702,))
def print_in_task(node: ast.Call, ctx: Context) -> None:
    func = node.func
    if not (isinstance(func, ast.Name) and func.id == "print"):
        return
    task = task_around(ctx.model, node)
    if task is None or not ctx.model.is_builtin(func) or ctx.model.is_test_code():
        return
    stream = _print_stream(ctx.model, node)
    if stream is not None:
        ctx.report(node, CEL702, task=task.label, stream=stream)


_STD_STREAMS = {"sys.stdout": "stdout", "sys.stderr": "stderr", "sys.__stdout__": "stdout",
                "sys.__stderr__": "stderr"}


def _print_stream(model: ModuleModel, call: ast.Call) -> str | None:
    """The standard stream a print() writes to, or None for a file (``file=fh``)."""
    target = next((kw.value for kw in call.keywords if kw.arg == "file"), None)
    if target is None or (isinstance(target, ast.Constant) and target.value is None):
        return "stdout"
    return _STD_STREAMS.get(model.resolve(target) or "")


# -- CEL703 ------------------------------------------------------------------------------

_BROAD = frozenset({"Exception", "BaseException"})
# Calls that send an exception to an error tracker, whatever the module they come from.
_TRACKER_CALLS = frozenset({
    "capture_exception", "capture_message", "captureException", "captureMessage",
    "report_exc_info", "notice_error",
})
# Builtins that only read an exception (to format a message or test it).
_READING_BUILTINS = frozenset({"str", "repr", "print", "type", "isinstance", "len", "format", "getattr",
                               "hasattr", "bool"})
_SYS_EXC = frozenset({"sys.exc_info", "sys.exception"})


def _broad_name(model: ModuleModel, expr: ast.AST | None) -> str | None:
    """``except:`` / ``except Exception`` / ``except (ValueError, BaseException)``: how it is written."""
    if expr is None:
        return "bare except"
    if isinstance(expr, ast.Tuple):
        for elt in expr.elts:
            if _broad_name(model, elt):
                return f"except {snippet(expr)}"
        return None
    if isinstance(expr, ast.Name) and expr.id in _BROAD and model.is_builtin(expr):
        return f"except {expr.id}"
    if model.resolve(expr) in {f"builtins.{name}" for name in _BROAD}:
        return f"except {snippet(expr)}"
    return None


class _HandlerReading:
    """Decides whether a block of code reports the exception it handles."""

    def __init__(self, model: ModuleModel):
        self.model = model

    def reports(self, body: list[ast.stmt], exc_name: str | None, depth: int = 0) -> bool:
        for stmt in body:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Raise):
                    return True
                if isinstance(node, ast.Call) and self.reporting_call(node, depth):
                    return True
                if (exc_name and isinstance(node, ast.Name) and node.id == exc_name
                        and isinstance(node.ctx, ast.Load) and self._escapes(node, depth)):
                    return True  # handed on to code we cannot see: it may report it
        return False

    def reporting_call(self, call: ast.Call, depth: int = 0) -> bool:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name in ("retry", "update_state") and isinstance(func, ast.Attribute):
            return True
        if name == "exception" and isinstance(func, ast.Attribute):
            return True
        if name in _TRACKER_CALLS:
            return True
        for kw in call.keywords:
            if kw.arg == "exc_info" and not (isinstance(kw.value, ast.Constant) and not kw.value.value):
                return True
        qualname = self.model.resolve(func) or ""
        if qualname.startswith("traceback.") or qualname in _SYS_EXC:
            return True
        helper = self._local_function(func)
        return helper is not None and depth < MAX_DEPTH and self.reports(helper.body, None, depth + 1)

    def _local_function(self, func: ast.AST) -> ast.FunctionDef | None:
        if isinstance(func, ast.Name):
            for b in self.model.lookup(func.id, func):
                if b.kind is BindingKind.DEF:
                    return b.node
        return None

    def _escapes(self, name: ast.Name, depth: int) -> bool:
        """Is the exception object handed on (stored, returned, passed to unknown code)?"""
        parent = self.model.parent(name)
        if self._into_message(name, parent):
            return False
        if isinstance(parent, (ast.Attribute, ast.FormattedValue, ast.Compare, ast.BoolOp, ast.UnaryOp,
                               ast.BinOp, ast.If, ast.IfExp, ast.Raise)):
            return False
        if isinstance(parent, ast.Call) and name in parent.args:
            func = parent.func
            if isinstance(func, ast.Name) and func.id in _READING_BUILTINS and self.model.is_builtin(func):
                return False
            if isinstance(func, ast.Attribute) and func.attr in LOG_METHODS | {"format"}:
                return False
            helper = self._local_function(func)
            if helper is not None and depth < MAX_DEPTH:
                index = parent.args.index(name)
                params = [*helper.args.posonlyargs, *helper.args.args]
                if index < len(params) and not any(isinstance(a, ast.Starred) for a in parent.args):
                    return self.reports(helper.body, params[index].arg, depth + 1)
        return True

    def _into_message(self, name: ast.Name, parent: ast.AST | None) -> bool:
        """Does the exception only go into the text of a message: a keyword of ``.format(...)``
        (``"{r}".format(r=e)``), or an item of the tuple or dict that ``%`` or a log call formats
        (``"%s: %s" % (x, e)``, ``"%(e)s" % {"e": e}``)?  The text carries the error, not its
        traceback."""
        if isinstance(parent, ast.keyword):
            call = self.model.parent(parent)
            return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "format" and parent.arg is not None)
        if not isinstance(parent, (ast.Tuple, ast.Dict)):
            return False
        outer = self.model.parent(parent)
        if isinstance(outer, ast.BinOp) and isinstance(outer.op, ast.Mod) and outer.right is parent:
            return True
        return (isinstance(outer, ast.Call) and parent in outer.args and isinstance(outer.func, ast.Attribute)
                and outer.func.attr in LOG_METHODS | {"format", "format_map"})


@on(ast.ExceptHandler, reports=(CEL703,))
def swallowed_exception(node: ast.ExceptHandler, ctx: Context) -> None:
    model = ctx.model
    handler = _broad_name(model, node.type)
    if handler is None:
        return
    task = task_around(model, node)
    if task is None:
        return
    if falls_into_raise(model, node) or cleanup_in_finally(model, node):
        return  # a best-effort try inside a handler that re-raises, or cleanup: the task fails all the same
    reading = _HandlerReading(model)
    if not reading.reports(node.body, node.name) and not _inside_reporting_handler(model, reading, node):
        ctx.report(node, CEL703, handler=handler, task=task.label)


def _inside_reporting_handler(model: ModuleModel, reading: _HandlerReading, node: ast.ExceptHandler) -> bool:
    """Is the handler's ``try`` a best-effort step (marking the job failed) inside an ``except``
    block that itself records the error it handles (logs its traceback, sends it to a tracker,
    retries), and does the handler not leave (``return``, ``break``, ``continue``) on the way?
    The task's failure is on record; what the inner step drops is a second, lesser error."""
    if leaves(node.body):
        return False
    for anc in model.ancestors(model.parent(node)):
        if isinstance(anc, FUNCTION_TYPES):
            return False
        if isinstance(anc, ast.ExceptHandler):
            return any(isinstance(n, ast.Call) and reading.reporting_call(n) for n in own_nodes(anc.body))
    return False
