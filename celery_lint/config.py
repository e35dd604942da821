"""Where a module configures Celery, in every form the rules need.

Sources: keyword arguments of ``Celery(...)``, ``app.conf.x = ...``, ``app.conf["x"] = ...``,
``app.conf.update(...)``, dicts and classes given to ``config_from_object`` in the same module,
module-level settings of Django settings modules (``CELERY_*`` names) and of
``celeryconfig``-style modules, ``override_settings(...)`` and pytest-django's ``settings``
fixture.  Each setting becomes a :class:`ConfigItem`; items of one config share ``group``.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .celery_data import OLD_TO_NEW, SETTINGS
from .model import ModuleModel

# Keyword arguments of Celery() that are not settings.
_CELERY_INIT_PARAMS = frozenset({
    "main", "loader", "amqp", "events", "log", "control", "set_as_current", "tasks",
    "fixups", "task_cls", "autofinalize", "namespace", "strict_typing", "config_source",
    "config_source_silent", "changes",
})
_CELERY_INIT_RENAMES = {"broker": "broker_url", "backend": "result_backend", "include": "include"}

# Upper-case prefixes that mark a module-level name as Celery configuration (Django style).
_CONFIG_PREFIXES = ("CELERY_", "CELERYD_", "CELERYBEAT_", "CELERYMON_", "BROKER_")
# File names of celeryconfig-style modules (lower-case setting names at module level).
_CONFIG_MODULE_STEMS = ("celeryconfig", "celery_config", "celeryconf", "celery_settings")


@dataclass
class ConfigItem:
    """One Celery setting the module sets."""

    raw: str  # the name as written: broker_url, CELERY_BROKER_URL, BROKER_URL, broker
    key: str | None  # the current Celery setting name, or None when Celery does not know it
    value: ast.expr
    node: ast.AST  # where to report: keyword, assignment target, dict key
    group: object  # items of one config share it (a call, a module, a block of statements)
    style: str  # "celery" (lower-case names) or "django" (CELERY_ namespace)
    old: bool = False  # written with a pre-4.0 name

    @property
    def value_node(self) -> ast.AST:
        return self.value


def setting_key(raw: str, style: str) -> tuple[str | None, bool]:
    """(current setting name or None, written with an old name?)."""
    if style == "django" and raw.startswith("CELERY_"):
        new = raw[len("CELERY_"):].lower()
        if new in SETTINGS:
            return new, False
    if raw in SETTINGS:
        return raw, False
    if raw in OLD_TO_NEW:
        return OLD_TO_NEW[raw], True
    return None, False


def _dict_items(model, expr, group, style, out):
    if isinstance(expr, ast.Dict):
        for k, v in zip(expr.keys, expr.values):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                key, old = setting_key(k.value, style)
                out.append(ConfigItem(k.value, key, v, k, group, style, old))
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "dict":
        for kw in expr.keywords:
            if kw.arg:
                key, old = setting_key(kw.arg, style)
                out.append(ConfigItem(kw.arg, key, kw.value, kw, group, style, old))


def _conf_owner(model: ModuleModel, expr: ast.AST) -> bool:
    """Is ``expr`` the ``conf`` of a Celery app (``app.conf``, ``current_app.conf``)?"""
    return isinstance(expr, ast.Attribute) and expr.attr == "conf" and model.is_app(expr.value)


def _statement_block(model: ModuleModel, stmt: ast.AST) -> tuple[list, int] | None:
    parent = model.parent(stmt)
    if parent is None:
        return None
    for name in ("body", "orelse", "finalbody", "handlers"):
        body = getattr(parent, name, None)
        if isinstance(body, list):
            for i, s in enumerate(body):
                if s is stmt:
                    return body, i
    return None


def _block_group(model: ModuleModel, stmt: ast.AST, is_member) -> object:
    """Consecutive statements of one block that set config form one group."""
    found = _statement_block(model, stmt)
    if found is None:
        return stmt
    body, i = found
    while i > 0 and is_member(body[i - 1]):
        i -= 1
    return body[i]


def collect_config(model: ModuleModel) -> None:
    out = model.config
    filename = model.filename.replace("\\", "/")
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()

    def is_conf_assign(stmt) -> bool:
        return isinstance(stmt, ast.Assign) and any(_conf_target(model, t) for t in stmt.targets)

    def is_settings_assign(stmt) -> bool:
        return isinstance(stmt, ast.Assign) and any(_settings_fixture_target(model, t) for t in stmt.targets)

    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if model._is_app_class(func):
            for kw in call.keywords:
                if kw.arg is None or (kw.arg in _CELERY_INIT_PARAMS and kw.arg != "changes"):
                    continue
                if kw.arg == "changes":
                    _dict_items(model, kw.value, call, "celery", out)
                    continue
                raw = kw.arg
                key, old = setting_key(_CELERY_INIT_RENAMES.get(raw, raw), "celery")
                out.append(ConfigItem(raw, key, kw.value, kw, call, "celery", old))
        elif isinstance(func, ast.Attribute) and func.attr == "update" and _conf_owner(model, func.value):
            for arg in call.args:
                _dict_items(model, arg, call, "celery", out)
            for kw in call.keywords:
                if kw.arg:
                    key, old = setting_key(kw.arg, "celery")
                    out.append(ConfigItem(kw.arg, key, kw.value, kw, call, "celery", old))
        elif isinstance(func, ast.Attribute) and func.attr == "config_from_object" and model.is_app(func.value):
            if not call.args:
                continue
            style = "celery"
            for kw in call.keywords:
                if kw.arg == "namespace" and isinstance(kw.value, ast.Constant) and kw.value.value:
                    style = "django"
            obj = call.args[0]
            if isinstance(obj, ast.Name):
                for b in model.lookup(obj.id, obj):
                    if b.kind == "assign" and b.index is None:
                        _dict_items(model, b.value, b.value, style, out)
                    elif b.kind == "class":
                        info = model.classes.get(b.node)
                        if info is not None:
                            for name, value in info.attrs.items():
                                key, old = setting_key(name, style)
                                stmt = info.attr_nodes[name]
                                target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
                                out.append(ConfigItem(name, key, value, target, b.node, style, old))
            else:
                _dict_items(model, obj, call, style, out)
        elif model.resolve(func) == "django.test.override_settings":
            for kw in call.keywords:
                if kw.arg and kw.arg.startswith(_CONFIG_PREFIXES):
                    key, old = setting_key(kw.arg, "django")
                    out.append(ConfigItem(kw.arg, key, kw.value, kw, call, "django", old))

    for stmt in model.nodes.get(ast.Assign, ()):
        for target in stmt.targets:
            raw = _conf_target(model, target)
            if raw is not None:
                key, old = setting_key(raw, "celery")
                out.append(ConfigItem(raw, key, stmt.value, target, _block_group(model, stmt, is_conf_assign),
                                      "celery", old))
                continue
            raw = _settings_fixture_target(model, target)
            if raw is not None:
                key, old = setting_key(raw, "django")
                out.append(ConfigItem(raw, key, stmt.value, target,
                                      _block_group(model, stmt, is_settings_assign), "django", old))

    # Module-level settings: Django settings modules and celeryconfig-style modules.
    celeryconfig = any(s in stem for s in _CONFIG_MODULE_STEMS)
    for stmt in model.tree.body:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        else:
            continue
        for target in targets:
            if not isinstance(target, ast.Name):
                continue
            raw = target.id
            if raw.startswith(_CONFIG_PREFIXES) or (raw.isupper() and raw in OLD_TO_NEW):
                key, old = setting_key(raw, "django")
                out.append(ConfigItem(raw, key, value, target, model.tree, "django", old))
            elif celeryconfig and raw.islower() and not raw.startswith("_"):
                key, old = setting_key(raw, "celery")
                out.append(ConfigItem(raw, key, value, target, model.tree, "celery", old))


def _conf_target(model: ModuleModel, target: ast.AST) -> str | None:
    """``app.conf.x`` or ``app.conf['x']`` as an assignment target: the setting name."""
    if isinstance(target, ast.Attribute) and _conf_owner(model, target.value):
        return target.attr
    if (
        isinstance(target, ast.Subscript)
        and _conf_owner(model, target.value)
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
    ):
        return target.slice.value
    return None


def _settings_fixture_target(model: ModuleModel, target: ast.AST) -> str | None:
    """``settings.CELERY_X = ...`` where ``settings`` is pytest-django's fixture (a parameter)
    or ``django.conf.settings``."""
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
        return None
    if not target.attr.startswith(_CONFIG_PREFIXES):
        return None
    name = target.value
    if name.id != "settings" and model.resolve(name) != "django.conf.settings":
        return None
    for b in model.lookup(name.id, name):
        if b.kind == "param" or (b.kind == "import" and b.value == "django.conf.settings"):
            return target.attr
    return None
