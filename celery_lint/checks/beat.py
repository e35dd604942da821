"""Periodic tasks: beat_schedule entries and add_periodic_task (CEL606, CEL608)."""
from __future__ import annotations

import ast

from ..celery_data import BEAT_ENTRY_KEYS, EXECUTION_OPTIONS
from ..config import dict_items, name_value
from ..engine import Context, on, on_module
from ..fixes import Source, edit, fixer, inert, insert, remove_item
from ..model import ModuleModel, is_const
from ..rule import Rule
from ..schedules import schedule_entries
from ..spelling import close_matches

_REF_BEAT = ("Celery user guide, Periodic Tasks: Entries (docs/userguide/periodic-tasks.rst#entries)",
             "Celery user guide, Periodic Tasks: Available Fields (docs/userguide/periodic-tasks.rst#available-fields)")


@fixer(safe=True, description=(
    'adds the missing comma of `"args": ("x")`; moves a top-level execution option (`expires`, `queue`, '
    '...) of a dict entry into its `"options"` dict'))
def _fix_beat_entry(node: ast.AST, model: ModuleModel):
    source: Source = model.source
    parent = model.parent(node)
    if isinstance(node, ast.Constant) and isinstance(parent, ast.Dict) and any(k is node for k in parent.keys):
        return _move_into_options(source, parent, node)
    if isinstance(parent, ast.keyword) and parent.arg == "args" or \
            isinstance(parent, ast.Dict) and any(is_const(k, "args") and v is node
                                                 for k, v in zip(parent.keys, parent.values)):
        if not isinstance(node, ast.Constant) or node.value is None:
            return None
        before = source.text[:source.offset(source.start(node))].rstrip()
        after = source.text[source.offset(source.end(node)):].lstrip(" \t")
        if before.endswith("(") and after.startswith(")"):
            return [insert(source.end(node), ",")]  # ("x") -> ("x",)
    return None


def _move_into_options(source: Source, entry: ast.Dict, key: ast.Constant):
    """``{"task": ..., "expires": 60}`` -> ``{"task": ..., "options": {"expires": 60}}``."""
    if key.value not in EXECUTION_OPTIONS or any(k is None for k in entry.keys):
        return None
    index = next(i for i, k in enumerate(entry.keys) if k is key)
    value = entry.values[index]
    options = [v for k, v in zip(entry.keys, entry.values) if is_const(k, "options")]
    quote = source.segment(key)[:1]
    moved = f"{source.segment(key)}: {source.segment(value)}"
    if "#" in moved or quote not in ("'", '"'):
        return None
    if not options:
        misplaced = [k for k in entry.keys if isinstance(k, ast.Constant) and k.value in EXECUTION_OPTIONS]
        if misplaced[0] is not key:
            return None  # the first misplaced key makes the options dict; the others follow next pass
        return [edit(source.start(key), source.end(value), f"{quote}options{quote}: {{{moved}}}")]
    target = options[0]
    if len(options) > 1 or not isinstance(target, ast.Dict) or \
            any(k is None or is_const(k, key.value) for k in target.keys):
        return None  # an options dict we cannot see into, or one that sets the key already
    if not inert(value):
        return None  # it would be evaluated at another moment
    spans = [(source.start(k), source.end(v)) for k, v in zip(entry.keys, entry.values)]
    removed = remove_item(source, spans, index)
    if removed is None:
        return None
    if target.keys:
        added = insert(source.start(target.keys[0]), f"{moved}, ")
    else:
        added = edit(source.start(target), source.end(target), f"{{{moved}}}")
    return [removed, added]


