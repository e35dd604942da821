"""APIs that no longer exist in Celery 5 (CEL513)."""
from __future__ import annotations

import ast

from ..engine import Context, on, on_module
from ..model import TRY_TYPES, BindingKind
from ..rule import Rule

CEL513 = Rule(
    code="CEL513",
    symbol="celery-removed-api",
    msgid="E7853",
    message="{api} no longer exists in Celery 5; use {replacement} instead",
    summary="Do not use APIs removed in Celery 5",
    what="Finds imports of modules and names removed from Celery: `celery.task` and its "
         "submodules (`task`, `periodic_task`, `Task`, `PeriodicTask`, `schedules`, `control`, "
         "...), `from celery import task`, `celery.decorators`, `celery.utils.encoding` and the "
         "old functions of `celery.execute`; uses such as `celery.task.Task` through "
         "`import celery`; and the `amqp` result backend in the Celery config. The import is "
         "reported, not each use of the imported name; imports guarded by `try` / "
         "`except ImportError` for older Celery versions are left alone.",
    why="Celery 5 removed these modules (deprecated since Celery 4, or earlier): the import fails "
        "with `ImportError` and the worker does not start. The AMQP result backend was removed "
        "too; a config naming it fails when the first result is stored or read.",
    example="""\
from celery.task import periodic_task, task
from celery.schedules import crontab


@task
def add(x, y):
    return x + y


@periodic_task(run_every=crontab(minute=0))
def cleanup():
    ...
""",
    instead="""\
from celery import Celery, shared_task
from celery.schedules import crontab

app = Celery("proj")
app.conf.beat_schedule = {
    "cleanup": {"task": "proj.tasks.cleanup", "schedule": crontab(minute=0)},
}


@shared_task
def add(x, y):
    return x + y


@shared_task
def cleanup():
    ...
""",
    references=(
        "Celery 5.0 release notes: Removed Deprecated Modules, AMQP Result Backend "
        "(docs/history/whatsnew-5.0.rst)",
        "Celery user guide, Periodic Tasks: Entries (docs/userguide/periodic-tasks.rst#entries)",
    ),
)

#: Removed modules (and everything under them), with what replaces them in general.
_REMOVED_MODULES = {
    "celery.task": "the celery package (celery.shared_task, celery.Task, celery.schedules)",
    "celery.decorators": "celery.shared_task",
    "celery.utils.encoding": "kombu.utils.encoding",
}
#: What replaces a removed name, by its last component.
_REPLACEMENTS = {
    "task": "celery.shared_task (or @app.task)",
    "periodic_task": "a plain task scheduled by the beat_schedule setting or app.add_periodic_task()",
    "PeriodicTask": "celery.Task, scheduled by the beat_schedule setting or app.add_periodic_task()",
    "Task": "celery.Task",
    "schedules": "celery.schedules",
    "crontab": "celery.schedules.crontab",
    "schedule": "celery.schedules.schedule",
    "control": "app.control",
    "sets": "celery.group and celery.signature",
    "TaskSet": "celery.group",
    "subtask": "celery.signature",
    "current": "celery.current_task",
    "apply_async": "Task.apply_async() or app.send_task()",
    "apply": "Task.apply()",
    "delay_task": "Task.delay() or app.send_task()",
}
#: celery.execute survives as a compatibility module that keeps only send_task.
_EXECUTE = "celery.execute"
_EXECUTE_KEPT = frozenset({"send_task"})


def removed_api(qualname: str) -> str | None:
    """The replacement of a removed Celery API (a module or a name), or None if it exists."""
    for module, general in _REMOVED_MODULES.items():
        if qualname == module or qualname.startswith(module + "."):
            last = qualname.rsplit(".", 1)[-1]
            return _REPLACEMENTS.get(last, general) if qualname != module else general
    if qualname.startswith(_EXECUTE + "."):
        name = qualname[len(_EXECUTE) + 1:].split(".")[0]
        if name not in _EXECUTE_KEPT:
            return _REPLACEMENTS.get(name, "Task.apply_async() or app.send_task()")
    return None


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in _IMPORT_ERRORS for t in types)


def _compat_import(ctx: Context, node: ast.AST) -> bool:
    """An import guarded for older Celery versions: in the body of a ``try`` that handles
    ImportError, or in such a handler (the fallback of a try that imports the new API)."""
    child = node
    for anc in ctx.model.ancestors(node):
        if isinstance(anc, ast.ExceptHandler) and _catches_import_error(anc):
            return True
        if isinstance(anc, TRY_TYPES) and child in anc.body and any(_catches_import_error(h) for h in anc.handlers):
            return True
        if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return False
        child = anc
    return False


@on(ast.Import, reports=(CEL513,))
def removed_module_import(node: ast.Import, ctx: Context) -> None:
    if _compat_import(ctx, node):
        return
    for alias in node.names:
        replacement = removed_api(alias.name)
        if replacement is not None:
            ctx.report(node, CEL513, api=alias.name, replacement=replacement)


@on(ast.ImportFrom, reports=(CEL513,))
def removed_name_import(node: ast.ImportFrom, ctx: Context) -> None:
    if node.level or not node.module or node.module.split(".")[0] != "celery" or _compat_import(ctx, node):
        return
    for alias in node.names:
        replacement = removed_api(f"{node.module}.{alias.name}")
        if replacement is not None:
            replacement = _REPLACEMENTS.get(alias.name, replacement)
            ctx.report(node, CEL513, api=f"{node.module}.{alias.name}", replacement=replacement)


_SUSPECT_ATTRS = frozenset({"task", "decorators", "encoding"})


@on(ast.Attribute, reports=(CEL513,))
def removed_attribute_use(node: ast.Attribute, ctx: Context) -> None:
    """``celery.task.Task`` and the like through an import of a module that still exists."""
    value = node.value
    if node.attr not in _SUSPECT_ATTRS and not (isinstance(value, ast.Attribute) and value.attr == "execute"):
        return
    if not ctx.model.mentions_celery:
        return
    qualname = ctx.resolve(node)
    if qualname is None or qualname.split(".")[0] != "celery":
        return
    replacement = removed_api(qualname)
    if replacement is None or removed_api(ctx.resolve(value) or "") is not None:
        return
    root = value
    while isinstance(root, ast.Attribute):
        root = root.value
    for binding in ctx.model.lookup(root.id, root) if isinstance(root, ast.Name) else ():
        if binding.kind is BindingKind.IMPORT and (_imports_removed(binding.node) or _compat_import(ctx, binding.node)):
            return  # reported at the import, or an import kept for older Celery versions
    ctx.report(node, CEL513, api=qualname, replacement=replacement)


def _imports_removed(stmt: ast.AST) -> bool:
    if isinstance(stmt, ast.Import):
        return any(removed_api(alias.name) is not None for alias in stmt.names)
    return False


@on_module(reports=(CEL513,))
def amqp_result_backend(ctx: Context) -> None:
    for item in ctx.model.config:
        if item.key != "result_backend" or not isinstance(item.value, ast.Constant):
            continue
        value = item.value.value
        if isinstance(value, str) and value.lower().startswith("amqp"):
            ctx.report(item.node, CEL513, api=f"the AMQP result backend ({item.raw}={value.split(':')[0]!r})",
                       replacement="the rpc:// result backend, or Redis")
