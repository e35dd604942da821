"""The project as a whole (CEL901-CEL909): what one module says against what the others say.

These checks read the project index (``ctx.project``, see :mod:`celery_lint.project`): which tasks
exist under which names, their signatures, the apps and how workers find the tasks.  Without an
index (the core called on one module) they stay silent, and so they do wherever the index cannot
see enough: a name computed at run time, a task made by a decorator it cannot follow, an app
configured from outside the project.
"""
from __future__ import annotations

import ast
from typing import Iterator

from ..engine import Context, on, on_module
from ..model import ModuleModel, const
from ..rule import Rule
from ..schedules import schedule_entries
from ..signatures import literal_args, literal_kwargs
from ..config import dict_items

_REF_NAMES = "Celery user guide, Tasks: Names (docs/userguide/tasks.rst#names)"
_REF_REGISTRY = "Celery user guide, Tasks: Task Registry (docs/userguide/tasks.rst#task-registry)"
_REF_CALLING = "Celery user guide, Calling Tasks: Basics (docs/userguide/calling.rst#basics)"
_REF_TYPING = "Celery API reference, celery.app.task: Task.typing (docs/reference/celery.app.task.rst)"
_REF_BEAT = "Celery user guide, Periodic Tasks: Entries (docs/userguide/periodic-tasks.rst#entries)"

CEL901 = Rule(
    code="CEL901",
    symbol="celery-unknown-task-name",
    msgid="E7891",
    message="no task of the project is registered as '{name}'{hint}; {effect}: use the name the task is "
            "registered under (its name=, else module.function)",
    summary="Name tasks in beat entries, send_task, signature and task_routes as the project registers them",
    what="Reads every task name written as a string -- a beat entry's `\"task\"` (`beat_schedule`, "
         "`CELERY_BEAT_SCHEDULE`), `app.send_task(\"x\")`, `signature(\"x\")` / `app.signature(\"x\")`, "
         "`app.tasks[\"x\"]`, a `task_routes` key without wildcards -- and reports a name that no task of "
         "the project registers (its `name=`, else `module.function` from the module's import path) when "
         "it is evidently meant to be one of the project's: its module part is a module of the project "
         "that the index read, or it is a near-spelling of a project task's name (the message suggests "
         "the closest). Silent on Celery's own `celery.*` tasks, on names of other services (a module "
         "part outside the project, close to no project name), in test code, and in a project holding a "
         "task whose name the index cannot determine (`name=` computed at run time, a decorator it "
         "cannot follow).",
    why="A worker that receives a message for a name it has not registered logs \"Received unregistered "
        "task of type ...\" and drops the message; beat sends the same unknown name again on every "
        "tick. Renaming a task (a `name=`, a module moved) without updating the strings that name it "
        "is the most common cause.",
    example="""\
# file: proj/tasks.py
from celery import shared_task


@shared_task
def send_email(to):
    ...

# file: proj/celery.py
from celery import Celery

app = Celery("proj", include=["proj.tasks"])
app.conf.beat_schedule = {
    "digest": {"task": "proj.tasks.sned_email", "schedule": 3600.0, "args": ("ops@example.com",)},
}
""",
    instead="""\
# file: proj/tasks.py
from celery import shared_task


@shared_task
def send_email(to):
    ...

# file: proj/celery.py
from celery import Celery

app = Celery("proj", include=["proj.tasks"])
app.conf.beat_schedule = {
    "digest": {"task": "proj.tasks.send_email", "schedule": 3600.0, "args": ("ops@example.com",)},
}
""",
    references=(_REF_NAMES, _REF_BEAT),
)

