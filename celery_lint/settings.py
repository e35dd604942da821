"""The user options, defined once; both front-ends and the standalone command derive theirs."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, fields, replace

DEFAULT_TEST_PATHS = (
    "test_*.py",
    "*_test.py",
    "tests.py",
    "conftest.py",
    "tests/*",
    "test/*",
    "testing/*",
    "settings/test*.py",
    "test_settings*.py",
    "*_test_settings.py",
    "settings_test*.py",
)


def _option(default, help, kind="list", metavar="NAMES"):
    return field(default=default, metadata={"help": help, "kind": kind, "metavar": metavar})


@dataclass(frozen=True)
class Settings:
    """What a user can tell celery-lint about their project.

    Each field becomes ``--celery-<name>`` in flake8 (and ``celery-<name>`` in flake8
    config files), ``celery-<name>`` in pylint, and ``<name>`` under
    ``[tool.celery-lint]`` for the standalone command (underscores become dashes).
    """

    task_decorators: tuple[str, ...] = _option(
        (),
        "Extra decorators that define Celery tasks, as dotted names "
        "(e.g. myproject.tasks.instrumented_task); a bare name matches any module.",
    )
    app_names: tuple[str, ...] = _option(
        ("app", "celery_app", "celery"),
        "Names of Celery app objects imported from elsewhere, whose .task decorator defines tasks.",
    )
    task_base_classes: tuple[str, ...] = _option(
        (),
        "Extra Task base classes of the project, as dotted names "
        "(e.g. myproject.celery.BaseTask); a bare name matches any module.",
    )
    test_paths: tuple[str, ...] = _option(
        DEFAULT_TEST_PATHS,
        "Glob patterns of test modules, where rules about production behaviour stay silent and "
        "CEL8xx apply: a pattern without '/' matches the file name, "
        "one with '/' matches the end of the path.",
        metavar="GLOBS",
    )
    visibility_timeout: int = _option(
        3600,
        "Seconds after which the broker redelivers an unacknowledged task (CEL107); "
        "Redis's default is 3600, SQS's 1800.",
        kind="int",
        metavar="SECONDS",
    )
    project_root: str = _option(
        "",
        "The project's root folder, read whole for the project rules (CEL9xx); default: the nearest "
        "folder above the checked file holding pyproject.toml, setup.cfg, setup.py, tox.ini, .flake8 "
        "or .git, else the current folder.",
        kind="path",
        metavar="PATH",
    )
    cache_dir: str = _option(
        "",
        "Where the project index keeps its summaries; default: .celery_lint_cache in the project root.",
        kind="path",
        metavar="PATH",
    )
    no_cache: bool = _option(
        False,
        "Build the project index without reading or writing its cache.",
        kind="bool",
        metavar="",
    )

    def replace(self, **changes) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def from_mapping(cls, mapping) -> "Settings":
        """Build Settings from option values as front-ends read them (strings or lists).

        Keys may use dashes or underscores and a ``celery-`` prefix; ``None`` values keep
        the default.
        """
        known = {f.name: f for f in fields(cls)}
        changes = {}
        for key, value in mapping.items():
            name = key.replace("-", "_")
            name = name[len("celery_"):] if name.startswith("celery_") else name
            if name not in known or value is None:
                continue
            kind = known[name].metadata["kind"]
            changes[name] = parse_value(kind, value, key)
        return cls(**changes)

    def is_test_path(self, filename: str) -> bool:
        return matches_paths(filename, self.test_paths)


def matches_paths(filename: str, patterns) -> bool:
    """Does a file match one of the glob patterns?  A pattern without '/' matches the file
    name, one with '/' the end of the path."""
    path = filename.replace("\\", "/")
    base = path.rsplit("/", 1)[-1]
    for pattern in patterns:
        if "/" in pattern:
            if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, "*/" + pattern):
                return True
        elif fnmatch.fnmatch(base, pattern):
            return True
    return False


# File names of celeryconfig-style modules (lower-case setting names at module level).
_CONFIG_MODULE_STEMS = ("celeryconfig", "celery_config", "celeryconf", "celery_settings")


def is_celeryconfig_module(filename: str) -> bool:
    """A module named like ``celeryconfig.py``: lower-case Celery settings at module level."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    return any(s in stem for s in _CONFIG_MODULE_STEMS)


def is_settings_module(filename: str) -> bool:
    """A module named like Django settings: ``settings.py``, ``settings/x.py``, ``test_settings.py``."""
    parts = filename.replace("\\", "/").lower().split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    return "settings" in stem or "settings" in parts[:-1]


def in_test_folder(filename: str) -> bool:
    """A module in a folder named ``test*`` (``tests/``, ``testutils/``, ``testing/``): test
    support code that the test-paths setting may miss."""
    parts = filename.replace("\\", "/").lower().split("/")[:-1]
    return any(part.startswith("test") for part in parts)


def parse_value(kind: str, value, name: str = "value"):
    """A setting's value as a front-end read it (a string, or a TOML value), checked: a value that
    is not what the setting expects is refused with a ValueError, never coerced (1.5, true, inf)."""
    if kind == "int":
        number = value
        if isinstance(value, str):
            try:
                number = int(value)
            except ValueError:
                pass
        if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
            raise ValueError(f"{name} must be a whole number greater than 0, not {_shown(value)}")
        return number
    if kind == "path":
        if not isinstance(value, str) or "\0" in value:
            raise ValueError(f"{name} must be a path, not {_shown(value)}")
        return value.strip()  # empty: the default
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = value.strip().lower() if isinstance(value, str) else None
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError(f"{name} must be true or false, not {_shown(value)}")
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    elif not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{name} must be a list of strings or a comma-separated string, not {_shown(value)}")
    return tuple(item.strip() for item in value if item.strip())


_TRUE = frozenset({"1", "true", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "no", "n", "off"})


def _shown(value) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int too long to print
        return "a number too long to show"
    return text if len(text) <= 40 else text[:37] + "..."


def option_specs():
    """(name, default, help, kind, metavar) for every setting, in declaration order."""
    for f in fields(Settings):
        yield f.name, f.default, f.metadata["help"], f.metadata["kind"], f.metadata["metavar"]
