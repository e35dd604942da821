"""Where a module configures Celery, in every form the rules need.

Sources (``ConfigItem.source``, a :class:`ConfigSource`):

* ``celery``: keyword arguments of ``Celery(...)`` (and its ``changes=`` / ``config_source=``);
* ``conf``: ``app.conf.x = ...`` and ``app.conf["x"] = ...`` (consecutive statements of one
  block form one config);
* ``update``: ``app.conf.update(...)``, with dicts and ``**`` spreads resolved when visible;
* ``object``: a dict or a class of the same module given to ``config_from_object``, and a
  class named like ``CeleryConfig`` that sets Celery settings;
* ``module``: module-level settings of Django settings modules (``CELERY_*`` names) and of
  ``celeryconfig``-style modules (lower-case setting names);
* ``override``: Django's ``override_settings(...)`` and ``self.settings(...)`` in tests;
* ``fixture``: ``settings.CELERY_X = ...`` with pytest-django's ``settings`` fixture;
* ``pytest``: the dict returned by the ``celery_config`` fixture of Celery's pytest plugin;
* ``flask``: the ``CELERY`` mapping of a Flask app's config (``app.config.from_mapping(CELERY=...)``).

Each setting becomes a :class:`ConfigItem`; the items of one config share ``group``.  A part
of a config the module cannot see (``**options``, ``from .base import *``) becomes an item
whose ``raw`` is :data:`UNSEEN`, so that rules about a *missing* setting can stay silent; so does
a config that builds on settings the module does not show (:func:`is_partial`: an app made
elsewhere, ``config_from_object``, the project settings ``override_settings`` changes).  The
configs of one ``app = Celery(...)`` of the module share ``ConfigItem.app`` (:func:`app_config`).
"""
from __future__ import annotations

import ast
import enum
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterator

from .celery_data import OLD_TO_NEW, SETTINGS
from .model import MAX_DEPTH, TRY_TYPES, BindingKind, ModuleModel
from .settings import is_celeryconfig_module, is_settings_module

#: ``ConfigItem.raw`` of a part of a config that the module does not show.
UNSEEN = "**"

# Keyword arguments of Celery() that are not settings (tests/test_config.py checks them
# against inspect.signature(celery.Celery.__init__)).
CELERY_INIT_PARAMS = frozenset({
    "main", "loader", "backend", "amqp", "events", "log", "control", "set_as_current", "tasks",
    "broker", "include", "changes", "config_source", "fixups", "task_cls", "autofinalize",
    "namespace", "strict_typing", "config_source_silent",
})
#: Keyword arguments of Celery() that set a setting under another name (Celery.__init__).
CELERY_INIT_RENAMES = {"broker": "broker_url", "backend": "result_backend", "include": "include"}

# Upper-case prefixes that mark a module-level name as Celery configuration (Django style).
CONFIG_PREFIXES = ("CELERY_", "CELERYD_", "CELERYBEAT_", "CELERYMON_", "BROKER_")


class ConfigStyle(enum.Enum):
    """How a config names its settings."""

    CELERY = "celery"  # lower-case names: broker_url
    DJANGO = "django"  # the CELERY_ namespace of Django settings: CELERY_BROKER_URL


class ConfigSource(enum.Enum):
    """Where a config is written (the module docstring describes each)."""

    CELERY = "celery"
    CONF = "conf"
    UPDATE = "update"
    OBJECT = "object"
    MODULE = "module"
    OVERRIDE = "override"
    FIXTURE = "fixture"
    PYTEST = "pytest"
    FLASK = "flask"


@dataclass
class ConfigItem:
    """One Celery setting the module sets."""

    raw: str  # the name as written: broker_url, CELERY_BROKER_URL, BROKER_URL, broker; or UNSEEN
    key: str | None  # the current Celery setting name, or None when Celery does not know it
    value: ast.expr
    node: ast.AST  # where to report: keyword, assignment target, dict key
    group: object  # items of one config share it (a call, a module, a block of statements)
    style: ConfigStyle
    source: ConfigSource
    old: bool = False  # written with a pre-4.0 name
    app: object = None  # the ``app = Celery(...)`` statement of the app configured, when in this module

    @property
    def unseen(self) -> bool:
        return self.raw == UNSEEN