CEL902 = Rule(
    code="CEL902",
    symbol="celery-task-call-arguments",
    msgid="E7892",
    message="{call} does not fit {task}({params}) of {where}: {problem}; Celery raises TypeError when "
            "the task is sent (Task.typing checks the arguments), or the worker does with typing=False: "
            "pass arguments that fit the task's parameters",
    summary="Call tasks of other modules with arguments that fit their parameters",
    what="Holds the arguments of each call of a task defined in another module of the project "
         "(resolved through imports: `from proj.tasks import send` / `import proj.tasks as t`) against "
         "the task's parameters: `.delay(...)`, `.apply_async(args, kwargs)`, `.s()` / `.si()` / "
         "`.signature(...)`, and a beat entry's `args` / `kwargs`. Reports a required parameter "
         "missing (for `.s()`/`.si()`/`.signature()` only as a later step of a chain or a `link=`, "
         "which nothing completes later), too many "
         "positional arguments, an unknown keyword (no `**kwargs`) or a value given twice. Leaves out "
         "`self` of bound tasks (Celery fills it) and counts the parent's result that a chain, `|` or "
         "`link=` passes as the first argument (not to `.si()`). Silent on `*args` / `**kwargs` spread at "
         "the call, on arguments that are not a literal tuple / dict, and on tasks whose signature the "
         "index cannot see (another decorator, a project decorator, a base it cannot resolve, a "
         "`__call__` of the task class).",
    why="Celery checks a call's arguments against the task's signature when it is sent "
        "(`Task.typing`, on by default) and raises `TypeError` at the caller; with `typing=False` the "
        "message goes out and the worker raises `TypeError` on every run. A parameter added, removed or "
        "renamed in the task's module leaves callers in other modules behind.",
    example="""\
# file: proj/tasks.py
from celery import shared_task


@shared_task
def send_email(to, subject):
    ...

# file: proj/views.py
from proj.tasks import send_email


def signup(request):
    send_email.delay(request.POST["email"])
""",
    instead="""\
# file: proj/tasks.py
from celery import shared_task


@shared_task
def send_email(to, subject):
    ...

# file: proj/views.py
from proj.tasks import send_email


def signup(request):
    send_email.delay(request.POST["email"], subject="Welcome")
""",
    references=(_REF_CALLING, _REF_TYPING),
)

CEL903 = Rule(
    code="CEL903",
    symbol="celery-duplicate-task-name-project",
    msgid="E7893",
    message="task name '{name}' is also registered by {other} at {where}; one replaces the other in the "
            "app's task registry (app.tasks), so calls run the wrong code: give one of them another name=",
    summary="Give every task of the project its own name",
    what="Reports a task whose registered name (an explicit `name=`, else `module.function`) is also the "
         "name of a task in another module of the project, on the task of the later module (path "
         "order); the message names the other. Test code is left out.",
    why="The task registry maps each name to one task: the module imported last replaces the other, "
        "silently, and every call by that name runs its code -- which one depends on import order.",
    example="""\
# file: proj/billing/tasks.py
from celery import shared_task


@shared_task(name="send")
def send_invoice(invoice_id):
    ...

# file: proj/mail/tasks.py
from celery import shared_task


@shared_task(name="send")
def send_email(to):
    ...
""",
    instead="""\
# file: proj/billing/tasks.py
from celery import shared_task


@shared_task(name="billing.send_invoice")
def send_invoice(invoice_id):
    ...

# file: proj/mail/tasks.py
from celery import shared_task


@shared_task(name="mail.send_email")
def send_email(to):
    ...
""",
    references=(_REF_NAMES, _REF_REGISTRY),
)

_SIGNATURE_CLASSES = frozenset({"celery.signature", "celery.Signature", "celery.canvas.signature",
                                "celery.canvas.Signature"})
_WILDCARDS = frozenset("*?[")


def _this_module(ctx: Context) -> tuple[str, bool] | None:
    """(module name, is a package) of the checked file in the project, or None outside it."""
    project = ctx.project
    return None if project is None else project.module_of(ctx.filename)


def _string(expr: ast.AST | None) -> str | None:
    value = const(expr) if expr is not None else None
    return value if isinstance(value, str) else None


_SENT = "workers drop the message (\"Received unregistered task\")"
#: What a wrong name does, by where it is written.
_EFFECTS = {"send": _SENT, "beat": _SENT + "; beat sends it again on every tick",
            "route": "the route matches no task, so the task meant runs on the default queue"}


def _named_tasks(model: ModuleModel) -> Iterator[tuple[ast.AST, str, str]]:
    """(string node, task name, where: "send", "beat" or "route") of every task name the module
    writes as a string."""
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        first = call.args[0] if call.args else None
        if isinstance(func, ast.Attribute) and func.attr in ("send_task", "signature") and model.is_app(func.value):
            pass
        elif model.resolve(func) in _SIGNATURE_CLASSES:
            pass
        else:
            continue
        if first is None:
            kw = next((k for k in call.keywords if k.arg in ("name", "varies")), None)
            first = kw.value if kw is not None else None
        if _string(first) is not None:
            yield first, first.value, "send"
    for sub in model.nodes.get(ast.Subscript, ()):
        value = sub.value
        if isinstance(value, ast.Attribute) and value.attr == "tasks" and model.is_app(value.value) \
                and _string(sub.slice) is not None:
            yield sub.slice, sub.slice.value, "send"
    for entry in schedule_entries(model):
        for key, _, value in entry.fields:
            if key == "task" and _string(value) is not None:
                yield value, value.value, "beat"
    for routes in _route_maps(model):
        for key in routes.keys:
            name = _string(key)
            if name is not None and not _WILDCARDS & set(name) and "." in name:
                yield key, name, "route"


