"""The pylint checker: parses each module once with ``ast`` and reports the core's findings."""
from __future__ import annotations

import ast
import os

from pylint.checkers import BaseRawFileChecker

import celery_lint
from celery_lint.engine import paused_gc
from celery_lint.project import index_for
from celery_lint.settings import Settings, option_specs

from .suppression import TaskIndex


def _messages():
    return {
        rule.msgid: (
            "%s",
            rule.symbol,
            _description(rule),
            {"default_enabled": rule.default},
        )
        for rule in (celery_lint.INTERNAL_ERROR, *celery_lint.RULES.values())
    }


def _description(rule) -> str:
    """What ``pylint --help-msg`` shows: the practice, the message's template (pylint's own template
    is ``%s``), whether it is on, and where the rule's page is."""
    default = "on by default" if rule.default else "opt-in: turn it on with --enable"
    return (f"{rule.code}: {rule.summary}. Message: {rule.message} ({default}; the flake8 code is {rule.code}). "
            f"`celery-lint explain {rule.code}` prints the rule's page: what it does, why, examples.")


#: pylint's option type of each kind of setting.
_PYLINT_TYPES = {"int": "int", "list": "csv", "path": "string", "bool": "yn"}


def _options():
    out = []
    for name, default, help_text, kind, metavar in option_specs():
        out.append((
            "celery-" + name.replace("_", "-"),
            {
                "default": default,
                "type": _PYLINT_TYPES[kind],
                "metavar": "<" + (metavar or "y or n").lower() + ">",
                "help": help_text,
            },
        ))
    return tuple(out)


def _shown_path(path: str) -> str:
    """The file's path as flake8 and the standalone command see it: relative to the current folder
    when below it (pylint gives absolute paths), so that test-path patterns and test folders are
    matched on the same path in every front-end, not on the folders above the project."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") else relative


class CeleryLintChecker(BaseRawFileChecker):
    name = "celery-lint"
    msgs = _messages()
    options = _options()

    def __init__(self, linter=None):
        super().__init__(linter)
        self._settings = None
        self._enabled: frozenset[str] | None = None
        self.task_index = TaskIndex(self.settings)

    def settings(self) -> Settings:
        """The settings from pylint's configuration; raises ValueError on a bad value (see
        :func:`pylint_celery.load_configuration`, which checks them once it is read)."""
        if self._settings is None:
            config = self.linter.config
            self._settings = Settings.from_mapping(
                {"celery-" + name.replace("_", "-"): getattr(config, "celery_" + name, None)
                 for name, *_ in option_specs()}
            )
        return self._settings

    def open(self) -> None:
        """Read the options once per run (and once per worker with -j)."""
        self._settings = None
        self._enabled = frozenset(
            rule.code for rule in celery_lint.RULES.values() if self.linter.is_message_enabled(rule.msgid)
        )
        self.task_index.clear()

    def enabled(self, text: str) -> frozenset[str] | None:
        """The codes to check in a module: those enabled in the configuration, or all of them
        when the module may enable a message itself (``# pylint: enable=...``)."""
        if self._enabled is None or ("enable" in text and "pylint" in text):
            return None
        return self._enabled

    def process_module(self, node) -> None:
        try:
            with node.stream() as stream:
                data = stream.read()
        except (OSError, AttributeError, TypeError):
            return
        path = _shown_path(node.file) if node.file else ""
        # The project index (built once per process, on the first module): the project rules read
        # it, and its settings know the project's own task decorators and Task bases.
        project = index_for(path, self.settings()) if path else None
        settings = project.settings if project is not None else self.settings()
        # The prefilter's pattern is ASCII: latin-1 decodes any bytes without failing.
        text = data.decode("latin-1") if isinstance(data, bytes) else data
        if not celery_lint.prefilter(settings).search(text, path):
            self.task_index.record(node, None)
            return
        try:
            with paused_gc():  # pylint's heap is large: see paused_gc
                tree = ast.parse(data, node.file or "<unknown>")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return  # pylint reports syntax errors itself
        found = celery_lint.check(tree, path or node.name, settings, enabled=self.enabled(text),
                                  on_model=lambda model: self.task_index.record(node, model), project=project)
        for v in found:
            rule = celery_lint.RULES.get(v.code, celery_lint.INTERNAL_ERROR)
            self.add_message(rule.symbol, line=v.line, col_offset=v.col, args=(v.message,))
