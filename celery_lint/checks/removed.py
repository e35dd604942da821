"""APIs that no longer exist in Celery 5 (CEL513)."""
from __future__ import annotations

import ast
import functools
import operator
import re
from collections import namedtuple

from ..engine import Context, on, on_module
from ..fixes import Fixers, Source, fixer, replace
from ..model import MAX_DEPTH, TRY_TYPES, BindingKind, ModuleModel
from ..rule import Rule

#: Removed APIs with an exact Celery 5 equivalent: (module, name) to import instead.
_EQUIVALENTS = {
    "celery.task.task": ("celery", "shared_task"),
    "celery.task.base.task": ("celery", "shared_task"),
    "celery.decorators.task": ("celery", "shared_task"),
    "celery.task.Task": ("celery", "Task"),
    "celery.task.base.Task": ("celery", "Task"),
    "celery.task.schedules": ("celery", "schedules"),
    "celery.task.schedules.crontab": ("celery.schedules", "crontab"),
    "celery.task.schedules.schedule": ("celery.schedules", "schedule"),
    "celery.task.subtask": ("celery", "signature"),
    # Celery 4's celery.task re-exported these: celery._state.current_task, celery.canvas.group/chord.
    "celery.task.current": ("celery", "current_task"),
    "celery.task.group": ("celery", "group"),
    "celery.task.chord": ("celery", "chord"),
    "celery.task.sets.subtask": ("celery", "signature"),
    "celery.utils.encoding.safe_str": ("kombu.utils.encoding", "safe_str"),
    "celery.utils.encoding.safe_repr": ("kombu.utils.encoding", "safe_repr"),
    "celery.utils.encoding.bytes_to_str": ("kombu.utils.encoding", "bytes_to_str"),
    "celery.utils.encoding.str_to_bytes": ("kombu.utils.encoding", "str_to_bytes"),
}


@fixer(safe=True, description=(
    "imports the Celery 5 equivalent under the same local name (`from celery.task import task` becomes "
    "`from celery import shared_task as task`), where one exists for every name of the statement; "
    "`celery.task.Task` through `import celery` becomes `celery.Task`"))
def _fix_removed_import(node: ast.AST, model: ModuleModel):
    source: Source = model.source
    if isinstance(node, ast.Attribute):
        parent = model.parent(node)
        if isinstance(parent, ast.Attribute) and model.resolve(node) not in _EQUIVALENTS:
            node = parent  # celery.task reported, celery.task.Task used
        qualname = model.resolve(node)
        found = _EQUIVALENTS.get(qualname or "")
        if found is None or found[0] != "celery" or source.segment(node) != qualname:
            return None
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if not (isinstance(root, ast.Name) and root.id == "celery" and model.resolve(root) == "celery"):
            return None
        return [replace(source, node, f"celery.{found[1]}")]
    if not isinstance(node, ast.ImportFrom) or node.level or "#" in source.segment(node):
        return None
    removed = [(alias, _equivalent(model, node.module, alias)) for alias in node.names
               if removed_api(f"{node.module}.{alias.name}") is not None]
    if any(target is None for _, target in removed):
        return None
    if all(module == node.module for _, (module, _) in removed):  # from celery import task: that name only
        return [replace(source, alias, _alias(name, alias)) for alias, (_, name) in removed]
    targets = [_equivalent(model, node.module, alias) for alias in node.names]
    if None in targets or len({module for module, _ in targets}) != 1:
        return None
    names = [_alias(name, alias) for (_, name), alias in zip(targets, node.names)]
    return [replace(source, node, f"from {targets[0][0]} import {', '.join(names)}")]


# Celery 4.0 deprecated the amqp result backend for "the RPC backend or a persistent backend"
# (whatsnew-4.0, and AMQPBackend's own deprecation warning); 5.0 removed it. Neither backend reads
# its URL: both send results over the app's broker connection, so 'amqp://host//' and 'rpc://'
# reach the same broker. Unsafe: rpc sends a result to the reply queue of the client that sent the
# task (only it can read the result, once), where amqp kept a queue per task any client could read.
@fixer(safe=False, description=(
    "replaces the removed `amqp` result backend by `rpc`, which Celery 4.0 named as its replacement "
    "(`'amqp'` becomes `'rpc'`, `'amqp://...'` becomes `'rpc://'`: neither reads the rest of the URL, both "
    "use the broker connection); only the client that sent a task can then read its result"))
