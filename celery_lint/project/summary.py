"""What one module contributes to the project index: plain data (JSON), worked out from the module
model, so that the workers of ``flake8 --jobs`` / ``pylint -j`` share it through the cache.

A summary is a dict::

    {"module": "proj.tasks", "package": False, "test": False,
     "tasks": [TASK...], "factories": {"instrumented_task": "decorator"},
     "bases": {"BaseTask": {...}}, "imports": ["proj.models", ...],
     "apps": [APP...], "settings": {...}, "unknown_names": False}

Everything is what the module says on its own; the index puts the modules together.  A fact the
summary cannot read for sure is written as None (unknown), never guessed.
"""
from __future__ import annotations

import ast

from ..config import ConfigItem
from ..model import TASK_BASES, BindingKind, ClassInfo, ModuleModel, TaskInfo, TaskKind, const, is_const

#: Bump when the shape of a summary changes: cached summaries of another shape are misses.
FORMAT = 2
#: Longest attribute value or method body (as source text) a summary keeps for other modules.
MAX_TEXT = 300


def relative_module(module: str, package: bool, name: str, level: int) -> str | None:
    """The absolute module an import ``from <level dots><name> import ...`` names, seen from
    ``module`` (a package's ``__init__`` is the package itself)."""
    parts = module.split(".") if module else []
    if not package:
        parts = parts[:-1]
    if level > 1:
        if level - 1 > len(parts):
            return None
        parts = parts[: len(parts) - (level - 1)]
    if name:
        parts.append(name)
    return ".".join(parts) or None


def absolute(model: ModuleModel, module: str, package: bool, qualname: str | None) -> str | None:
    """A qualified name from the model (``.tasks.add`` for a relative import) made absolute."""
    if not qualname:
        return None
    if not qualname.startswith("."):
        return qualname
    stripped = qualname.lstrip(".")
    return relative_module(module, package, stripped, len(qualname) - len(stripped))


def signature(task: TaskInfo) -> dict:
    """The parameters a caller fills: positional names (without the bound ``self``), how many are
    required, keyword-only names and which are required, and ``*args`` / ``**kwargs``."""
    args = task.node.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    defaults = len(args.defaults)
    required = len(positional) - defaults
    posonly = len(args.posonlyargs)
    skip = 1 if task.bound or task.kind is TaskKind.CLASS else 0
    return {
        "pos": positional[skip:],
        "req": max(required - skip, 0),
        "posonly": max(posonly - skip, 0),
        "kwonly": [a.arg for a in args.kwonlyargs],
        "kwreq": [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None],
        "var": args.vararg is not None,
        "varkw": args.kwarg is not None,
    }


def _task_name(model: ModuleModel, module: str, task: TaskInfo) -> str | None:
    """The name Celery registers the task under, or None when the module cannot say."""
    if task.kind is TaskKind.CLASS:
        attr = task.cls.attrs.get("name") if task.cls is not None else None
        if attr is not None:
            value = const(attr)
            return value if isinstance(value, str) else None
        return f"{module}.{task.label}" if task.module_level else None
    kw = task.options.get("name")
    if kw is not None:
        value = _string(model, kw.value)
        return value
    if task.has_star_kwargs or task.by_project_decorator or not task.module_level:
        return None  # the options (or the factory) may name it
    return f"{module}.{task.node.name}"


def _string(model: ModuleModel, expr: ast.AST) -> str | None:
    """A string constant, or a module-level name assigned one string once."""
    value = const(expr)
    if isinstance(value, str):
        return value
    if isinstance(expr, ast.Name):
        bindings = model.lookup(expr.id, expr)
        if len(bindings) == 1 and bindings[0].kind is BindingKind.ASSIGN and bindings[0].index is None:
            value = const(bindings[0].value)
            if isinstance(value, str):
                return value
    return None


def _signature_known(model: ModuleModel, task: TaskInfo) -> bool:
    """Can a caller's arguments be held against the function's parameters?  Not when another
    decorator wraps the function, a project decorator makes the task, a base the module cannot
    see (or a class in the chain) defines ``__call__``, or the options come from ``**``."""
    if task.kind is TaskKind.FUNCTION:
        if len(task.node.decorator_list) != (0 if task.by_call is not None else 1):
            return False
        if task.by_project_decorator or task.has_star_kwargs or task.base_unresolved:
            return False
        if model.app_has_own_task_class:
            return False
    elif task.base_unresolved:
        return False
    if task.cls is not None and any("__call__" in c.methods for c in model.lineage(task.cls)):
        return False
    return True


def _tasks(model: ModuleModel, module: str, test: bool) -> list[dict]:
    out = []
    for task in model.tasks:
        node = task.definition
        queue = task.option("queue", model)
        out.append({
            "name": _task_name(model, module, task),
            "label": task.label,
            "line": node.lineno,
            "col": node.col_offset,
            "kind": task.kind.value,
            "sig": signature(task) if _signature_known(model, task) else None,
            "queue": const(queue) if isinstance(const(queue), str) else None,
            "module_level": task.module_level,
            "ignore_result": _ignores_result(model, task),
        })
    return out


def _ignores_result(model: ModuleModel, task: TaskInfo) -> bool:
    """Is the task certainly defined with ``ignore_result=True`` (decorator or Task class)?"""
    if "ignore_result" not in task.options and task.has_star_kwargs:
        return False
    return is_const(task.option("ignore_result", model), True)


