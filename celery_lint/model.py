"""What one module says about Celery, built in one pass over its tree.

The walk records, for every node, its parent; for every scope, the names it binds
(imports, assignments, loop targets, parameters, defs); and the nodes of the types the
checks asked for.  After the walk the model resolves, through those bindings, which
names are Celery apps, which functions and classes are tasks, and where the module
configures Celery.  Checks then read the model instead of walking the tree again.
"""
from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

from .settings import Settings, in_test_folder

FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
COMPREHENSION_TYPES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
LOOP_TYPES = (ast.For, ast.AsyncFor, ast.While)
#: How far any analysis follows names, helpers and nested expressions (bindings of bindings,
#: calls into a module's helpers, operands of operands): it bounds the work on any input, and
#: every recursive helper of the core stops there.
MAX_DEPTH = 6
#: ``try`` statements: ``ast.Try`` and, from Python 3.11, ``ast.TryStar`` (``except*``).
TRY_TYPES = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module, *COMPREHENSION_TYPES)

# Where Celery defines a public name, mapped to the name users import it by.
_CANONICAL = {
    "celery.app.task.Task": "celery.Task",
    "celery.app.base.Celery": "celery.Celery",
    "celery.app.Celery": "celery.Celery",
    "celery.app.shared_task": "celery.shared_task",
    "celery.app.base.shared_task": "celery.shared_task",
    "celery._state.current_app": "celery.current_app",
    "celery.app.current_app": "celery.current_app",
    "celery.canvas.group": "celery.group",
    "celery.canvas.chain": "celery.chain",
    "celery.canvas.chord": "celery.chord",
    "celery.canvas.chunks": "celery.chunks",
    "celery.canvas.signature": "celery.signature",
    "celery.canvas.Signature": "celery.Signature",
    "celery.canvas.xmap": "celery.xmap",
    "celery.canvas.xstarmap": "celery.xstarmap",
    "celery.canvas.maybe_signature": "celery.maybe_signature",
    "celery.subtask": "celery.signature",
    "celery.canvas.subtask": "celery.signature",
    "celery.result.AsyncResult": "celery.result.AsyncResult",
    "celery.AsyncResult": "celery.result.AsyncResult",
    "celery.GroupResult": "celery.result.GroupResult",
    "celery.ResultSet": "celery.result.ResultSet",
    "celery.schedules.crontab": "celery.schedules.crontab",
    "celery.crontab": "celery.schedules.crontab",
    "celery.task.Task": "celery.task.Task",
    "django.test.utils.override_settings": "django.test.override_settings",
}

#: Decorators that define tasks (canonical names).  The second group was removed in Celery 5.
TASK_DECORATORS = frozenset({"celery.shared_task"})
REMOVED_TASK_DECORATORS = frozenset({
    "celery.task",
    "celery.task.task",
    "celery.task.base.task",
    "celery.task.periodic_task",
    "celery.task.base.periodic_task",
    "celery.decorators.task",
    "celery.decorators.periodic_task",
})
TASK_BASES = frozenset({"celery.Task"})
REMOVED_TASK_BASES = frozenset({
    "celery.task.Task",
    "celery.task.base.Task",
    "celery.task.PeriodicTask",
    "celery.task.base.PeriodicTask",
})
CELERY_APP_CLASSES = frozenset({"celery.Celery"})
#: The public names ``from celery import *`` binds (``celery.__all__`` in Celery 5.7).
CELERY_STAR_NAMES = (
    "Celery", "Task", "shared_task", "current_app", "current_task", "group", "chain", "chord", "chunks",
    "signature", "subtask", "Signature", "maybe_signature", "xmap", "xstarmap", "uuid", "bugreport",
)


# Libraries whose objects are no Celery apps, though code may name them ``app`` and they
# may have a ``task`` decorator of their own.
_NOT_CELERY = frozenset({
    "airflow", "arq", "click", "dask", "django", "dramatiq", "fastapi", "flask", "huey", "invoke",
    "kombu", "prefect", "quart", "ray", "rq", "sanic", "starlette", "taskiq", "typer",
})


#: Other task queues whose decorators give functions a ``.delay`` (and ``.s``, ``.send``, ...)
#: of their own: RQ's and django-rq's ``@job``, dramatiq's ``@actor``, huey's ``@task`` /
#: ``@db_task`` / ``@periodic_task`` (module functions or methods of a Huey instance).
_OTHER_TASK_QUEUES = frozenset({"rq", "django_rq", "flask_rq2", "dramatiq", "remoulade", "huey"})
_OTHER_TASK_DECORATORS = frozenset({
    "job", "actor", "task", "db_task", "periodic_task", "db_periodic_task", "lock_task",
})


def _maybe_celery_factory(qualname: str | None) -> bool:
    """Could a call of this (resolved) callable return a Celery app?  Yes for local and
    project factories (``make_celery()``), no for other frameworks' constructors."""
    return qualname is None or qualname.lstrip(".").split(".")[0] not in _NOT_CELERY


def canonical(qualname: str | None) -> str | None:
    if qualname is None:
        return None
    return _CANONICAL.get(qualname, qualname)


def dotted(expr: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name):
        parts.append(expr.id)
        return ".".join(reversed(parts))
    return None


def const(expr: ast.AST | None, default=None):
    """The value of a literal (numbers, strings, bools, None, and containers of them)."""
    if expr is None:
        return default
    if isinstance(expr, ast.Constant):
        return expr.value
    try:
        return ast.literal_eval(expr)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return default


def is_const(expr: ast.AST | None, value) -> bool:
    return isinstance(expr, ast.Constant) and type(expr.value) is type(value) and expr.value == value


def name_matches(qualname: str | None, pattern: str) -> bool:
    """A setting entry (dotted name, or a bare name for any module) matches a qualified name."""
    if not qualname:
        return False
    return qualname == pattern or qualname.endswith("." + pattern)


class BindingKind(enum.Enum):
    """How a name gets bound."""

    IMPORT = "import"  # import x / from m import x
    ASSIGN = "assign"  # x = ..., x: T = ..., (x := ...)
    FOR = "for"  # a for loop's or a comprehension's target
    WITH = "with"  # with ... as x
    PARAM = "param"  # a parameter of a function or lambda
    DEF = "def"
    CLASS = "class"
    EXCEPT = "except"  # except E as x