CEL606 = Rule(
    code="CEL606",
    symbol="celery-beat-entry-invalid",
    msgid="E7866",
    message="beat_schedule entry '{entry}' {problem}, so celery beat fails to load or to send it; {fix}",
    summary="Give beat_schedule entries only the fields beat knows, with args a list or tuple and kwargs a dict",
    what="Checks each entry of `beat_schedule` (`app.conf.beat_schedule`, Django's `CELERY_BEAT_SCHEDULE`, "
         "a `celeryconfig` module): keys beat does not know (valid: `task`, `schedule`, `args`, `kwargs`, "
         "`options`, `relative`; `expires` and `queue` belong under `options`), `args` that is not a list "
         "or tuple (`(\"x\")` is a string), `kwargs` that is not a dict. Unknown keys are not reported "
         "when beat may run another scheduler, which takes fields of its own (django-celery-beat's "
         "DatabaseScheduler stores them as PeriodicTask fields): when the module sets `beat_scheduler` "
         "to one, when the module derives a class from Celery's `Scheduler`, `PersistentScheduler` or "
         "`ScheduleEntry` or another module of the project imports them, when the project's Django "
         "settings set `CELERY_BEAT_SCHEDULER` or install `django_celery_beat`, and when the app loads "
         "its config from an object the module does not show (`config_from_object(\"django.conf:settings\", "
         "namespace=\"CELERY\")`, a module's name, `config_from_envvar`, `Celery(config_source=...)`) "
         "and the module does not set `beat_scheduler` itself.",
    why="Beat builds a `ScheduleEntry(**entry)` from each entry: an unknown key is a `TypeError` at "
        "start-up. A string as `args` is split into characters or rejected when the task is sent, on "
        "every tick.",
    example="""\
from celery import Celery

app = Celery("proj")
app.conf.beat_schedule = {
    "cleanup": {
        "task": "proj.tasks.cleanup",
        "schedule": 3600.0,
        "args": ("sessions"),
        "expires": 600,
    },
}
""",
    instead="""\
from celery import Celery

app = Celery("proj")
app.conf.beat_schedule = {
    "cleanup": {
        "task": "proj.tasks.cleanup",
        "schedule": 3600.0,
        "args": ("sessions",),
        "options": {"expires": 600},
    },
}
""",
    references=_REF_BEAT,
    options=("app_names",),
    fix=_fix_beat_entry,
)


CEL608 = Rule(
    code="CEL608",
    symbol="celery-periodic-without-expires",
    msgid="W7868",
    message="periodic task '{entry}' has no expires option, so after an outage the missed runs all "
            "execute at once; {fix}",
    summary="Let periodic tasks expire before their next run",
    default=False,
    what="Finds `beat_schedule` entries without `options={\"expires\": ...}` and `add_periodic_task(...)` "
         "calls without `expires=`. Test code is left alone: its schedules never run in a beat that "
         "outlives an outage.",
    why="Beat keeps sending while workers are down or busy. When they come back, the queue holds every "
        "missed run and they all execute in a burst, long after they mattered. An `expires` shorter "
        "than the interval drops the stale ones.",
    example="""\
from celery import Celery

app = Celery("proj")
app.conf.beat_schedule = {
    "refresh-rates": {"task": "proj.tasks.refresh_rates", "schedule": 300.0},
}
""",
    instead="""\
from celery import Celery

app = Celery("proj")
app.conf.beat_schedule = {
    "refresh-rates": {"task": "proj.tasks.refresh_rates", "schedule": 300.0, "options": {"expires": 240}},
}
""",
    references=(*_REF_BEAT, "Celery user guide, Calling Tasks: Expiration (docs/userguide/calling.rst#expiration)"),
    options=("app_names",),
)

_ENTRY_KEYS = "task, schedule, args, kwargs, options, relative"
# Option names that make an entry expire: Celery's, and django-celery-beat's field.
_EXPIRES = frozenset({"expires", "expire_seconds"})
_NOT_ARGS = (ast.Constant, ast.JoinedStr, ast.Dict, ast.Set, ast.DictComp, ast.SetComp, ast.GeneratorExp)
_NOT_KWARGS = (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Set, ast.ListComp, ast.SetComp,
               ast.GeneratorExp)
_TYPE_NAMES = {
    ast.Dict: "a dict", ast.DictComp: "a dict", ast.Set: "a set", ast.SetComp: "a set",
    ast.GeneratorExp: "a generator", ast.List: "a list", ast.ListComp: "a list", ast.Tuple: "a tuple",
    ast.JoinedStr: "a str",
}
_CONSTANT_NAMES = {str: "a str", bytes: "bytes", int: "a number", float: "a number", complex: "a number",
                   bool: "a bool"}


def _describe(expr: ast.AST) -> str:
    if isinstance(expr, ast.Constant):
        return _CONSTANT_NAMES.get(type(expr.value), "a constant")
    return _TYPE_NAMES.get(type(expr), "no tuple")