def setting_key(raw: str, style: ConfigStyle, namespaced: bool = True) -> tuple[str | None, bool]:
    """(current setting name or None, written with an old name?).

    A ``CELERY_``-prefixed upper-case name that is valid under Django's ``CELERY_``
    namespace counts as that setting (in any style: an app configured with
    ``namespace='CELERY'`` reads it from ``app.conf`` too) -- unless the config is known to be
    read without a namespace (``namespaced=False``: a celeryconfig module, a class or dict given
    to ``config_from_object`` without ``namespace=``), where Celery's ``detect_settings`` takes
    ``CELERY_RESULT_BACKEND`` for the old name of ``result_backend`` and ignores
    ``CELERY_TASK_ALWAYS_EAGER``.
    """
    if not namespaced:
        if raw in SETTINGS:
            return raw, False
        return (OLD_TO_NEW[raw], True) if raw in OLD_TO_NEW else (None, False)
    if raw.startswith("CELERY_") and (style is ConfigStyle.DJANGO or raw.isupper()):
        new = raw[len("CELERY_"):].lower()
        if new in SETTINGS:
            return new, False
    if raw in SETTINGS:
        return raw, False
    if raw in OLD_TO_NEW:
        return OLD_TO_NEW[raw], True
    return None, False


#: How an app is given Django's settings object.
DJANGO_SETTINGS_OBJECTS = frozenset({"django.conf:settings", "django.conf.settings"})
#: The pre-4.0 name of each setting that had one (the first of Celery's table, when several).
NEW_TO_OLD: dict[str, str] = {}
for _old, _new in OLD_TO_NEW.items():
    NEW_TO_OLD.setdefault(_new, _old)


def spell(key: str, style: ConfigStyle, filename: str, plain: bool = False) -> str:
    """A setting name as a config of that style writes it: Django settings use CELERY_<KEY>; with
    ``plain`` (Django settings the app reads without a namespace, see
    :func:`django_settings_read_plain`) only the old names work, so the old name."""
    if style is ConfigStyle.DJANGO and not is_celeryconfig_module(filename):
        if plain and key in NEW_TO_OLD:
            return NEW_TO_OLD[key]
        return "CELERY_" + key.upper()
    return key


def is_django_settings_item(item: ConfigItem, filename: str) -> bool:
    """A setting of Django's settings (a settings module, ``override_settings``, a ``settings``
    fixture): the app reads it with whatever namespace it loads the settings with."""
    return item.style is ConfigStyle.DJANGO and item.source in (
        ConfigSource.MODULE, ConfigSource.OVERRIDE, ConfigSource.FIXTURE) and not is_celeryconfig_module(filename)


class DjangoNamespace:
    """``ctx.facts(DjangoNamespace).plain``: :func:`django_settings_read_plain`, worked out once
    per module."""

    def __init__(self, model: ModuleModel):
        self.model = model

    @cached_property
    def plain(self) -> str | None:
        return django_settings_read_plain(self.model)

    @cached_property
    def unknown(self) -> bool:
        return django_namespace_unknown(self.model)


def spelled(ctx, item: ConfigItem, key: str) -> str:
    """A setting name as the item's config would write it (Django: CELERY_<KEY>, or the old name
    where the app reads the settings without a namespace).  ``ctx``: the check's Context."""
    plain = is_django_settings_item(item, ctx.filename) and ctx.facts(DjangoNamespace).plain is not None
    return spell(key, item.style, ctx.filename, plain)


