"""A small, honest local data-flow: what a name holds where it is used.

The checks of task calls (CEL101, CEL108) and of task bodies (CEL302-CEL304) need to know
what an argument evidently is: a Django model instance, a queryset, the HTTP request, a
set, a lambda ...  This module answers from what a reader sees in the same function: the
expression itself, or the bindings of a name that reach the use (the assignments, loop
targets, ``with`` targets and parameters before it, and those later in a loop around it).
When the bindings disagree or say nothing, the answer is "unknown" (None) and the checks
stay silent.

It also recognises the Django and Celery shapes those checks share: ORM calls
(``Order.objects.filter(...)``), model classes, signal receivers and calls that send a task
(``add.delay(...)``, ``add.s(...)``, ``app.send_task(...)``, ``self.retry(...)``).
"""
from __future__ import annotations

import ast
import re
from typing import Iterator

from .model import (
    COMPREHENSION_TYPES,
    FUNCTION_TYPES,
    LOOP_TYPES,
    MAX_DEPTH,
    TRY_TYPES,
    Binding,
    BindingKind,
    ModuleModel,
    TaskInfo,
    canonical,
    const,
)

# --------------------------------------------------------------------------------------
# What an expression can evidently be.  The values are the phrases messages use.
# --------------------------------------------------------------------------------------
INSTANCE = "a model instance"
PAIR = "the (object, created) pair of get_or_create()"
QUERYSET = "a queryset"
VALUES = "a queryset of values"  # values() / values_list(): rows as dicts, tuples or plain values
INSTANCES = "a list of model instances"
REQUEST = "the HTTP request"
USER = "request.user"
SELF = "self"
LAMBDA = "a lambda"
GENERATOR = "a generator"
FILE = "an open file"
SET = "a set"
FROZENSET = "a frozenset"
PATH = "a Path"

#: Kinds that are complex objects: pass an id instead (CEL101).
COMPLEX = frozenset({INSTANCE, PAIR, QUERYSET, VALUES, INSTANCES, REQUEST, USER, SELF, LAMBDA, GENERATOR, FILE})
#: Kinds of Django's ORM (model instances and querysets).
ORM = frozenset({INSTANCE, PAIR, QUERYSET, VALUES, INSTANCES})
#: Querysets of either kind (the methods of a queryset apply to both).
_QUERYSETS = (QUERYSET, VALUES)

# Django's QuerySet API (Django facts, not Celery's): what each method returns.
_INSTANCE_METHODS = frozenset({"get", "create", "first", "last", "earliest", "latest"})
_PAIR_METHODS = frozenset({"get_or_create", "update_or_create"})
_QUERYSET_METHODS = frozenset({
    "all", "filter", "exclude", "order_by", "select_related", "prefetch_related", "distinct",
    "annotate", "alias", "only", "defer", "using", "select_for_update", "reverse", "none",
    "union", "intersection", "difference", "iterator",
})
#: Querysets whose rows are dicts, tuples or plain values (ids), not model instances; every
#: queryset method keeps them so, and get()/first()/[0] give a row, not an instance.
_VALUES_METHODS = frozenset({"values", "values_list", "dates", "datetimes"})
#: ORM calls that write to the database.
WRITE_METHODS = frozenset({"save", "delete", "create", "update", "bulk_create", "bulk_update", "update_or_create"})
_INSTANCE_WRITES = frozenset({"save", "delete"})

_PATH_CLASSES = frozenset({
    "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath",
    "pathlib.PurePosixPath", "pathlib.PureWindowsPath",
})
_OPEN_FUNCTIONS = frozenset({"io.open", "codecs.open"})
_REQUEST_CLASSES = frozenset({"django.http.HttpRequest", "django.http.request.HttpRequest",
                              "rest_framework.request.Request"})
#: Packages whose ``...Request`` classes are the request of a view (``WSGIRequest``, DRF's).
_REQUEST_PACKAGES = ("django", "rest_framework")
#: HTTP requests of other web frameworks: as complex as Django's.
_OTHER_REQUEST_CLASSES = frozenset({
    "starlette.requests.Request", "fastapi.Request", "fastapi.requests.Request", "flask.Request",
    "flask.wrappers.Request", "werkzeug.Request", "werkzeug.wrappers.Request", "aiohttp.web.Request",
    "aiohttp.web_request.Request",
})
_BUILTIN_TYPES = frozenset({"dict", "list", "tuple", "str", "bytes", "int", "float", "bool", "set", "frozenset"})
#: Annotations that say nothing about what a parameter holds.
_NO_EVIDENCE = frozenset({"typing.Any", "typing_extensions.Any"})
_MODEL_BASE = "django.db.models.Model"
_SIGNALS = "django.db.models.signals."
#: Model signals whose receivers get the saved/deleted object as ``instance``.
INSTANCE_SIGNALS = frozenset(_SIGNALS + s for s in (
    "pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed",
))


