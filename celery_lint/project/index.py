"""The summaries of a whole project, its root and its module names.

The root is the nearest folder above a checked file holding one of :data:`ROOT_MARKERS` (or the
``project-root`` setting; without either, the current folder).  Module names are the names Python
(and so Celery) gives the files: the folders of packages (``__init__.py``) up to the first folder
that is none, which is on ``sys.path`` (the root, ``src/``, the folder of ``manage.py``, also when
it holds an ``__init__.py`` but the settings module manage.py names starts beside it).

Building the index walks the root once, reads the ``.py`` files, keeps those that pass the
prefilter, and summarises each (from the cache when its content was seen before).  Project task
decorators and Task bases found on the way join the settings, and the modules that name them are
summarised again with them: a task made by ``@instrumented_task`` in another module is a task.
"""
from __future__ import annotations

import ast
import logging
import os
import re
from dataclasses import replace
from functools import cached_property
from typing import Iterator, NamedTuple

from ..config import DJANGO_SETTINGS_OBJECTS
from ..frontend import NotChecked, read_bytes
from ..settings import Settings
from ..spelling import close_matches
from .summary import FORMAT, absolute, relative_module

log = logging.getLogger("celery_lint")

#: Files that mark a project's root folder.
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".flake8", ".git")
#: Folders never walked into (and any hidden folder, or one holding ``pyvenv.cfg``).
EXCLUDED_DIRS = frozenset({
    "node_modules", "__pycache__", "site-packages", "build", "dist", "venv", "env", "__pypackages__",
})
#: At most this many modules are read for one root: a folder holding more is no project (a home
#: folder, a folder of checkouts) -- the index stops there and the project rules stay silent.
MAX_FILES = 25_000
#: The same for a root that no marker shows (the current folder, for want of one): a project
#: without pyproject.toml, setup.cfg, setup.py, tox.ini, .flake8 or .git is a small one.
MAX_FILES_UNMARKED = 2_000
#: At most this many bytes of a module are read: a bigger file is generated data, not a task module.
MAX_BYTES = 4_000_000
#: Rounds of reading modules again with the project's task decorators and bases found so far.
MAX_ROUNDS = 4


def find_root(path: str, settings: Settings) -> str:
    """The project root of a checked file (absolute): the ``project-root`` setting, else the nearest
    folder above the file with a marker, else the current folder -- when the file is in it; a file
    outside it without a marker above is a project of its own folder (a script in /tmp is no
    reason to read the whole current folder)."""
    if settings.project_root:
        return os.path.abspath(settings.project_root)
    folder = os.path.dirname(os.path.abspath(path))
    root = _root_of(folder, "")
    if root:
        return root
    cwd = os.getcwd()
    inside = folder == cwd or folder.startswith(cwd.rstrip(os.sep) + os.sep)
    return cwd if inside else folder


_ROOTS: dict[tuple[str, str], str] = {}  # (folder, current folder) -> root, asked once per folder


def _root_of(folder: str, cwd: str) -> str:
    """The root of the files of a folder: the nearest folder at or above it with a marker."""
    key = (folder, cwd)
    found = _ROOTS.get(key)
    if found is not None:
        return found
    seen = []
    while True:
        seen.append(folder)
        if any(os.path.exists(os.path.join(folder, marker)) for marker in ROOT_MARKERS) \
                and not _package_setup_module(folder):  # (as _marks_root, from the folder's names)
            found = folder
            break
        parent = os.path.dirname(folder)
        if parent == folder:
            found = cwd  # no marker above: the caller decides
            break
        folder = parent
    if len(_ROOTS) < 4096:
        _ROOTS.update(((f, cwd), found) for f in seen)
    return found


def _package_setup_module(folder: str) -> bool:
    """Is the only marker of a folder a ``setup.py`` that is a module of a package (``indico/cli/
    setup.py``: a command, not a project's setup script)?"""
    return os.path.exists(os.path.join(folder, "__init__.py")) and not any(
        os.path.exists(os.path.join(folder, marker)) for marker in ROOT_MARKERS if marker != "setup.py")


def _marks_root(folder: str, dirs: list[str], files: list[str]) -> bool:
    """Does a folder hold a root marker (its own project, as :func:`find_root` sees it)?"""
    names = set(files) | {d for d in dirs if d == ".git"}
    found = [m for m in ROOT_MARKERS if m in names]
    return bool(found) and not (found == ["setup.py"] and "__init__.py" in names)


