"""What one module contributes to the project index: plain data (JSON), worked out from the module
model, so that the workers of ``flake8 --jobs`` / ``pylint -j`` share it through the cache.

A summary is a dict::

    {"module": "proj.tasks", "package": False, "test": False,
     "tasks": [TASK...], "factories": {"instrumented_task": "decorator"},
     "aliases": {"nautobot_task": "celery.shared_task"},
     "bases": {"BaseTask": {...}}, "imports": ["proj.models", ...],
     "apps": [APP...], "settings": {...}, "unknown_names": False}

What the index needs to know how workers find the tasks (CEL904, CEL906-CEL909):

- ``settings``: ``include`` / ``imports`` lists the module sets (``include_unknown`` /
  ``imports_unknown`` when a value is not a list of strings); ``unseen_config``: an app config of
  the module holds parts it cannot see (``**options``, a dict from elsewhere);
- ``imports``: modules imported when the module is imported; ``lazy_imports``: those imported
  inside functions (``"*"`` for ``import_module`` of a name computed at run time);
- ``apps``: ``Celery(...)`` calls, ``{"line", "col", "namespace"}`` (``namespace=`` given);
  ``app_names``: the module-level names bound to one (``cel = Celery(...)``);
- ``discovery``: ``autodiscover_tasks`` calls, ``{"line", "packages", "related", "force",
  "module_level"}``: ``packages`` a list, ``"django"`` (Django's installed apps) or None;
  ``related`` the module name looked for (None: the package itself; ``"?"`` unknown);
- ``config_sources``: ``config_from_object`` / ``config_from_envvar`` calls, ``{"line", "target",
  "namespace"}`` (target a dotted name or None; namespace None when not given, ``"?"`` unknown);
- ``django``: for a Django settings module (``INSTALLED_APPS`` at module level) ``{"installed_apps"
  (list or None), "celery_names", "new_names" (CELERY_* names only ``namespace="CELERY"`` reads),
  "root_urlconf", "star"}``, else None; ``settings_read``: ``CELERY_*`` names the module reads;
  ``django_setup``: the module calls ``django.setup()`` when imported;
- ``setup_logging``: the module connects a receiver to ``celery.signals.setup_logging`` or
  ``after_setup_logger`` (:func:`dataflow.connects_setup_logging`);
- ``loggers``: names of the loggers its logging configuration sets up (:func:`dataflow.configured_loggers`);
  ``task_id_format``: a formatter of it writes the task's id or name (:func:`dataflow.formats_task_id`);
- ``plain_wrappers``: module-level decorators that wrap a function and cannot retry a task
  (:func:`~celery_lint.dataflow.plain_wrapper`);
- ``receivers``: functions of other modules it connects to Django model signals, ``{dotted name:
  [signal, ...]}`` (``post_save.connect(receivers.reindex)`` in an ``AppConfig.ready()``);
- ``shared_tasks``: how many tasks ``@shared_task`` makes;
- ``periodic_handlers``: ``@app.on_after_configure.connect`` handlers calling
  ``add_periodic_task``, ``{"line", "col", "name"}`` (the decorator's position);
- ``class_calls`` (``[{"target", "line"}]`` of ``X().delay(...)`` / ``X.delay(...)``),
  ``registers`` (classes given to ``register_task`` / ``tasks.register``) and
  ``registers_unknown``.

Everything is what the module says on its own; the index puts the modules together.  A fact the
summary cannot read for sure is written as None (unknown), never guessed.
"""
from __future__ import annotations

import ast

from ..celery_data import OLD_TO_NEW
from ..config import ConfigItem, module_statements
from ..dataflow import configured_loggers, connects_setup_logging, formats_task_id, plain_wrapper, receivers_elsewhere
from ..model import (TASK_BASES, TASK_DECORATORS, BindingKind, ClassInfo, ModuleModel, TaskInfo, TaskKind, const,
                     is_const, registers_task)

#: Bump when the shape of a summary changes: cached summaries of another shape are misses.
FORMAT = 12
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