# --------------------------------------------------------------------------------------
# Bindings that reach a use
# --------------------------------------------------------------------------------------
def _pos(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _inside(model: ModuleModel, node: ast.AST, container: ast.AST) -> bool:
    return node is container or any(anc is container for anc in model.ancestors(node))


def _binding_scope(model: ModuleModel, b: Binding) -> ast.AST:
    if b.kind is BindingKind.PARAM:
        return model.parent(model.parent(b.node))  # arg -> arguments -> function/lambda
    if isinstance(b.node, ast.NamedExpr):  # binds outside the comprehensions around it
        return _outer_scope(model, b.node)
    return model.scope(b.node)


def _outer_scope(model: ModuleModel, node: ast.AST) -> ast.AST:
    """The innermost scope around the node that is not a comprehension."""
    return next((s for s in model.scopes(node) if not isinstance(s, COMPREHENSION_TYPES)), model.tree)


def _loops_around(model: ModuleModel, node: ast.AST) -> list[ast.AST]:
    loops = []
    for anc in model.ancestors(node):
        if isinstance(anc, (*FUNCTION_TYPES, ast.Lambda, ast.ClassDef)):
            break
        if isinstance(anc, LOOP_TYPES):
            loops.append(anc)
    return loops


def _statement_of(model: ModuleModel, node: ast.AST) -> ast.AST | None:
    while node is not None and not isinstance(node, (ast.stmt, ast.ExceptHandler)):
        node = model.parent(node)
    return node


def _dominates(model: ModuleModel, b: Binding, use: ast.AST) -> bool:
    """Does the binding surely happen on every path to the use (so earlier ones are dead)?

    A parameter does; a ``for`` target does for its own body; any other binding statement
    does for what follows it in its own statement list, and for its own body.
    """
    if b.kind is BindingKind.PARAM:
        return True
    stmt = _statement_of(model, b.node)
    if stmt is None:
        return False
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return any(_inside(model, use, s) for s in stmt.body)
    if _inside(model, use, stmt):
        return True
    parent = model.parent(stmt)
    toward = use
    while toward is not None and model.parent(toward) is not parent:
        toward = model.parent(toward)
    if toward is None or parent is None:
        return False
    for field in ("body", "orelse", "finalbody", "handlers"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and stmt in block and toward in block:
            return block.index(toward) > block.index(stmt)
    return False


def reaching(model: ModuleModel, name: ast.Name) -> list[Binding]:
    """The bindings of ``name`` that may give it its value where it is read.

    Of the bindings of the same scope before the use (not counting the statement the use
    is part of), the latest one and, when it may be skipped (a branch, a loop target, an
    ``except``), the earlier ones back to one that surely happens; plus the bindings later
    in a loop around the use.  Bindings of an enclosing scope (a closure, the module) all
    count.  A comprehension is a scope of its own: its targets are the only bindings of
    the names it binds.
    """
    found = model.lookup(name.id, name)
    if not found:
        return []
    if any(isinstance(b.node, ast.comprehension) for b in found):
        return list(found)
    # A use inside a comprehension reads the function's bindings where the comprehension is.
    use_scope = _outer_scope(model, name)
    here = _pos(name)
    loops = None
    out: list[Binding] = []
    before: list[Binding] = []
    for b in found:
        if _binding_scope(model, b) is not use_scope:
            out.append(b)
        elif b.kind is BindingKind.PARAM:
            before.append(b)
        elif b.kind is BindingKind.ASSIGN and _inside(model, name, b.node):
            continue
        elif b.kind is BindingKind.WITH and any(_inside(model, name, item) for item in b.node.items):
            continue
        elif b.kind is BindingKind.FOR and _inside(model, name, b.node.iter):
            continue
        elif _pos(b.node) < here:
            before.append(b)
        else:
            if loops is None:
                loops = _loops_around(model, name)
            if any(_inside(model, b.node, loop) for loop in loops):
                out.append(b)
    before.sort(key=lambda b: _pos(b.node))
    for b in reversed(before):
        out.append(b)
        if _dominates(model, b, name):
            break
    return out


def value_of(model: ModuleModel, expr: ast.AST, depth: int = 0) -> ast.AST:
    """Follow a name to the one expression assigned to it (``d = timedelta(...)``), if any."""
    while isinstance(expr, ast.Name) and depth < MAX_DEPTH:
        bindings = reaching(model, expr)
        if len(bindings) != 1:
            return expr
        b = bindings[0]
        if b.kind is not BindingKind.ASSIGN or b.index is not None or b.value is None:
            return expr
        expr = b.value
        depth += 1
    return expr


# --------------------------------------------------------------------------------------
# Django shapes
# --------------------------------------------------------------------------------------
def _last_name(expr: ast.AST) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return None


def _from_models_module(model: ModuleModel, qualname: str | None) -> bool:
    """``app.models.Order``, ``.models.Order``: a class name imported from a models module
    of a Django project."""
    if not qualname or qualname.startswith("django.db.models."):
        return False
    parts = qualname.split(".")
    name = parts[-1]
    return (
        "models" in parts[:-1]
        and name[:1].isupper()
        and not name.endswith("Choices")
        and model.uses_django
        and not (model.project is not None and model.project.plain_class(model.filename, qualname))
    )


def is_model_class(model: ModuleModel, expr: ast.AST, depth: int = 0) -> bool:
    """Is ``expr`` evidently a Django model class?

    A name imported from a ``models`` module (in a module that uses Django), a class of this
    module deriving from ``models.Model`` (directly or through such classes), or
    ``get_user_model()``'s value.
    """
    if depth > MAX_DEPTH:
        return False
    if isinstance(expr, ast.Call):
        return model.resolve(expr.func) == "django.contrib.auth.get_user_model"
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str) and expr.value.isidentifier():
        # A string annotation ("Order") names a class of the module.
        return _binding_is_model(model, model.bindings.get(model.tree, {}).get(expr.value, ()), depth)
    if _from_models_module(model, model.resolve(expr)):
        return True
    if isinstance(expr, ast.Name):
        return _binding_is_model(model, model.lookup(expr.id, expr), depth)
    return False


def _binding_is_model(model: ModuleModel, bindings, depth: int) -> bool:
    """Does the first import, class or call assignment of a name bind a model class?"""
    for b in bindings:
        if b.kind is BindingKind.IMPORT:
            return _from_models_module(model, b.value)
        if b.kind is BindingKind.CLASS:
            return _derives_from_model(model, b.node, depth)
        if b.kind is BindingKind.ASSIGN and b.index is None and isinstance(b.value, ast.Call):
            return is_model_class(model, b.value, depth + 1)
    return False


def _derives_from_model(model: ModuleModel, cls: ast.ClassDef, depth: int = 0) -> bool:
    return any(model.resolve(base) == _MODEL_BASE or is_model_class(model, base, depth + 1) for base in cls.bases)


def is_model_class_def(model: ModuleModel, cls: ast.ClassDef) -> bool:
    """Does a class of this module derive from ``models.Model``?"""
    return _derives_from_model(model, cls)


def _is_manager(model: ModuleModel, expr: ast.AST) -> bool:
    """``Order.objects``, ``get_user_model().objects``: a model's default manager."""
    if not (isinstance(expr, ast.Attribute) and expr.attr == "objects"):
        return False
    owner = expr.value
    if isinstance(owner, ast.Call):
        return is_model_class(model, owner)
    last = _last_name(owner)
    return bool(last) and (last[:1].isupper() or is_model_class(model, owner))


def _orm_call_kind(model: ModuleModel, call: ast.Call, depth: int) -> str | None:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    base = func.value
    base_kind = QUERYSET if _is_manager(model, base) else kind_of(model, base, depth + 1)
    if base_kind not in _QUERYSETS:
        return None
    method = func.attr
    if method in _VALUES_METHODS:
        return VALUES
    if base_kind == VALUES:
        return VALUES if method in _QUERYSET_METHODS else None
    if method in _INSTANCE_METHODS:
        return INSTANCE
    if method in _PAIR_METHODS:
        return PAIR
    if method in _QUERYSET_METHODS:
        return QUERYSET
    return None


def _looks_like(name: str | None, word: str) -> bool:
    return bool(name) and (name == word or name.endswith("_" + word))


def _is_form_or_serializer(model: ModuleModel, expr: ast.AST) -> bool:
    """``form`` / ``serializer`` (or ``*_form``), or a name bound to ``SomeForm(...)``."""
    name = _last_name(expr)
    if _looks_like(name, "form") or _looks_like(name, "serializer"):
        return True
    if isinstance(expr, ast.Name):
        for b in reaching(model, expr):
            value = b.value if b.kind is BindingKind.ASSIGN and b.index is None else None
            if isinstance(value, ast.Call):
                cls = _last_name(value.func) or ""
                if cls.endswith(("Form", "Serializer")):
                    return True
    return False


def is_request_param(model: ModuleModel, b: Binding) -> bool:
    """A view's ``request`` parameter: first of a function, or first after ``self``."""
    arg = b.node
    func = model.parent(model.parent(arg))
    if not isinstance(func, FUNCTION_TYPES) or func in model.task_by_node:
        return False
    if arg.annotation is not None and model.resolve(arg.annotation) in _REQUEST_CLASSES:
        return True
    if arg.arg != "request" or _annotation_says_request(model, arg.annotation) is False:
        return False  # ``request: SyncRequest`` (a pydantic model ...) is no HTTP request
    params = [*func.args.posonlyargs, *func.args.args]
    position = 1 if isinstance(model.parent(func), ast.ClassDef) else 0
    return len(params) > position and params[position] is arg


def _annotation_says_request(model: ModuleModel, ann: ast.AST | None, depth: int = 0) -> bool | None:
    """Does a parameter's annotation name an HTTP request class (True), evidently another type
    (False: a pydantic model, a dataclass, a class of the project, a builtin), or say nothing
    (None: no annotation, ``Any``, a name the module cannot place)?"""
    if ann is None or depth > MAX_DEPTH:
        return None
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):  # "HttpRequest": a name of the module
        name = ann.value.strip()
        if not name.isidentifier():
            return None
        return _name_says_request(model, name, model.bindings.get(model.tree, {}).get(name, ()))
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):  # HttpRequest | None
        sides = [_annotation_says_request(model, side, depth + 1) for side in (ann.left, ann.right)
                 if not (isinstance(side, ast.Constant) and side.value is None)]
        return True if True in sides else None if None in sides else False
    if isinstance(ann, ast.Subscript):
        generic = model.resolve(ann.value)
        if generic == "typing.Optional":
            return _annotation_says_request(model, ann.slice, depth + 1)
        return None if generic in ("typing.Union", "typing.Annotated") else False  # dict[str, int]
    if isinstance(ann, ast.Constant):
        return None if ann.value is None else False
    q = model.resolve(ann)
    if q is not None:
        return _qualname_says_request(q)
    if isinstance(ann, ast.Name):
        return _name_says_request(model, ann.id, model.lookup(ann.id, ann))
    return None