def _route_maps(model: ModuleModel) -> Iterator[ast.Dict]:
    """The dict literals of the module's ``task_routes`` (one, or each of a list of them)."""
    for item in model.config:
        if item.key == "task_routes" and not item.unseen:
            for routes in (item.value.elts if isinstance(item.value, (ast.List, ast.Tuple)) else (item.value,)):
                if isinstance(routes, ast.Dict):
                    yield routes


def _defined_elsewhere(project, name: str) -> bool:
    """Is the name a project task's, allowing for import roots the index does not share
    (a namespace package, a folder on sys.path below the root)?"""
    if name in project.tasks_by_name:
        return True
    tail = "." + name
    return any(known.endswith(tail) or name.endswith("." + known) for known in project.tasks_by_name)


@on_module(reports=(CEL901,))
def unknown_task_names(ctx: Context) -> None:
    project = ctx.project
    model = ctx.model
    if project is None or model.is_test_code() or not project.names_known:
        return
    for node, name, where in _named_tasks(model):
        if name.startswith("celery.") or _defined_elsewhere(project, name):
            continue
        module = name.rsplit(".", 1)[0] if "." in name else ""
        closest = project.closest_names(name)
        if module not in project.summaries and not closest:
            continue  # another service's task, or a module the index did not read
        hint = ""
        if closest:
            other_module, task = project.tasks_by_name[closest[0]][0]
            hint = f" (did you mean '{closest[0]}', {project.path_of(other_module)}:{task['line']}?)"
        ctx.report(node, CEL901, name=name, hint=hint, effect=_EFFECTS[where])


# -- CEL902 -----------------------------------------------------------------------------

_CALL_METHODS = frozenset({"delay", "apply_async", "s", "si", "signature", "delay_on_commit",
                           "apply_async_on_commit"})
_PARTIAL = frozenset({"s", "si", "signature"})
_STAR = frozenset({"delay", "s", "si", "delay_on_commit"})


class _Args:
    """What a call gives a task: positional count and keyword names, or None when unknown."""

    __slots__ = ("count", "keywords")

    def __init__(self, count: int, keywords: list[str]):
        self.count, self.keywords = count, keywords


def _literal_args(expr: ast.AST | None) -> int | None:
    """How many positional arguments a literal ``args`` holds (None: not known)."""
    found = literal_args(expr)
    return None if found is None else len(found)


def _literal_kwargs(expr: ast.AST | None) -> list[str] | None:
    """The keyword names of a literal ``kwargs``: a dict literal, or ``dict(a=...)`` (None: not known)."""
    found = literal_kwargs(expr)
    if found is None and isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) \
            and expr.func.id == "dict" and not expr.args and all(k.arg is not None for k in expr.keywords):
        return [k.arg for k in expr.keywords]
    return found


def _given(call: ast.Call, method: str) -> _Args | None:
    if method in _STAR:
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return None
        return _Args(len(call.args), [k.arg for k in call.keywords])
    # apply_async(args, kwargs, **options) / signature(args, kwargs, **options)
    if any(isinstance(a, ast.Starred) for a in call.args[:2]):
        return None
    kws = {k.arg: k.value for k in call.keywords}
    if None in kws:
        return None
    args = kws.get("args", call.args[0] if call.args else None)
    kwargs = kws.get("kwargs", call.args[1] if len(call.args) > 1 else None)
    count, names = _literal_args(args), _literal_kwargs(kwargs)
    if count is None or names is None:
        return None
    return _Args(count, names)


def _gets_parent_result(model: ModuleModel, call: ast.Call) -> bool:
    """Is the signature a later step of a chain (``a | b``, ``chain(a, b)``) or a ``link=``
    callback, so that it receives the parent's result as its first argument (unless immutable)?"""
    parent = model.parent(call)
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.BitOr) and parent.right is call:
        return True
    if isinstance(parent, ast.keyword) and parent.arg in ("link",):
        return True
    if isinstance(parent, ast.Call) and call in parent.args and parent.args.index(call) > 0:
        return model.resolve(parent.func) in ("celery.chain", "celery.canvas.chain")
    return False