def django_settings_read_plain(model: ModuleModel) -> str | None:
    """Where the project's app is known to load Django's settings without a namespace
    (``config_from_object("django.conf:settings")``, no ``namespace=`` there nor on the app),
    as "path:line"; None when it loads them with one, or it is not known.

    Celery's ``detect_settings`` then sees upper-case names only, none of them new: it reads the
    old names (``CELERY_ALWAYS_EAGER``) and ignores the namespaced new ones
    (``CELERY_TASK_ALWAYS_EAGER``), so renaming one setting turns it off.
    """
    found = _django_loading(model)
    if found is False:
        return None
    project = model.project
    if project is not None:
        elsewhere = _project_django_loading(model)
        if elsewhere is False:
            return None
        found = found or elsewhere
    return found


def _project_django_loading(model: ModuleModel) -> str | bool | None:
    """How the project's apps load Django's settings (:attr:`ProjectIndex.django_settings_read_plain`);
    for test code, when no app of the project itself does, how the apps of its tests do (a test
    project's own celery.py reads the test settings)."""
    found = model.project.django_settings_read_plain
    if found is None and model.is_test_code():
        found = model.project.django_settings_read_plain_in_tests
    return found


def django_namespace_unknown(model: ModuleModel) -> bool:
    """Does no app of the module nor of its project show how it loads Django's settings (a
    reusable Django app whose host project makes the app, an app made where the index cannot
    see)?  Then whether they are read with ``namespace='CELERY'`` is not known.  Only with a
    project index: a module on its own is checked against Celery's documented setup."""
    return model.project is not None and _django_loading(model) is None and _project_django_loading(model) is None


def _django_loading(model: ModuleModel) -> str | bool | None:
    """How an app of the module loads Django's settings: "line N" without a namespace, False with
    one (or ``Celery(namespace=...)``), None when the module shows no app loading them."""
    found = None
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if model.is_app_class(func):
            if any(k.arg in ("namespace", None) for k in call.keywords):
                return False
        elif isinstance(func, ast.Attribute) and func.attr == "config_from_object" and call.args \
                and model.is_app(func.value):
            given = call.args[0]
            target = given.value if isinstance(given, ast.Constant) else model.resolve(given)
            if target in DJANGO_SETTINGS_OBJECTS:
                if call.keywords or len(call.args) > 3:
                    return False
                found = found or f"line {call.lineno}"
    return found


def groups(items: list[ConfigItem]) -> list[list[ConfigItem]]:
    """The configs among ``items`` (e.g. ``model.config``): items by group, in source order."""
    out: dict[int, list[ConfigItem]] = {}
    for item in items:
        out.setdefault(id(item.group), []).append(item)
    return list(out.values())


def last(items: list[ConfigItem], key: str) -> ConfigItem | None:
    """The item of a config that sets ``key`` last."""
    found = None
    for item in items:
        if item.key == key:
            found = item
    return found


def is_conf(model: ModuleModel, expr: ast.AST) -> bool:
    """Is ``expr`` the ``conf`` of a Celery app (``app.conf``, ``current_app.conf``, and in test
    modules ``celery_app.conf`` of a test's or fixture's parameter named like an app)?"""
    return isinstance(expr, ast.Attribute) and expr.attr == "conf" and (
        model.is_app(expr.value) or _app_parameter(model, expr.value)
    )


def _app_parameter(model: ModuleModel, expr: ast.AST) -> bool:
    """A parameter named like an app (the ``app-names`` setting) in a test module: the app a
    fixture gives a test (Celery's pytest plugin: ``celery_app``)."""
    if not isinstance(expr, ast.Name) or expr.id not in model.settings.app_names or not model.is_test_module():
        return False
    bindings = model.lookup(expr.id, expr)
    return bool(bindings) and all(b.kind is BindingKind.PARAM for b in bindings)


def dict_items(model: ModuleModel, expr: ast.AST) -> Iterator[tuple[str | None, ast.AST, ast.AST | None]]:
    """(key, node to report, value) of a mapping written in the module.

    Accepts a dict display, ``dict(...)``, and a name bound once to one of them and never
    changed; ``**spreads`` are followed the same way.  What cannot be seen is yielded as
    ``(None, expr, None)``.
    """
    yield from _dict_items(model, expr, 0)