def _qualname_says_request(q: str) -> bool | None:
    if q in _NO_EVIDENCE:
        return None
    return q in _OTHER_REQUEST_CLASSES or (q.split(".")[0] in _REQUEST_PACKAGES and q.endswith("Request"))


def _name_says_request(model: ModuleModel, name: str, bindings) -> bool | None:
    if not bindings:
        return False if name in _BUILTIN_TYPES else None
    if any(b.kind is BindingKind.CLASS for b in bindings):
        return False  # a class of the module (a dataclass, a pydantic model ...)
    imported = [b for b in bindings if b.kind is BindingKind.IMPORT]
    if imported and len(imported) == len(bindings):
        return _qualname_says_request(canonical(imported[0].value))
    return None


def _is_self_param(model: ModuleModel, b: Binding) -> bool:
    arg = b.node
    func = model.parent(model.parent(arg))
    if not isinstance(func, FUNCTION_TYPES):
        return False
    params = [*func.args.posonlyargs, *func.args.args]
    if not params or params[0] is not arg:
        return False
    task = model.task_by_node.get(func)
    if task is not None:
        return task.bound
    cls = model.parent(func)
    if not isinstance(cls, ast.ClassDef):
        return False
    return not model.is_static_or_class_method(func) and _plain_class(model, cls)