def _problem(sig: dict, given: _Args, complete: bool) -> str | None:
    """Why the arguments cannot bind to the parameters, or None when they can."""
    pos, count = sig["pos"], given.count
    if count > len(pos) and not sig["var"]:
        return f"{count} positional arguments for {len(pos)} parameter{'s' if len(pos) != 1 else ''}"
    taken = set(pos[:count])
    for name in given.keywords:
        if name in taken:
            return f"'{name}' is given twice (by position and by keyword)"
        if name in pos[: sig["posonly"]]:
            return f"'{name}' is positional-only"
        if name not in pos and name not in sig["kwonly"] and not sig["varkw"]:
            return f"unknown keyword '{name}'"
    if complete:
        missing = [p for p in pos[count: sig["req"]] if p not in given.keywords]
        missing += [k for k in sig["kwreq"] if k not in given.keywords]
        if missing:
            return "missing " + ", ".join(f"'{m}'" for m in missing)
    return None


def _params(sig: dict) -> str:
    shown = list(sig["pos"])
    if sig["var"]:
        shown.append("*args")
    elif sig["kwonly"]:
        shown.append("*")
    shown.extend(sig["kwonly"])
    if sig["varkw"]:
        shown.append("**kwargs")
    return ", ".join(shown)


def _imported_task(ctx: Context, expr: ast.AST):
    """(module, task) of the project task of another module that ``expr`` names through imports."""
    found = ctx.project.imported_task(ctx.filename, ctx.resolve(expr))
    return None if found is None or found[1]["sig"] is None else found


@on(ast.Call, reports=(CEL902,))
def task_call_arguments(node: ast.Call, ctx: Context) -> None:
    func = node.func
    if ctx.project is None or not isinstance(func, ast.Attribute) or func.attr not in _CALL_METHODS:
        return
    if ctx.model.is_test_code():
        return
    if not isinstance(func.value, (ast.Name, ast.Attribute)):
        return
    found = _imported_task(ctx, func.value)
    if found is None:
        return
    given = _given(node, func.attr)
    if given is None:
        return
    module, task = found
    sig = task["sig"]
    # A later step of a chain (or a link= callback) runs with what it holds: the previous step's
    # result first (not for .si()), then its own arguments; nothing completes it later.
    later = _gets_parent_result(ctx.model, node)
    parent = later and func.attr != "si"
    if parent:
        if func.attr == "s" and not isinstance(ctx.parent(node), ast.keyword) \
                and _problem(sig, given, complete=False) is None \
                and given.count + 1 > len(sig["pos"]) and not sig["var"]:
            return  # no room for the parent's result in a chain: CEL603 says so
        given.count += 1
    problem = _problem(sig, given, complete=later or func.attr not in _PARTIAL)
    if problem is not None and parent:
        problem += " (counting the previous step's result, which Celery passes first)"
    if problem is not None:
        ctx.report(node, CEL902, call=f"{ast.unparse(func.value)[:40]}.{func.attr}()", task=task["label"],
                   params=_params(sig), where=f"{ctx.project.path_of(module)}:{task['line']}", problem=problem)


@on_module(reports=(CEL902,))
def beat_entry_arguments(ctx: Context) -> None:
    project = ctx.project
    if project is None or ctx.model.is_test_code():
        return
    here = _this_module(ctx)
    for entry in schedule_entries(ctx.model):
        fields = {key: (node, value) for key, node, value in entry.fields if key is not None}
        name = _string(fields.get("task", (None, None))[1])
        if name is None or None in (key for key, _, _ in entry.fields):
            continue
        owners = project.tasks_by_name.get(name, ())
        if len(owners) != 1 or owners[0][1]["sig"] is None or (here is not None and owners[0][0] == here[0]):
            continue
        module, task = owners[0]
        args_node = fields.get("args", (None, None))
        kwargs_node = fields.get("kwargs", (None, None))
        count, names = _literal_args(args_node[1]), _literal_kwargs(kwargs_node[1])
        if count is None or names is None:
            continue
        problem = _problem(task["sig"], _Args(count, names), complete=True)
        if problem is not None:
            at = args_node[0] or kwargs_node[0] or fields["task"][0]
            ctx.report(at, CEL902, call=f"beat entry '{entry.name}'", task=task["label"],
                       params=_params(task["sig"]), where=f"{project.path_of(module)}:{task['line']}",
                       problem=problem)


# -- CEL903 -----------------------------------------------------------------------------

@on_module(reports=(CEL903,))
def duplicate_task_names(ctx: Context) -> None:
    project = ctx.project
    if project is None or ctx.model.is_test_code():
        return
    here = _this_module(ctx)
    if here is None or here[0] not in project.summaries:
        return
    mine = project.summaries[here[0]]
    my_path = project.path_of(here[0])
    by_line = {t.definition.lineno: t for t in ctx.model.tasks}
    for task in mine["tasks"]:
        name = task["name"]
        if name is None:
            continue
        others = [(m, t) for m, t in project.tasks_by_name.get(name, ())
                  if m != here[0] and not project.summaries[m]["test"] and project.path_of(m) < my_path]
        info = by_line.get(task["line"])
        if others and info is not None:
            module, other = others[0]
            ctx.report(info.definition, CEL903, name=name, other=f"{other['label']} of {module}",
                       where=f"{project.path_of(module)}:{other['line']}")