def _dict_items(model: ModuleModel, expr: ast.AST, depth: int) -> Iterator:
    if depth > MAX_DEPTH:
        yield None, expr, None
        return
    if isinstance(expr, ast.Dict):
        for k, v in zip(expr.keys, expr.values):
            if k is None:
                yield from _dict_items(model, v, depth + 1)
            elif isinstance(k, ast.Constant) and isinstance(k.value, str):
                yield k.value, k, v
            else:
                yield None, k, None
    elif _is_dict_call(model, expr):
        for arg in expr.args:
            yield from _dict_items(model, arg, depth + 1)
        for kw in expr.keywords:
            if kw.arg is None:
                yield from _dict_items(model, kw.value, depth + 1)
            else:
                yield kw.arg, kw, kw.value
    else:
        value = name_value(model, expr)
        if value is not None and (isinstance(value, ast.Dict) or _is_dict_call(model, value)):
            yield from _dict_items(model, value, depth + 1)
        else:
            yield None, expr, None


def _is_dict_call(model: ModuleModel, expr: ast.AST) -> bool:
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id == "dict"
        and not model.lookup("dict", expr.func)
    )


def name_value(model: ModuleModel, expr: ast.AST) -> ast.expr | None:
    """The value of a name bound exactly once by a plain assignment and never mutated."""
    binding = _only_assignment(model, expr)
    if binding is None or expr.id in model.mutated_names:
        return None
    return binding.value


def _only_assignment(model: ModuleModel, expr: ast.AST):
    """The binding of a name bound exactly once in its scope, by ``name = value``."""
    if not isinstance(expr, ast.Name):
        return None
    bindings = model.lookup(expr.id, expr)
    if len(bindings) != 1:
        return None
    b = bindings[0]
    if b.kind is not BindingKind.ASSIGN or b.index is not None or not isinstance(b.node, (ast.Assign, ast.AnnAssign)):
        return None
    return b