def _plain_class(model: ModuleModel, cls: ast.ClassDef, depth: int = 0) -> bool:
    """Is every class ``cls`` derives from visible: ``object``, Django's, or a class of the
    module with the same property?  A base the module cannot see may make its instances
    serializable (``__json__``) or be unwrapped by a project's Task class."""
    if depth > MAX_DEPTH:
        return False
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id == "object" and not model.lookup("object", base):
            continue
        q = model.resolve(base)
        if q is not None and (q.split(".")[0] == "django" or is_model_class(model, base)):
            continue
        info = model.local_class(base)
        if info is None or not _plain_class(model, info.node, depth + 1):
            return False
    return True


def _annotation_is_model(model: ModuleModel, ann: ast.AST | None) -> bool:
    if ann is None:
        return False
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):  # Order | None
        sides = [s for s in (ann.left, ann.right) if not (isinstance(s, ast.Constant) and s.value is None)]
        return len(sides) == 1 and _annotation_is_model(model, sides[0])
    if isinstance(ann, ast.Subscript) and model.resolve(ann.value) == "typing.Optional":
        return _annotation_is_model(model, ann.slice)
    return is_model_class(model, ann)


def model_annotated(model: ModuleModel, arg: ast.arg) -> bool:
    """Is a parameter annotated with a Django model class?"""
    return _annotation_is_model(model, arg.annotation)


def _param_kind(model: ModuleModel, b: Binding) -> str | None:
    arg = b.node
    if model_annotated(model, arg):
        return INSTANCE
    if arg.arg == "self" and _is_self_param(model, b):
        return SELF
    if is_request_param(model, b):
        return REQUEST
    if arg.arg == "instance":
        func = model.parent(model.parent(arg))
        if isinstance(func, FUNCTION_TYPES) and signal_receivers(model).get(func, frozenset()) & INSTANCE_SIGNALS:
            return INSTANCE
    return None


def _binding_kind(model: ModuleModel, b: Binding, depth: int) -> str | None:
    if b.kind is BindingKind.PARAM:
        return _param_kind(model, b)
    if b.kind is BindingKind.ASSIGN:
        value = b.value
        if value is None:
            return None
        if b.index is None:
            return kind_of(model, value, depth + 1)
        if isinstance(value, (ast.Tuple, ast.List)) and b.index < len(value.elts):
            return kind_of(model, value.elts[b.index], depth + 1)
        if b.index == 0 and kind_of(model, value, depth + 1) == PAIR:
            return INSTANCE
        return None
    if b.kind is BindingKind.FOR:
        it = b.value
        index_ok = b.index is None
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate" \
                and not model.lookup("enumerate", it) and it.args:
            it, index_ok = it.args[0], b.index == 1
        if index_ok and kind_of(model, it, depth + 1) in (QUERYSET, INSTANCES):
            return INSTANCE
        return None
    if b.kind is BindingKind.WITH and b.index is None and kind_of(model, b.value, depth + 1) == FILE:
        return FILE
    return None