def is_marked(folder: str) -> bool:
    """Does a root marker show the folder as a project root?"""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return _marks_root(folder, names, names)


def walk(root: str) -> Iterator[tuple[str, list[str]]]:
    """(folder, its file names) of every folder under the root worth reading.  A folder below the
    root with a marker of its own is another project (its files have that folder as their root):
    it is not walked."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        if folder != root and _marks_root(folder, dirs, files):
            dirs[:] = []
            continue
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and d not in EXCLUDED_DIRS and not d.endswith(".egg-info")
            and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))
        )
        yield folder, sorted(files)


def module_name(path: str, packages: set[str] | None = None) -> tuple[str, bool]:
    """(the module's dotted name, is it a package's ``__init__``?) of a ``.py`` file."""
    folder, file = os.path.split(os.path.abspath(path))
    stem = file[:-3] if file.endswith(".py") else file
    package = stem == "__init__"
    parts = [] if package else [stem]
    while (folder in packages) if packages is not None else os.path.exists(os.path.join(folder, "__init__.py")):
        parts.append(os.path.basename(folder))
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return ".".join(reversed(parts)), package


class Queues(NamedTuple):
    """The queues a project's workers consume, the default queue(s), and what shows it."""

    consumed: frozenset[str]
    default: frozenset[str]
    source: str  # "task_queues", or "the workers of Procfile:1, ..."