def _bad_value(model: ModuleModel, value: ast.AST, bad: tuple) -> ast.AST | None:
    """The value when it is evidently of a wrong type (None is allowed: beat uses a default)."""
    resolved = name_value(model, value) if isinstance(value, ast.Name) else value
    if resolved is None or not isinstance(resolved, bad):
        return None
    if isinstance(resolved, ast.Constant) and resolved.value is None:
        return None
    return resolved


#: Celery's scheduler and entry classes: a project that derives its own may give beat entries
#: fields of its own (tenant-schemas-celery's ``tenant_schemas``).
_SCHEDULER_CLASSES = frozenset({"celery.beat.Scheduler", "celery.beat.PersistentScheduler",
                                "celery.beat.ScheduleEntry"})
#: Calls on an app that load its config from an object (``config_source=`` of ``Celery()`` too).
_CONFIG_LOADERS = frozenset({"config_from_object", "config_from_envvar"})


def custom_scheduler(model: ModuleModel, project=None) -> bool:
    """May beat run the module's schedule with a scheduler other than Celery's own?

    Other schedulers take entry fields Celery's does not know: django-celery-beat's
    DatabaseScheduler stores extra keys as fields of its PeriodicTask model, a project's own
    scheduler may consume keys of its own.  Yes when the module's config names another
    scheduler, when the module derives a scheduler or entry class from Celery's or another
    module of the project imports those (the index knows a module's imports, not its classes),
    when the project's Django settings choose a scheduler or install django-celery-beat, and
    when the module's app loads its config from an object the module does not show (which may
    name one), unless the module sets ``beat_scheduler`` itself.
    """
    schedulers = [item.value for item in model.config if item.key == "beat_scheduler"]
    if any(not _celery_scheduler(value) for value in schedulers):
        return True
    if _defines_scheduler(model) or (project is not None and project.memo("beat.scheduler", _project_scheduler)):
        return True
    return not schedulers and _config_from_elsewhere(model)


def _celery_scheduler(value: ast.AST) -> bool:
    return isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.startswith("celery.beat")


def _defines_scheduler(model: ModuleModel) -> bool:
    """Does a class of the module derive from Celery's Scheduler, PersistentScheduler or
    ScheduleEntry (``class S(beat.Scheduler)`` after ``from celery import beat``)?"""
    return any(model.resolve(base) in _SCHEDULER_CLASSES for node in model.classes for base in node.bases)


def _project_scheduler(project) -> bool:
    """Does another module of the project (test code aside) import Celery's scheduler classes
    (or ``celery.beat`` as a whole), or do its Django settings set ``CELERY_BEAT_SCHEDULER`` or
    install django-celery-beat (whose scheduler is often chosen on beat's command line)?"""
    for summary in project.summaries.values():
        if summary.get("test"):
            continue
        imports = summary.get("imports", ())
        if any(name in _SCHEDULER_CLASSES for name in imports) or (
                "celery.beat" in imports and not any(name.startswith("celery.beat.") for name in imports)):
            return True
        django = summary.get("django") or {}
        if "CELERY_BEAT_SCHEDULER" in django.get("celery_names", ()) or any(
                app == "django_celery_beat" or app.startswith("django_celery_beat.")
                for app in django.get("installed_apps") or ()):
            return True
    return False


def _config_from_elsewhere(model: ModuleModel) -> bool:
    """Does an app of the module load config from an object the module does not show
    (``config_from_object("django.conf:settings", namespace="CELERY")``, a module's name,
    ``config_from_envvar``, ``Celery(config_source=...)``)?"""
    for call in model.nodes.get(ast.Call, ()):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _CONFIG_LOADERS and model.is_app(func.value):
            if func.attr == "config_from_envvar":
                return True
            given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "obj"), None)
            if given is not None and not _shown(model, given):
                return True
        elif any(k.arg == "config_source" for k in call.keywords) and model.is_app_class(func):
            given = next(k.value for k in call.keywords if k.arg == "config_source")
            if not _shown(model, given):
                return True
    return False


