"""What a canvas expression is: signatures (``t.s()``, ``t.si()``, ``signature(...)``), groups,
chains and chords, the tasks of the module they name, their arguments and options.

Read by the canvas rules (CEL602-CEL605), by the result rules (CEL204) and by anything else that
asks "which task does this signature call, with what?"; it reports nothing itself.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .model import MAX_DEPTH, BindingKind, ModuleModel, TaskInfo, const, is_const

GROUP = "celery.group"
CHAIN = "celery.chain"
CHORD = "celery.chord"
SIGNATURE = "celery.signature"
_OTHER_CANVAS = frozenset({
    "celery.chunks", "celery.xmap", "celery.xstarmap", "celery.maybe_signature", "celery.Signature",
})
SIGNATURE_METHODS = frozenset({"signature", "subtask"})
# Positional parameters of celery.canvas.Signature after ``task`` (Task.signature passes them on).
_SIGNATURE_PARAMS = ("args", "kwargs", "options", "type", "subtask_type", "immutable", "app")


@dataclass
class Sig:
    """A signature expression: which task, with which arguments, how mutable."""

    node: ast.Call  # the call that makes (or last changes) the signature
    task: TaskInfo | None  # the task of this module it names, if any
    args: list[ast.expr] | None = None  # positional arguments; None: not known
    kwargs: list[str] | None = None  # keyword argument names; None: not known
    immutable: bool | None = False  # None: not known
    options: dict[str, ast.expr] = field(default_factory=dict)  # execution options seen
    options_known: bool = True
    target: ast.expr | None = None  # the expression naming the task (``add`` in ``add.s(1)``)


def literal_args(expr: ast.expr | None) -> list[ast.expr] | None:
    """The items of a literal args tuple/list (``None`` is no args), else None."""
    if expr is None or is_const(expr, None):
        return []
    if isinstance(expr, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in expr.elts):
        return list(expr.elts)
    return None


def literal_kwargs(expr: ast.expr | None) -> list[str] | None:
    """The keys of a literal kwargs dict (``None`` is no kwargs), else None."""
    if expr is None or is_const(expr, None):
        return []
    if isinstance(expr, ast.Dict):
        keys = []
        for key in expr.keys:
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            keys.append(key.value)
        return keys
    return None


def _signature_call(call: ast.Call, task: TaskInfo | None, params: list[ast.expr], target: ast.expr) -> Sig:
    """``Signature(task, args, kwargs, options, type, subtask_type, immutable, app, **options)``."""
    sig = Sig(call, task, immutable=None, options_known=False, target=target)
    if len(params) > len(_SIGNATURE_PARAMS) or any(isinstance(p, ast.Starred) for p in params):
        return sig
    if any(kw.arg is None for kw in call.keywords):
        return sig
    given = dict(zip(_SIGNATURE_PARAMS, params))
    for kw in call.keywords:
        if kw.arg in _SIGNATURE_PARAMS:
            given[kw.arg] = kw.value
        else:
            sig.options[kw.arg] = kw.value
    sig.args = literal_args(given.get("args"))
    sig.kwargs = literal_kwargs(given.get("kwargs"))
    immutable = const(given["immutable"], None) if "immutable" in given else False
    sig.immutable = immutable if isinstance(immutable, bool) else None
    options = given.get("options")
    if options is None or is_const(options, None):
        sig.options_known = True
    elif isinstance(options, ast.Dict) and literal_kwargs(options) is not None:
        sig.options.update({k.value: v for k, v in zip(options.keys, options.values)})
        sig.options_known = True
    return sig


def signature_of(model: ModuleModel, expr: ast.AST, depth: int = 0) -> Sig | None:
    """The signature an expression makes, or None when it is not evidently a signature."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(expr, ast.Name):
        value = single_value(model, expr)
        return signature_of(model, value, depth + 1) if value is not None else None
    if not isinstance(expr, ast.Call):
        return None
    func = expr.func
    if isinstance(func, ast.Attribute):
        if func.attr in ("s", "si"):
            sig = Sig(expr, model.task_named(func.value), immutable=func.attr == "si", target=func.value)
            if not any(isinstance(a, ast.Starred) for a in expr.args):
                sig.args = list(expr.args)
            if all(kw.arg is not None for kw in expr.keywords):
                sig.kwargs = [kw.arg for kw in expr.keywords]
            return sig
        if func.attr in SIGNATURE_METHODS and model.resolve(func) != "inspect.signature":
            return _signature_call(expr, model.task_named(func.value), list(expr.args), func.value)
        if func.attr in ("set", "set_immutable", "clone"):
            inner = signature_of(model, func.value, depth + 1)
            if inner is None:
                return None
            return _changed(inner, expr)
    if model.resolve(func) == SIGNATURE and expr.args and not isinstance(expr.args[0], ast.Starred):
        return _signature_call(expr, model.task_named(expr.args[0]), list(expr.args[1:]), expr.args[0])
    return None