def _builtin(model: ModuleModel, func: ast.AST, names: tuple[str, ...]) -> str | None:
    if isinstance(func, ast.Name) and func.id in names and not model.lookup(func.id, func):
        return func.id
    return None


def kind_of(model: ModuleModel, expr: ast.AST | None, depth: int = 0) -> str | None:
    """What ``expr`` evidently is (one of the kinds above), or None when unknown."""
    if expr is None:
        return None
    if depth > MAX_DEPTH:
        model.kind_cuts += 1
        return None
    if isinstance(expr, ast.Name):
        # Names are memoised (the checks ask about the same names again); a cycle through
        # a loop reads as unknown, and an answer cut short by the depth limit (here or in
        # the names it depends on) is not kept.
        memo = model.name_kinds
        if expr in memo:
            return memo[expr]
        memo[expr] = None
        cuts = model.kind_cuts
        kinds = {_binding_kind(model, b, depth) for b in reaching(model, expr)}
        kind = kinds.pop() if len(kinds) == 1 else None
        if model.kind_cuts != cuts:
            del memo[expr]
        else:
            memo[expr] = kind
        return kind
    if isinstance(expr, ast.Lambda):
        return LAMBDA
    if isinstance(expr, ast.GeneratorExp):
        return GENERATOR
    if isinstance(expr, (ast.Set, ast.SetComp)):
        return SET
    if isinstance(expr, ast.Attribute):
        if expr.attr == "user" and kind_of(model, expr.value, depth + 1) == REQUEST:
            return USER
        return None
    if isinstance(expr, ast.Subscript):
        base = kind_of(model, expr.value, depth + 1)
        index = expr.slice
        if base == PAIR and const(index) == 0:
            return INSTANCE
        if base in _QUERYSETS:
            if isinstance(index, ast.Slice):
                return base
            if base == QUERYSET and isinstance(const(index), int):
                return INSTANCE  # a values queryset's [0] is a row of plain data
        return None
    if isinstance(expr, ast.Call):
        return _call_kind(model, expr, depth)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):  # Path("/srv") / name
        return PATH if kind_of(model, expr.left, depth + 1) == PATH else None
    return None


def _call_kind(model: ModuleModel, call: ast.Call, depth: int) -> str | None:
    func = call.func
    builtin = _builtin(model, func, ("set", "frozenset", "open"))
    if builtin == "set":
        return SET
    if builtin == "frozenset":
        return FROZENSET
    if builtin == "open":
        return FILE
    q = model.resolve(func)
    if q in _PATH_CLASSES:
        return PATH
    if q in _OPEN_FUNCTIONS:
        return FILE
    if q == "django.shortcuts.get_object_or_404":
        return INSTANCE
    if q == "django.shortcuts.get_list_or_404":
        return INSTANCES
    if isinstance(func, ast.Attribute) and func.attr == "save" and _is_form_or_serializer(model, func.value):
        return INSTANCE
    kind = _orm_call_kind(model, call, depth)
    if kind is not None:
        return kind
    if isinstance(func, (ast.Name, ast.Attribute)) and is_model_class(model, func):
        return INSTANCE
    return None