def _fix_amqp_backend(node: ast.AST, model: ModuleModel):
    item = next((i for i in model.config if i.node is node and i.key == "result_backend"), None)
    value = item.value if item is not None else None
    if not isinstance(value, ast.Constant) or not isinstance(value.value, str):
        return None
    text = model.source.segment(value)
    quote = text[:1]
    if quote not in ("'", '"') or text != f"{quote}{value.value}{quote}":
        return None  # a prefixed, escaped or implicitly joined string
    new = "rpc" if value.value == "amqp" else "rpc://" if value.value.startswith("amqp://") else None
    return [replace(model.source, value, f"{quote}{new}{quote}")] if new is not None else None


def _alias(name: str, alias: ast.alias) -> str:
    bound = alias.asname or alias.name
    return name if name == bound else f"{name} as {bound}"


def _equivalent(model: ModuleModel, module: str, alias: ast.alias) -> tuple[str, str] | None:
    qualname = f"{module}.{alias.name}"
    if qualname == "celery.task":  # the old module, which could be called as the task decorator
        bound = alias.asname or alias.name
        return ("celery", "shared_task") if _only_called(model, bound) else None
    return _EQUIVALENTS.get(qualname)


def _only_called(model: ModuleModel, name: str) -> bool:
    """Is every use of the name a call or a decorator (``@task``, ``task(...)``), none an attribute?"""
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    decorators = {id(d) for n in ast.walk(model.tree) if isinstance(n, defs) for d in n.decorator_list}
    for n in ast.walk(model.tree):
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load):
            parent = model.parent(n)
            if id(n) not in decorators and not (isinstance(parent, ast.Call) and parent.func is n):
                return False
    return True


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
         "reported, not each use of the imported name; imports kept for older Celery versions are "
         "left alone: guarded by `try` / `except ImportError`, or in the branch of a version check "
         "(`celery.VERSION`, `celery.version_info`, `celery.__version__`, also through "
         "`packaging.version`) that only Celery 4 and older take.",
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
    fix=Fixers((_fix_removed_import, _fix_amqp_backend)),
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
#: celery.task.control's functions became methods of the app's Control (celery/app/control.py).
_CONTROL = "celery.task.control"
#: celery.execute survives as a compatibility module that keeps only send_task.
_EXECUTE = "celery.execute"
_EXECUTE_KEPT = frozenset({"send_task"})


def removed_api(qualname: str) -> str | None:
    """The replacement of a removed Celery API (a module or a name), or None if it exists."""
    if qualname.startswith(_CONTROL + ".") and qualname.count(".") == _CONTROL.count(".") + 1:
        name = qualname.rsplit(".", 1)[-1]  # broadcast, revoke, rate_limit, inspect: methods of app.control
        return "app.control" if name[:1].isupper() else f"app.control.{name}"
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


# -- version checks ----------------------------------------------------------------------
# An import in the branch of ``if celery.VERSION < (5,):`` (or the ``else`` of
# ``if celery.VERSION >= (5,):``) is the fallback for old versions, as an ``except ImportError``
# one is.  The check's test is evaluated for sample versions of Celery: a branch that no
# Celery 5 version takes is a fallback.  Anything the evaluator does not know makes the test
# no version check at all.

_VersionInfo = namedtuple("_VersionInfo", ("major", "minor", "micro", "releaselevel", "serial"))
_OLD_VERSIONS = ("3.1.26", "4.0.2", "4.4.7")
_NEW_VERSIONS = ("5.0.0", "5.3.6", "5.7.0")
_VERSION_TUPLES = frozenset({"celery.VERSION", "celery.version_info"})
_VERSION_STRINGS = frozenset({"celery.__version__"})
_VERSION_PARSERS = frozenset({
    "packaging.version.parse", "packaging.version.Version", "pkg_resources.parse_version",
    "distutils.version.LooseVersion", "distutils.version.StrictVersion",
    "looseversion.LooseVersion", "setuptools._distutils.version.LooseVersion",
})
_DISTRIBUTION_VERSION = frozenset({"importlib.metadata.version", "importlib_metadata.version"})
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


class _Unknown(Exception):
    """The expression is not something the evaluator knows."""