def _changed(inner: Sig, call: ast.Call) -> Sig:
    """``sig.set(...)``, ``sig.set_immutable(...)``, ``sig.clone(...)``: the changed signature."""
    sig = Sig(call, inner.task, inner.args, inner.kwargs, inner.immutable, dict(inner.options),
              inner.options_known, inner.target)
    method = call.func.attr  # type: ignore[attr-defined]
    if method == "set_immutable":
        value = const(call.args[0], None) if len(call.args) == 1 else None
        sig.immutable = value if isinstance(value, bool) else None
        return sig
    if method == "clone" and (call.args or any(kw.arg in (None, "args", "kwargs") for kw in call.keywords)):
        sig.args = sig.kwargs = None  # clone(args=...) prepends arguments we do not follow
    if call.args and method == "set":
        sig.options_known = False
    for kw in call.keywords:
        if kw.arg is None:
            sig.options_known = False
            sig.immutable = None
        elif kw.arg == "immutable":
            value = const(kw.value, None)
            sig.immutable = value if isinstance(value, bool) else None
        elif method == "set" or kw.arg not in ("args", "kwargs"):
            sig.options[kw.arg] = kw.value
    return sig


def single_value(model: ModuleModel, name: ast.Name) -> ast.expr | None:
    """The value of a name bound exactly once, by a plain assignment, else None."""
    bindings = model.lookup(name.id, name)
    if len(bindings) != 1:
        return None
    b = bindings[0]
    if b.kind is not BindingKind.ASSIGN or b.index is not None or not isinstance(b.value, ast.expr):
        return None
    if isinstance(b.node, ast.NamedExpr):
        return None
    return b.value


def canvas_name(model: ModuleModel, expr: ast.AST) -> str | None:
    """``celery.group`` / ``chain`` / ``chord`` for a call of one of them, else None."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, (ast.Name, ast.Attribute)):
        q = model.resolve(expr.func)
        if q in (GROUP, CHAIN, CHORD):
            return q
    return None


def is_canvas(model: ModuleModel, expr: ast.AST, depth: int = 0) -> bool:
    """Is the expression evidently a Celery signature or canvas?"""
    if depth > MAX_DEPTH:
        return False
    if isinstance(expr, ast.Name):
        value = single_value(model, expr)
        return value is not None and is_canvas(model, value, depth + 1)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        return is_canvas(model, expr.left, depth + 1)
    if canvas_name(model, expr) is not None:
        return True
    if isinstance(expr, ast.Call) and isinstance(expr.func, (ast.Name, ast.Attribute)):
        if model.resolve(expr.func) in _OTHER_CANVAS:
            return True
        if isinstance(expr.func, ast.Attribute) and expr.func.attr in ("chunks", "map", "starmap"):
            return model.task_named(expr.func.value) is not None
    return signature_of(model, expr, depth + 1) is not None


def _sequence_items(expr: ast.AST) -> list[ast.expr] | None:
    """The members of a literal list/tuple (Starred dropped), a comprehension's element."""
    if isinstance(expr, (ast.List, ast.Tuple)):
        return [e for e in expr.elts if not isinstance(e, ast.Starred)]
    if isinstance(expr, (ast.ListComp, ast.GeneratorExp)):
        return [expr.elt]
    return None