def orm_write(model: ModuleModel, call: ast.Call) -> str | None:
    """``obj.save()``, ``Order.objects.create(...)``, ``qs.update(...)``: the write's name, else None."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in WRITE_METHODS:
        return None
    base = func.value
    if func.attr in _INSTANCE_WRITES:
        if func.attr == "save" and _is_form_or_serializer(model, base):
            return f"{_last_name(base)}.save()"
        if kind_of(model, base) == INSTANCE:
            return f"{_last_name(base) or 'object'}.{func.attr}()"
    if func.attr != "save" and (_is_manager(model, base) or kind_of(model, base) in _QUERYSETS):
        return f"{func.attr}()"
    return None


def is_manager_call(model: ModuleModel, call: ast.Call, methods: frozenset[str]) -> bool:
    """``Order.objects.<method>(...)`` for one of ``methods``."""
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr in methods and _is_manager(model, func.value)


# --------------------------------------------------------------------------------------
# Signal receivers and transactions
# --------------------------------------------------------------------------------------
def _signals_in(model: ModuleModel, expr: ast.AST) -> Iterator[str]:
    items = expr.elts if isinstance(expr, (ast.List, ast.Tuple)) else [expr]
    for item in items:
        q = model.resolve(item)
        if q and q.startswith(_SIGNALS):
            yield q


def signal_receivers(model: ModuleModel) -> dict[ast.AST, frozenset[str]]:
    """Functions connected to Django model signals: function node -> canonical signal names.

    ``@receiver(post_save, sender=Order)``, ``@receiver([post_save, post_delete])`` and
    ``post_save.connect(handler, sender=Order)``.
    """
    found = model.signal_receivers
    if found is not None:
        return found
    out: dict[ast.AST, set[str]] = {}
    for t in FUNCTION_TYPES:
        for func in model.nodes.get(t, ()):
            for dec in func.decorator_list:
                if isinstance(dec, ast.Call) and dec.args and model.resolve(dec.func) == "django.dispatch.receiver":
                    out.setdefault(func, set()).update(_signals_in(model, dec.args[0]))
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "connect" and call.args:
            signals = list(_signals_in(model, func.value))
            handler = call.args[0]
            if signals and isinstance(handler, ast.Name):
                for b in model.lookup(handler.id, handler):
                    if b.kind is BindingKind.DEF:
                        out.setdefault(b.node, set()).update(signals)
    found = model.signal_receivers = {func: frozenset(sigs) for func, sigs in out.items() if sigs}
    return found


SETUP_LOGGING = "celery.signals.setup_logging"
AFTER_SETUP_LOGGER = "celery.signals.after_setup_logger"
#: What a receiver of ``after_setup_logger`` does when it restyles or replaces the worker's handlers.
_HANDLER_WORK = frozenset({"setFormatter", "addHandler", "removeHandler", "handlers", "dictConfig", "fileConfig"})


def connects_setup_logging(model: ModuleModel) -> bool:
    """Does the module take the worker's logging over?  With a receiver of
    ``celery.signals.setup_logging`` (``@setup_logging.connect``, ``setup_logging.connect(handler)``)
    the worker sets up no logger at all (celery/app/log.py); importing pyramid_celery connects
    one.  A receiver of ``after_setup_logger`` that restyles, adds or replaces the root logger's
    handlers (``setFormatter``, ``addHandler``, ``dictConfig``...) decides how worker logs look
    and where they go, and records of task loggers never reach them (the worker's ``celery.task``
    logger does not propagate)."""
    if "pyramid_celery" in model.imported_packages:
        return True
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "connect":
            signal = model.resolve(func.value)
            if signal == SETUP_LOGGING:
                return True
            if signal == AFTER_SETUP_LOGGER and call.args and _works_on_handlers(model, call.args[0]):
                return True
    for t in FUNCTION_TYPES:
        for func in model.nodes.get(t, ()):
            for dec in func.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if not (isinstance(target, ast.Attribute) and target.attr == "connect"):
                    continue
                signal = model.resolve(target.value)
                if signal == SETUP_LOGGING or (signal == AFTER_SETUP_LOGGER and _handler_work(func)):
                    return True
    return False


def _works_on_handlers(model: ModuleModel, receiver: ast.AST) -> bool:
    """Does a receiver given to ``connect(...)`` work on handlers?  One the module does not define: maybe."""
    if isinstance(receiver, ast.Name):
        defs = [b.node for b in model.lookup(receiver.id, receiver) if b.kind is BindingKind.DEF]
        if defs:
            return any(_handler_work(d) for d in defs)
    return True


#: A helper called for its effect whose name says it sets logging up (``configure_logger()``).
_SETS_UP_LOGGING = re.compile(r"(config|setup|set_up|init)\w*log", re.IGNORECASE)


def _handler_work(func: ast.AST) -> bool:
    for n in ast.walk(func):
        if isinstance(n, ast.Attribute) and n.attr in _HANDLER_WORK:
            return True
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call):
            callee = n.value.func
            name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
            if isinstance(name, str) and _SETS_UP_LOGGING.search(name):
                return True
    return False


def configured_loggers(model: ModuleModel) -> frozenset[str]:
    """Names of the loggers a logging configuration of the module sets up (not the root logger):
    the keys of ``"loggers"`` in a dict that is a ``dictConfig`` schema (it has ``"version"``:
    Django's ``LOGGING = {...}``, ``dictConfig({...})``), and those added by item
    (``LOGGING["loggers"]["proj"] = {...}``, ``LOGGING["loggers"].update({...})``)."""
    found: set[str] = set()

    def keys(d: ast.AST) -> None:
        if isinstance(d, ast.Dict):
            found.update(k.value for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))

    for d in model.nodes.get(ast.Dict, ()):
        fields = {k.value: v for k, v in zip(d.keys, d.values) if isinstance(k, ast.Constant)}
        if "loggers" in fields and "version" in fields:
            keys(fields["loggers"])
    for assign in model.nodes.get(ast.Assign, ()):
        for target in assign.targets:
            if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Subscript)
                    and const(target.value.slice) == "loggers" and isinstance(name := const(target.slice), str)):
                found.add(name)
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if (isinstance(func, ast.Attribute) and func.attr == "update" and isinstance(func.value, ast.Subscript)
                and const(func.value.slice) == "loggers" and call.args):
            keys(call.args[0])
    found.discard("")
    found.discard("root")
    return frozenset(found)


TASK_FORMATTER = "celery.app.log.TaskFormatter"
_TASK_FIELDS = ("%(task_id)", "%(task_name)", "{task_id", "{task_name")
_FORMAT_KEYS = frozenset({"()", "class", "format", "fmt"})  # of a dictConfig formatter entry


def formats_task_id(model: ModuleModel) -> bool:
    """Does a logging configuration of the module put the task's id or name into its records' format:
    a formatter entry (``{"()": "celery.app.log.TaskFormatter"}``, ``"format": "... %(task_id)s ..."``)?
    (A ``TaskFormatter(...)`` made in code may serve any handler: it does not count.)"""
    for d in model.nodes.get(ast.Dict, ()):
        for key, value in zip(d.keys, d.values):
            text = value.value if isinstance(key, ast.Constant) and key.value in _FORMAT_KEYS \
                and isinstance(value, ast.Constant) else None
            if isinstance(text, str) and (text == TASK_FORMATTER or any(f in text for f in _TASK_FIELDS)):
                return True
    return False


def identity_decorator(func: ast.AST) -> bool:
    """Is ``func`` a decorator that hands back the very object it decorates -- ``def mark(fn):
    fn.meta = ...; return fn`` -- or a factory of one (``def step(**options): def decorator(fn):
    setattr(fn, ...); return fn; return decorator``)?  Above a task decorator it keeps the task."""
    if not isinstance(func, FUNCTION_TYPES):
        return False
    returns = [n for n in own_nodes(func.body) if isinstance(n, ast.Return)]
    params = [*func.args.posonlyargs, *func.args.args]
    if len(params) == 1 and returns and all(
            isinstance(r.value, ast.Name) and r.value.id == params[0].arg for r in returns):
        return True
    inner = {stmt.name: stmt for stmt in func.body if isinstance(stmt, FUNCTION_TYPES)}
    return bool(returns) and all(
        isinstance(r.value, ast.Name) and r.value.id in inner and identity_decorator(inner[r.value.id])
        for r in returns)


def plain_wrapper(func: ast.AST) -> bool:
    """Is ``func`` a decorator that wraps a function and cannot retry a task for it
    (``def track(function): def wrapper(*args, **kwargs): ... return wrapper``)?  One positional
    parameter, a nested function, and nowhere a ``.retry`` or ``current_task`` (the only ways it
    could reach ``Task.retry``, where Celery reads ``max_retries``)."""
    if not isinstance(func, FUNCTION_TYPES):
        return False
    args = func.args
    if len(args.posonlyargs) + len(args.args) != 1 or args.vararg or args.kwarg or args.kwonlyargs:
        return False
    if not any(isinstance(stmt, FUNCTION_TYPES) for stmt in func.body):
        return False  # a decorator defines its wrapper in its own body: most functions stop here
    return not may_reach_retry(func)


def may_reach_retry(func: ast.AST) -> bool:
    """Does the code name a ``.retry`` or ``current_task`` anywhere: the only ways it could reach
    ``Task.retry``, where Celery reads ``max_retries``?"""
    return any(
        (isinstance(node, ast.Attribute) and node.attr in ("retry", "current_task"))
        or (isinstance(node, ast.Name) and node.id == "current_task")
        for node in ast.walk(func)
    )


def receivers_elsewhere(model: ModuleModel) -> dict[str, set[str]]:
    """Functions of other modules this module connects to Django model signals
    (``post_save.connect(receivers.reindex, sender=Order)`` in an ``AppConfig.ready()``): the
    function's dotted name as imported (relative names as written) -> canonical signal names."""
    out: dict[str, set[str]] = {}
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "connect" and call.args):
            continue
        handler = call.args[0]
        if not isinstance(handler, (ast.Name, ast.Attribute)):
            continue
        if isinstance(handler, ast.Name) and any(
                b.kind is not BindingKind.IMPORT for b in model.lookup(handler.id, handler)):
            continue  # a function of this module (signal_receivers) or a variable
        signals = set(_signals_in(model, func.value))
        q = model.resolve(handler)
        if signals and q:
            out.setdefault(q, set()).update(signals)
    return out