def _shown(model: ModuleModel, obj: ast.AST) -> bool:
    """Is a config object one the module shows: a dict, or a class or dict of the module?"""
    if isinstance(obj, ast.Name):
        if model.local_class(obj) is not None:
            return True
        obj = name_value(model, obj)
    return isinstance(obj, ast.Dict) or (
        isinstance(obj, ast.Call) and isinstance(obj.func, ast.Name) and model.is_builtin(obj.func, "dict"))


@on_module(reports=(CEL606, CEL608))
def beat_entries(ctx: Context) -> None:
    model = ctx.model
    custom = None
    for entry in schedule_entries(model):
        if custom is None:
            custom = custom_scheduler(model, ctx.project)
        has_expires: bool | None = False  # None: the module does not show it
        complete = True
        for key, node, value in entry.fields:
            if key is None:
                complete = False
            elif key not in BEAT_ENTRY_KEYS:
                if key in _EXPIRES:
                    has_expires = True  # misplaced (CEL606 says where it goes), or a scheduler's field
                if custom:
                    continue
                ctx.report(node, CEL606, entry=entry.name, problem=f"has the key '{key}' that beat does not know",
                           fix=_key_fix(key))
            elif key == "args" and _bad_value(model, value, _NOT_ARGS) is not None:
                found = _bad_value(model, value, _NOT_ARGS)
                ctx.report(value, CEL606, entry=entry.name, problem=f"gives args {_describe(found)}",
                           fix="pass a list or a tuple, e.g. args=('x',) with a trailing comma")
            elif key == "kwargs" and _bad_value(model, value, _NOT_KWARGS) is not None:
                found = _bad_value(model, value, _NOT_KWARGS)
                ctx.report(value, CEL606, entry=entry.name, problem=f"gives kwargs {_describe(found)}",
                           fix="pass a dict of keyword arguments")
            elif key == "options" and has_expires is False:
                has_expires = _sets_expires(model, value)
        if has_expires is False and complete and not model.is_test_code():  # test schedules never run in beat
            ctx.report(entry.node, CEL608, entry=entry.name,
                       fix="add options={'expires': <seconds>} to the entry, shorter than its interval")


def _key_fix(key: str) -> str:
    if key in EXECUTION_OPTIONS:
        return f"move it under options={{'{key}': ...}}"
    close = close_matches(key, sorted(BEAT_ENTRY_KEYS), n=1, cutoff=0.7)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"an entry takes only {_ENTRY_KEYS}"


def _sets_expires(model: ModuleModel, options: ast.AST) -> bool | None:
    """Does an options mapping set expires (None when the module does not show it all)?"""
    complete = True
    for key, _, _ in dict_items(model, options):
        if key in _EXPIRES:
            return True
        if key is None:
            complete = False
    return False if complete else None


@on(ast.Call, reports=(CEL608,))
def periodic_task_call(node: ast.Call, ctx: Context) -> None:
    """``app.add_periodic_task(schedule, sig, ...)`` without ``expires=``."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "add_periodic_task"):
        return
    model = ctx.model
    if not (model.mentions_celery or model.is_app(func.value)) or model.is_test_code():
        return
    if any(kw.arg is None or kw.arg == "expires" for kw in node.keywords):
        return
    sig = node.args[1] if len(node.args) > 1 else next((kw.value for kw in node.keywords if kw.arg == "sig"), None)
    if sig is None or _signature_may_expire(sig):
        return
    name = next((kw.value for kw in node.keywords if kw.arg == "name"), None)
    if isinstance(name, ast.Constant) and isinstance(name.value, str):
        label = name.value
    else:
        label = _signature_task(sig)
    ctx.report(node, CEL608, entry=label,
               fix="pass expires=<seconds> to add_periodic_task, shorter than the interval")


def _signature_may_expire(sig: ast.AST) -> bool:
    """Could the signature carry its own expires (``.set(expires=)``, ``options=``, ``**opts``)?"""
    if not isinstance(sig, ast.Call):
        return True  # a name or anything else: its options are not visible
    for node in ast.walk(sig):
        if isinstance(node, ast.keyword) and node.arg in (None, "expires", "options"):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "set":
            return True
    return False


def _signature_task(sig: ast.AST) -> str:
    if isinstance(sig, ast.Call) and isinstance(sig.func, ast.Attribute):
        target = sig.func.value
        if isinstance(target, ast.Name):
            return target.id
        if isinstance(target, ast.Attribute):
            return target.attr
    return "?"