@dataclass
class Binding:
    """One way a name gets bound in a scope."""

    kind: BindingKind
    node: ast.AST  # the statement (or arg) that binds
    value: object = None  # import: qualified name; assign/for/with: the expression
    index: int | None = None  # position in a tuple unpacking


# Bindings in a scope's own body that shadow an import of the same name (_imported_as).
_SHADOWING_KINDS = (BindingKind.DEF, BindingKind.CLASS, BindingKind.ASSIGN)
#: Bindings that give a name a value (assigned_values).
_VALUE_KINDS = (BindingKind.ASSIGN, BindingKind.FOR, BindingKind.WITH)


class ProjectName(ast.Name):
    """A base of a Task class of another module (:meth:`ModuleModel.task_class`): a name that
    resolves to the dotted name the project index gives it, bound by nothing in this module."""

    def __init__(self, qualname: str):
        super().__init__(id=qualname.rsplit(".", 1)[-1], ctx=ast.Load())
        self.qualname = qualname


@dataclass
class ClassInfo:
    node: ast.ClassDef
    attrs: dict[str, ast.expr] = field(default_factory=dict)  # class-level NAME = value
    attr_nodes: dict[str, ast.stmt] = field(default_factory=dict)
    methods: dict[str, ast.FunctionDef] = field(default_factory=dict)
    is_task_class: bool = False
    removed_base: str | None = None  # the removed Celery base it derives from, if any
    origin: str | None = None  # a Task class of another module of the project: where ("proj/base.py:12")

    @property
    def name(self) -> str:
        return self.node.name


class TaskKind(enum.Enum):
    """How a task is defined."""

    FUNCTION = "function"  # a function under a task decorator
    CLASS = "class"  # the ``run`` method of a Task subclass


@dataclass
class TaskInfo:
    """A task: a decorated function, or the ``run`` method of a Task subclass."""

    node: ast.FunctionDef | ast.AsyncFunctionDef
    kind: TaskKind
    decorator: ast.expr | None = None  # the task decorator expression (function tasks)
    decorator_index: int = 0
    via: str | None = None  # canonical name of the decorator, or "<app>.task"
    options: dict[str, ast.keyword] = field(default_factory=dict)  # decorator keywords
    has_star_kwargs: bool = False  # the decorator passes **options we cannot see
    cls: ClassInfo | None = None  # class tasks: their class; function tasks: resolved base=
    base_unresolved: bool = False  # base= given (or a class base) that the module cannot see
    module_level: bool = True
    by_call: ast.Call | None = None  # made by a call (``app.task(**opts)(func)``), not by a decorator

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def label(self) -> str:
        """How messages name a task: its function, or its class for class tasks."""
        return self.cls.name if self.kind is TaskKind.CLASS and self.cls is not None else self.node.name

    @property
    def definition(self) -> ast.AST:
        """The node of the task's definition line: its ``def``, or its ``class`` for class tasks."""
        return self.cls.node if self.kind is TaskKind.CLASS and self.cls is not None else self.node

    @property
    def by_project_decorator(self) -> bool:
        """Defined through a decorator of the ``task-decorators`` setting, whose options and
        behaviour are the project's, not Celery's."""
        return self.kind is TaskKind.FUNCTION and self.via != "<app>.task" and self.via not in TASK_DECORATORS \
            and self.via not in REMOVED_TASK_DECORATORS

    @property
    def removed_api(self) -> bool:
        """Defined through a decorator removed in Celery 5 (``celery.task``, ``celery.decorators``)."""
        return self.via in REMOVED_TASK_DECORATORS

    @property
    def bound(self) -> bool:
        """``self`` is the task: bind=True, or a method of a Task subclass."""
        if self.kind is TaskKind.CLASS:
            return True
        kw = self.options.get("bind")
        return kw is not None and const(kw.value, False) is True

    @property
    def params(self) -> list[ast.arg]:
        args = self.node.args
        return [*args.posonlyargs, *args.args]

    def option(self, name: str, model: "ModuleModel | None" = None) -> ast.expr | None:
        """The expression an option is set to: decorator keyword, or class attribute of the
        task class / resolvable base class chain.  None when not set anywhere we can see."""
        kw = self.options.get(name)
        if kw is not None:
            return kw.value
        if self.cls is None:
            return None
        for cls in model.lineage(self.cls) if model is not None else (self.cls,):
            if name in cls.attrs:
                return cls.attrs[name]
        return None