class _Collector:
    """Appends the ConfigItems of one module to ``model.config``."""

    def __init__(self, model: ModuleModel):
        self.model = model
        self.out = model.config
        self.classes: set[int] = set()  # config classes already collected

    def add(self, raw: str, value, node, group, style: ConfigStyle, source: ConfigSource,
            name: str | None = None, namespaced: bool = True) -> None:
        key, old = setting_key(name or raw, style, namespaced)
        self.out.append(ConfigItem(raw, key, value, node, group, style, source, old))

    def unseen(self, node, group, style: ConfigStyle, source: ConfigSource) -> None:
        self.out.append(ConfigItem(UNSEEN, None, node, node, group, style, source, False))

    def mapping(self, expr, group, style: ConfigStyle, source: ConfigSource, namespaced: bool = True) -> None:
        for raw, node, value in dict_items(self.model, expr):
            if raw is None:
                self.unseen(node, group, style, source)
            else:
                self.add(raw, value, node, group, style, source, namespaced=namespaced)

    def keywords(self, call: ast.Call, group, style: ConfigStyle, source: ConfigSource, accept=None) -> None:
        for kw in call.keywords:
            if kw.arg is None:
                self.mapping(kw.value, group, style, source)
            elif accept is None or accept(kw.arg):
                self.add(kw.arg, kw.value, kw, group, style, source)

    # -- the forms ------------------------------------------------------------------
    def celery_call(self, call: ast.Call) -> None:
        for kw in call.keywords:
            if kw.arg is None:
                self.mapping(kw.value, call, ConfigStyle.CELERY, ConfigSource.CELERY)
            elif kw.arg == "changes":
                self.mapping(kw.value, call, ConfigStyle.CELERY, ConfigSource.CELERY)
            elif kw.arg == "config_source":
                self.config_object(kw.value, ConfigStyle.CELERY, call)
            elif kw.arg in CELERY_INIT_RENAMES:
                self.add(kw.arg, kw.value, kw, call, ConfigStyle.CELERY, ConfigSource.CELERY,
                         CELERY_INIT_RENAMES[kw.arg])
            elif kw.arg not in CELERY_INIT_PARAMS:
                self.add(kw.arg, kw.value, kw, call, ConfigStyle.CELERY, ConfigSource.CELERY)

    def conf_update(self, call: ast.Call) -> None:
        for arg in call.args:
            self.mapping(arg, call, ConfigStyle.CELERY, ConfigSource.UPDATE)
        self.keywords(call, call, ConfigStyle.CELERY, ConfigSource.UPDATE)

    def config_from_object(self, call: ast.Call) -> None:
        if not call.args:
            return
        style = ConfigStyle.CELERY
        for kw in call.keywords:
            if kw.arg == "namespace" and isinstance(kw.value, ast.Constant) and kw.value.value:
                style = ConfigStyle.DJANGO
        self.config_object(call.args[0], style, call)

    def config_object(self, obj: ast.AST, style: ConfigStyle, call: ast.Call) -> None:
        """A dict or a class of this module given as configuration (read without a namespace
        unless ``style`` is DJANGO: ``namespace=`` given)."""
        namespaced = style is ConfigStyle.DJANGO
        if isinstance(obj, ast.Name):
            info = self.model.local_class(obj)
            if info is not None:
                self.config_class(info, style, namespaced)
                return
            value = name_value(self.model, obj)
            if value is not None and not isinstance(value, ast.Constant):
                self.mapping(value, value, style, ConfigSource.OBJECT, namespaced)
        elif isinstance(obj, ast.Dict) or _is_dict_call(self.model, obj):
            self.mapping(obj, call, style, ConfigSource.OBJECT, namespaced)

    def config_class(self, info, style: ConfigStyle, namespaced: bool = True) -> None:
        if id(info.node) in self.classes:
            return
        self.classes.add(id(info.node))
        group = info.node
        seen = set()
        while info is not None and id(info) not in seen:
            seen.add(id(info))
            for name, value in info.attrs.items():
                if name.startswith("_"):
                    continue
                stmt = info.attr_nodes[name]
                target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
                self.add(name, value, target, group, style, ConfigSource.OBJECT, namespaced=namespaced)
            base = self.model.local_base(info)
            others = [b for b in info.node.bases if not (isinstance(b, ast.Name) and b.id == "object")]
            if base is None and others:
                self.unseen(others[0], group, style, ConfigSource.OBJECT)
            info = base

    def override(self, call: ast.Call) -> None:
        self.keywords(call, call, ConfigStyle.DJANGO, ConfigSource.OVERRIDE,
                      accept=lambda name: name.startswith(CONFIG_PREFIXES))

    def pytest_fixture(self, func: ast.FunctionDef) -> None:
        for node in ast.walk(func):
            if isinstance(node, ast.Return) and node.value is not None:
                group = node.value
                self.mapping(node.value, group, ConfigStyle.CELERY, ConfigSource.PYTEST)

    def flask_config(self, call: ast.Call) -> None:
        """``app.config.from_mapping(CELERY=dict(...))`` (Flask's Celery pattern)."""
        for kw in call.keywords:
            if kw.arg == "CELERY":
                self.mapping(kw.value, kw.value, ConfigStyle.CELERY, ConfigSource.FLASK)
        for arg in call.args:
            if isinstance(arg, ast.Dict):
                for k, v in zip(arg.keys, arg.values):
                    if isinstance(k, ast.Constant) and k.value == "CELERY":
                        self.mapping(v, v, ConfigStyle.CELERY, ConfigSource.FLASK)

    def module_level(self, creates_app: bool) -> None:
        """Settings and celeryconfig modules: module-level names are the config."""
        model = self.model
        celeryconfig = is_celeryconfig_module(model.filename)
        if not (celeryconfig or is_settings_module(model.filename)):
            if model.is_test_module() or model.tasks or creates_app:
                return
        if not celeryconfig and _imports_django_settings(model):
            # a reusable app's own settings module (``CELERY_SOFT_TIME_LIMIT = getattr(settings,
            # "MYAPP_...", 30)``): it reads Django's settings, so it is none itself; its names are its own
            return
        # In a project without Django whose apps load their config from a module without a
        # namespace (``config_from_envvar`` takes none; ``config_from_object("proj.config")``), a
        # config module not named like Django settings is read as a celeryconfig is: BROKER_URL's
        # new name is broker_url, not CELERY_BROKER_URL.  (A Flask app may load its config with
        # namespace="CELERY": not plain.)
        project = model.project
        plain = celeryconfig or (
            project is not None and project.uses_django is False and project.config_read_plain
            and not is_settings_module(model.filename) and not model.uses_django and _django_loading(model) is None)
        tree = model.tree
        found = False
        star_imports = []
        for stmt in module_statements(tree.body):
            if isinstance(stmt, ast.ImportFrom):
                if any(alias.name == "*" for alias in stmt.names):
                    star_imports.append(stmt)
                continue
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
                if raw.startswith(CONFIG_PREFIXES) or (plain and raw.isupper() and raw in OLD_TO_NEW):
                    # a celeryconfig module is read without a namespace: CELERY_RESULT_BACKEND is old there
                    self.add(raw, value, target, tree, ConfigStyle.CELERY if plain and not celeryconfig
                             else ConfigStyle.DJANGO, ConfigSource.MODULE, namespaced=not plain)
                    found = True
                elif celeryconfig and raw.islower() and not raw.startswith("_"):
                    self.add(raw, value, target, tree, ConfigStyle.CELERY, ConfigSource.MODULE)
                    found = True
        if found:  # settings the module imports with * are part of its config
            for stmt in star_imports:
                self.unseen(stmt, tree, ConfigStyle.DJANGO, ConfigSource.MODULE)


