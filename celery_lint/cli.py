"""The standalone command, for lint stages that run neither flake8 nor pylint.

    celery-lint check [options] [PATH ...]   report findings as path:line:col: CODE message
    celery-lint rules                        list the rule catalogue
    celery-lint explain CODE                 print a rule's page
    celery-lint doctor                       check the installation (the legacy pylint-celery)

It shares the core with the two plugins and adds no rule logic: it finds the files, reads
the settings (command line, then ``[tool.celery-lint]`` in the nearest pyproject.toml),
selects codes like flake8 and honours ``# noqa`` like flake8.  Exit status: 0 when clean,
1 when something was found or a file could not be checked (``CEL099``, as flake8's E902 and
E999), 2 on a usage error or an internal error (``CEL000``): the result cannot be trusted.
"""
from __future__ import annotations

import argparse
import ast
import difflib
import fnmatch
import io
import json
import logging
import os
import re
import stat
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from . import BY_SYMBOL, INTERNAL_ERROR, RULES, Settings, Violation, __version__, check, doctor, prefilter
from .docs import fix_kind, rule_page
from .fixes import Dropped, FixResult, encode_module, fix_text, read_module, write_module
from .noqa import add_noqa_to_file, noqa_lines, silenced
from .sarif import sarif_log
from .frontend import (
    NOT_CHECKED,
    NOT_CHECKED_SUMMARY,
    NOT_CHECKED_SYMBOL,
    NotChecked,
    decode,
    opt_in_chosen,
    os_reason,
    read_bytes,
    setting_type,
)
from .project import index_for
from .settings import option_specs

EXIT_CLEAN, EXIT_FOUND, EXIT_USAGE = 0, 1, 2
EXIT_INTERNAL_ERROR = 2  # as for a usage error: the result cannot be trusted

#: Directories never walked into (a directory holding ``pyvenv.cfg`` is a virtualenv too).
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", "env", "__pycache__",
    "node_modules", "build", "dist", ".eggs", "*.egg-info", "site-packages",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".direnv", "__pypackages__",
)
FORMATS = ("text", "json", "github", "sarif")

_CODE_SPEC = re.compile(r"^CEL[0-9]{0,3}$")
_SELECTION_KEYS = ("select", "extend-select", "ignore", "exclude")
#: The codes that are no rule, with their symbols: an internal error, a file that could not be checked.
RESERVED = {INTERNAL_ERROR.code: INTERNAL_ERROR.symbol, NOT_CHECKED: NOT_CHECKED_SYMBOL}

log = logging.getLogger("celery_lint")


class UsageError(Exception):
    """Bad arguments or configuration: reported on stderr, exit status 2."""


# --------------------------------------------------------------------------- configuration


def find_pyproject(paths: Sequence[str]) -> Path | None:
    """The nearest pyproject.toml with a ``[tool.celery-lint]`` table, above the paths checked."""
    absolute = [os.path.abspath(p) for p in paths] or [os.getcwd()]
    try:
        start = Path(os.path.commonpath(absolute))
    except ValueError:  # paths on different drives
        start = Path.cwd()
    if not os.path.isdir(start):
        start = start.parent
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if os.path.isfile(candidate) and read_table(candidate) is not None:
            return candidate
    return None


