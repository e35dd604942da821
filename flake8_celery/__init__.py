"""flake8 front-end of celery-lint: a tree plugin that reports the core's findings as CELnnn."""
from __future__ import annotations

import celery_lint
from celery_lint.project import index_for
from celery_lint.frontend import NOT_CHECKED, opt_in_off, setting_type, undecodable
from celery_lint.settings import Settings, option_specs


class CeleryChecker:
    """flake8 fills the constructor's parameters by name."""

    name = "celery-lint"
    version = celery_lint.__version__
    settings = celery_lint.DEFAULT_SETTINGS  # replaced by parse_options
    enabled: frozenset[str] | None = None  # the codes flake8 will show; None: all (replaced by parse_options)
    opt_in_off: frozenset[str] = frozenset(celery_lint.OPT_IN)  # opt-in rules not named (replaced by parse_options)
    stdin_name: str | None = None  # the name flake8 gives standard input, when it reads it

    def __init__(self, tree, filename="<unknown>", lines=None):
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager) -> None:
        for name, default, help_text, kind, metavar in option_specs():
            shown = ",".join(default) if kind == "list" else default
            if kind == "bool":
                extra = {"action": "store_true"}
            elif kind == "list":
                extra = {"comma_separated_list": True}
            else:
                extra = {"type": setting_type(kind)}
            manager.add_option(
                "--celery-" + name.replace("_", "-"),
                default=None,
                parse_from_config=True,
                **({"metavar": metavar} if metavar else {}),
                help=f"{help_text} (default: {shown or 'none'})",
                **extra,
            )
        manager.extend_default_ignore(celery_lint.OPT_IN)

    @classmethod
    def parse_options(cls, options) -> None:
        try:  # the values were checked by their option types: this cannot fail
            cls.settings = Settings.from_mapping(
                {"celery-" + name.replace("_", "-"): getattr(options, "celery_" + name, None)
                 for name, *_ in option_specs()}
            )
        except ValueError as err:
            raise SystemExit(f"flake8: error: {err}") from None
        # ``select = CEL`` keeps opt-in rules off (flake8 alone would turn them on): only their
        # code or a prefix longer than CEL, in select or extend-select, turns one on.
        cls.opt_in_off = opt_in_off([*(options.select or ()), *(getattr(options, "extend_select", None) or ())])
        selected = _selected_codes(options)
        cls.enabled = None if selected is None else selected - cls.opt_in_off
        filenames = getattr(options, "filenames", None) or ()
        cls.stdin_name = (getattr(options, "stdin_display_name", None) or "stdin") if "-" in filenames else None

    def run(self):
        source = "".join(self.lines) if self.lines is not None else None
        # The project index (built once per process, on the first file): the project rules read
        # it, and its settings know the project's own task decorators and Task bases.
        project = index_for(self.filename, self.settings)
        settings = project.settings if project is not None else self.settings
        if source is not None:
            if not celery_lint.prefilter(settings).search(source, self.filename):
                return
            if not source.isascii() and self.filename != self.stdin_name:
                # flake8 reads a file that is not valid in its encoding as latin-1; Python, pylint and
                # the standalone command refuse it (PEP 263): so does this plugin.
                problem = undecodable(self.filename)
                if problem is not None:
                    yield problem.line, problem.col, f"{NOT_CHECKED} {problem.reason}", type(self)
                    return
        for v in celery_lint.check(self.tree, self.filename, settings, enabled=self.enabled, project=project):
            if v.code not in self.opt_in_off:  # a check may find more than was asked of it
                yield v.line, v.col, f"{v.code} {v.message}", type(self)


def _selected_codes(options) -> frozenset[str] | None:
    """The codes flake8's selection (select, ignore, their extend- forms, the defaults with our
    opt-in rules ignored) lets through, decided by flake8 itself, so that checks whose codes
    are all off are not run.  Per-file ignores and ``# noqa`` only take away: flake8 still
    filters what is found.  None (run everything) if flake8's decision engine is not there."""
    try:
        from flake8.style_guide import Decision, DecisionEngine  # noqa: PLC0415 -- flake8's, at parse time

        decide = DecisionEngine(options).decision_for
        return frozenset(code for code in celery_lint.RULES if decide(code) is Decision.Selected)
    except Exception:  # noqa: BLE001 -- an older or newer flake8: check everything, flake8 filters
        return None