def absolute(module: str, package: bool, qualname: str | None) -> str | None:
    """A qualified name written in ``module`` (``.tasks.add`` for a relative import) made absolute."""
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
    if task.has_star_kwargs or task.by_project_decorator:
        return None  # the options (or the factory) may name it
    # Celery names a function task after its module and the function's __name__ (not its
    # __qualname__): a task made in a class body or a function is named so too.
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
    return absolute(module, package, qualname)


def _aliases(model: ModuleModel, module: str, package: bool) -> dict[str, str]:
    """Module-level names assigned Celery's task decorator straight (``nautobot_task = shared_task``),
    and Celery's decorators the module imports for others to import from it (django-ca's
    ``try: from celery import shared_task`` / ``except ImportError: shared_task = dummy``, and a
    package's ``from .base import shared_task`` of such an alias, found in the index's next round),
    when the module does not use the name itself:
    name -> the decorator's canonical name ("celery.shared_task", "<app>.task")."""
    out = {}
    for stmt in model.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            alias = model.decorator_alias(stmt.targets[0])
            if alias is not None:
                out[stmt.targets[0].id] = alias
    known = model.project.decorator_aliases if model.project is not None else {}
    used: set[str] | None = None
    for stmt in module_statements(model.tree.body):
        if not isinstance(stmt, ast.ImportFrom):
            continue
        source = relative_module(module, package, stmt.module or "", stmt.level) if stmt.level else stmt.module
        for name in stmt.names:
            dotted_name = f"{source}.{name.name}"
            found = dotted_name if dotted_name in TASK_DECORATORS else known.get(dotted_name)
            if found is None:
                continue
            if used is None:  # a module that decorates with it is a user, not a re-export
                used = {n.id for n in ast.walk(model.tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            bound = name.asname or name.name
            if bound not in used:
                out.setdefault(bound, found)
    return out


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
    return sorted(_imported(model, module, package, at_import=True))


def _imported(model: ModuleModel, module: str, package: bool, *, at_import: bool) -> set[str]:
    """The modules the import statements that run at import (or, ``at_import=False``, only inside
    functions) name: each module, and each name imported from one as a possible submodule."""
    out: set[str] = set()
    for node in (*model.nodes.get(ast.Import, ()), *model.nodes.get(ast.ImportFrom, ())):
        if _runs_at_import(model, node) is not at_import:
            continue
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
            continue
        base = (relative_module(module, package, node.module or "", node.level) if node.level
                else node.module)
        if base:
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return out


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


def _queue_names(model: ModuleModel, value: ast.AST) -> list[str] | None:
    """The names of a ``task_queues`` value: kombu ``Queue("a", ...)`` objects (or their
    ``name=``) in a list/tuple/set, or the keys of the old dict form; None when one is unclear."""
    if isinstance(value, ast.Name):
        bindings = model.lookup(value.id, value)
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN or bindings[0].index is not None:
            return None
        value = bindings[0].value
    if isinstance(value, ast.Dict):
        keys = [_string(model, k) if k is not None else None for k in value.keys]
        return keys if all(k is not None for k in keys) else None
    if not isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return None
    names = []
    for elt in value.elts:
        if not (isinstance(elt, ast.Call) and (model.resolve(elt.func) or "").rsplit(".", 1)[-1] == "Queue"):
            return None
        arg = elt.args[0] if elt.args else next((k.value for k in elt.keywords if k.arg == "name"), None)
        name = _string(model, arg) if arg is not None else None
        if name is None:
            return None
        names.append(name)
    return names


def _queues(model: ModuleModel) -> dict:
    """The queues the module's config declares (test code's config does not count):
    ``task_queues`` -- the queue names, None when unreadable -- and ``task_default_queue`` --
    the name, None when unreadable -- each only when the module sets it."""
    out: dict = {}
    if model.is_test_code():
        return out
    declared: set[str] | None = set()
    spelt: set[str] = set()  # the names the module writes task_queues under (CELERY_TASK_QUEUES)
    for item in model.config:
        if item.key == "task_queues":
            names = None if item.unseen else _queue_names(model, item.value)
            declared = None if declared is None or names is None else declared | set(names)
            out["task_queues"] = None if declared is None else sorted(declared)
            spelt.add(item.raw)
        elif item.key == "task_default_queue":
            out["task_default_queue"] = None if item.unseen else _string(model, item.value)
    if "task_queues" in out and declared is not None:
        # ``CELERY_TASK_QUEUES += (Queue(...),)`` adds queues; ``.append(...)`` and the like, too.
        for node in ast.walk(model.tree):  # only in the few modules that set task_queues
            if not isinstance(node, ast.AugAssign):
                continue
            target = node.target
            name = getattr(target, "id", getattr(target, "attr", None))
            if name in spelt:
                names = _queue_names(model, node.value)
                declared = None if declared is None or names is None else declared | set(names)
        for call in model.nodes.get(ast.Call, ()):
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr in ("append", "extend", "insert", "add", "update") \
                    and isinstance(func.value, (ast.Name, ast.Attribute)) \
                    and getattr(func.value, "id", getattr(func.value, "attr", None)) in spelt:
                declared = None
        out["task_queues"] = None if declared is None else sorted(declared)
    return out


def _annotations_may_limit(value: ast.AST) -> bool:
    """May ``task_annotations`` give tasks a time limit?  Not when it is a literal dict (or a list
    of them) of literal dicts none of which sets ``time_limit`` / ``soft_time_limit``."""
    for table in (value.elts if isinstance(value, (ast.List, ast.Tuple)) else (value,)):
        if not isinstance(table, ast.Dict) or None in table.keys:
            return True
        for options in table.values:
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
        "aliases": _aliases(model, module, package),
        "bases": _bases(model, module, package),
        "imports": _imports(model, module, package),
        "settings": settings,
        "queues": _queues(model),
        "unseen_config": any(item.unseen and item.source.value != "module" for item in model.config),
        "lazy_imports": _lazy_imports(model, module, package),
        "apps": _apps(model),
        "app_names": _app_names(model),
        "discovery": _discovery(model),
        "config_sources": _config_sources(model, module, package),
        "django": _django_settings(model) if _sets_installed_apps(model) else None,
        "settings_read": _settings_read(model),
        "django_setup": _django_setup(model),
        "setup_logging": connects_setup_logging(model),
        "loggers": sorted(configured_loggers(model)),
        "task_id_format": formats_task_id(model),
        "receivers": _receivers(model, module, package),
        "plain_wrappers": [f.name for f in model.tree.body if plain_wrapper(f)],
        "shared_tasks": sum(1 for task in model.tasks if task.via == "celery.shared_task"),
        "periodic_handlers": _periodic_handlers(model),
        **_class_tasks(model, module, package),
    }


# -- apps, discovery and Django settings (CEL904, CEL906-CEL909) ----------------------------------

#: Where ``config_from_object`` reads Django's settings.
#: Task methods that send a message (``X().delay(...)``).
_SEND_METHODS = frozenset({"delay", "apply_async", "s", "si", "signature", "delay_on_commit"})


def _is_installed_apps(model: ModuleModel, expr: ast.AST) -> bool:
    """``settings.INSTALLED_APPS`` (Django's settings object) or ``lambda: settings.INSTALLED_APPS``."""
    if isinstance(expr, ast.Lambda):
        expr = expr.body
    return isinstance(expr, ast.Attribute) and expr.attr == "INSTALLED_APPS" and (
        model.resolve(expr.value) in ("django.conf.settings",)
        or (isinstance(expr.value, ast.Name) and expr.value.id == "settings"))


def _strings(model: ModuleModel, expr: ast.AST | None, depth: int = 0) -> list[str] | None:
    """A list of strings an expression evidently holds: literals, ``+`` of them, ``*`` spreads
    and module-level names assigned once; None when it holds anything else."""
    if expr is None or depth > 8:
        return None
    single = const(expr)
    if isinstance(single, str):
        return [single]
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        out: list[str] = []
        for element in expr.elts:
            found = _strings(model, element.value if isinstance(element, ast.Starred) else element, depth + 1)
            if found is None:
                return None
            out.extend(found)
        return out
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = _strings(model, expr.left, depth + 1), _strings(model, expr.right, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("list", "tuple") \
            and len(expr.args) == 1 and not expr.keywords:
        return _strings(model, expr.args[0], depth + 1)
    if isinstance(expr, ast.Name):
        bindings = model.lookup(expr.id, expr)
        values = [b for b in bindings if b.kind is BindingKind.ASSIGN and b.index is None]
        if bindings and len(values) == len(bindings):
            out = []
            for b in values:  # every assignment of the name (an ``if DEBUG:`` branch adds apps)
                found = _strings(model, b.value, depth + 1)
                if found is None:
                    return None
                out.extend(found)
            return out
    return None


def _receivers(model: ModuleModel, module: str, package: bool) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, signals in receivers_elsewhere(model).items():
        dotted = absolute(module, package, name)
        if dotted:
            out[dotted] = sorted(set(out.get(dotted, ())) | signals)
    return out


def _app_names(model: ModuleModel) -> list[str]:
    """Module-level names bound to a Celery app the module makes (``cel = FlaskCelery("proj")``,
    ``app = Celery(...)``): other modules that import one use it as an app."""
    out = []
    for stmt in model.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) \
                and model.is_app_class(stmt.value.func):
            out.extend(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return out


def _apps(model: ModuleModel) -> list[dict]:
    """Where the module creates Celery apps: ``Celery(...)`` calls in any scope, with their line
    and whether they pass ``namespace=``."""
    return [{"line": call.lineno, "col": call.col_offset,
             "namespace": any(k.arg == "namespace" or k.arg is None for k in call.keywords)}
            for call in model.nodes.get(ast.Call, ()) if model.is_app_class(call.func)]


def _app_method(model: ModuleModel, call: ast.Call, name: str) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == name and model.is_app(func.value)


def _discovery(model: ModuleModel) -> list[dict]:
    """The module's ``app.autodiscover_tasks(...)`` calls: ``packages`` is a list of package names,
    ``"django"`` (no argument, ``settings.INSTALLED_APPS`` or ``lambda: settings.INSTALLED_APPS``:
    Django's installed apps) or None (unknown); ``related`` the module looked for (None: the package
    itself; ``"?"``: unknown); ``force`` True, False or None (unknown)."""
    out = []
    for call in model.nodes.get(ast.Call, ()):
        if not _app_method(model, call, "autodiscover_tasks"):
            continue
        args = dict(zip(("packages", "related_name", "force"), call.args))
        for kw in call.keywords:
            args[kw.arg or "**"] = kw.value
        packages: list[str] | str | None
        given = args.get("packages")
        if "**" in args or any(isinstance(a, ast.Starred) for a in call.args):
            packages = None
        elif given is None or const(given, default=0) is None or _is_installed_apps(model, given):
            packages = "django"
        else:
            packages = _strings(model, given)
        related: str | None = "tasks"
        if "related_name" in args:
            value = const(args["related_name"], default=0)
            related = value if value is None or isinstance(value, str) else "?"
        force = const(args["force"], default=0) if "force" in args else False
        out.append({"line": call.lineno, "packages": packages, "related": related,
                    "force": force if isinstance(force, bool) else None,
                    "module_level": _runs_at_import(model, call)})
    return out


def _config_sources(model: ModuleModel, module: str, package: bool) -> list[dict]:
    """Where the module's apps read a config from: ``config_from_object(target, namespace=)`` with
    the target as a dotted string (None when unknown) and the namespace (None: not given; ``"?"``:
    unknown); ``config_from_envvar`` gives target None, and ``envvar`` True (it takes no namespace)."""
    out = []
    for call in model.nodes.get(ast.Call, ()):
        if _app_method(model, call, "config_from_envvar"):
            out.append({"line": call.lineno, "target": None, "namespace": "?", "envvar": True})
            continue
        if not _app_method(model, call, "config_from_object"):
            continue
        given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "obj"), None)
        target = const(given)
        if not isinstance(target, str) and given is not None:
            target = absolute(module, package, model.resolve(given))
        namespace: str | None = None
        spread = any(k.arg is None for k in call.keywords) or len(call.args) > 3
        kw = next((k for k in call.keywords if k.arg == "namespace"), None)
        if kw is not None:
            value = const(kw.value)
            namespace = value if isinstance(value, str) else "?"
        elif spread:
            namespace = "?"
        out.append({"line": call.lineno, "target": target if isinstance(target, str) else None,
                    "namespace": namespace})
    return out