# -- CEL905 -----------------------------------------------------------------------------

_REF_ROUTING = "Celery user guide, Routing Tasks: Basics (docs/userguide/routing.rst#basics)"
_REF_WORKER_QUEUES = "Celery user guide, Workers: Queues (docs/userguide/workers.rst#queues)"

CEL905 = Rule(
    code="CEL905",
    symbol="celery-queue-not-consumed",
    msgid="W7895",
    message="queue '{queue}' is consumed by no worker of the project ({consumed}); messages "
            "sent there wait forever: add it to a worker's -Q/--queues (and task_queues), or route to a "
            "consumed queue",
    summary="Send tasks only to queues that a worker of the project consumes",
    what="Reads the queues a task is sent to -- a task decorator's `queue=`, `apply_async(queue=)` / "
         "`send_task(queue=)` / `signature(queue=)` / `.set(queue=)` / `retry(queue=)`, a `task_routes` "
         "value (`{\"queue\": \"x\"}` or a queue name), a beat entry's `options` -- and reports a queue "
         "that no worker of the project consumes, when the project shows which queues its workers "
         "consume: worker command lines (`celery ... worker -Q a,b` / `--queues`) in `Procfile`, "
         "`docker-compose*.yml`, `*.service`, supervisor `*.conf`, `Makefile`, shell scripts, "
         "Dockerfiles or Kubernetes manifests of the project (a worker without `-Q` consumes "
         "`task_queues`, else the default queue), or else the `task_queues` its config declares. "
         "Silent on the default queue (`task_default_queue`, `celery`), in test code, and when the "
         "project shows no worker command line and no `task_queues`, or a queue list it cannot read "
         "(`-Q $QUEUES`, `-X`, `task_queues` built at run time).",
    why="A worker consumes only the queues it is told to (`-Q`), or `task_queues` (else the default "
        "queue) without it. With `task_create_missing_queues` (on by default) the producer declares a "
        "queue it does not know and sends to it: the message waits there, unconsumed, and the task never "
        "runs -- no error anywhere.",
    example="""\
# file: Procfile
# worker: celery -A proj worker -Q celery,emails

# file: proj/tasks.py
from celery import shared_task


@shared_task(queue="reports")
def render(report_id):
    ...
""",
    instead="""\
# file: Procfile
# worker: celery -A proj worker -Q celery,emails,reports

# file: proj/tasks.py
from celery import shared_task


@shared_task(queue="reports")
def render(report_id):
    ...
""",
    references=(_REF_ROUTING, _REF_WORKER_QUEUES),
)

_QUEUE_OPTION_METHODS = frozenset({"apply_async", "apply_async_on_commit", "send_task", "signature", "set",
                                   "retry", "subtask"})


def _queue_strings(model: ModuleModel) -> Iterator[ast.AST]:
    """The string nodes of every queue name the module sends tasks to."""
    for task in model.tasks:
        kw = task.options.get("queue")
        if kw is not None and _string(kw.value) is not None:
            yield kw.value
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _QUEUE_OPTION_METHODS:
            for kw in call.keywords:
                if kw.arg == "queue" and _string(kw.value) is not None:
                    yield kw.value
    for routes in _route_maps(model):
        for value in routes.values:
            if _string(value) is not None:
                yield value
            else:
                yield from _queue_fields(model, value)
    for entry in schedule_entries(model):
        for key, _, value in entry.fields:
            if key == "options" and value is not None:
                yield from _queue_fields(model, value)


def _queue_fields(model: ModuleModel, value: ast.AST) -> Iterator[ast.AST]:
    for key, _, field in dict_items(model, value):
        if key == "queue" and field is not None and _string(field) is not None:
            yield field


@on_module(reports=(CEL905,))
def queue_not_consumed(ctx: Context) -> None:
    project = ctx.project
    if project is None or ctx.model.is_test_code():
        return
    queues = project.queues
    if queues is None:
        return
    for node in _queue_strings(ctx.model):
        name = node.value
        if name in queues.consumed or name in queues.default:
            continue
        listed = ", ".join(sorted(queues.consumed)) or "none"
        consumed = (f"task_queues declares {listed}" if queues.source == "task_queues"
                    else f"{queues.source} consume {listed}")
        ctx.report(node, CEL905, queue=name, consumed=consumed)
