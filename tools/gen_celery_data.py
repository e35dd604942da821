"""Regenerate ``celery_lint/celery_data.py`` from an installed Celery.

Every fact celery-lint keeps about Celery (setting names, old-to-new setting names,
task options, execution options, handler signatures) is read here from Celery itself,
never typed from memory.  ``tests/test_celery_data.py`` fails when the committed module
differs from what this script produces with the Celery installed in the test environment.

Usage::

    python tools/gen_celery_data.py            # rewrite celery_lint/celery_data.py
    python tools/gen_celery_data.py --check    # exit 1 if it is stale
"""
from __future__ import annotations

import ast
import inspect
import pathlib
import sys
import textwrap

TARGET = pathlib.Path(__file__).resolve().parent.parent / "celery_lint" / "celery_data.py"


def _settings():
    from celery.app import defaults

    return sorted(name for name, _ in defaults.flatten(defaults.NAMESPACES))


def _old_to_new():
    from celery.app import defaults

    return dict(sorted(defaults._TO_NEW_KEY.items()))


def _task_decorator_keywords():
    """Keywords the task decorator consumes itself (not Task attributes)."""
    from celery.app import autoretry, base

    names = set()
    # Celery.task(): inner_create_task_cls(shared=..., filter=..., lazy=...)
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(base.Celery.task)))):
        if isinstance(node, ast.FunctionDef) and node.name == "inner_create_task_cls":
            names.update(a.arg for a in node.args.args)
    # Celery._task_from_fun(fun, name=..., base=..., bind=..., pydantic...)
    params = inspect.signature(base.Celery._task_from_fun).parameters
    names.update(
        p for p, v in params.items()
        if p not in ("self", "fun") and v.kind is not inspect.Parameter.VAR_KEYWORD
    )
    # add_autoretry_behaviour(task, **options): options.get('autoretry_for', ...)
    for node in ast.walk(ast.parse(inspect.getsource(autoretry.add_autoretry_behaviour))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "options"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def _task_attributes():
    """Public data attributes of celery.app.task.Task: each is a task option."""
    from celery.app.task import Task

    out = set()
    for klass in Task.__mro__:
        if klass is object:
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") or name[0].isupper():
                continue
            if inspect.isfunction(value) or isinstance(value, (classmethod, staticmethod)):
                continue
            if isinstance(value, property) and value.fset is None:
                continue
            out.add(name)
    return out


def _routing_attributes():
    """Attributes Task reads as execution defaults (extract_exec_options, Task.bind)."""
    from celery.app import task as task_module

    names = set()
    for node in ast.walk(ast.parse(inspect.getsource(task_module))):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "extract_exec_options" for t in node.targets)
            and isinstance(node.value, ast.Call)
        ):
            names.update(a.value for a in node.value.args if isinstance(a, ast.Constant))
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(task_module.Task.bind)))):
        if isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple):
            names.update(e.value for e in node.iter.elts if isinstance(e, ast.Constant))
    names.update(attr for attr, _setting in task_module.Task.from_config)  # filled from the config
    return names - {"immediate", "mandatory"}  # deprecated, kept by Celery only for compat


def _task_options():
    return sorted(_task_attributes() | _task_decorator_keywords() | _routing_attributes())


def _task_methods():
    """Public methods and read-only properties of celery.app.task.Task that are no task option
    nor a handler (``on_failure=`` replacing the handler is what the keyword is for)."""
    from celery.app.task import Task

    handlers = set(_handler_signatures())
    out = set()
    for klass in Task.__mro__:
        if klass is object:
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") or name in handlers:
                continue
            if inspect.isfunction(value) or isinstance(value, (classmethod, staticmethod)) or (
                    isinstance(value, property) and value.fset is None):
                out.add(name)
    return sorted(out - set(_task_options()))


def _execution_options():
    """Options of Task.apply_async: its named parameters and those of its docstring."""
    import re

    from celery.app.task import Task

    params = inspect.signature(Task.apply_async).parameters
    names = {p for p, v in params.items() if p != "self" and v.kind is not inspect.Parameter.VAR_KEYWORD}
    names.update(re.findall(r"^\s+(\w+) \(", Task.apply_async.__doc__ or "", re.M))
    return sorted(names - {"args", "kwargs"})


def _handler_signatures():
    from celery.app.task import Task

    out = {}
    for name in ("before_start", "on_success", "on_retry", "on_failure", "after_return"):
        out[name] = tuple(inspect.signature(getattr(Task, name)).parameters)
    return out


def _beat_entry_keys():
    """Keys a beat_schedule entry may have: the arguments of ScheduleEntry.__init__ used there."""
    from celery.beat import ScheduleEntry

    params = inspect.signature(ScheduleEntry.__init__).parameters
    return sorted(p for p in params if p not in ("self", "name", "app", "last_run_at", "total_run_count"))


def render() -> str:
    import celery

    def fmt_set(name, items):
        body = "".join(f"    {item!r},\n" for item in items)
        return f"{name} = frozenset({{\n{body}}})\n"

    def fmt_dict(name, mapping):
        body = "".join(f"    {k!r}: {v!r},\n" for k, v in mapping.items())
        return f"{name} = {{\n{body}}}\n"

    parts = [
        '"""Facts about Celery, generated by tools/gen_celery_data.py -- do not edit by hand."""\n',
        f"CELERY_VERSION = {celery.__version__!r}\n",
        "\n# Every current setting name (celery.app.defaults.NAMESPACES, flattened).\n",
        fmt_set("SETTINGS", _settings()),
        "\n# Old (pre-4.0) setting names and their new names (celery.app.defaults._TO_NEW_KEY).\n",
        fmt_dict("OLD_TO_NEW", _old_to_new()),
        "\n# Keywords a task decorator accepts: Task attributes plus the decorator's own.\n",
        fmt_set("TASK_OPTIONS", _task_options()),
        "\n# Methods and read-only properties of Task a decorator keyword would replace (no option, no handler).\n",
        fmt_set("TASK_METHODS", _task_methods()),
        "\n# Execution options of Task.apply_async (beyond args and kwargs).\n",
        fmt_set("EXECUTION_OPTIONS", _execution_options()),
        "\n# Parameters of the Task handler methods, self first.\n",
        fmt_dict("HANDLER_SIGNATURES", _handler_signatures()),
        "\n# Keys a beat_schedule entry may carry (celery.beat.ScheduleEntry).\n",
        fmt_set("BEAT_ENTRY_KEYS", _beat_entry_keys()),
    ]
    return "".join(parts)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is stale: run python tools/gen_celery_data.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
