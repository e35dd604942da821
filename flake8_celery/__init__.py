"""flake8 front-end of celery-lint: a tree plugin that reports the core's findings as CELnnn."""
from __future__ import annotations

import celery_lint
from celery_lint.settings import Settings, option_specs


class CeleryChecker:
    """flake8 fills the constructor's parameters by name."""

    name = "celery-lint"
    version = celery_lint.__version__
    settings = celery_lint.DEFAULT_SETTINGS  # replaced by parse_options

    def __init__(self, tree, filename="<unknown>", lines=None):
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager) -> None:
        for name, default, help_text, kind, metavar in option_specs():
            shown = ",".join(default) if kind == "list" else default
            extra = {} if kind == "int" else {"comma_separated_list": True}
            manager.add_option(
                "--celery-" + name.replace("_", "-"),
                default=None,
                parse_from_config=True,
                metavar=metavar,
                help=f"{help_text} (default: {shown or 'none'})",
                **extra,
            )
        manager.extend_default_ignore(celery_lint.OPT_IN)

    @classmethod
    def parse_options(cls, options) -> None:
        try:
            cls.settings = Settings.from_mapping(
                {"celery-" + name.replace("_", "-"): getattr(options, "celery_" + name, None)
                 for name, *_ in option_specs()}
            )
        except ValueError as err:
            raise SystemExit(f"flake8: {err}") from None

    def run(self):
        source = "".join(self.lines) if self.lines is not None else None
        for v in celery_lint.check(self.tree, self.filename, self.settings, source=source):
            yield v.line, v.col, f"{v.code} {v.message}", type(self)
