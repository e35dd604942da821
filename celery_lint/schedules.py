"""The entries of a beat schedule, in every form a module writes them: ``beat_schedule`` in any
config form, Django's ``CELERY_BEAT_SCHEDULE``, ``app.conf.beat_schedule[...] = {...}`` and
``.update({...})``.  Read by the beat checks (CEL606) and the project rules (CEL901, CEL902)."""
from __future__ import annotations

import ast
from typing import Iterator, NamedTuple

from .config import dict_items, is_conf, name_value
from .model import ModuleModel
from .text import snippet

_DJANGO_SCHEDULES = frozenset({"CELERY_BEAT_SCHEDULE", "CELERYBEAT_SCHEDULE"})


class Entry(NamedTuple):
    """One beat_schedule entry: its name, the node to report it on, its fields."""

    name: str
    node: ast.AST
    fields: list  # (key or None when unseen, node, value)


def schedule_entries(model: ModuleModel) -> Iterator[Entry]:
    """Every beat_schedule entry the module writes, in any config form."""
    seen: set[int] = set()
    for item in model.config:
        if item.key == "beat_schedule" and not item.unseen:
            yield from _entries(model, item.value, seen)
    for stmt in model.nodes.get(ast.Assign, ()):
        for target in stmt.targets:  # app.conf.beat_schedule["name"] = {...}
            if isinstance(target, ast.Subscript) and _is_schedule(model, target.value):
                yield from _entry(model, _entry_name(target.slice), target, stmt.value, seen)
    for call in model.nodes.get(ast.Call, ()):
        func = call.func  # app.conf.beat_schedule.update({...})
        if isinstance(func, ast.Attribute) and func.attr == "update" and _is_schedule(model, func.value):
            for arg in call.args:
                yield from _entries(model, arg, seen)


def _is_schedule(model: ModuleModel, expr: ast.AST) -> bool:
    """``app.conf.beat_schedule``, or Django's ``settings.CELERY_BEAT_SCHEDULE``."""
    if not isinstance(expr, ast.Attribute):
        return False
    if expr.attr == "beat_schedule":
        return is_conf(model, expr.value)
    return expr.attr in _DJANGO_SCHEDULES and model.resolve(expr.value) == "django.conf.settings"


def _entry_name(key: ast.AST) -> str:
    """The entry's name as messages quote it: a computed one as written, an f-string without its
    quotes (``periodic-{workflow}``, not ``f'periodic-{workflow}'`` inside quotes)."""
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    text = snippet(key)
    if isinstance(key, ast.JoinedStr) and text[:2] in ("f'", 'f"') and text[-1:] == text[1]:
        return text[2:-1]
    return text


def _entries(model: ModuleModel, schedule: ast.AST, seen: set[int]) -> Iterator[Entry]:
    value = name_value(model, schedule) if isinstance(schedule, ast.Name) else schedule
    if isinstance(value, ast.Dict):  # keys may be computed: {task.name: {...}}
        for key, entry in zip(value.keys, value.values):
            if key is None:
                yield from _entries(model, entry, seen)
            else:
                yield from _entry(model, _entry_name(key), key, entry, seen)
        return
    for name, node, entry in dict_items(model, schedule):
        if name is not None:
            yield from _entry(model, name, node, entry, seen)


def _entry(model: ModuleModel, name: str, node: ast.AST, value: ast.AST, seen: set[int]) -> Iterator[Entry]:
    if id(value) in seen:
        return
    seen.add(id(value))
    fields = list(dict_items(model, value))
    if fields and fields[0][0] is None and fields[0][1] is value:
        return  # not a mapping the module shows
    yield Entry(name, node, fields)
