"""Which modules of a project a worker imports, and when (CEL904, CEL906-CEL908).

How Celery 5.7 finds task modules (``celery/app/base.py``, ``celery/loaders/base.py``,
``celery/fixups/django.py``):

- ``celery -A proj worker`` imports the app's module (and so its packages' ``__init__`` and all
  they import at module level);
- when the worker starts, ``loader.import_default_modules()`` sends ``import_modules`` (the lazy
  ``autodiscover_tasks`` calls receive it and import ``<package>.<related_name>`` of each package:
  the list given, or with none Django's app configs through the Django fixup) and then imports the
  ``imports`` and ``include`` settings' modules;
- in a Django project the fixup's ``import_modules`` receiver runs ``django.setup()`` and the system
  checks first: each installed app's package, ``apps``, ``models`` and ``admin`` (the admin's own
  autodiscovery) and the URL confs with the views they import.

:func:`discovery` puts the index's summaries together into what a worker imports (``reached``) and
what is imported with the app's module, before the app reads its config (``eager``).  It returns
None when it cannot see it all: no app or more than one, discovery arguments or a config source it
cannot read, a module it could not summarise, Django's installed apps built at run time.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from ..config import DJANGO_SETTINGS_OBJECTS

#: Modules Django imports of every installed app in a worker (``django.setup()``, the admin's
#: autodiscovery, the URL checks).
DJANGO_APP_MODULES = ("", ".apps", ".models", ".admin", ".urls", ".views")
#: Folders whose modules are no part of what a worker runs (scripts, examples, documentation).
SIDE_FOLDERS = frozenset({"scripts", "script", "bin", "examples", "example", "docs", "doc", "benchmarks",
                          "demo", "demos", "samples", "sample", "tools"})


@dataclass
class Discovery:
    """What the project's one app imports."""

    app_module: str
    app: dict  # the app's entry in its module's summary ("line", "col", "namespace")
    how: str  # how the worker finds task modules, for messages
    django: bool  # the project has Django settings
    reached: set[str] = field(default_factory=set)  # modules a worker imports
    eager: set[str] = field(default_factory=set)  # modules imported with the app's module


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _live(index, module: str) -> bool:
    summary = index.summaries.get(module)
    return summary is not None and not summary["test"]


def _closure(index, roots: set[str], lazy: bool) -> set[str] | None:
    """The project modules importing ``roots`` imports (their packages too); None when one of
    them imports a module named at run time.  ``lazy``: count imports inside functions."""
    seen: set[str] = set()
    todo = [m for m in roots if m in index.modules]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        summary = index.summaries.get(module)
        if summary is not None:
            names = list(summary["imports"])
            if lazy:
                names.extend(summary.get("lazy_imports", ()))
        else:
            names = list(index.plain_imports.get(module, ()))
        if "*" in names and lazy:
            return None
        for name in (*_parents(module), *names):
            if name in index.modules and name not in seen:
                todo.append(name)
    return seen


def _installed_packages(entries: list[str]) -> set[str]:
    """The packages of ``INSTALLED_APPS`` entries (``app.apps.XConfig``: ``app``)."""
    out = set()
    for entry in entries:
        out.add(entry)
        if ".apps." in entry:
            out.add(entry.split(".apps.")[0])
        head, _, tail = entry.rpartition(".")
        if head and tail[:1].isupper():
            out.add(head)
    return out


def _matching(index, name: str) -> set[str]:
    if any(c in name for c in "*?["):
        return {m for m in index.modules if fnmatch.fnmatchcase(m, name)}
    return {name}


def _app(index) -> tuple[str, dict] | None:
    apps = [(module, app) for module, summary in index.summaries.items() if not summary["test"]
            for app in summary.get("apps", ())]
    return apps[0] if len(apps) == 1 else None


def _settings_modules(index) -> list[tuple[str, dict]]:
    return [(m, s["django"]) for m, s in sorted(index.summaries.items())
            if s.get("django") is not None and not s["test"]]


def discovery(index) -> Discovery | None:
    """What the project's workers import (computed once per index), or None when blind."""
    cached = index.__dict__.get("_discovery", False)
    if cached is False:
        cached = index.__dict__["_discovery"] = _discover(index)
    return cached


def _discover(index) -> Discovery | None:
    if not index.complete:
        return None
    found = _app(index)
    if found is None:
        return None
    app_module, app = found
    settings_modules = _settings_modules(index)
    installed: set[str] = set()
    for _, django in settings_modules:
        if django["installed_apps"] is None:
            return None
        installed |= _installed_packages(django["installed_apps"])
    is_django = bool(settings_modules)
    roots: set[str] = {app_module}
    how: list[str] = []
    eager_roots: set[str] = {app_module, *(m for m, _ in settings_modules)}
    forced: set[str] = set()
    for module, summary in sorted(index.summaries.items()):
        if summary["test"]:
            continue
        settings = summary["settings"]
        if settings.get("include_unknown") or settings.get("imports_unknown") or summary.get("unseen_config"):
            return None
        for key in ("include", "imports"):
            for name in settings.get(key, ()):
                roots |= _matching(index, name)
            if settings.get(key):
                how.append(f"{key}={sorted(settings[key])!r} in {index.path_of(module)}")
        for source in summary.get("config_sources", ()):
            target = source["target"]
            if target is None:
                return None
            if target not in DJANGO_SETTINGS_OBJECTS and not any(
                    m in index.summaries for m in (target.split(":")[0], target.rsplit(".", 1)[0])):
                return None  # a config the index cannot read may name more modules
            if target in DJANGO_SETTINGS_OBJECTS and not settings_modules:
                return None
        for call in summary.get("discovery", ()):
            packages, related, force = call["packages"], call["related"], call["force"]
            if packages is None or related == "?" or force is None:
                return None
            if packages == "django":
                if not is_django:
                    return None
                packages = sorted(installed)
                shown = "autodiscover_tasks() (Django's INSTALLED_APPS)"
            else:
                shown = f"autodiscover_tasks({packages!r})"
            targets = {p if related is None else f"{p}.{related}" for p in packages}
            roots |= targets
            if force:
                forced |= targets
            how.append(f"{shown} at {index.path_of(module)}:{call['line']}")
    if is_django:
        roots |= {m for _, django in settings_modules for m in [django["root_urlconf"]] if m}
        roots |= {p + suffix for p in installed for suffix in DJANGO_APP_MODULES}
        roots |= {m for m in index.modules if m.rsplit(".", 1)[-1] == "urls"}
        roots |= {m for m, _ in settings_modules}
    reached = _closure(index, roots, lazy=True)
    if reached is None:
        return None
    if not how and not is_django and not any(index.summaries.get(m, {}).get("tasks") for m in reached):
        # An app that finds no task module at all: its workers are started some other way (on a
        # task module, ``celery -A proj.tasks``, whose import registers the tasks; ``--include``).
        return None
    eager = _closure(index, eager_roots | forced, lazy=False) or set()
    if any(index.summaries.get(m, {}).get("django_setup") for m in eager):
        return None  # django.setup() with the app: Django's modules are imported before the config
    return Discovery(app_module=app_module, app=app, how="; ".join(how) or "no include/imports/autodiscover_tasks",
                     django=is_django, reached=reached, eager=eager)


def is_side_module(module: str, path: str) -> bool:
    """A module of a scripts / examples / docs folder (no part of a worker)."""
    parts = path.replace("\\", "/").lower().split("/")[:-1]
    return any(part in SIDE_FOLDERS for part in parts)