def _assigned(model: ModuleModel, name: str) -> list[ast.AST] | None:
    """The values a module-level name is given (``=``, ``+=``, ``.append/.extend``); None when the
    module changes it some other way."""
    values: list[ast.AST] = []
    for stmt in ast.walk(model.tree):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and stmt.value is not None:
                if model.scope(stmt) is not model.tree:
                    continue
                values.append(stmt.value)
            elif any(isinstance(t, (ast.Tuple, ast.List))
                     and any(isinstance(e, ast.Name) and e.id == name for e in t.elts) for t in targets):
                return None
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name:
            values.append(stmt.value)
        elif isinstance(stmt, ast.Call) and isinstance(stmt.func, ast.Attribute) \
                and isinstance(stmt.func.value, ast.Name) and stmt.func.value.id == name:
            if stmt.func.attr in ("append", "extend", "insert"):
                values.append(ast.List(elts=[stmt.args[-1]]) if stmt.func.attr != "extend" and stmt.args
                              else (stmt.args[0] if stmt.args else ast.List(elts=[])))
            elif stmt.func.attr not in ("index", "count"):
                return None
    return values


def _sets_installed_apps(model: ModuleModel) -> bool:
    """Does the module set or change ``INSTALLED_APPS`` (``=``, ``+=``, ``.append(...)``)?"""
    if "INSTALLED_APPS" in model.bindings.get(model.tree, {}):
        return True
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "INSTALLED_APPS":
            return True
    todo = list(model.tree.body)
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == "INSTALLED_APPS":
            return True
        if isinstance(stmt, (ast.If, ast.Try, ast.With, ast.For)):
            todo.extend(stmt.body)
            todo.extend(getattr(stmt, "orelse", ()))
            todo.extend(getattr(stmt, "finalbody", ()))
            for handler in getattr(stmt, "handlers", ()):
                todo.extend(handler.body)
    return False