ATOMIC = "django.db.transaction.atomic"


def is_atomic(model: ModuleModel, expr: ast.AST) -> bool:
    """``transaction.atomic`` or ``transaction.atomic(...)`` (Django), through imports."""
    if isinstance(expr, ast.Call):
        expr = expr.func
    return model.resolve(expr) == ATOMIC


def atomic_decorated(model: ModuleModel, func: ast.AST) -> bool:
    return isinstance(func, FUNCTION_TYPES) and any(is_atomic(model, d) for d in func.decorator_list)


def atomic_context(model: ModuleModel, node: ast.AST) -> ast.AST | None:
    """The atomic block the node runs in directly (not through a nested function or lambda).

    The ``with transaction.atomic():`` statement around it, or its function when that is
    decorated with ``@transaction.atomic``; None when there is none.
    """
    if not model.uses_django:
        return None  # no name can resolve to transaction.atomic without a django import
    child = node
    for anc in model.ancestors(node):
        if isinstance(anc, (ast.With, ast.AsyncWith)) and child not in anc.items:
            if any(is_atomic(model, item.context_expr) for item in anc.items):
                return anc
        if isinstance(anc, FUNCTION_TYPES):
            return anc if atomic_decorated(model, anc) else None
        if isinstance(anc, (ast.Lambda, ast.ClassDef)):
            return None
        child = anc
    return None