class ProjectIndex:
    """What the modules of one project say together (built by :func:`build_index`)."""

    def __init__(self, root: str, settings: Settings):
        self.root = root
        self.settings = settings  # the user's, with the project's task decorators and bases
        self.summaries: dict[str, dict] = {}  # module name -> summary
        self.paths: dict[str, str] = {}  # module name -> path relative to the root ('/' separators)
        self.modules: set[str] = set()  # every module and package of the project, Celery or not
        self.files: dict[str, tuple[str, bool]] = {}  # absolute path -> (module name, is a package)
        self.complete = True  # every Celery module was read and summarised
        # dotted names assigned Celery's task decorator (``proj.celery.nautobot_task``) -> it
        self.decorator_aliases: dict[str, str] = {}
        # dotted names bound to a Celery app at module level (``proj.ext.cel``): imported, an app
        self.app_objects: set[str] = set()
        # modules that are not Celery modules -> what they import, read from their text (any
        # scope; more than they import, never less) when a rule first asks: how task modules are reached
        self.plain_imports = PlainImports()
        self._plain_classes: dict[tuple[str, str], bool] = {}
        self._tasks_by_name: dict[str, list[tuple[str, dict]]] | None = None
        self._memo: dict[str, object] = {}
        self._bases_known: dict[str, bool] = {}

    # -- lookups ---------------------------------------------------------------------------
    def memo(self, key: str, compute):
        """``compute(self)``, worked out once per index: what a rule gathers from every summary
        (the index does not change once built), instead of once per checked module."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return self._memo[key]

    @property
    def tasks_by_name(self) -> dict[str, list[tuple[str, dict]]]:
        """Registered name -> [(module, task)] of every task whose name is known."""
        if self._tasks_by_name is None:
            found: dict[str, list[tuple[str, dict]]] = {}
            for module, summary in sorted(self.summaries.items(), key=lambda m: self.paths.get(m[0], "")):
                for task in summary["tasks"]:
                    if task["name"] is not None:
                        found.setdefault(task["name"], []).append((module, task))
            self._tasks_by_name = found
        return self._tasks_by_name

    @cached_property
    def names_known(self) -> bool:
        """Is the name of every task of the project known (and every module read)?  Asked by every
        checked module: worked out once (the index does not change once built)."""
        return self.complete and all(
            task["name"] is not None
            for summary in self.summaries.values() if not summary["test"]
            for task in summary["tasks"]
        )

    def task(self, qualname: str) -> tuple[str, dict] | None:
        """(module, task) of the module-level task a dotted import path names
        (``proj.tasks.send`` for ``send`` defined in ``proj.tasks``)."""
        if "." not in qualname:
            return None
        module, name = qualname.rsplit(".", 1)
        summary = self.summaries.get(module)
        if summary is None:
            return None
        found = [t for t in summary["tasks"] if t["label"] == name and t["module_level"]]
        return (module, found[0]) if len(found) == 1 else None

    def task_base(self, filename: str, qualname: str) -> tuple[str, dict, str] | None:
        """(dotted name, its entry in its module's ``bases``, "path:line") of the Task class of
        another module of the project that ``qualname`` names, as written in ``filename``
        (``.base.BaseTask`` for a relative import), when its chain of bases up to ``celery.Task``
        is known in full; else None."""
        module, qualname = self._absolute(filename, qualname)
        owner, _, name = qualname.rpartition(".")
        entry = self.summaries.get(owner, {}).get("bases", {}).get(name)
        if entry is None or owner == module or not self._base_known(qualname):
            return None
        return qualname, entry, f"{self.path_of(owner)}:{entry['line']}"

    def imported_task(self, filename: str, qualname: str | None) -> tuple[str, dict] | None:
        """(module, task) of the module-level task of another module of the project that
        ``qualname`` names, as written in ``filename`` (``.tasks.send`` for a relative import)."""
        if not qualname:
            return None
        module, qualname = self._absolute(filename, qualname)
        found = self.task(qualname)
        return None if found is None or found[0] == module else found

    def is_app_object(self, filename: str, qualname: str) -> bool:
        """Does ``qualname``, as written in ``filename``, name an app another module of the project
        makes (``from proj.ext import cel``, whatever the name)?"""
        return bool(self.app_objects) and self._absolute(filename, qualname)[1] in self.app_objects

    def _absolute(self, filename: str, qualname: str) -> tuple[str, str]:
        """(the module of ``filename``, ``qualname`` written there made absolute)."""
        module, package = self.module_of(filename)
        return module, absolute(module, package, qualname) or ""

    def _base_known(self, qualname: str, seen: frozenset = frozenset()) -> bool:
        """Is every class from ``qualname`` up to ``celery.Task`` a Task class of the project?"""
        if qualname in ("celery.Task", "builtins.object"):
            return True
        if qualname in self._bases_known:
            return self._bases_known[qualname]
        owner, _, name = qualname.rpartition(".")
        entry = self.summaries.get(owner, {}).get("bases", {}).get(name)
        known = entry is not None and entry.get("closed", False) and qualname not in seen and all(
            base is not None and self._base_known(base, seen | {qualname}) for base in entry["bases"])
        known = known and any(base != "builtins.object" for base in entry["bases"])
        if not seen:
            self._bases_known[qualname] = known
        return known

    @property
    def time_limit_set(self) -> bool:
        """Does a module of the project set a global time limit (``task_time_limit``,
        ``task_soft_time_limit``) or task annotations that may give tasks one (test code aside)?"""
        return any(key in summary["settings"] for summary in self.summaries.values() if not summary["test"]
                   for key in ("task_time_limit", "task_soft_time_limit", "task_annotations"))

    @cached_property
    def _receivers(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for summary in self.summaries.values():
            for name, signals in summary.get("receivers", {}).items():
                found.setdefault(name, set()).update(signals)
        return {name: frozenset(signals) for name, signals in found.items()}

    @cached_property
    def _plain_wrappers(self) -> frozenset[str]:
        return frozenset(f"{module}.{name}" for module, summary in self.summaries.items()
                         for name in summary.get("plain_wrappers", ()))

    def is_plain_wrapper(self, filename: str, qualname: str) -> bool:
        """Does ``qualname``, as written in ``filename``, name a decorator of another module of the
        project that wraps a function and cannot retry a task (:func:`dataflow.plain_wrapper`)?"""
        return self._absolute(filename, qualname)[1] in self._plain_wrappers

    def receiver_signals(self, filename: str, name: str) -> frozenset[str]:
        """The Django model signals other modules connect the module-level function ``name`` of
        ``filename`` to (``post_save.connect(receivers.reindex)`` in an ``AppConfig.ready()``)."""
        module, _ = self.module_of(filename)
        return self._receivers.get(f"{module}.{name}", frozenset()) if module else frozenset()

    @cached_property
    def celery_below_4(self) -> bool:
        """Does the project declare a Celery older than 4.0 (``celery>=3.1,<4.0`` in its setup.py,
        setup.cfg, pyproject.toml or requirements files at the root)?  Celery 3 reads only the old
        setting names."""
        names = ["setup.py", "setup.cfg", "pyproject.toml"]
        for folder in ("", "requirements"):
            try:
                names += [os.path.join(folder, n) for n in sorted(os.listdir(os.path.join(self.root, folder)))
                          if n.startswith("requirements" if not folder else "") and n.endswith((".txt", ".in"))]
            except OSError:
                continue
        specs = []
        for name in names:
            try:
                text = read_bytes(os.path.join(self.root, name)).decode("utf-8", "replace")
                specs += _CELERY_REQUIREMENT.findall(text)
            except (OSError, NotChecked):
                continue
        # an extra for old versions beside celery>=5 is no Celery 3 project
        return any(_below_4(spec) for spec in specs) and not any(_from_4(spec) for spec in specs)

    @cached_property
    def uses_django(self) -> bool | None:
        """Does the project use Django (a settings module, a Celery module importing django, an app
        loading Django's settings)?  None when the index is incomplete."""
        for summary in self.summaries.values():
            if summary.get("django") is not None or any(
                    name == "django" or name.startswith("django.")
                    for name in (*summary.get("imports", ()), *summary.get("lazy_imports", ()))) or any(
                    source["target"] in DJANGO_SETTINGS_OBJECTS for source in summary.get("config_sources", ())):
                return True
        return False if self.complete else None

    @cached_property
    def config_read_plain(self) -> bool:
        """Do the project's apps (test code aside) load their config only without a namespace, from
        a module (``config_from_envvar``, which takes none; ``config_from_object("proj.config")``)?
        Then its config modules are read as celeryconfig modules are."""
        found = False
        for summary in self.summaries.values():
            if summary["test"]:
                continue
            if any(app["namespace"] for app in summary.get("apps", ())):
                return False
            for source in summary.get("config_sources", ()):
                if not (source.get("envvar") or source["target"] is not None and source["namespace"] is None):
                    return False
                found = True
        return found

    @cached_property
    def logging_set_up_by_project(self) -> bool:
        """Does a module of the project (test code aside) connect ``celery.signals.setup_logging``
        or ``after_setup_logger``?  Then the project decides how worker logs look and where they go
        (:func:`dataflow.connects_setup_logging`)."""
        return any(summary.get("setup_logging") for summary in self.summaries.values() if not summary["test"])

    @cached_property
    def configured_loggers(self) -> frozenset[str]:
        """Names of the loggers the project's logging configuration (Django's ``LOGGING``,
        ``dictConfig``) sets up, test code aside (:func:`dataflow.configured_loggers`)."""
        return frozenset(name for summary in self.summaries.values() if not summary["test"]
                         for name in summary.get("loggers", ()))

    @cached_property
    def formats_task_id(self) -> bool:
        """Does a logging configuration of the project (test code aside) write the task's id or name
        into its records (:func:`dataflow.formats_task_id`)?"""
        return any(summary.get("task_id_format") for summary in self.summaries.values() if not summary["test"])

    @cached_property
    def django_settings_read_plain(self) -> str | bool | None:
        """Where an app of the project (test code aside) loads Django's settings without a namespace,
        as "path:line"; False when some app gives one (``Celery(namespace=)``, or
        ``config_from_object`` of the settings with ``namespace=``); None when no app loads them.
        The same for every module: worked out once (see config.django_settings_read_plain)."""
        return self._django_settings_read(tests=False)

    @cached_property
    def django_settings_read_plain_in_tests(self) -> str | bool | None:
        """:attr:`django_settings_read_plain` for the apps of test code (a test project's
        ``testauth/celery.py``): what the settings of test code are read by when no app of the
        project itself loads Django's settings."""
        return self._django_settings_read(tests=True)

    def _django_settings_read(self, tests: bool) -> str | bool | None:
        found = None
        for module, summary in sorted(self.summaries.items()):
            if summary["test"] is not tests:
                continue
            if any(app["namespace"] for app in summary.get("apps", ())):
                return False
            for source in summary.get("config_sources", ()):
                if source["target"] in DJANGO_SETTINGS_OBJECTS:
                    if source["namespace"] is not None:
                        return False
                    found = found or f"{self.path_of(module)}:{source['line']}"
        return found

    def plain_class(self, filename: str, qualname: str | None) -> bool:
        """Is ``qualname`` (as written in ``filename``) a class of a module of the project whose
        bases, followed through that module, end in no class but ``object`` or one of the standard
        library's abstract/typing helpers -- so no Django model, whatever its module is called
        (Sentry's ``eventstore.models.Event``)?  False when it cannot tell."""
        if not qualname or "." not in qualname:
            return False
        _, dotted = self._absolute(filename, qualname)
        module, _, name = dotted.rpartition(".")
        key = (module, name)
        found = self._plain_classes.get(key)
        if found is None:
            found = self._plain_classes[key] = _plain_class(self._source_of(module), name)
        return found

    def identity_decorator(self, filename: str, qualname: str) -> bool:
        """Does ``qualname`` (as written in ``filename``) name a function of a module of the project
        that hands back what it decorates, or makes such a decorator (:func:`dataflow.identity_decorator`)?"""
        dotted = self._absolute(filename, qualname)[1]
        return self.memo(f"identity_decorator {dotted}", lambda index: index._identity_decorator(dotted))

    def _identity_decorator(self, dotted: str) -> bool:
        module, _, name = dotted.rpartition(".")
        for _ in range(3):  # follow re-exports (``from .step import saga_step`` in a package's __init__)
            verdict = _identity_decorator(self._source_of(module), name, module, self._is_package(module))
            if not isinstance(verdict, tuple):
                return verdict
            module, name = verdict
        return False

    def _file_of(self, module: str) -> str | None:
        """The path of a module of the project (summarised or not), or None."""
        rel = self.paths.get(module)
        return os.path.join(self.root, rel) if rel is not None else (self.plain_imports.paths.get(module) or (None,))[0]

    def _is_package(self, module: str) -> bool:
        path = self._file_of(module)
        return bool(path) and os.path.basename(path) == "__init__.py"

    def _source_of(self, module: str) -> str | None:
        """The text of a module of the project, or None (not the project's, unreadable, too big)."""
        path = self._file_of(module)
        if path is None:
            return None
        try:
            if os.path.getsize(path) > MAX_BYTES:
                return None
            return read_bytes(path).decode("utf-8")
        except (OSError, NotChecked, UnicodeDecodeError):
            return None

    def module_of(self, path: str) -> tuple[str, bool]:
        """(module name, is a package) of a file, as the index named it (or from its folders)."""
        path = os.path.abspath(path)
        found = self.files.get(path)
        return found if found is not None else module_name(path)

    def is_project_module(self, dotted: str) -> bool:
        """Is ``dotted`` a module or package of the project?"""
        return dotted in self.modules

    def closest_names(self, name: str, n: int = 1) -> list[str]:
        return close_matches(name, list(self.tasks_by_name), n=n, cutoff=0.8)

    def path_of(self, module: str) -> str:
        return self.paths.get(module, module)

    @cached_property
    def queues(self) -> "Queues | None":
        """Which queues the project's workers consume, when the project shows it: its worker
        command lines (``-Q``; a worker without ``-Q`` consumes ``task_queues``, else the default
        queue), else the ``task_queues`` its config declares.  None when it does not show it or
        something is unreadable (a ``-Q $QUEUES``, a ``task_queues`` built at run time)."""
        declared: set[str] | None = None
        defaults: set[str] = set()
        for module, summary in self.summaries.items():
            queues = summary.get("queues", {})
            if "task_queues" in queues:
                if queues["task_queues"] is None:
                    return None
                declared = (declared or set()) | set(queues["task_queues"])
            if "task_default_queue" in queues:
                if queues["task_default_queue"] is None:
                    return None
                defaults.add(queues["task_default_queue"])
        defaults = defaults or {"celery"}
        workers = self.workers
        if any(w.unknown for w in workers):
            return None
        if workers:
            consumed: set[str] = set()
            for w in workers:
                consumed |= set(w.queues) if w.queues is not None else (declared or defaults)
            where = ", ".join(f"{w.path}:{w.line}" for w in workers[:3]) + (", ..." if len(workers) > 3 else "")
            return Queues(frozenset(consumed), frozenset(defaults), f"the workers of {where}")
        if declared is not None:
            return Queues(frozenset(declared), frozenset(defaults), "task_queues")
        return None

    @cached_property
    def workers(self):
        """The worker command lines of the project (Procfile, compose, systemd, ...): read once,
        when a rule first asks."""
        from .workers import find_workers  # noqa: PLC0415

        return find_workers(self.root)


def _fingerprint(settings: Settings) -> str:
    return repr(replace(settings, project_root="", cache_dir="", no_cache=False))


def build_index(root: str, settings: Settings, cache=None) -> ProjectIndex:
    """Walk the root and summarise its Celery modules (never raises for one bad file)."""
    from .. import prefilter  # noqa: PLC0415 -- the package imports this module

    index = ProjectIndex(root, settings)
    limit = MAX_FILES if settings.project_root or is_marked(root) else MAX_FILES_UNMARKED
    files: list[tuple[str, str]] = []  # (absolute path, relative path)
    packages: set[str] = set()
    for folder, names in walk(root):
        if "__init__.py" in names and not ("manage.py" in names and _manage_py_root(folder)):
            packages.add(folder)
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                files.append((path, os.path.relpath(path, root).replace(os.sep, "/")))
        if len(files) > limit:
            # Not a project but a folder of many (a home folder, /tmp): the project rules stay
            # silent rather than read it all.
            log.debug("celery-lint: more than %d modules under %s: no project index", limit, root)
            index.complete = False
            return index  # empty: every module is checked on its own
    texts: dict[str, bytes] = {}
    passed: list[tuple[str, str, str, bool]] = []  # (path, relpath, module, package)
    rejected: list[tuple[str, str, str, bool]] = []
    check = prefilter(settings)
    for path, rel in files:
        module, package = module_name(path, packages)
        index.files[path] = (module, package)
        if module:
            index.modules.add(module)
            parts = module.split(".")
            index.modules.update(".".join(parts[:i]) for i in range(1, len(parts)))
        try:
            if os.path.getsize(path) > MAX_BYTES:
                continue
            data = read_bytes(path)  # never blocks on a FIFO or a device named *.py
        except (OSError, NotChecked):
            continue
        text = data.decode("latin-1")
        # Django settings modules join the Celery modules: the apps Django loads are in them; so do
        # modules connecting model signals (an AppConfig.ready() connects receivers that send tasks).
        if check.search(text, rel) or "INSTALLED_APPS" in text or _connects_model_signals(text) \
                or _configures_logging(text):
            passed.append((path, rel, module, package))
        else:
            rejected.append((path, rel, module, package))
            if module:
                index.plain_imports.paths[module] = (path, package)
        texts[path] = data
    summaries = {}
    for path, rel, module, package in passed:
        summary = _summary(texts[path], path, rel, module, package, settings, cache)
        if summary is None:
            index.complete = False
        else:
            summaries[path] = (module, rel, summary)
    passed_set = set(passed)
    # The project's own task decorators and Task bases, as dotted names: the modules naming them
    # are read again with them as settings -- until no new one turns up (a base deriving from a
    # base of another module is a Task class only once that one is known), a few rounds at most.
    for _ in range(MAX_ROUNDS):
        decorators, bases = [], []
        aliases = {f"{module}.{name}": canonical for module, _, summary in summaries.values()
                   for name, canonical in summary.get("aliases", {}).items()}
        new_aliases = {k: v for k, v in aliases.items() if k not in index.decorator_aliases}
        index.decorator_aliases.update(new_aliases)
        decorators.extend(new_aliases)  # for the prefilter: a module using only the alias is a Celery module
        # An app under a name of the app-names setting is an app wherever it is imported already;
        # only the others (``cel = FlaskCelery(...)``) need their importers read again.
        apps = {f"{module}.{name}" for module, _, summary in summaries.values()
                for name in summary.get("app_names", ()) if name not in settings.app_names} - index.app_objects
        index.app_objects.update(apps)
        for module, rel, summary in summaries.values():
            decorators.extend(f"{module}.{name}" for name in summary["factories"])
            bases.extend(f"{module}.{name}" for name in summary.get("bases", ()))
        extra_dec = tuple(dict.fromkeys(d for d in decorators if d not in settings.task_decorators))
        extra_base = tuple(dict.fromkeys(b for b in bases if b not in settings.task_base_classes))
        if not extra_dec and not extra_base and not apps:
            break
        settings = index.settings = replace(
            settings, task_decorators=(*settings.task_decorators, *extra_dec),
            task_base_classes=(*settings.task_base_classes, *extra_base))
        short = {n.rsplit(".", 1)[-1] for n in (*extra_dec, *extra_base)}
        short_apps = {n.rsplit(".", 1)[-1] for n in apps}
        for path, rel, module, package in (*passed, *rejected):
            text = texts[path].decode("latin-1")
            # a module using an app (``@cel.task``) passes the prefilter: the rejected ones need not be read
            if any(name in text for name in short) or (
                    short_apps and (path, rel, module, package) in passed_set and any(n in text for n in short_apps)):
                summary = _summary(texts[path], path, rel, module, package, settings, cache,
                                   index.decorator_aliases, index.app_objects)
                if summary is None:
                    index.complete = False
                else:
                    summaries[path] = (module, rel, summary)
    for module, rel, summary in summaries.values():
        if module in index.summaries:
            # two files give one module name (a script folder beside a package): keep the first,
            # but names of that module are no longer certain.
            index.complete = False
            continue
        index.summaries[module] = summary
        index.paths[module] = rel
        index.plain_imports.paths.pop(module, None)
    return index


#: ``celery>=3.1.15,<4.0`` in a requirement list: the version specifiers after the name.
_CELERY_REQUIREMENT = re.compile(
    r"""(?:^|['"\s,\[(])celery\s*(?:\[[\w,\s]*\])?\s*\(?\s*((?:[<>=!~]=?\s*[\w.*]+\s*,?\s*)+)""",
    re.MULTILINE | re.IGNORECASE)
_SPECIFIER = re.compile(r"([<>=!~]=?)\s*(\d+)(?:\.(\d+))?")


def _below_4(spec: str) -> bool:
    """Do the specifiers allow only versions below 4.0 (``<4``, ``<4.0``, ``<=3.1.25``, ``==3.1.26``)?"""
    for op, major, minor in _SPECIFIER.findall(spec):
        version = (int(major), int(minor or 0))
        if (op == "<" and version <= (4, 0)) or (op in ("<=", "==", "~=") and version < (4, 0)):
            return True
    return False


def _from_4(spec: str) -> bool:
    """Do the specifiers ask for Celery 4 or later (``>=5.3``, ``==5.4.0``)?"""
    return any(op in (">=", ">", "==", "~=") and int(major) >= 4 for op, major, _ in _SPECIFIER.findall(spec))


_SETTINGS_MODULE = re.compile(r"""DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]""")


def _manage_py_root(folder: str) -> bool:
    """Is a package folder holding Django's ``manage.py`` the start of ``sys.path`` (as running
    ``manage.py`` or a worker from it makes it), rather than a package?  When the settings module
    manage.py names (``proj.settings``) starts with a folder beside it: its modules are then
    ``remapp.tasks``, not ``site.remapp.tasks``."""
    try:
        text = read_bytes(os.path.join(folder, "manage.py")).decode("utf-8", "replace")
    except (OSError, NotChecked):
        return False
    found = _SETTINGS_MODULE.search(text)
    return found is not None and os.path.isdir(os.path.join(folder, found.group(1).split(".")[0]))


def _connects_model_signals(text: str) -> bool:
    return ".connect(" in text and any(name in text for name in ("post_save", "post_delete", "m2m_changed"))


def _configures_logging(text: str) -> bool:
    """A module that may set up named loggers (Django's ``LOGGING``, ``dictConfig``): CEL701 asks."""
    return "loggers" in text and ("LOGGING" in text or "dictConfig" in text)


#: Bases of the standard library that make no Django model (``abc.ABC``, ``typing.NamedTuple``...).
_PLAIN_BASES = frozenset({"object", "abc.ABC", "typing.NamedTuple", "typing.Generic", "typing.Protocol",
                          "typing.TypedDict", "enum.Enum", "enum.IntEnum", "Exception", "dict", "list"})


def _parsed(text: str | None) -> ast.Module | None:
    """The tree of a module's text, or None (no text, or one Python cannot parse)."""
    if text is None:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _identity_decorator(text: str | None, name: str, module: str, package: bool) -> bool | tuple[str, str]:
    """:meth:`ProjectIndex.identity_decorator` on a module's text: the verdict, or (module, name)
    where the module imports the name from."""
    from ..dataflow import identity_decorator  # noqa: PLC0415 -- dataflow imports the model, not the index

    tree = _parsed(text)
    if tree is None:
        return False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return identity_decorator(node)
        if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
            original = next(a.name for a in node.names if (a.asname or a.name) == name)
            base = module if package else module.rpartition(".")[0]
            for _ in range(max(node.level - 1, 0)):
                base = base.rpartition(".")[0]
            source = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            return (source, original) if source else False
    return False


def _plain_class(text: str | None, name: str) -> bool:
    """:meth:`ProjectIndex.plain_class` on a module's text."""
    tree = _parsed(text)
    if tree is None:
        return False
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    imported = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            imported.update((a.asname or a.name, f"{node.module}.{a.name}") for a in node.names)
        elif isinstance(node, ast.Import):
            imported.update((a.asname or a.name, a.name) for a in node.names if "." not in a.name or a.asname)
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        node = classes.get(current)
        if node is None or current in seen or len(seen) > 20:
            return False
        seen.add(current)
        for base in node.bases:
            if isinstance(base, ast.Subscript):  # Generic[T]
                base = base.value
            if isinstance(base, ast.Name) and base.id in classes:
                todo.append(base.id)
                continue
            dotted = ast.unparse(base) if isinstance(base, (ast.Name, ast.Attribute)) else None
            if dotted is None:
                return False
            head, _, rest = dotted.partition(".")
            dotted = (imported.get(head, head) + ("." + rest if rest else "")) if head in imported else dotted
            if dotted not in _PLAIN_BASES:
                return False
    return True


class PlainImports:
    """``get(module)``: what a module that is no Celery module imports (:func:`plain_imports`),
    read from its file the first time a rule asks (most runs never ask: only the discovery rules
    follow imports through plain modules)."""

    def __init__(self):
        self.paths: dict[str, tuple[str, bool]] = {}  # module -> (absolute path, is a package)
        self._read: dict[str, list[str]] = {}

    def get(self, module: str, default=None):
        found = self._read.get(module)
        if found is None:
            where = self.paths.get(module)
            if where is None:
                return default
            try:
                text = read_bytes(where[0]).decode("latin-1")
            except (OSError, NotChecked):
                text = "import_module("  # unreadable now: it may import anything
            found = self._read[module] = plain_imports(text, module, where[1])
        return found


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]*(\([^)]*\)|[^\n#;]*)|import[ \t]+([^\n#;]*))",
                     re.MULTILINE)


def plain_imports(text: str, module: str, package: bool) -> list[str]:
    """What a module's text imports (``import x``, ``from .y import z``, at any indentation), each
    imported name also as a possible submodule: read without parsing, for modules the index does
    not summarise."""
    out: set[str] = set()
    for match in _IMPORT.finditer(text):
        source, names, plain = match.groups()
        if plain is not None:
            out.update(part.split(" as ")[0].strip() for part in plain.replace("\\", "").split(","))
            continue
        level = len(source) - len(source.lstrip("."))
        base = relative_module(module, package, source.lstrip("."), level) if level else source
        if not base:
            continue
        out.add(base)
        for name in names.strip("()\\ \t").replace("\n", ",").split(","):
            name = name.split(" as ")[0].strip()
            if name.isidentifier():
                out.add(f"{base}.{name}")
    if "import_module(" in text or "__import__(" in text:
        out.add("*")
    return sorted(n for n in out if n)


class _Aliases:
    """What a module's model may ask of the project while the index is being built: the decorator
    aliases and app objects found so far (and no Task base of other modules: the summary stays the
    module's own)."""

    uses_django = None  # not known while the index is being built
    config_read_plain = False

    def __init__(self, aliases: dict[str, str], apps: set[str], module: str, package: bool):
        self.decorator_aliases = aliases
        self.app_objects = apps
        self.module = module
        self.package = package

    def task_base(self, filename: str, qualname: str):
        return None

    def is_app_object(self, filename: str, qualname: str) -> bool:
        return bool(self.app_objects) and absolute(self.module, self.package, qualname) in self.app_objects


def _summary(data: bytes, path: str, rel: str, module: str, package: bool, settings: Settings, cache,
             aliases: dict[str, str] | None = None, apps: set[str] | None = None):
    """The summary of one file, from the cache or worked out; None when it cannot be read."""
    key = None
    if cache is not None:
        seen = repr((sorted(aliases.items()), sorted(apps))) if aliases or apps else ""
        key = cache.key(data, "\0".join((rel, module, _fingerprint(settings), seen)))
        found = cache.get(key)
        if isinstance(found, dict) and found.get("format") == FORMAT:
            return found
    from ..engine import paused_gc  # noqa: PLC0415
    from .. import default_engine  # noqa: PLC0415
    from ..config import collect_config  # noqa: PLC0415
    from ..model import build  # noqa: PLC0415
    from .summary import summarize  # noqa: PLC0415

    try:
        with paused_gc():
            tree = ast.parse(data, path)
            # test folders: below the root only
            project = _Aliases(aliases or {}, apps or set(), module, package) if aliases or apps else None
            model = build(tree, rel, settings, default_engine().wanted, project)
            collect_config(model)
            summary = summarize(model, module, package)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    except Exception:  # noqa: BLE001 -- one module's bug must not take the project down
        log.debug("celery-lint: summarising %s failed", path, exc_info=True)
        return None
    if cache is not None and key is not None:
        cache.put(key, summary)
    return summary