def _django_settings(model: ModuleModel) -> dict | None:
    """The facts of a Django settings module (one that assigns ``INSTALLED_APPS`` at module level),
    else None: ``installed_apps`` (a list of strings, None when built from what the module cannot
    show), ``celery_names`` (the upper-case ``CELERY_*`` names it sets that Celery knows), ``new_names``
    (those that only ``namespace="CELERY"`` reads), ``root_urlconf``, ``star`` (it imports settings
    with ``*``)."""
    values = _assigned(model, "INSTALLED_APPS")
    if values == []:
        return None
    apps: list[str] | None = []
    for value in values or ():
        if isinstance(value, ast.AST) and isinstance(value, ast.Starred):
            apps = None
            break
        found = _strings(model, value)
        if found is None:
            apps = None
            break
        apps.extend(found)
    if values is None:
        apps = None
    names = sorted({item.raw for item in model.config if item.raw.startswith("CELERY_") and item.key is not None})
    urlconf = next((const(v) for v in _assigned(model, "ROOT_URLCONF") or () if isinstance(const(v), str)), None)
    return {"installed_apps": apps, "celery_names": names,
            "new_names": [n for n in names if n not in OLD_TO_NEW],
            "root_urlconf": urlconf,
            "star": any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
                        for n in model.nodes.get(ast.ImportFrom, ()))}