@functools.total_ordering
class _Version:
    """A parsed version (``packaging.version.parse``, ``LooseVersion``): its release numbers."""

    def __init__(self, text: str):
        match = re.match(r"\d+(?:\.\d+)*", text.strip().lstrip("v"))
        if match is None:
            raise _Unknown
        self.release = tuple(int(part) for part in match.group().split("."))
        self.major, self.minor, self.micro = (self.release + (0, 0))[:3]

    @staticmethod
    def _key(other: object) -> tuple[int, ...]:
        if isinstance(other, str):
            other = _Version(other)
        if not isinstance(other, _Version):
            raise _Unknown
        return other.release

    def _padded(self, other: object) -> tuple[tuple[int, ...], tuple[int, ...]]:
        mine, theirs = self.release, self._key(other)
        width = max(len(mine), len(theirs))
        return mine + (0,) * (width - len(mine)), theirs + (0,) * (width - len(theirs))

    def __eq__(self, other: object) -> bool:
        mine, theirs = self._padded(other)
        return mine == theirs

    def __lt__(self, other: object) -> bool:
        mine, theirs = self._padded(other)
        return mine < theirs

    __hash__ = None


class _VersionCheck:
    """Evaluates a test for a given Celery version."""

    def __init__(self, model: ModuleModel, version: str):
        self.model = model
        self.version = version

    def value(self, expr: ast.AST, depth: int = 0) -> object:
        if depth > MAX_DEPTH:
            raise _Unknown
        model = self.model
        if isinstance(expr, ast.Constant) and isinstance(expr.value, (int, float, str, bool)):
            return expr.value
        if isinstance(expr, (ast.Tuple, ast.List)):
            return tuple(self.value(elt, depth + 1) for elt in expr.elts)
        if isinstance(expr, (ast.Name, ast.Attribute)):
            qualname = model.resolve(expr)
            if qualname in _VERSION_TUPLES:
                return _VersionInfo(*(_Version(self.version).release + ("", "")))
            if qualname in _VERSION_STRINGS:
                return self.version
            if isinstance(expr, ast.Attribute):
                return self.attribute(self.value(expr.value, depth + 1), expr.attr)
            if isinstance(expr, ast.Name) and qualname is None:
                return self.name(expr, depth)
            raise _Unknown
        if isinstance(expr, ast.Compare):
            left = self.value(expr.left, depth + 1)
            for op, comparator in zip(expr.ops, expr.comparators):
                right = self.value(comparator, depth + 1)
                if type(op) not in _COMPARE:
                    raise _Unknown
                try:
                    if not _COMPARE[type(op)](left, right):
                        return False
                except TypeError:
                    raise _Unknown from None
                left = right
            return True
        if isinstance(expr, ast.BoolOp):
            values = [bool(self.value(v, depth + 1)) for v in expr.values]
            return all(values) if isinstance(expr.op, ast.And) else any(values)
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
            return not self.value(expr.operand, depth + 1)
        if isinstance(expr, ast.Subscript):
            return self.subscript(expr, depth)
        if isinstance(expr, ast.Call) and not expr.keywords and not any(isinstance(a, ast.Starred) for a in expr.args):
            return self.call(expr, depth)
        raise _Unknown

    def name(self, expr: ast.Name, depth: int) -> object:
        """A name assigned once from a version check (``CELERY_5 = celery.VERSION >= (5,)``)."""
        bindings = self.model.lookup(expr.id, expr)
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN or bindings[0].index is not None \
                or not isinstance(bindings[0].value, ast.AST):
            raise _Unknown
        return self.value(bindings[0].value, depth + 1)

    @staticmethod
    def attribute(value: object, attr: str) -> object:
        if isinstance(value, (_VersionInfo, _Version)) and attr in ("major", "minor", "micro"):
            return getattr(value, attr)
        if isinstance(value, _Version) and attr == "release":
            return value.release
        raise _Unknown

    def subscript(self, expr: ast.Subscript, depth: int) -> object:
        value = self.value(expr.value, depth + 1)
        if not isinstance(value, (str, tuple)):
            raise _Unknown
        index = expr.slice
        try:
            if isinstance(index, ast.Slice):
                bounds = [None if b is None else self.value(b, depth + 1)
                          for b in (index.lower, index.upper, index.step)]
                return value[slice(*bounds)]
            return value[self.value(index, depth + 1)]
        except (TypeError, IndexError, ValueError):
            raise _Unknown from None

    def call(self, expr: ast.Call, depth: int) -> object:
        func, model = expr.func, self.model
        qualname = model.resolve(func)
        args = expr.args
        if qualname in _VERSION_PARSERS and len(args) == 1:
            text = self.value(args[0], depth + 1)
            if not isinstance(text, str):
                raise _Unknown
            return _Version(text)
        if qualname in _DISTRIBUTION_VERSION and len(args) == 1 and isinstance(args[0], ast.Constant) \
                and args[0].value == "celery":
            return self.version
        if isinstance(func, ast.Name) and func.id in ("int", "str", "tuple") and len(args) == 1 \
                and model.is_builtin(func):
            value = self.value(args[0], depth + 1)
            try:
                return {"int": int, "str": str, "tuple": tuple}[func.id](value)
            except (TypeError, ValueError):
                raise _Unknown from None
        if isinstance(func, ast.Name) and func.id == "map" and model.is_builtin(func) and len(args) == 2 \
                and model.is_builtin(args[0], "int"):
            value = self.value(args[1], depth + 1)
            try:
                return tuple(int(part) for part in value)
            except (TypeError, ValueError):
                raise _Unknown from None
        if isinstance(func, ast.Attribute) and func.attr in ("split", "startswith", "strip"):
            value = self.value(func.value, depth + 1)
            params = [self.value(a, depth + 1) for a in args]
            if not isinstance(value, str) or not all(isinstance(p, (str, int, tuple)) for p in params):
                raise _Unknown
            try:
                return tuple(getattr(value, func.attr)(*params)) if func.attr == "split" \
                    else getattr(value, func.attr)(*params)
            except (TypeError, ValueError):
                raise _Unknown from None
        raise _Unknown