class ModuleModel:
    """The Celery facts of one module.  Build it with :func:`build`."""

    def __init__(self, tree: ast.Module, filename: str, settings: Settings, project=None):
        self.tree = tree
        # The project index (celery_lint.project.ProjectIndex) or None: Task classes of other
        # modules of the project that it knows in full count as the module's own (task_class).
        self.project = project
        self._project_classes: dict[str, ClassInfo | None] = {}
        self.filename = filename
        self.settings = settings
        self.parents: dict[ast.AST, ast.AST] = {}
        self.scope_of: dict[ast.AST, ast.AST] = {}  # the scope each node's names belong to
        self._lookups: dict[tuple, list[Binding]] = {}  # (name, scope) -> bindings, once built
        self._resolved: dict[ast.AST, str | None] = {}  # expression -> qualified name
        self.nodes: dict[type, list[ast.AST]] = {}
        self.bindings: dict[ast.AST, dict[str, list[Binding]]] = {}
        self.classes: dict[ast.ClassDef, ClassInfo] = {}
        self.tasks: list[TaskInfo] = []
        self.task_by_node: dict[ast.AST, TaskInfo] = {}
        self.task_by_call: dict[ast.Call, TaskInfo] = {}  # tasks made by a call, by that call
        # Module-level functions that wrap Celery's task decorator, by what calling them returns:
        # "task" (a decorator: ``@periodic``) or "decorator" (a factory: ``@instrumented_task(...)``).
        self.task_factories: dict[ast.AST, str] = {}
        self.foreign_tasks: set[ast.AST] = set()  # defs another task queue's decorator makes jobs of
        self._test_module: bool | None = None  # is_test_module(), once asked
        self.imported_names: set[str] = set()  # names an import binds, in any scope
        # Top-level packages of absolute imports (celery, django): those that bind names, and
        # those only imported with ``from package... import *``.
        self.imported_packages: set[str] = set()
        self.star_imported_packages: set[str] = set()
        # Filled by celery_lint.config.collect_config, which the engine runs after build():
        self.config: list = []  # of celery_lint.config.ConfigItem
        self.partial_configs: set[int] = set()  # ids of config groups and app statements (config.is_partial)
        # Memos of the analyses the checks share, filled on first use:
        self.name_kinds: dict[ast.Name, str | None] = {}  # dataflow.kind_of of names
        self.kind_cuts = 0  # dataflow.kind_of: how many answers the depth limit has cut short
        self.signal_receivers: dict[ast.AST, frozenset[str]] | None = None  # dataflow.signal_receivers
        self.body_nodes: dict[ast.AST, list[ast.AST]] = {}  # dataflow.body_nodes, by function
        self._lineages: dict[ast.ClassDef, list[ClassInfo]] = {}  # lineage(), by class
        # The module's text (a celery_lint.fixes.Source) when fixes were asked for, else None.
        self.source = None

    @property
    def mentions_celery(self) -> bool:
        """Does the module import celery at all (any form, any scope)?"""
        return "celery" in self.imported_packages or "celery" in self.star_imported_packages

    @property
    def uses_django(self) -> bool:
        """Does an import of the module bind a name from Django?  Only then can a name of the
        module resolve to Django's API, or a class from a ``models`` module evidently be a
        Django model (elsewhere it may be SQLAlchemy's, pydantic's, ...)."""
        return "django" in self.imported_packages

    # -- what kind of module ---------------------------------------------------------
    def is_test_module(self) -> bool:
        """Is the module test code (the ``test-paths`` setting)?  Answered once per module."""
        found = self._test_module
        if found is None:
            found = self._test_module = self.settings.is_test_path(self.filename)
        return found

    def is_test_code(self) -> bool:
        """A test module (the test-paths setting), or test support code it may miss: a module
        in a folder named ``test*`` (``testutils/``, ``testing/``)."""
        return self.is_test_module() or in_test_folder(self.filename)

    # -- tree navigation -------------------------------------------------------------
    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(node)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        parents = self.parents
        node = parents.get(node)
        while node is not None:
            yield node
            node = parents.get(node)

    def scopes(self, node: ast.AST) -> Iterator[ast.AST]:
        """The scopes around a node, innermost first, the module last.

        Decorators, default values, annotations and base classes belong to the scope
        around the function or class they are written on, not to its own (the walk that
        builds the model records each node's scope by these rules).
        """
        scope_of = self.scope_of
        s = scope_of.get(node)
        while s is not None:
            yield s
            s = scope_of.get(s)

    def scope(self, node: ast.AST) -> ast.AST:
        """The scope a node's names are looked up in first."""
        for anc in self.scopes(node):
            return anc
        return self.tree

    def enclosing_function(self, node: ast.AST):
        """The function whose body holds the node (through lambdas, not through classes)."""
        for anc in self.scopes(node):
            if isinstance(anc, FUNCTION_TYPES):
                return anc
            if isinstance(anc, (ast.ClassDef, ast.Module)):
                return None
        return None

    def enclosing_task(self, node: ast.AST) -> TaskInfo | None:
        """The task whose body contains the node (lambdas inside it count as the task)."""
        func = self.enclosing_function(node)
        if func is None:
            return None
        return self.task_by_node.get(func)

    def in_loop(self, node: ast.AST, stop=FUNCTION_TYPES) -> ast.AST | None:
        """The innermost loop (for/while/comprehension) around a node inside its function."""
        child = node
        for anc in self.ancestors(node):
            if isinstance(anc, stop) or isinstance(anc, ast.ClassDef):
                return None
            if isinstance(anc, LOOP_TYPES) and child not in (
                getattr(anc, "iter", None), getattr(anc, "test", None)
            ) and child not in anc.orelse:
                return anc
            if isinstance(anc, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                if child is not anc.generators[0].iter:
                    return anc
            child = anc
        return None

    # -- names -----------------------------------------------------------------------
    def lookup(self, name: str, at: ast.AST) -> list[Binding]:
        """The bindings of ``name`` in the innermost scope visible from ``at`` that binds it."""
        start = self.scope_of.get(at)
        key = (name, start)
        found = self._lookups.get(key)
        if found is None:
            found = self._lookups[key] = self._lookup(name, start)
        return found

    def _lookup(self, name: str, scope: ast.AST | None) -> list[Binding]:
        first = True
        bindings = self.bindings
        scope_of = self.scope_of
        while scope is not None:
            if first or not isinstance(scope, ast.ClassDef):  # class scopes: only the innermost
                found = bindings.get(scope, {}).get(name)
                if found:
                    return found
            first = False
            scope = scope_of.get(scope)
        return []

    def resolve(self, expr: ast.AST) -> str | None:
        """The canonical qualified name an expression refers to through imports, or None."""
        resolved = self._resolved
        if expr in resolved:
            return resolved[expr]
        found = resolved[expr] = self._resolve(expr)
        return found

    def _resolve(self, expr: ast.AST) -> str | None:
        if isinstance(expr, ProjectName):
            return expr.qualname
        parts = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name) or expr.id not in self.imported_names:
            return None  # most names (self, locals, builtins) are bound by no import at all
        base = self._imported_as(self.lookup(expr.id, expr))
        if base is None:
            return None
        parts.append(base)
        return canonical(".".join(reversed(parts)))

    def _imported_as(self, bindings: list[Binding]) -> str | None:
        """The qualified name a name is imported as, unless the same scope rebinds it for good.

        A def, class or assignment straight in the scope's body shadows the import
        (``from celery import group`` then ``def group(...)``); one inside a ``try``/``if``
        is a fallback (``except ImportError: def shared_task(...)``) and does not.
        """
        found = None
        for b in bindings:
            if b.kind is BindingKind.IMPORT:
                if found is None:
                    found = b.value
            elif b.kind in _SHADOWING_KINDS and isinstance(self.parents.get(b.node), SCOPE_TYPES):
                return None
        return found

    @cached_property
    def mutated_names(self) -> frozenset[str]:
        """Every name the module changes in place (``name[...] = ...``, ``name.update(...)``), in
        any scope: a function may change a module-level dict."""
        out = set()
        for stmt in self.nodes.get(ast.Assign, ()):
            for target in stmt.targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    out.add(target.value.id)
        for call in self.nodes.get(ast.Call, ()):
            func = call.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in ("update", "setdefault", "__setitem__", "pop")
                and isinstance(func.value, ast.Name)
            ):
                out.add(func.value.id)
        return frozenset(out)

    def assigned_values(self, name: ast.Name) -> list[Binding]:
        """Bindings of a name in its scope that give it a value (assign/for/with)."""
        return [b for b in self.lookup(name.id, name) if b.kind in _VALUE_KINDS]

    # -- Celery objects --------------------------------------------------------------
    def is_app(self, expr: ast.AST) -> bool:
        """Does the expression evaluate to a Celery app?"""
        if isinstance(expr, ast.Call):
            return self.is_app_class(expr.func)
        if isinstance(expr, ast.Attribute):
            q = self.resolve(expr)
            if q == "celery.current_app":
                return True
            if q is not None and q.split(".")[0] == "celery":
                return False
            if q is not None and self.project is not None and self.project.is_app_object(self.filename, q):
                return True  # ``ext.cel`` where another module of the project makes the app ``cel``
            return expr.attr in self.settings.app_names and q is not None
        if not isinstance(expr, ast.Name):
            return False
        bindings = self.lookup(expr.id, expr)
        in_names = expr.id in self.settings.app_names
        if not bindings:
            return in_names  # a builtin or a star import: trust the configured names
        for b in bindings:
            if b.kind is BindingKind.IMPORT:
                q = canonical(b.value)
                if q == "celery.current_app":
                    return True
                if q.split(".")[0] == "celery" or q.lstrip(".") == "":
                    return False
                if self.project is not None and self.project.is_app_object(self.filename, q):
                    return True  # ``from proj.ext import cel``: another module of the project makes it
                return in_names or q.rsplit(".", 1)[-1] in self.settings.app_names
            if b.kind is BindingKind.ASSIGN and b.index is None:
                value = b.value
                if isinstance(value, ast.Call):
                    if self.is_app_class(value.func):
                        return True
                    if in_names and _maybe_celery_factory(self.resolve(value.func)):
                        return True  # app = make_celery(...) / create_celery_app()
                elif isinstance(value, (ast.Name, ast.Attribute)) and in_names:
                    return True
        return False

    def is_app_class(self, func: ast.AST) -> bool:
        """Does calling ``func`` create a Celery app (``Celery``, a subclass of the module)?"""
        q = self.resolve(func)
        if q in CELERY_APP_CLASSES:
            return True
        if isinstance(func, ast.Name):
            for b in self.lookup(func.id, func):
                if b.kind is BindingKind.CLASS:
                    return any(self.is_app_class(base) for base in b.node.bases)
        return False

    def task_named(self, expr: ast.AST) -> TaskInfo | None:
        """The task of this module an expression names (``add`` in ``add.delay``)."""
        if isinstance(expr, ast.Name):
            for b in self.lookup(expr.id, expr):
                if b.kind is BindingKind.DEF:
                    return self.task_by_node.get(b.node)
                if b.kind is BindingKind.ASSIGN and b.index is None and b.value in self.task_by_call:
                    return self.task_by_call[b.value]  # task = app.task(**opts)(impl)
                if b.kind is BindingKind.CLASS:
                    info = self.classes.get(b.node)
                    if info is not None and info.is_task_class and "run" in info.methods:
                        return self.task_by_node.get(info.methods["run"])
        return None

    def is_foreign_task(self, expr: ast.AST) -> bool:
        """Does the expression name a function of the module that another task queue's decorator
        (RQ, dramatiq, huey) made a job of?  Its ``.delay`` is that library's, not Celery's."""
        if not isinstance(expr, ast.Name) or not (self.foreign_tasks or _OTHER_TASK_QUEUES & self.imported_packages):
            return False  # no other task queue imported: nothing here is another queue's job
        for b in self.lookup(expr.id, expr):
            if b.kind is BindingKind.DEF and b.node in self.foreign_tasks:
                return True
            # ``_job = job("default")(generate)``, ``actor(generate)``: the decorator called on the function
            if b.kind is BindingKind.ASSIGN and b.index is None and isinstance(b.value, ast.Call) \
                    and self.is_foreign_task_decorator(b.value.func):
                return True
        return False

    def is_foreign_task_decorator(self, dec: ast.AST) -> bool:
        """``@job(...)`` (rq, django_rq), ``@dramatiq.actor``, ``@huey.task()`` / ``@db_task()``:
        a task decorator of another task queue, resolved through imports, also as a method of an
        instance the module makes of that library's class (``huey = RedisHuey()``)."""
        core = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(core, ast.Call):
            core = core.func
        q = self.resolve(core)
        if q is not None:
            return q.split(".")[0] in _OTHER_TASK_QUEUES and q.rsplit(".", 1)[-1] in _OTHER_TASK_DECORATORS
        if not (isinstance(core, ast.Attribute) and core.attr in _OTHER_TASK_DECORATORS
                and isinstance(core.value, ast.Name)):
            return False
        bindings = self.lookup(core.value.id, core.value)
        return bool(bindings) and all(
            b.kind is BindingKind.ASSIGN and b.index is None and isinstance(b.value, ast.Call)
            and (self.resolve(b.value.func) or "").split(".")[0] in _OTHER_TASK_QUEUES for b in bindings)

    def local_class(self, expr: ast.AST) -> ClassInfo | None:
        if isinstance(expr, ast.Name):
            for b in self.lookup(expr.id, expr):
                if b.kind is BindingKind.CLASS:
                    return self.classes.get(b.node)
        return None

    def task_class(self, expr: ast.AST) -> ClassInfo | None:
        """A class of this module, or a Task class of another module of the project whose chain of
        bases up to ``celery.Task`` the project index knows in full (its attributes, as written
        there, and its methods, without positions in this module: never report on them)."""
        info = self.local_class(expr)
        if info is not None or self.project is None:
            return info
        if not isinstance(expr, (ast.Name, ast.Attribute)):
            return None
        qualname = self.resolve(expr)
        if qualname is None:
            return None
        if qualname not in self._project_classes:
            self._project_classes[qualname] = None  # a cycle of bases stays unknown
            found = self.project.task_base(self.filename, qualname)
            self._project_classes[qualname] = None if found is None else _project_class(*found)
        return self._project_classes[qualname]

    def local_base(self, cls: ClassInfo) -> ClassInfo | None:
        """The first base of a class that is itself a class of this module (or a Task class of
        the project that the index knows: :meth:`task_class`)."""
        for base in cls.node.bases:
            info = self.task_class(base)
            if info is not None:
                return info
        return None

    def lineage(self, cls: ClassInfo) -> list[ClassInfo]:
        """The class and the classes of the module it derives from (with the Task classes of the
        project the index knows: :meth:`task_class`), each once, nearest first."""
        found = self._lineages.get(cls.node)
        if found is None:
            found = []
            seen: set[int] = set()
            todo = [cls]
            while todo:
                current = todo.pop(0)
                if id(current) in seen:
                    continue
                seen.add(id(current))
                found.append(current)
                todo.extend(local for local in map(self.task_class, current.node.bases) if local is not None)
            self._lineages[cls.node] = found
        return found

    def class_chain_known(self, cls: ClassInfo | None) -> bool:
        """Is every class between ``cls`` and ``celery.Task`` visible in this module?"""
        return cls is not None and any(
            any(self.resolve(base) in TASK_BASES for base in info.node.bases) for info in self.lineage(cls))

    @cached_property
    def app_has_own_task_class(self) -> bool:
        """Does the module give its app a Task class of its own (``Celery(task_cls=...)`` or
        ``**options``, a Celery subclass, ``app.Task = ...``)?  Then tasks may inherit
        options and behaviour the module cannot see."""
        for call in self.nodes.get(ast.Call, ()):
            if any(kw.arg in ("task_cls", None) for kw in call.keywords) and self.is_app_class(call.func):
                return True
        for node in self.classes:
            if any(self.resolve(base) in CELERY_APP_CLASSES for base in node.bases):
                return True
        for stmt in self.nodes.get(ast.Assign, ()):
            for target in stmt.targets:
                if isinstance(target, ast.Attribute) and target.attr == "Task" and self.is_app(target.value):
                    return True
        return False

    def is_task_decorator(self, dec: ast.AST) -> str | None:
        """The canonical name of a task decorator ("<app>.task" for app.task), else None."""
        core = dec.func if isinstance(dec, ast.Call) else dec
        q = self.resolve(core)
        if q in TASK_DECORATORS or q in REMOVED_TASK_DECORATORS:
            return q
        if isinstance(core, ast.Attribute) and core.attr == "task" and self.is_app(core.value):
            return "<app>.task"
        if q is not None and self.project is not None:  # ``nautobot_task = shared_task`` in another module
            alias = self.project.decorator_aliases.get(q)
            if alias is not None:
                return alias
        if q is None and isinstance(core, ast.Name):
            alias = self.decorator_alias(core)
            if alias is not None:
                return alias
        for pattern in self.settings.task_decorators:
            if name_matches(q, pattern):
                return q
            if q is None and dotted(core) == pattern:
                return pattern
        if self.task_factories and isinstance(core, ast.Name):
            for b in self.lookup(core.id, core):
                if b.kind is BindingKind.DEF and b.node in self.task_factories:
                    # a factory is called (@instrumented_task(...)), a decorator is not (@periodic)
                    makes = "decorator" if isinstance(dec, ast.Call) else "task"
                    return core.id if self.task_factories[b.node] == makes else None
        return None

    def decorator_alias(self, name: ast.Name) -> str | None:
        """Celery's decorator a name of the module is assigned, once, straight from it
        (``nautobot_task = shared_task``, ``task = app.task``), else None."""
        bindings = self.lookup(name.id, name)
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN or bindings[0].index is not None:
            return None
        value = bindings[0].value
        if not isinstance(value, (ast.Name, ast.Attribute)) or (isinstance(value, ast.Name) and value.id == name.id):
            return None
        found = self.is_task_decorator(value)
        return found if found in CELERY_DECORATORS else None

    def class_task_base(self, base: ast.AST) -> tuple[bool, str | None]:
        """(is a Task base?, removed Celery base name or None)."""
        q = self.resolve(base)
        if q in TASK_BASES:
            return True, None
        if q in REMOVED_TASK_BASES:
            return True, q
        if isinstance(base, ast.Attribute) and base.attr == "Task" and self.is_app(base.value):
            return True, None
        for pattern in self.settings.task_base_classes:
            if name_matches(q, pattern) or (q is None and dotted(base) == pattern):
                return True, None
        info = self.task_class(base)
        if info is not None and info.is_task_class:
            return True, None
        return False, None

    def is_builtin(self, expr: ast.AST, name: str | None = None) -> bool:
        """Is the expression a builtin's name (``name``, if given): a name nothing visible binds?"""
        return isinstance(expr, ast.Name) and (name is None or expr.id == name) and not self.lookup(expr.id, expr)

    def is_static_or_class_method(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Is the function decorated with the builtin ``staticmethod`` or ``classmethod``?"""
        return any(self.is_builtin(dec, "staticmethod") or self.is_builtin(dec, "classmethod")
                   for dec in func.decorator_list)

    def bound_self_task(self, expr: ast.AST) -> TaskInfo | None:
        """The bound task whose ``self`` parameter ``expr`` names (a name its scope binds only
        as that parameter), else None."""
        if not isinstance(expr, ast.Name):
            return None
        bindings = self.lookup(expr.id, expr)
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.PARAM:
            return None
        param = bindings[0].node
        task = self.task_by_node.get(self.parents.get(self.parents.get(param)))
        if task is None or not task.bound or not task.params or task.params[0] is not param:
            return None
        return task


# ------------------------------------------------------------------------------------
# Building the model
# ------------------------------------------------------------------------------------

_MODEL_TYPES = (
    ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
    ast.Assign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Call,
    ast.NamedExpr, ast.ExceptHandler, ast.Lambda, ast.comprehension,
)

# Fields that never hold nodes worth visiting.
_SKIP_FIELDS = frozenset({"ctx", "type_comment", "kind"})
# The fields of a scope node whose children belong to that scope (the others -- decorators,
# arguments with their defaults, annotations, bases -- belong to the scope around it).
_INNER_FIELDS = {
    ast.Module: ("body",), ast.FunctionDef: ("body",), ast.AsyncFunctionDef: ("body",),
    ast.ClassDef: ("body",), ast.Lambda: ("body",),
    ast.ListComp: ("elt", "generators"), ast.SetComp: ("elt", "generators"),
    ast.GeneratorExp: ("elt", "generators"), ast.DictComp: ("key", "value", "generators"),
}
#: Per node type: its fields to visit, each with "do its children open this node's scope?"
_PLANS: dict[type, tuple[tuple[str, bool], ...]] = {}


# Fields that hold names, numbers or strings, never nodes: leaving them out of a type's plan
# makes the most common nodes (names, constants, attributes) cost next to nothing to walk.
_VALUE_FIELDS = {
    ast.Name: ("id",), ast.Constant: ("value", "kind"), ast.Attribute: ("attr",), ast.arg: ("arg",),
    ast.alias: ("name", "asname"), ast.keyword: ("arg",), ast.FunctionDef: ("name",),
    ast.AsyncFunctionDef: ("name",), ast.ClassDef: ("name",), ast.ImportFrom: ("module", "level"),
    ast.Global: ("names",), ast.Nonlocal: ("names",), ast.ExceptHandler: ("name",),
}


def _plan(t: type) -> tuple[tuple[str, bool], ...]:
    inner = _INNER_FIELDS.get(t, ())
    values = _VALUE_FIELDS.get(t, ())
    plan = _PLANS[t] = tuple(
        (f, f in inner) for f in t._fields if f not in _SKIP_FIELDS and f not in values
    )
    return plan


def build(tree: ast.Module, filename: str, settings: Settings, wanted: frozenset, project=None) -> ModuleModel:
    """Walk the tree once and build the model.  ``wanted``: node types the checks visit;
    ``project``: the project index, whose Task classes of other modules count as the module's."""
    model = ModuleModel(tree, filename, settings, project)
    parents = model.parents
    scope_of = model.scope_of
    nodes = model.nodes
    collect = frozenset(wanted) | frozenset(_MODEL_TYPES)
    plans = _PLANS
    AST = ast.AST
    stack = [tree]
    pop = stack.pop
    push = stack.append
    while stack:
        node = pop()
        t = type(node)
        if t in collect:
            lst = nodes.get(t)
            if lst is None:
                nodes[t] = [node]
            else:
                lst.append(node)
        plan = plans.get(t)
        if plan is None:
            plan = _plan(t)
        if not plan:
            continue
        scope = scope_of.get(node)
        for name, inner in plan:
            value = getattr(node, name, None)
            child_scope = node if inner else scope
            if type(value) is list:
                for child in value:
                    if isinstance(child, AST):
                        parents[child] = node
                        scope_of[child] = child_scope
                        push(child)
            elif isinstance(value, AST):
                parents[value] = node
                scope_of[value] = child_scope
                push(value)
    # The walk is depth-first from the end: put every list back in source order.
    for lst in nodes.values():
        lst.reverse()
    # A comprehension's first iterable is evaluated in the scope around the comprehension.
    for gen in nodes.get(ast.comprehension, ()):
        comp = parents.get(gen)
        if comp is not None and comp.generators[0] is gen:
            outer = scope_of.get(comp)
            for sub in ast.walk(gen.iter):
                if scope_of.get(sub) is comp:
                    scope_of[sub] = outer
    _collect_bindings(model)
    _collect_classes(model)
    _collect_tasks(model)
    return model


def _bind(model: ModuleModel, scope: ast.AST, name: str, binding: Binding) -> None:
    table = model.bindings.get(scope)
    if table is None:
        table = model.bindings[scope] = {}
    table.setdefault(name, []).append(binding)


def _target_names(target: ast.AST, index: int | None = None) -> Iterator[tuple[str, int | None]]:
    if isinstance(target, ast.Name):
        yield target.id, index
    elif isinstance(target, (ast.Tuple, ast.List)):
        for i, elt in enumerate(target.elts):
            if isinstance(elt, ast.Starred):
                elt = elt.value
            if isinstance(elt, ast.Name):
                yield elt.id, i
            else:
                yield from _target_names(elt, i)


def _collect_bindings(model: ModuleModel) -> None:
    nodes = model.nodes
    scope = model.scope
    get = nodes.get
    for node in get(ast.Import, ()):
        s = scope(node)
        for alias in node.names:
            if alias.asname:
                _bind(model, s, alias.asname, Binding(BindingKind.IMPORT, node, alias.name))
                model.imported_names.add(alias.asname)
            else:
                top = alias.name.split(".")[0]
                _bind(model, s, top, Binding(BindingKind.IMPORT, node, top))
                model.imported_names.add(top)
            model.imported_packages.add(alias.name.split(".")[0])
    stars = []
    for node in get(ast.ImportFrom, ()):
        s = scope(node)
        module = "." * (node.level or 0) + (node.module or "")
        if node.module and not node.level:
            star = node.names[0].name == "*"  # ``*`` is the only name of its import
            (model.star_imported_packages if star else model.imported_packages).add(node.module.split(".")[0])
        for alias in node.names:
            if alias.name == "*":
                if module == "celery":
                    stars.append((s, node))
                continue
            qual = f"{module}.{alias.name}" if module and not module.endswith(".") else module + alias.name
            _bind(model, s, alias.asname or alias.name, Binding(BindingKind.IMPORT, node, qual))
            model.imported_names.add(alias.asname or alias.name)
    for t in (ast.FunctionDef, ast.AsyncFunctionDef):
        for node in get(t, ()):
            _bind(model, scope(node), node.name, Binding(BindingKind.DEF, node))
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
                if arg is not None:
                    _bind(model, node, arg.arg, Binding(BindingKind.PARAM, arg))
    for node in get(ast.Lambda, ()):
        args = node.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None:
                _bind(model, node, arg.arg, Binding(BindingKind.PARAM, arg))
    for node in get(ast.ClassDef, ()):
        _bind(model, scope(node), node.name, Binding(BindingKind.CLASS, node))
    for node in get(ast.Assign, ()):
        s = scope(node)
        for target in node.targets:
            for name, index in _target_names(target):
                _bind(model, s, name, Binding(BindingKind.ASSIGN, node, node.value, index))
    for node in get(ast.AnnAssign, ()):
        if isinstance(node.target, ast.Name):
            _bind(model, scope(node), node.target.id, Binding(BindingKind.ASSIGN, node, node.value))
    for node in get(ast.NamedExpr, ()):
        if isinstance(node.target, ast.Name):  # binds outside the comprehensions around it
            s = next((s for s in model.scopes(node) if not isinstance(s, COMPREHENSION_TYPES)), model.tree)
            _bind(model, s, node.target.id, Binding(BindingKind.ASSIGN, node, node.value))
    for t in (ast.For, ast.AsyncFor):
        for node in get(t, ()):
            s = scope(node)
            for name, index in _target_names(node.target):
                _bind(model, s, name, Binding(BindingKind.FOR, node, node.iter, index))
    for node in get(ast.comprehension, ()):
        s = scope(node)
        for name, index in _target_names(node.target):
            _bind(model, s, name, Binding(BindingKind.FOR, node, node.iter, index))
    for t in (ast.With, ast.AsyncWith):
        for node in get(t, ()):
            s = scope(node)
            for item in node.items:
                if item.optional_vars is not None:
                    for name, index in _target_names(item.optional_vars):
                        _bind(model, s, name, Binding(BindingKind.WITH, node, item.context_expr, index))
    for node in get(ast.ExceptHandler, ()):
        if node.name:
            _bind(model, scope(node), node.name, Binding(BindingKind.EXCEPT, node, node.type))
    # ``from celery import *`` binds Celery's public names, unless the scope binds the name
    # otherwise too (a def, an assignment or another import shadows it, wherever it stands).
    for s, node in stars:
        table = model.bindings.get(s, {})
        for name in CELERY_STAR_NAMES:
            if not any(b.kind is not BindingKind.IMPORT or b.node is not node for b in table.get(name, ())):
                _bind(model, s, name, Binding(BindingKind.IMPORT, node, f"celery.{name}"))
                model.imported_names.add(name)


def _collect_classes(model: ModuleModel) -> None:
    classes = model.nodes.get(ast.ClassDef, ())
    for node in classes:
        info = ClassInfo(node)
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        info.attrs[target.id] = stmt.value
                        info.attr_nodes[target.id] = stmt
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
                info.attrs[stmt.target.id] = stmt.value
                info.attr_nodes[stmt.target.id] = stmt
            elif isinstance(stmt, FUNCTION_TYPES):
                info.methods[stmt.name] = stmt
        model.classes[node] = info
    # Task classes: fixed point, since a class may derive from one defined after it.
    changed = True
    while changed:
        changed = False
        for node in classes:
            info = model.classes[node]
            if info.is_task_class:
                continue
            for base in node.bases:
                is_task, removed = model.class_task_base(base)
                if is_task:
                    info.is_task_class = True
                    info.removed_base = removed
                    changed = True
                    break


def _collect_tasks(model: ModuleModel) -> None:
    funcs = [*model.nodes.get(ast.FunctionDef, ()), *model.nodes.get(ast.AsyncFunctionDef, ())]
    funcs.sort(key=lambda n: (n.lineno, n.col_offset))
    factories = {}
    for node in funcs:
        if model.scope(node) is model.tree and not any(map(model.is_task_decorator, node.decorator_list)):
            makes = _factory_returns(model, node, 0)
            if makes is not None:
                factories[node] = makes
    model.task_factories = factories
    for node in funcs:
        parent = model.parent(node)
        if isinstance(parent, ast.ClassDef):
            info = model.classes.get(parent)
            if node.name == "run" and info is not None and info.is_task_class:
                task = TaskInfo(node, TaskKind.CLASS, cls=info,
                                module_level=model.scope(parent) is model.tree)
                task.base_unresolved = model.local_base(info) is None and not _derives_directly(model, info)
                model.tasks.append(task)
                model.task_by_node[node] = task
                continue
        if any(model.is_foreign_task_decorator(dec) for dec in node.decorator_list):
            model.foreign_tasks.add(node)
            continue
        for index, dec in enumerate(node.decorator_list):
            via = model.is_task_decorator(dec)
            if via is None:
                continue
            task = TaskInfo(node, TaskKind.FUNCTION, decorator=dec, decorator_index=index, via=via,
                            module_level=model.scope(node) is model.tree)
            if isinstance(dec, ast.Call):
                _take_options(task, dec.keywords)
            _add_function_task(model, task)
            break
    for call in model.nodes.get(ast.Call, ()):
        found = _task_by_call(model, call)
        if found is not None:
            func, dec = found
            task = TaskInfo(func, TaskKind.FUNCTION, decorator=dec, via=model.is_task_decorator(dec),
                            module_level=model.scope(call) is model.tree, by_call=call)
            _take_options(task, dec.keywords)
            _add_function_task(model, task)
            model.task_by_call[call] = task


def _take_options(task: TaskInfo, keywords: list[ast.keyword]) -> None:
    """The task's options from the keywords of its decorator (or of the call that makes it)."""
    for kw in keywords:
        if kw.arg is None:
            task.has_star_kwargs = True
        else:
            task.options[kw.arg] = kw


def _own_returns(func: ast.AST) -> Iterator[ast.expr]:
    """The values the function's own ``return`` statements return (not those of nested scopes)."""
    todo = list(func.body)
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, ast.Return):
            if stmt.value is not None:
                yield stmt.value
        elif not isinstance(stmt, (*FUNCTION_TYPES, ast.ClassDef)):
            todo.extend(child for child in ast.iter_child_nodes(stmt) if isinstance(child, ast.stmt))
            todo.extend(h for h in getattr(stmt, "handlers", ()))