def _settings_read(model: ModuleModel) -> list[str]:
    """``CELERY_*`` names the module reads itself (``settings.CELERY_BROKER_URL``,
    ``getattr(settings, "CELERY_X")``): settings the project hands to Celery by hand."""
    out = {node.attr for node in model.nodes.get(ast.Attribute, ()) if node.attr.startswith("CELERY_")}
    for call in model.nodes.get(ast.Call, ()):
        if isinstance(call.func, ast.Name) and call.func.id == "getattr" and len(call.args) > 1:
            name = const(call.args[1])
            if isinstance(name, str) and name.startswith("CELERY_"):
                out.add(name)
    return sorted(out)


def _lazy_imports(model: ModuleModel, module: str, package: bool) -> list[str]:
    """The modules imported inside functions (when they run, not when the module is imported)."""
    out = _imported(model, module, package, at_import=False)
    for call in model.nodes.get(ast.Call, ()):  # importlib.import_module("x") / __import__("x")
        if model.resolve(call.func) in ("importlib.import_module", "__import__") or (
                isinstance(call.func, ast.Name) and call.func.id == "__import__"):
            name = const(call.args[0]) if call.args else None
            if isinstance(name, str):
                out.add(name)
            else:
                out.add("*")  # a module named at run time: anything may be imported
    return sorted(out)