def _truth(model: ModuleModel, test: ast.AST, version: str) -> bool | None:
    try:
        return bool(_VersionCheck(model, version).value(test))
    except (_Unknown, RecursionError, ArithmeticError):
        return None


def _old_versions_only(ctx: Context, node: ast.AST) -> bool:
    """Is the node in a branch of a version check that no Celery 5 version takes (and some
    older one does)?"""
    model = ctx.model
    child = node
    for anc in model.ancestors(node):
        if isinstance(anc, ast.If) and (child in anc.body or child in anc.orelse):
            wanted = child in anc.body
            old = [_truth(model, anc.test, v) for v in _OLD_VERSIONS]
            new = [_truth(model, anc.test, v) for v in _NEW_VERSIONS]
            if None not in old and None not in new and wanted in old and wanted not in new:
                return True
        child = anc
    return False


def _kept_for_old_versions(ctx: Context, node: ast.AST) -> bool:
    return _compat_import(ctx, node) or _old_versions_only(ctx, node)


@on(ast.Import, reports=(CEL513,))
def removed_module_import(node: ast.Import, ctx: Context) -> None:
    if _kept_for_old_versions(ctx, node):
        return
    for alias in node.names:
        replacement = removed_api(alias.name)
        if replacement is not None:
            ctx.report(node, CEL513, api=alias.name, replacement=replacement)


@on(ast.ImportFrom, reports=(CEL513,))
def removed_name_import(node: ast.ImportFrom, ctx: Context) -> None:
    if node.level or not node.module or node.module.split(".")[0] != "celery" \
            or _kept_for_old_versions(ctx, node):
        return
    removed = [(alias.name, removed_api(f"{node.module}.{alias.name}")) for alias in node.names]
    removed = [(name, replacement if node.module == _CONTROL else _REPLACEMENTS.get(name, replacement))
               for name, replacement in removed if replacement is not None]
    if not removed:
        return
    # One finding for the statement (its fix rewrites the whole import), naming every removed name.
    names = [name for name, _ in removed]
    api = f"{node.module}.{names[0]}" if len(names) == 1 else f"{node.module} ({', '.join(names)})"
    by_replacement: dict[str, list[str]] = {}
    for name, replacement in removed:
        by_replacement.setdefault(replacement, []).append(name)
    parts = [replacement if len(names) == 1 or (len(named) == 1 and replacement.endswith("." + named[0]))
             else f"{replacement} for {', '.join(named)}" for replacement, named in by_replacement.items()]
    ctx.report(node, CEL513, api=api, replacement="; ".join(parts))


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
        if binding.kind is BindingKind.IMPORT and (
                _imports_removed(binding.node) or _kept_for_old_versions(ctx, binding.node)):
            return  # reported at the import, or an import kept for older Celery versions
    if _old_versions_only(ctx, node):
        return
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