def _made_by_celery(model: ModuleModel, expr: ast.AST) -> str | None:
    """What an expression is when Celery's task decorator makes it: "decorator" for
    ``shared_task(**opts)`` / ``app.task(*a, **kw)`` / ``app.task``, "task" for
    ``app.task(**opts)(func)`` / ``shared_task(func)``."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Call):
        return "task" if model.is_task_decorator(expr.func) in CELERY_DECORATORS else None
    if model.is_task_decorator(expr) not in CELERY_DECORATORS:
        return None
    if isinstance(expr, ast.Call) and any(not isinstance(a, ast.Starred) for a in expr.args):
        return "task"
    return "decorator"


def _wraps_parameter(model: ModuleModel, func: ast.AST) -> bool:
    """Does a nested function wrap a function handed to a function around it: decorated with
    ``functools.wraps(f)``, or calling ``f``, where ``f`` is a parameter of an enclosing def?"""
    def outer_param(expr: ast.AST) -> bool:
        if not isinstance(expr, ast.Name):
            return False
        bindings = model.lookup(expr.id, expr)
        return bool(bindings) and bindings[0].kind is BindingKind.PARAM and bindings[0].node not in _params(func)
    for dec in func.decorator_list:
        if isinstance(dec, ast.Call) and model.resolve(dec.func) == "functools.wraps" and dec.args \
                and outer_param(dec.args[0]):
            return True
    return any(isinstance(n, ast.Call) and outer_param(n.func) for n in ast.walk(func) if n is not func)


def _params(func: ast.AST) -> list[ast.arg]:
    args = func.args
    return [a for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a is not None]


def _factory_returns(model: ModuleModel, func: ast.AST, depth: int) -> str | None:
    """"task" when calling the function returns a Celery task made from a function handed to
    it (a decorator), "decorator" when it returns Celery's task decorator or such a decorator
    (a decorator factory), else None."""
    if depth > 2:
        return None
    for value in _own_returns(func):
        if isinstance(value, ast.Name):  # task = app.task(**opts)(wrapper); ...; return task
            bindings = model.lookup(value.id, value)
            if len(bindings) == 1 and bindings[0].kind is BindingKind.ASSIGN and bindings[0].index is None \
                    and model.scope(bindings[0].node) is func and bindings[0].value is not None \
                    and _made_by_celery(model, bindings[0].value) == "task":
                value = bindings[0].value
        made = _made_by_celery(model, value)
        if made == "task":
            inner = value.args[0] if value.args else None
            if isinstance(inner, ast.Name) and any(
                    b.kind is BindingKind.PARAM for b in model.lookup(inner.id, inner)):
                return made  # app.task(**opts)(func) of a function handed in
            if isinstance(inner, ast.Name) and any(
                    b.kind is BindingKind.DEF and model.scope(b.node) is func and _wraps_parameter(model, b.node)
                    for b in model.lookup(inner.id, inner)):
                return made  # @wraps(func) def wrapper(...): ...; app.task(**opts)(wrapper)
            continue
        if made is not None:
            return made
        if not isinstance(value, ast.Name):
            continue
        for b in model.lookup(value.id, value):
            if b.kind is not BindingKind.DEF or model.scope(b.node) is not func:
                continue
            if any(model.is_task_decorator(d) in CELERY_DECORATORS for d in b.node.decorator_list):
                if _wraps_parameter(model, b.node):
                    return "task"  # @app.task @wraps(func) def wrapper(...)
            elif _factory_returns(model, b.node, depth + 1) == "task":
                return "decorator"  # def wrapper(func): return app.task(**kw)(func)
    return None


def _add_function_task(model: ModuleModel, task: TaskInfo) -> None:
    base_kw = task.options.get("base")
    if base_kw is not None:
        task.cls = model.task_class(base_kw.value)
        task.base_unresolved = task.cls is None and model.resolve(base_kw.value) not in TASK_BASES
    model.tasks.append(task)
    model.task_by_node[task.node] = task


def registers_task(func: ast.Attribute, decorator: bool = False) -> bool:
    """``app.register_task`` or ``app.tasks.register`` (celery/app/base.py, celery/app/registry.py);
    as a class decorator, ``@app.register_task`` or ``@app.tasks.register``."""
    if func.attr == "register_task":
        return True
    return func.attr == "register" and (decorator or (
        isinstance(func.value, ast.Attribute) and func.value.attr == "tasks"))


#: Celery's own task decorators (what a project's alias or factory wraps).
CELERY_DECORATORS = TASK_DECORATORS | REMOVED_TASK_DECORATORS | {"<app>.task"}


def _task_by_call(model: ModuleModel, call: ast.Call) -> tuple[ast.FunctionDef, ast.Call] | None:
    """(the function, the call holding the options) of a task made by calling Celery's decorator
    on a function of the module: ``app.task(bind=True)(func)``, ``shared_task(func, **opts)``,
    ``app.task(func)``.  The function must be a def that no task decorator made a task already."""
    if len(call.args) != 1 or isinstance(call.args[0], ast.Starred):
        return None
    if isinstance(call.func, ast.Call):  # app.task(**opts)(func)
        dec = call.func
        if call.keywords or dec.args:
            return None
    else:  # shared_task(func, **opts)
        dec = call
    if isinstance(model.parent(call), FUNCTION_TYPES + (ast.ClassDef,)):
        return None  # a decorator: @shared_task(func) is no call we model
    if model.is_task_decorator(dec) not in CELERY_DECORATORS:
        return None
    target = call.args[0]
    if not isinstance(target, ast.Name):
        return None
    defs = [b.node for b in model.lookup(target.id, target) if b.kind is BindingKind.DEF]
    if len(defs) != 1 or defs[0] in model.task_by_node:
        return None
    return defs[0], dec


def _project_expr(text: str | None) -> ast.expr:
    """An attribute's value as written in another module (a name bound nowhere when unknown)."""
    try:
        return ast.parse(text or "__unknown__", mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ast.Name(id="__unknown__", ctx=ast.Load())


def _project_method(name: str, body: str | None) -> ast.FunctionDef:
    """A method of another module: its body when the summary kept it (a short one), else a body
    that does something."""
    try:
        stmts = ast.parse(body).body if body is not None else [ast.Pass(), ast.Pass()]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        stmts = [ast.Pass(), ast.Pass()]
    args = ast.arguments(posonlyargs=[], args=[ast.arg(arg="self")], vararg=ast.arg(arg="args"),
                         kwonlyargs=[], kw_defaults=[], kwarg=ast.arg(arg="kwargs"), defaults=[])
    return ast.FunctionDef(name=name, args=args, body=stmts, decorator_list=[], returns=None)


def _project_class(qualname: str, entry: dict, where: str) -> ClassInfo:
    """A Task class of another module, from its entry in that module's summary (``bases``)."""
    node = ast.ClassDef(name=qualname.rsplit(".", 1)[-1], bases=[ProjectName(b) for b in entry["bases"]],
                        keywords=[], body=[], decorator_list=[])
    return ClassInfo(node, attrs={k: _project_expr(v) for k, v in entry["attrs"].items()},
                     methods={k: _project_method(k, v) for k, v in entry["methods"].items()},
                     is_task_class=True, origin=where)


def _derives_directly(model: ModuleModel, info: ClassInfo) -> bool:
    """Does the class derive straight from celery.Task (nothing unknown in between)?"""
    return any(model.resolve(b) in TASK_BASES for b in info.node.bases)