def _imports_django_settings(model: ModuleModel) -> bool:
    """Does the module import Django's settings object at module level (``from django.conf import
    settings``)?  A Django settings module never does: Django builds that object from it."""
    return any(isinstance(stmt, ast.ImportFrom) and stmt.module == "django.conf" and not stmt.level
               and any(alias.name == "settings" for alias in stmt.names)
               for stmt in module_statements(model.tree.body))


def module_statements(body: list) -> Iterator[ast.stmt]:
    """Module-level statements, also inside top-level if / try / with blocks."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from module_statements(stmt.body)
            yield from module_statements(stmt.orelse)
        elif isinstance(stmt, TRY_TYPES):
            for block in (stmt.body, stmt.orelse, stmt.finalbody):
                yield from module_statements(block)
            for handler in stmt.handlers:
                yield from module_statements(handler.body)
        elif isinstance(stmt, ast.With):
            yield from module_statements(stmt.body)
        else:
            yield stmt


def _runs(model: ModuleModel, members: list[ast.stmt]) -> dict[int, ast.stmt]:
    """For each member statement, the first statement of its run of consecutive members in
    its block (consecutive ``app.conf.x = ...`` statements form one config)."""
    ids = {id(stmt) for stmt in members}
    first: dict[int, ast.stmt] = {}
    blocks_done: set[int] = set()
    for stmt in members:
        parent = model.parent(stmt)
        if parent is None or id(parent) in blocks_done:
            continue
        blocks_done.add(id(parent))
        for field in ("body", "orelse", "finalbody"):
            body = getattr(parent, field, None)
            if not isinstance(body, list):
                continue
            start = None
            for sibling in body:
                if id(sibling) in ids:
                    start = start or sibling
                    first[id(sibling)] = start
                else:
                    start = None
    return first


def _is_celery_config_fixture(model: ModuleModel, func: ast.AST) -> bool:
    """``def celery_config()`` decorated as a pytest fixture (Celery's pytest plugin)."""
    if not isinstance(func, ast.FunctionDef) or func.name != "celery_config":
        return False
    for dec in func.decorator_list:
        core = dec.func if isinstance(dec, ast.Call) else dec
        q = model.resolve(core)
        if q in ("pytest.fixture", "pytest_asyncio.fixture"):
            return True
    return False


def collect_config(model: ModuleModel) -> None:
    collector = _Collector(model)
    creates_app = False
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if model.is_app_class(func):
            creates_app = True
            collector.celery_call(call)
        elif not isinstance(func, ast.Attribute):
            if isinstance(func, ast.Name) and model.resolve(func) == "django.test.override_settings":
                collector.override(call)
        elif func.attr == "update" and is_conf(model, func.value):
            collector.conf_update(call)
        elif func.attr == "add_defaults" and model.is_app(func.value) and len(call.args) == 1:
            # app.add_defaults(d): the lowest layer of the app's config, in effect unless overridden
            collector.mapping(call.args[0], call, ConfigStyle.CELERY, ConfigSource.UPDATE)
        elif func.attr == "config_from_object" and model.is_app(func.value):
            collector.config_from_object(call)
        elif model.resolve(func) == "django.test.override_settings":
            collector.override(call)
        elif func.attr == "settings" and isinstance(func.value, ast.Name) and func.value.id == "self" \
                and any(kw.arg and kw.arg.startswith(CONFIG_PREFIXES) for kw in call.keywords):
            collector.override(call)  # django.test.SimpleTestCase.settings(...)
        elif func.attr in ("from_mapping", "update") and isinstance(func.value, ast.Attribute) \
                and func.value.attr == "config":
            collector.flask_config(call)

    conf_assigns, fixture_assigns = [], []
    for stmt in model.nodes.get(ast.Assign, ()):
        for target in stmt.targets:
            if _flask_celery_target(target):
                collector.mapping(stmt.value, stmt.value, ConfigStyle.CELERY, ConfigSource.FLASK)
            elif _conf_target(model, target) is not None:
                conf_assigns.append(stmt)
                break
            elif _settings_fixture_target(model, target) is not None:
                fixture_assigns.append(stmt)
                break
    blocks = (
        (conf_assigns, ConfigStyle.CELERY, ConfigSource.CONF, _conf_target),
        (fixture_assigns, ConfigStyle.DJANGO, ConfigSource.FIXTURE, _settings_fixture_target),
    )
    for stmts, style, source, name_of in blocks:
        runs = _runs(model, stmts)
        for stmt in stmts:
            for target in stmt.targets:
                raw = name_of(model, target)
                if raw is not None:
                    collector.add(raw, stmt.value, target, runs.get(id(stmt), stmt), style, source)

    for func in model.nodes.get(ast.FunctionDef, ()):
        if _is_celery_config_fixture(model, func):
            collector.pytest_fixture(func)

    for info in model.classes.values():
        if _is_config_class(info):
            collector.config_class(info, ConfigStyle.CELERY)
    collector.module_level(creates_app)
    _join_app_configs(model)


# Config sources layered on the project's settings, which the module does not show.
_LAYERED_SOURCES = (ConfigSource.OVERRIDE, ConfigSource.FIXTURE)
# Sources whose config belongs to one app object.
_APP_SOURCES = (ConfigSource.CELERY, ConfigSource.CONF, ConfigSource.UPDATE)
# Calls on an app that load configuration from somewhere else.
_LOADERS = frozenset({"config_from_object", "config_from_envvar", "config_from_cmdline", "add_defaults"})


def _join_app_configs(model: ModuleModel) -> None:
    """Ties the configs of an app created in this module together (``ConfigItem.app``), and
    marks as partial a config that builds on more than the module shows: an app made
    elsewhere, settings that ``override_settings`` layers on, ``config_from_object``."""
    partial = model.partial_configs  # ids of groups and app statements
    for item in model.config:
        if item.source in _LAYERED_SOURCES:
            partial.add(id(item.group))
        elif item.source in _APP_SOURCES:
            item.app = _app_creation(model, item)
            if item.app is None and item.source is not ConfigSource.CELERY:
                partial.add(id(item.group))
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _LOADERS:
            creation = _created_app(model, func.value.value if is_conf(model, func.value) else func.value)
            if creation is not None:
                partial.add(id(creation))
        elif any(kw.arg == "config_source" for kw in call.keywords) and model.is_app_class(func):
            partial.update({id(call), id(_assigned_app(model, call) or call)})


def is_partial(model: ModuleModel, items: list[ConfigItem]) -> bool:
    """Does a config hold, or build on, a part the module does not show (an UNSEEN item, an app
    made elsewhere, settings that ``override_settings`` changes, ``config_from_object``)?"""
    partial = model.partial_configs
    return any(
        item.unseen or id(item.group) in partial or (item.app is not None and id(item.app) in partial)
        for item in items
    )


def app_config(model: ModuleModel, items: list[ConfigItem]) -> list[ConfigItem]:
    """A config with the rest of its app's configuration in this module (other calls and
    statements on the same ``app = Celery(...)``)."""
    apps = {id(item.app) for item in items if item.app is not None}
    if not apps:
        return items
    ids = {id(item) for item in items}
    return items + [i for i in model.config if i.app is not None and id(i.app) in apps and id(i) not in ids]


def may_be_set_elsewhere(model: ModuleModel, items: list[ConfigItem], key: str, fine: Callable) -> bool:
    """For a config that does not set ``key``: may the app's configuration still set it to a
    value ``fine`` accepts, in another call on the same app or in a part the module does not show?"""
    scope = app_config(model, items)
    return is_partial(model, scope) or any(i.key == key and fine(i.value) for i in scope)


def _app_creation(model: ModuleModel, item: ConfigItem) -> ast.stmt | None:
    """The ``app = Celery(...)`` statement of the app an item configures, if in this module."""
    if item.source is ConfigSource.CELERY:
        return _assigned_app(model, item.group)
    return _created_app(model, conf_app(item))


def conf_app(item: ConfigItem) -> ast.AST:
    """The app expression of an item written on an app (source CONF or UPDATE): ``app`` of
    ``app.conf.x = ...`` / ``app.conf["x"] = ...``, ``app.conf.update(...)``, ``app.add_defaults(...)``."""
    if item.source is ConfigSource.CONF:
        return item.node.value.value
    func = item.group.func
    return func.value if func.attr == "add_defaults" else func.value.value


def _assigned_app(model: ModuleModel, call: ast.AST) -> ast.stmt | None:
    """The statement ``app = Celery(...)`` when ``call`` is its value."""
    parent = model.parent(call)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent
    if isinstance(parent, ast.AnnAssign) and isinstance(parent.target, ast.Name):
        return parent
    return None


def _created_app(model: ModuleModel, expr: ast.AST) -> ast.stmt | None:
    """The statement that creates the app ``expr`` names, when it is one ``name = Celery(...)``
    of this module (the name bound nowhere else in its scope)."""
    b = _only_assignment(model, expr)
    if b is None or not isinstance(b.value, ast.Call):
        return None
    return b.node if model.is_app_class(b.value.func) else None


def _is_config_class(info) -> bool:
    """A class named like ``CeleryConfig`` that sets Celery settings (Superset's pattern:
    handed to ``config_from_object`` in another module)."""
    name = info.name.lower()
    if "celery" not in name or not any(word in name for word in ("config", "conf", "settings")):
        return False
    return sum(1 for attr in info.attrs if attr in SETTINGS) >= 2


def _flask_celery_target(target: ast.AST) -> bool:
    """``app.config["CELERY"]`` (Flask's documented home of the Celery config)."""
    return (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "config"
        and isinstance(target.slice, ast.Constant)
        and target.slice.value == "CELERY"
    )


def _conf_target(model: ModuleModel, target: ast.AST) -> str | None:
    """``app.conf.x`` or ``app.conf['x']`` as an assignment target: the setting name."""
    if isinstance(target, ast.Attribute) and is_conf(model, target.value):
        return target.attr
    if (
        isinstance(target, ast.Subscript)
        and is_conf(model, target.value)
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
    if not target.attr.startswith(CONFIG_PREFIXES):
        return None
    name = target.value
    if name.id != "settings" and model.resolve(name) != "django.conf.settings":
        return None
    for b in model.lookup(name.id, name):
        if b.kind is BindingKind.PARAM or (b.kind is BindingKind.IMPORT and b.value == "django.conf.settings"):
            return target.attr
    return None