def _django_setup(model: ModuleModel) -> bool:
    """Does the module call ``django.setup()`` when it is imported?"""
    return any(model.resolve(call.func) == "django.setup" and _runs_at_import(model, call)
               for call in model.nodes.get(ast.Call, ()))


def _periodic_handlers(model: ModuleModel) -> list[dict]:
    """``@app.on_after_configure.connect`` handlers (module level) that call ``add_periodic_task``:
    the decorator's position and the function's name."""
    out = []
    for node in (*model.nodes.get(ast.FunctionDef, ()), *model.nodes.get(ast.AsyncFunctionDef, ())):
        if model.scope(node) is not model.tree:
            continue
        for dec in node.decorator_list:
            core = dec.func if isinstance(dec, ast.Call) else dec
            if not (isinstance(core, ast.Attribute) and core.attr == "connect"
                    and isinstance(core.value, ast.Attribute) and core.value.attr == "on_after_configure"
                    and model.is_app(core.value.value)):
                continue
            if any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                   and c.func.attr == "add_periodic_task" for c in ast.walk(node)):
                out.append({"line": dec.lineno, "col": dec.col_offset, "name": node.name})
    return out


def _class_qualname(model: ModuleModel, module: str, package: bool, expr: ast.AST) -> str | None:
    """The dotted name of the class an expression names (a class of this module or an import)."""
    if isinstance(expr, ast.Name):
        for b in model.lookup(expr.id, expr):
            if b.kind is BindingKind.CLASS:
                return f"{module}.{expr.id}" if model.scope(b.node) is model.tree else None
    return absolute(module, package, model.resolve(expr))


def _class_tasks(model: ModuleModel, module: str, package: bool) -> dict:
    """Class tasks sent and registered: ``class_calls`` ([{"target", "line"}] of ``X().delay(...)``,
    ``X.delay(...)``, ``X().apply_async(...)``), ``registers`` (classes given to
    ``app.register_task(X())`` / ``app.tasks.register(X())``, instances or classes) and
    ``registers_unknown`` (a registration whose class the module cannot name)."""
    calls, registers, unknown = [], set(), False
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr in _SEND_METHODS:
            target = func.value.func if isinstance(func.value, ast.Call) and not func.value.args \
                and not func.value.keywords else func.value
            if isinstance(target, (ast.Name, ast.Attribute)):
                name = _class_qualname(model, module, package, target)
                if name is not None:
                    calls.append({"target": name, "line": call.lineno})
        elif registers_task(func):
            given = call.args[0] if call.args else None
            if isinstance(given, ast.Call):
                given = given.func
            name = _class_qualname(model, module, package, given) if isinstance(given, (ast.Name, ast.Attribute)) \
                else None
            if name is None:
                unknown = True
            else:
                registers.add(name)
    for node in model.nodes.get(ast.ClassDef, ()):  # @app.register_task class X(Task)
        for dec in node.decorator_list:
            if isinstance(dec, ast.Attribute) and registers_task(dec, decorator=True):
                registers.add(f"{module}.{node.name}")
    return {"class_calls": calls, "registers": sorted(registers), "registers_unknown": unknown}