def _text(expr: ast.AST | list) -> str | None:
    """Source text of an expression (or a list of statements), when short enough to keep."""
    try:
        text = "\n".join(map(ast.unparse, expr)) if isinstance(expr, list) else ast.unparse(expr)
    except (ValueError, RecursionError, AttributeError):
        return None
    return text if len(text) <= MAX_TEXT else None


def _method_body(func: ast.AST) -> str | None:
    """A method's body as text when it is one short statement or less (a placeholder, a
    ``pass``), else None: it does something."""
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(const(body[0].value), str):
        body = body[1:]  # the docstring
    return _text(body) if len(body) <= 1 else None


def _base_name(model: ModuleModel, module: str, package: bool, base: ast.expr) -> str | None:
    """A base of a Task class as the index names it: ``celery.Task`` (also ``app.Task`` of an app
    without a Task class of its own), ``builtins.object``, a dotted name, else None."""
    qualname = model.resolve(base)
    if qualname in TASK_BASES:
        return "celery.Task"
    if isinstance(base, ast.Attribute) and base.attr == "Task" and model.is_app(base.value):
        return None if model.app_has_own_task_class else "celery.Task"
    if isinstance(base, ast.Name):
        if model.is_builtin(base, "object"):
            return "builtins.object"
        if model.local_class(base) is not None:
            return f"{module}.{base.id}"
    return absolute(model, module, package, qualname)


def _bases(model: ModuleModel, module: str, package: bool) -> dict[str, dict]:
    """The module-level Task subclasses: their line, whether they define ``run`` (a task of its
    own), their ``name`` attribute when it is a string, and what other modules need to treat it
    as a base of their own (``model.task_class``): its attributes and methods as written (text,
    None when too long), its bases as dotted names (None: unknown) and whether it has class
    keywords (``metaclass=``) that the index cannot follow."""
    out = {}
    for node, info in model.classes.items():
        if info.is_task_class and model.scope(node) is model.tree:
            name = const(info.attrs.get("name"))
            out[node.name] = {"line": node.lineno, "run": "run" in info.methods,
                              "name": name if isinstance(name, str) else None,
                              **_class_facts(model, module, package, info)}
    return out


def _class_facts(model: ModuleModel, module: str, package: bool, info: ClassInfo) -> dict:
    return {
        "attrs": {k: _text(v) for k, v in info.attrs.items()},
        "methods": {k: _method_body(f) for k, f in info.methods.items()},
        "bases": [_base_name(model, module, package, b) for b in info.node.bases],
        "closed": not info.node.keywords and info.removed_base is None,
    }


def _imports(model: ModuleModel, module: str, package: bool) -> list[str]:
    """The modules the module imports when it is imported (statements outside functions)."""
    out: list[str] = []
    for node in (*model.nodes.get(ast.Import, ()), *model.nodes.get(ast.ImportFrom, ())):
        if not _runs_at_import(model, node):
            continue
        if isinstance(node, ast.Import):
            out.extend(alias.name for alias in node.names)
            continue
        base = (relative_module(module, package, node.module or "", node.level) if node.level
                else node.module)
        if not base:
            continue
        out.append(base)
        out.extend(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return sorted(set(out))


def _runs_at_import(model: ModuleModel, node: ast.AST) -> bool:
    for scope in model.scopes(node):
        return scope is model.tree
    return True


def _config_strings(item: ConfigItem) -> list[str] | None:
    """A setting's value as a list of strings (a string, or a list/tuple of them), else None."""
    value = item.value
    single = const(value)
    if isinstance(single, str):
        return [single]
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        names = [const(e) for e in value.elts]
        if all(isinstance(n, str) for n in names):
            return names
    return None


def _annotations_may_limit(value: ast.AST) -> bool:
    """May ``task_annotations`` give tasks a time limit?  Not when it is a literal dict (or a list
    of them) of literal dicts none of which sets ``time_limit`` / ``soft_time_limit``."""
    for annotations in (value.elts if isinstance(value, (ast.List, ast.Tuple)) else (value,)):
        if not isinstance(annotations, ast.Dict) or None in annotations.keys:
            return True
        for options in annotations.values:
            if not isinstance(options, ast.Dict) or any(
                    not isinstance(const(k), str) or const(k).endswith("time_limit") for k in options.keys):
                return True
    return False


def summarize(model: ModuleModel, module: str, package: bool) -> dict:
    """The summary of one module (see the module's docstring)."""
    test = model.is_test_code()
    settings: dict = {}
    for item in model.config:
        if item.key is None:
            continue
        if item.key in ("task_time_limit", "task_soft_time_limit"):
            settings[item.key] = True
        elif item.key == "task_annotations" and _annotations_may_limit(item.value):
            settings[item.key] = True
        elif item.key in ("include", "imports"):
            settings.setdefault(item.key, [])
            strings = _config_strings(item)
            if strings is None:
                settings[item.key + "_unknown"] = True
            else:
                settings[item.key].extend(strings)
    return {
        "format": FORMAT,
        "module": module,
        "package": package,
        "test": test,
        "tasks": _tasks(model, module, test),
        "factories": {node.name: makes for node, makes in model.task_factories.items()},
        "bases": _bases(model, module, package),
        "imports": _imports(model, module, package),
        "settings": settings,
    }