def read_table(path: Path, explicit: bool = False) -> dict | None:
    """The ``[tool.celery-lint]`` table of a pyproject.toml, or None when it has none.

    A file that is not valid TOML is refused when it may hold our table (it names ``celery-lint``)
    or was named with ``--config`` (``explicit``); otherwise it is someone else's, passed over.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    ours = explicit or b"celery-lint" in data
    try:
        document = toml_loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError, MemoryError) as exc:
        if not ours:
            return None
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).splitlines()[0]
        raise UsageError(f"{path}: invalid TOML: {reason}") from None
    tool = document.get("tool")
    table = tool.get("celery-lint") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise UsageError(f"{path}: tool.celery-lint must be a table ([tool.celery-lint]), not {type(table).__name__}")
    return table


def toml_loads(text: str) -> dict:
    """TOML, read by tomllib (Python 3.11+) or by tomli, the same reader, on Python 3.10."""
    try:
        import tomllib  # noqa: PLC0415 -- only when a pyproject.toml is read
    except ImportError:
        import tomli as tomllib  # noqa: PLC0415 -- Python 3.10: the dependency tomli
    return tomllib.loads(text)


def _as_list(value, where: str) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise UsageError(f"{where} must be a list of strings or a comma-separated string, not {value!r:.40}")


@dataclass
class Options:
    """Everything ``check`` needs, merged from the command line and pyproject.toml."""

    settings: Settings
    selection: "Selection"
    excludes: list[str] = field(default_factory=list)
    root: Path = field(default_factory=Path.cwd)

    @property
    def enabled(self) -> frozenset[str]:
        """The codes the selection lets through: checks of other codes need not run."""
        return frozenset(code for code in RULES if self.selection(code))


def _config(args: argparse.Namespace, paths: Sequence[str]) -> tuple[Path | None, dict]:
    if args.config:
        config_path = Path(args.config)
        if not os.path.isfile(config_path):
            raise UsageError(f"no such configuration file: {args.config}")
        return config_path, read_table(config_path, explicit=True) or {}
    if args.isolated:
        return None, {}
    config_path = find_pyproject(paths)
    return config_path, (read_table(config_path) or {}) if config_path else {}


def resolve_options(args: argparse.Namespace, paths: Sequence[str]) -> Options:
    config_path, table = _config(args, paths)
    setting_names = {name.replace("_", "-"): name for name, *_ in option_specs()}
    where = f"{config_path}: [tool.celery-lint]"
    mapping: dict = {}
    lists: dict[str, list[str]] = {}
    for key, value in table.items():
        dashed = key.replace("_", "-")
        if dashed in _SELECTION_KEYS:
            lists[dashed] = _as_list(value, f"{where} {key}")
        elif dashed in setting_names:
            try:
                mapping[dashed] = getattr(Settings.from_mapping({key: value}), setting_names[dashed])
            except ValueError as exc:
                raise UsageError(f"{where} {exc}") from None
        else:
            known = ", ".join(sorted([*_SELECTION_KEYS, *setting_names]))
            raise UsageError(f"{where}: unknown key {key!r} (known: {known})")
    for dashed, name in setting_names.items():
        value = getattr(args, name)
        if value is not None:  # checked by its argparse type
            mapping[dashed] = value
    settings = Settings.from_mapping(mapping)

    def codes(key: str, given: list[str] | None) -> tuple[str, ...] | None:
        """The codes of one selection key: from the command line, else from pyproject.toml."""
        if given is not None:
            return parse_codes(given, f"--{key}")
        return parse_codes(lists[key], f"{where} {key}") if key in lists else None

    selection = Selection(
        select=codes("select", args.select),
        extend_select=(*(codes("extend-select", None) or ()),  # the file's and the command line's add up
                       *(parse_codes(args.extend_select, "--extend-select") if args.extend_select else ())),
        ignore=codes("ignore", args.ignore) or (),
    )
    if not any(selection(code) for code in RULES):
        raise UsageError("the selection (select, extend-select, ignore) leaves no rule on; "
                         "`celery-lint rules` lists the rules")
    excludes = [*lists.get("exclude", []), *(args.exclude or [])]
    root = config_path.parent.resolve() if config_path else Path.cwd()
    return Options(settings, selection, excludes, root)


# --------------------------------------------------------------------------- selection


def parse_codes(values: Iterable[str], where: str = "a selection") -> tuple[str, ...]:
    """Codes, code prefixes (``CEL2``) or pylint symbols, comma-separated or repeated; each must
    name at least one rule (or a reserved code)."""
    out = []
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            if item.lower() in BY_SYMBOL:
                out.append(BY_SYMBOL[item.lower()].code)
            elif not _CODE_SPEC.match(item.upper()):
                raise UsageError(f"{where}: {item!r} is not a rule code, code prefix (CEL, CEL2, CEL201) or symbol")
            elif not any(code.startswith(item.upper()) for code in (*RULES, *RESERVED)):
                raise UsageError(f"{where}: {item!r} matches no rule; `celery-lint rules` lists them")
            else:
                out.append(item.upper())
    return tuple(out)


@dataclass(frozen=True)
class Selection:
    """Which codes are reported, decided like flake8.

    Without ``select``, the default-on rules are selected.  An explicit choice
    (``select``, ``extend-select``, ``ignore``) beats the default; between an explicit
    select and an explicit ignore that both match, the longer prefix wins (ignore on a tie).
    An opt-in rule is chosen only by a prefix longer than ``CEL`` (``CEL5``, ``CEL515``):
    ``select = CEL`` keeps opt-in rules off, as flake8-bugbear's ``select = B`` keeps B9xx off.
    """

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def __call__(self, code: str) -> bool:
        chosen = _longest(code, (*(self.select or ()), *self.extend_select))
        rule = RULES.get(code)
        if rule is not None and not rule.default and not opt_in_chosen(code, (chosen,)):
            chosen = ""  # only a prefix longer than CEL turns an opt-in rule on
        ignored = _longest(code, self.ignore)
        if chosen and ignored:
            return len(chosen) > len(ignored)
        if chosen or ignored:
            return bool(chosen)
        return self.select is None and rule is not None and rule.default


def _longest(code: str, prefixes: Iterable[str]) -> str:
    return max((p for p in prefixes if code.startswith(p)), key=len, default="")


# --------------------------------------------------------------------------- files


def _matches(path: Path, root: Path, patterns: Iterable[str]) -> bool:
    """flake8-like exclude matching: a pattern matches the name, or the end of the path."""
    name = path.name
    absolute = path.absolute().as_posix()
    try:
        relative = path.absolute().relative_to(root).as_posix()
    except ValueError:
        relative = absolute
    for pattern in patterns:
        pattern = pattern.replace("\\", "/").rstrip("/")
        if pattern.startswith("./"):
            pattern = pattern[2:]
        if not pattern:
            continue
        if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(relative, pattern):
            return True
        if "/" in pattern and (fnmatch.fnmatch(absolute, pattern) or fnmatch.fnmatch(absolute, "*/" + pattern)):
            return True
    return False


def _is_virtualenv(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "pyvenv.cfg"))


STDIN = "-"


class Skipped(NamedTuple):
    """A path given or found that cannot be read (a folder that cannot be listed, a link loop, ...)."""

    path: str
    problem: NotChecked


def iter_files(paths: Sequence[str], excludes: Sequence[str], root: Path) -> Iterator[str | Skipped]:
    """The files to check, in a stable order, each once; and each path or folder that cannot
    be read, as :class:`Skipped`.  ``-`` stands for standard input.

    A file named on the command line is checked whatever its name, unless it matches a
    user's exclude pattern; folders are walked for ``*.py`` files, skipping the common
    tool, cache, build and virtualenv folders and the user's excludes.  Symbolic links to
    folders are not followed; the walk keeps its own stack, so depth costs no recursion.
    """
    seen: set[str] = set()

    def once(name: str) -> bool:
        key = os.path.realpath(name)
        if key in seen:
            return False
        seen.add(key)
        return True

    for given in paths:
        if given == STDIN:
            if once(STDIN):  # read once
                yield given
            continue
        try:
            is_dir = stat.S_ISDIR(os.stat(given).st_mode)
        except OSError as exc:  # a symlink loop or a dangling link, a name too long, ...
            yield _not_checked(given, f"cannot read this path: {os_reason(exc)}")
            continue
        if _matches(Path(given), root, excludes):
            continue
        if not is_dir:
            if once(given):
                yield given  # what is not a regular file is refused when read, never opened blocking
            continue
        yield from _walk(given, excludes, root, once)


def _walk(top: str, excludes: Sequence[str], root: Path, once: Callable[[str], bool]):
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            yield _not_checked(directory, f"cannot list this folder: {os_reason(exc)}")
            continue
        folders = []
        for entry in entries:
            path = os.path.join(directory, entry.name)
            if _is_folder(entry):
                if not (_matches(Path(path), root, DEFAULT_EXCLUDES) or _matches(Path(path), root, excludes)
                        or _is_virtualenv(path)):
                    folders.append(path)
            elif entry.name.endswith(".py") and not _is_linked_folder(entry) \
                    and not _matches(Path(path), root, excludes):
                name = os.path.normpath(path)
                if once(name):
                    yield name
        stack.extend(reversed(folders))


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_linked_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def _not_checked(path: str, reason: str) -> Skipped:
    return Skipped(path, NotChecked(reason))


# --------------------------------------------------------------------------- checking


def check_file(path: str, options: Options, enabled: frozenset[str] | None = None,
               data: bytes | None = None, fixes: bool = False) -> list[Violation]:
    """The selected, not silenced findings of one file (``data``: its bytes, when read already),
    and its internal errors (CEL000, which no selection or ``# noqa`` hides).  Raises
    NotChecked for a file that cannot be read, decoded or parsed.  ``fixes``: each finding
    carries its fix, when its rule has one (for SARIF).

    Like the plugins, a file that mentions nothing Celery-related costs one text search:
    it is not even parsed (nor is its decoding error reported).
    """
    data = read_bytes(path) if data is None else data
    # The project index (built once per root): the project rules read it, and its settings
    # know the project's own task decorators and Task bases.
    project = index_for(path, options.settings)
    settings = project.settings if project is not None else options.settings
    search = prefilter(settings).search
    try:
        text = decode(data)
    except NotChecked:
        if not search(data.decode("latin-1"), path):  # the markers are ASCII: latin-1 keeps them
            return []
        raise
    if not search(text, path):
        return []
    tree = parse(data, path)
    found = check(tree, path, settings, source=text if fixes else None, enabled=enabled, project=project,
                  fixes=fixes)
    return selected(found, text, options)


def selected(found: list[Violation], text: str, options: Options) -> list[Violation]:
    """The findings the selection lets through and no ``# noqa`` silences, and internal errors."""
    found = [v for v in found if options.selection(v.code) or v.code == INTERNAL_ERROR.code]
    if found:
        line_text = noqa_lines(text)
        found = [v for v in found if v.code == INTERNAL_ERROR.code or not silenced(v.code, line_text(v.line))]
    return found


def parse(data: bytes, path: str) -> ast.Module:
    """The module's tree; raises NotChecked where Python cannot parse it (as flake8's E999)."""
    try:
        return ast.parse(data, path)
    except SyntaxError as exc:
        raise NotChecked(f"cannot parse this file: {type(exc).__name__}: {exc.msg}",
                         exc.lineno or 1, (exc.offset or 1) - 1) from None
    except ValueError as exc:  # null bytes before Python 3.12
        raise NotChecked(f"cannot parse this file: {exc}") from None
    except RecursionError:
        raise NotChecked("cannot parse this file: the code is nested too deeply") from None
    except MemoryError:
        raise NotChecked("cannot parse this file: out of memory") from None


# --------------------------------------------------------------------------- output


def _github_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_text(path: str, v: Violation) -> str:
    return f"{path}:{v.line}:{v.col + 1}: {v.code} {v.message}"


def format_github(path: str, v: Violation) -> str:
    level = "error" if v.code in RESERVED else "warning"
    return (f"::{level} file={_github_escape(path, prop=True)},line={v.line},col={v.col + 1},"
            f"title={v.code}::{_github_escape(v.message)}")


def as_json(path: str, v: Violation) -> dict:
    symbol = RULES[v.code].symbol if v.code in RULES else RESERVED.get(v.code)
    return {"path": path, "line": v.line, "column": v.col + 1, "code": v.code, "symbol": symbol,
            "message": v.message}


class Report:
    """Prints findings in the chosen format and counts them."""

    def __init__(self, fmt: str, out):
        self.format, self.out = fmt, out
        self.results: list[dict] = []
        self.reported: list[tuple[str, Violation]] = []  # for sarif: every finding, internal errors too
        self.found = self.internal_errors = 0

    def add(self, path: str, found: Iterable[Violation]) -> None:
        for v in found:
            if self.format == "sarif":
                self.reported.append((path, v))
            if v.code == INTERNAL_ERROR.code:  # on stderr: no finding of the code, a failure of ours
                self.internal_errors += 1
                print(f"celery-lint: {path}: {v.message}", file=sys.stderr)
                continue
            self.found += 1
            if self.format == "sarif":
                continue
            if self.format == "json":
                self.results.append(as_json(path, v))
            elif self.format == "github":
                print(format_github(path, v), file=self.out)
            else:
                print(format_text(path, v), file=self.out)

    def close(self) -> None:
        if self.format == "json":
            json.dump(self.results, self.out, indent=2)
            self.out.write("\n")
        elif self.format == "sarif":
            json.dump(sarif_log(self.reported), self.out, indent=2)
            self.out.write("\n")


# --------------------------------------------------------------------------- commands


def checked_files(paths: Sequence[str], options: Options, stdin_name: str,
                  fixes: bool = False) -> Iterator[tuple[str, list[Violation]]]:
    """Each file's path and findings (with their fixes, if asked), those of a file that could not
    be checked too."""
    enabled = options.enabled
    for item in iter_files(paths, options.excludes, options.root):
        if isinstance(item, Skipped):
            yield item.path, [item.problem.violation()]
            continue
        path = stdin_name if item == STDIN else item
        try:
            found = check_file(path, options, enabled, _read_stdin() if item == STDIN else None, fixes)
        except NotChecked as problem:
            found = [problem.violation()]
        yield path, found


def cmd_check(args: argparse.Namespace) -> int:
    if args.command == "fix" or args.fix or args.diff:
        return cmd_fix(args)
    if args.unsafe_fixes:
        raise UsageError("--unsafe-fixes goes with `fix`, --fix or --diff")
    paths = args.paths or ([STDIN] if args.stdin_filename else ["."])
    if args.stdin_filename and STDIN not in paths:
        raise UsageError("--stdin-filename names what '-' (standard input) holds: give '-' among the paths")
    missing = [p for p in paths if p != STDIN and _missing(p)]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    stdin_name = args.stdin_filename or "stdin"
    options = resolve_options(args, [stdin_name if p == STDIN else p for p in paths])
    if args.add_noqa:
        return add_noqa(paths, options)
    report = Report(args.format, sys.stdout)
    for path, found in checked_files(paths, options, stdin_name, fixes=args.format == "sarif"):
        report.add(path, found)
    report.close()
    if report.internal_errors:
        return EXIT_INTERNAL_ERROR
    return EXIT_FOUND if report.found and not args.exit_zero else EXIT_CLEAN


def add_noqa(paths: Sequence[str], options: Options) -> int:
    """``check --add-noqa``: silence every finding with a ``# noqa: CODE`` comment, in place."""
    if STDIN in paths:
        raise UsageError("--add-noqa edits files in place: it cannot take '-' (standard input)")
    comments = files = internal_errors = 0
    for path, found in checked_files(paths, options, STDIN):
        for v in found:
            if v.code in RESERVED:  # no finding of the code: nothing a comment silences
                internal_errors += v.code == INTERNAL_ERROR.code
                print(f"celery-lint: {format_text(path, v)} (no comment added)", file=sys.stderr)
        try:
            added = add_noqa_to_file(path, found) if any(v.code in RULES for v in found) else None
        except NotChecked as problem:
            print(f"celery-lint: {path}: {problem.reason}", file=sys.stderr)
            continue
        except OSError as exc:
            print(f"celery-lint: {path}: cannot write this file: {os_reason(exc)}", file=sys.stderr)
            continue
        if added is None:
            continue
        comments, files = comments + added.comments, files + bool(added.comments)
        for v in added.left:
            print(f"celery-lint: {format_text(path, v)} (a # noqa comment cannot silence it here)",
                  file=sys.stderr)
    print(f"added {comments} noqa comment{'s' * (comments != 1)} to {files} file{'s' * (files != 1)}")
    return EXIT_INTERNAL_ERROR if internal_errors else EXIT_CLEAN


# --------------------------------------------------------------------------- fixes


class FileFix(NamedTuple):
    """What fixing one file did: its text before and after, and the fixing's result."""

    path: str
    old: bytes
    new: bytes
    result: FixResult


def fix_file(path: str, options: Options, enabled: frozenset[str], unsafe: bool) -> FileFix | None:
    """Fix one file's selected, not silenced findings (in memory); None when celery-lint has nothing
    to say about it.  Raises NotChecked like :func:`check_file`."""
    data = read_bytes(path)
    text = decode(data)
    project = index_for(path, options.settings)
    settings = project.settings if project is not None else options.settings
    if not prefilter(settings).search(text, path):
        return None
    parse(data, path)
    module = read_module(data)

    def find(current: str) -> list[Violation]:
        tree = ast.parse(current, path)
        found = check(tree, path, settings, source=current, enabled=enabled, fixes=True, project=project)
        return selected(found, current, options)

    result = fix_text(module.text, find, unsafe=unsafe)
    return FileFix(path, data, encode_module(module, result.text) if result.fixed else data, result)


def _unparsable(dropped: Dropped) -> Violation:
    v = dropped.finding
    return Violation(v.line, v.col, INTERNAL_ERROR.code, INTERNAL_ERROR.format(
        check=f"the fix of {v.code}", codes=v.code, error=f"its result does not parse ({dropped.error})",
        lost="the fix is left out and the finding stays"))


def _counts(fixed: Counter) -> str:
    total = sum(fixed.values())
    detail = ", ".join(f"{code}: {n}" for code, n in sorted(fixed.items()))
    return f"{total} finding{'' if total == 1 else 's'}" + (f" ({detail})" if detail else "")


def cmd_fix(args: argparse.Namespace) -> int:
    """``fix`` (write the fixes, say what was fixed), ``check --fix`` (the same, then report what
    remains) and ``check --diff`` (print the fixes as a unified diff, write nothing)."""
    paths = args.paths or ["."]
    if STDIN in paths:
        raise UsageError("fixes are made to files: standard input ('-') cannot be fixed")
    missing = [p for p in paths if _missing(p)]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    options = resolve_options(args, paths)
    listing = args.command != "fix" and not args.diff  # check --fix: report what remains
    report = Report(args.format, sys.stdout if listing else io.StringIO())
    fixed: Counter = Counter()
    changed = 0
    for item in iter_files(paths, options.excludes, options.root):
        if isinstance(item, Skipped):
            found = [item.problem.violation()]
        else:
            try:
                done = fix_file(item, options, options.enabled, args.unsafe_fixes)
            except NotChecked as problem:
                done, found = None, [problem.violation()]
            else:
                found = [*done.result.remaining, *map(_unparsable, done.result.dropped)] if done else []
            if done is not None and done.new != done.old:
                changed += 1
                fixed.update(done.result.fixed)
                if args.diff:
                    _print_diff(done)
                else:
                    write_module(done.path, done.new)
        path = item.path if isinstance(item, Skipped) else item
        if not listing:
            for v in found:
                if v.code == NOT_CHECKED:
                    print(f"celery-lint: {format_text(path, v)}", file=sys.stderr)
        report.add(path, found)
    report.close()
    summary = f"{'would fix' if args.diff else 'fixed'} {_counts(fixed)}"
    if report.found:
        summary += f"; {report.found} finding{' remains' if report.found == 1 else 's remain'}"
    print(summary, file=sys.stdout if args.command == "fix" and not args.diff else sys.stderr)
    if report.internal_errors:
        return EXIT_INTERNAL_ERROR
    if args.diff:
        return EXIT_FOUND if changed else EXIT_CLEAN
    return EXIT_FOUND if report.found and not args.exit_zero else EXIT_CLEAN


def _print_diff(done: FileFix) -> None:
    old = read_module(done.old).text.splitlines(keepends=True)
    new = read_module(done.new).text.splitlines(keepends=True)
    sys.stdout.writelines(difflib.unified_diff(old, new, f"a/{done.path}", f"b/{done.path}"))


def _read_stdin() -> bytes:
    try:
        return sys.stdin.buffer.read()
    except (AttributeError, OSError, ValueError) as exc:  # no standard input, or a closed one
        raise NotChecked(f"cannot read standard input: {type(exc).__name__}") from None


def _missing(path: str) -> bool:
    """Nothing at all at this path (a link that leads nowhere is there, but cannot be read)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:  # too long, no permission, ...: reported when read
        return False
    return False


def cmd_rules(args: argparse.Namespace) -> int:
    rules = list(RULES.values())
    if args.format == "json":
        json.dump([{"code": r.code, "symbol": r.symbol, "msgid": r.msgid, "default": r.default,
                    "fix": fix_kind(r) or None, "summary": r.summary} for r in rules], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_CLEAN
    width = max((len(r.symbol) for r in rules), default=0)
    for r in rules:
        print(f"{r.code}  {r.symbol:<{width}}  {'on' if r.default else 'opt-in':<6}  {fix_kind(r):<6}  {r.summary}")
    return EXIT_CLEAN


#: What ``explain`` says of the codes that are no rule.
_RESERVED_PAGES = {
    INTERNAL_ERROR.code: (INTERNAL_ERROR.symbol, f"{INTERNAL_ERROR.summary}. It is no rule: one check failed on a "
                          "file, its findings for that file are lost and the other checks ran. Please report it "
                          "with the code that triggers it."),
    NOT_CHECKED: (NOT_CHECKED_SYMBOL, f"{NOT_CHECKED_SUMMARY}. It is no rule: the file cannot be read (a folder "
                  "that cannot be listed, a link loop, a FIFO, ...), is not valid in its encoding (PEP 263: UTF-8 "
                  "unless a coding line says otherwise) or does not parse, as flake8 reports E902 and E999. No "
                  "selection hides it, and it makes the exit status 1."),
}


def cmd_explain(args: argparse.Namespace) -> int:
    key = args.rule.strip()
    rule = RULES.get(key.upper()) or BY_SYMBOL.get(key.lower())
    reserved = next((code for code, (symbol, _) in _RESERVED_PAGES.items() if key.upper() == code
                     or key.lower() == symbol), None)
    if rule is None and reserved is not None:
        symbol, text = _RESERVED_PAGES[reserved]
        sys.stdout.write(f"# {reserved}: {symbol}\n\n{text}\n")
        return EXIT_CLEAN
    if rule is None:
        raise UsageError(f"unknown rule {args.rule!r}; `celery-lint rules` lists them")
    sys.stdout.write(rule_page(rule))
    return EXIT_CLEAN


def cmd_doctor(args: argparse.Namespace) -> int:
    """Say where celery-lint and its front-ends are installed, and what is wrong with them."""
    print(f"celery-lint {__version__} in {os.path.dirname(os.path.abspath(__file__))}")
    problems = doctor.problems()
    for problem in problems:
        print(f"problem: {problem}")
    if problems:
        print(f"repair: {doctor.repair()}")
        return EXIT_FOUND
    print("ok: the flake8 and pylint front-ends are celery-lint's own")
    return EXIT_CLEAN


class _Version(argparse.Action):
    """``--version``: the version, and a warning when the installation is broken (see doctor)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"celery-lint {__version__}")
        for problem in doctor.problems(owners=False):
            print(f"celery-lint: warning: {problem}; `celery-lint doctor` says how to repair it", file=sys.stderr)
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="celery-lint",
        description="Check code that uses Celery against Celery's best practices.",
    )
    parser.add_argument("--version", action=_Version, help="show the version (and warn of a broken installation)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check_parser = commands.add_parser(
        "check", aliases=["fix"], help="check files and folders (fix: and fix what can be fixed)",
        description="Check Python files and folders; print path:line:col: CODE message.",
    )
    check_parser.add_argument("paths", nargs="*", metavar="PATH", help="files and folders (default: .)")
    check_parser.add_argument("--select", action="append", metavar="CODES",
                              help="report only these codes or prefixes, e.g. CEL2,CEL401 "
                                   "(default: all rules that are on by default)")
    check_parser.add_argument("--extend-select", action="append", metavar="CODES",
                              help="report these codes too, e.g. opt-in rules")
    check_parser.add_argument("--ignore", action="append", metavar="CODES",
                              help="do not report these codes or prefixes")
    check_parser.add_argument("--exclude", action="append", metavar="GLOBS",
                              help="also skip files and folders matching these comma-separated globs")
    check_parser.add_argument("--format", choices=FORMATS, default="text",
                              help="text (default), json, github (workflow annotations) or sarif (SARIF 2.1.0, for "
                                   "code scanning)")
    check_parser.add_argument("--add-noqa", action="store_true",
                              help="add a '# noqa: CODE' comment that silences each finding, in place (to adopt "
                                   "celery-lint on an old code base); print how many")
    check_parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when something was found")
    check_parser.add_argument("--fix", action="store_true",
                              help="fix what can be fixed (as `celery-lint fix`), then report what remains")
    check_parser.add_argument("--diff", action="store_true",
                              help="print the fixes as a unified diff, change no file (exit 1 when there is one)")
    check_parser.add_argument("--unsafe-fixes", action="store_true",
                              help="with fix, --fix or --diff: apply the unsafe fixes too (they change what runs)")
    check_parser.add_argument("--config", metavar="FILE",
                              help="read [tool.celery-lint] from this file instead of the nearest pyproject.toml")
    check_parser.add_argument("--isolated", action="store_true", help="ignore pyproject.toml")
    check_parser.add_argument("--stdin-filename", metavar="NAME",
                              help="the file name of what '-' (standard input) holds, for settings and output")
    for name, default, help_text, kind, metavar in option_specs():
        shown = ",".join(default) if kind == "list" else default
        kind_args = {"action": "store_true"} if kind == "bool" else {"metavar": metavar, "type": setting_type(kind)}
        check_parser.add_argument(
            "--" + name.replace("_", "-"), dest=name, default=None,
            help=f"{help_text} (default: {shown or 'none'})", **kind_args,
        )
    check_parser.set_defaults(handler=cmd_check)

    rules_parser = commands.add_parser("rules", help="list the rules", description="List every rule.")
    rules_parser.add_argument("--format", choices=("text", "json"), default="text")
    rules_parser.set_defaults(handler=cmd_rules)

    explain_parser = commands.add_parser("explain", help="show a rule's documentation",
                                         description="Print the documentation page of one rule.")
    explain_parser.add_argument("rule", metavar="CODE", help="a code (CEL201) or a pylint symbol")
    explain_parser.set_defaults(handler=cmd_explain)

    doctor_parser = commands.add_parser(
        "doctor", help="check the installation",
        description="Say whether the flake8 and pylint front-ends are celery-lint's own, and how to repair them "
                    "(the legacy pylint-celery distribution shares the import name pylint_celery).")
    doctor_parser.set_defaults(handler=cmd_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a name the console cannot encode is escaped, never a crash
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):  # not a text stream of io (a test's capture, ...)
            pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command in ("check", "fix") and args.exclude:
        args.exclude = [glob for value in args.exclude for glob in _as_list(value, "--exclude")]
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    try:
        return args.handler(args)
    except UsageError as exc:
        print(f"celery-lint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `celery-lint check . | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FOUND