def direct_function(model: ModuleModel, node: ast.AST) -> ast.AST | None:
    """The function whose own body runs the node: None when a lambda or class intervenes."""
    for anc in model.ancestors(node):
        if isinstance(anc, FUNCTION_TYPES):
            return anc
        if isinstance(anc, (ast.Lambda, ast.ClassDef)):
            return None
    return None


_NOT_ENTERED = (*FUNCTION_TYPES, ast.Lambda, ast.ClassDef)


def own_nodes(stmts: list[ast.stmt]) -> list[ast.AST]:
    """Every node some statements run themselves, in source order: a nested function, lambda
    or class is listed but not entered."""
    out = []
    stack = list(reversed(stmts))
    while stack:
        node = stack.pop()
        out.append(node)
        if not isinstance(node, _NOT_ENTERED):
            stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return out


def raises_or_retries(stmts: list[ast.stmt]) -> bool:
    """Do the statements themselves raise (re-raise, raise another error) or call ``.retry(...)``?
    An ``except`` body that does lets the exception through."""
    for node in own_nodes(stmts):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "retry":
            return True
    return False


_LEAVING = (ast.Return, ast.Break, ast.Continue)


def leaves(stmts: list[ast.stmt]) -> bool:
    """Do the statements themselves leave their block (``return``, ``break``, ``continue``)?"""
    return any(isinstance(node, _LEAVING) for node in own_nodes(stmts))


def falls_into_raise(model: ModuleModel, handler: ast.ExceptHandler) -> bool:
    """Does the code after an ``except`` handler go straight on to a ``raise``: a best-effort
    ``try`` inside a handler that logs and re-raises?  The rest of a block around the handler's
    ``try`` ends in ``raise``, with no ``return``, ``break`` or ``continue`` on the way."""
    if leaves(handler.body):
        return False
    child = model.parent(handler)
    for anc in model.ancestors(child):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(anc, name, None)
            if isinstance(block, list) and child in block:
                rest = block[block.index(child) + 1:]
                if name == "body" and isinstance(anc, (ast.Try, getattr(ast, "TryStar", ast.Try))):
                    rest += anc.orelse
                if rest:
                    return isinstance(rest[-1], ast.Raise) and not leaves(rest)
                break
        if isinstance(anc, (*LOOP_TYPES, *_NOT_ENTERED)) or leaves(getattr(anc, "finalbody", [])):
            return False
        child = anc
    return False


def cleanup_in_finally(model: ModuleModel, handler: ast.ExceptHandler) -> bool:
    """Is the handler's ``try`` best-effort cleanup inside a ``finally:`` block (removing a temp
    file after the work)?  The outcome is decided by the ``try`` it cleans up after, whose
    exception goes on -- unless the handler leaves (``return``, ``break``, ``continue``), which
    drops that exception too."""
    if leaves(handler.body):
        return False
    child = model.parent(handler)
    for anc in model.ancestors(child):
        if isinstance(anc, _NOT_ENTERED):
            return False
        if isinstance(anc, TRY_TYPES) and child in anc.finalbody:
            return True
        child = anc
    return False


def body_nodes(model: ModuleModel, func: ast.AST) -> list[ast.AST]:
    """``own_nodes`` of a function's body, listed once per module (several checks read each task's body)."""
    memo = model.body_nodes
    found = memo.get(func)
    if found is None:
        found = memo[func] = own_nodes(func.body)
    return found


def task_class_overrides(model: ModuleModel, task: TaskInfo, names: tuple[str, ...]) -> bool:
    """Does the task's class (or a base the module defines) define one of these methods?"""
    return task.cls is not None and any(
        name in cls.methods for cls in model.lineage(task.cls) for name in names)


def receiver_root_bindings(model: ModuleModel, node: ast.Call) -> list[Binding]:
    """The bindings of the name a method call's receiver starts from (``pool`` in
    ``pool.x.apply_async(...)``); empty when it starts from no name or an unbound one."""
    expr = node.func.value if isinstance(node.func, ast.Attribute) else None
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return model.lookup(expr.id, expr) if isinstance(expr, ast.Name) else []


_LOCAL_KINDS = (BindingKind.ASSIGN, BindingKind.WITH, BindingKind.PARAM, BindingKind.FOR)


def receiver_root_is_local(model: ModuleModel, node: ast.Call) -> bool:
    """Is the receiver a local variable or parameter (``pool.apply_async``), not an import?"""
    bindings = receiver_root_bindings(model, node)
    return bool(bindings) and all(b.kind in _LOCAL_KINDS for b in bindings)