def group_members(model: ModuleModel, expr: ast.AST, depth: int = 0) -> list[ast.expr]:
    """The signatures a group (or a chord header) is made of, as far as they can be seen."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(expr, ast.Name):
        value = single_value(model, expr)
        return group_members(model, value, depth + 1) if value is not None else []
    items = _sequence_items(expr)
    if items is not None:
        return items
    if canvas_name(model, expr) == GROUP:
        args = [a for a in expr.args if not isinstance(a, ast.Starred)]  # type: ignore[attr-defined]
        if len(expr.args) == 1:  # type: ignore[attr-defined]
            return group_members(model, expr.args[0], depth + 1)  # type: ignore[attr-defined]
        return args
    if signature_of(model, expr) is not None:
        return [expr]  # a header of one signature
    return []


def chain_steps(call: ast.Call) -> list[ast.expr]:
    """The steps of ``chain(a, b, c)`` or ``chain([a, b, c])``; Starred steps kept as markers."""
    if len(call.args) == 1 and isinstance(call.args[0], (ast.List, ast.Tuple)):
        return list(call.args[0].elts)
    return list(call.args)


def chord_parts(call: ast.Call) -> tuple[ast.expr | None, ast.expr | None]:
    """(header, body) of ``chord(header, body)``."""
    header = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else None
    body = call.args[1] if len(call.args) > 1 and not isinstance(call.args[1], ast.Starred) else None
    for kw in call.keywords:
        if kw.arg == "header":
            header = kw.value
        elif kw.arg == "body":
            body = kw.value
    return header, body


def receivers(model: ModuleModel, expr: ast.AST, depth: int = 0) -> list[Sig]:
    """The signatures that get a parent's result when ``expr`` runs after another step."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(expr, ast.Name):
        value = single_value(model, expr)
        return receivers(model, value, depth + 1) if value is not None else []
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        return receivers(model, expr.left, depth + 1)
    kind = canvas_name(model, expr)
    if kind == CHAIN:
        steps = chain_steps(expr)  # type: ignore[arg-type]
        if steps and not isinstance(steps[0], ast.Starred):
            return receivers(model, steps[0], depth + 1)
        return []
    if kind == GROUP:
        return [s for m in group_members(model, expr) for s in receivers(model, m, depth + 1)]
    if kind is not None:
        return []
    sig = signature_of(model, expr)
    return [sig] if sig is not None else []


def last_step(model: ModuleModel, expr: ast.AST, depth: int = 0) -> ast.AST | None:
    """The last step of a chain expression (the expression itself for a single step)."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(expr, ast.Name):
        value = single_value(model, expr)
        return last_step(model, value, depth + 1) if value is not None else None
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        return last_step(model, expr.right, depth + 1)
    if canvas_name(model, expr) == CHAIN:
        steps = chain_steps(expr)  # type: ignore[arg-type]
        if steps and not isinstance(steps[-1], ast.Starred):
            return last_step(model, steps[-1], depth + 1)
        return None
    return expr


def is_nonempty_group(model: ModuleModel, expr: ast.AST | None) -> bool:
    return (expr is not None and canvas_name(model, expr) == GROUP
            and bool(expr.args))  # type: ignore[attr-defined]


def ignores_result(model: ModuleModel, task: TaskInfo | None) -> bool:
    """Is the task defined with ``ignore_result=True`` (decorator or Task class)?"""
    if task is None:
        return False
    if "ignore_result" not in task.options and task.has_star_kwargs:
        return False
    return is_const(task.option("ignore_result", model), True)
