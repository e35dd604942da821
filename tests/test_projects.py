"""The project-wide rules (CEL9xx) on whole projects, through every front-end.

Each folder of ``tests/projects/`` is a small project of its own (see its README.md); a line
that must be reported carries ``# expect: CEL9nn``.  Each project is copied out of the
repository (the index's ``.celery_lint_cache/`` is written in the copy, never here) and
checked, with the copy's root as the working directory, by

* the standalone command: ``python -m celery_lint check --select CEL .``;
* real flake8 on the whole root, and flake8 on each marked file alone (what pre-commit does:
  it passes only the changed files, and the index must still see the whole project);
* real pylint, through ``--load-plugins``, on every ``.py`` file of the root.

Each run's CEL9xx findings ``(path, line, code)`` must be the marks exactly, and the three
front-ends must agree to the column.  Findings of the per-module rules (CEL0xx-CEL8xx) are
not looked at here: their fixtures are in ``tests/fixtures/``.  A project whose rule (the
code in its folder name) is not in the catalogue yet is skipped, so the suite stays green
while the rules land one by one; ``CELERY_LINT_PROJECTS_ALL=1`` runs them anyway.

pylint runs once for all the projects (see ``Runs``); ``CELERY_LINT_PROJECTS_PYLINT=each``
runs it once per project, from the project's root, to tell the two apart when they differ.
"""
from __future__ import annotations

import ast
import os
import pathlib
import re
import shutil

import pytest

import celery_lint
import tools
from fixture_support import parse_marker

PROJECTS = pathlib.Path(__file__).parent / "projects"
NAMES = sorted(p.name for p in PROJECTS.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".flake8")
CACHE_DIR = ".celery_lint_cache"
IGNORED = shutil.ignore_patterns(CACHE_DIR, "__pycache__", "*.pyc")
_NAME = re.compile(r"^cel(9\d\d)_(silent_)?[a-z0-9_]+$")
_PROJECT_CODE = re.compile(r"^CEL9\d\d$")
_STANDALONE_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>CEL\d{3}) (?P<msg>.*)$")
#: The codes that are no rule: a check that crashed, a file that could not be checked.
BROKEN = {celery_lint.INTERNAL_ERROR.code, "CEL099"}
BROKEN_SYMBOLS = (celery_lint.INTERNAL_ERROR.symbol, "celery-lint-file-not-checked")
TOOLS = ("standalone", "flake8", "pylint")
RUN_ALL = os.environ.get("CELERY_LINT_PROJECTS_ALL") == "1"
#: ``CELERY_LINT_PROJECTS_PYLINT=each``: one pylint process per project instead of one for all.
PYLINT_EACH = os.environ.get("CELERY_LINT_PROJECTS_PYLINT") == "each"


def rule_code(name: str) -> str:
    """The rule a project is about: ``cel904_include_missing`` -> ``CEL904``."""
    return name[:6].upper()


def is_project_code(code: str) -> bool:
    return bool(_PROJECT_CODE.match(code))


def python_files(root: pathlib.Path) -> list[str]:
    """The project's ``.py`` files, relative to its root, in path order."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py")
                  if CACHE_DIR not in p.parts and "__pycache__" not in p.parts)


def marks_of(root: pathlib.Path) -> set[tuple[str, int, str]]:
    """Every ``# expect:`` mark of a project: (relative path, line, code)."""
    marks = set()
    for rel in python_files(root):
        text = (root / rel).read_text(encoding="utf-8")
        for lineno, line in enumerate(text.splitlines(), 1):
            for code, _col in parse_marker(line):
                marks.add((rel, lineno, code))
    return marks


def expected(name: str) -> set[tuple[str, int, str]]:
    """The marks of the rules that exist (all of them, with ``CELERY_LINT_PROJECTS_ALL=1``)."""
    return {m for m in marks_of(PROJECTS / name) if RUN_ALL or m[2] in celery_lint.RULES}


def require_rule(name: str) -> None:
    code = rule_code(name)
    if code not in celery_lint.RULES and not RUN_ALL:
        pytest.skip(f"{code} not built yet")


def _relative(path: str) -> str:
    """``./proj/tasks.py`` (flake8) and ``proj/tasks.py`` (the others) alike."""
    return os.path.normpath(path).replace(os.sep, "/")


def _no_breakage(found, output: str, what: str) -> None:
    broken = [f for f in found if f[3] in BROKEN]
    assert not broken, f"{what}: a check failed or a file was not checked: {broken}\n{output}"
    assert not any(symbol in output for symbol in BROKEN_SYMBOLS), f"{what}:\n{output}"


# --------------------------------------------------------------------------- the three runs


def standalone(root: pathlib.Path, paths=(".",)):
    """``python -m celery_lint check --select CEL .`` (and any opt-in CEL9xx); [(path, line, col, code, msg)]."""
    select = ",".join(("CEL", *sorted(c for c in celery_lint.OPT_IN if c.startswith("CEL9"))))
    proc = tools.run(["celery_lint", "check", f"--select={select}", *paths], root)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    found = []
    for line in proc.stdout.splitlines():
        m = _STANDALONE_LINE.match(line)
        if m:
            found.append((_relative(m["path"]), int(m["line"]), int(m["col"]), m["code"], m["msg"]))
    _no_breakage(found, proc.stdout + proc.stderr, "celery-lint check")
    return found


def flake8(root: pathlib.Path, paths=(".",)):
    proc, found = tools.flake8(list(paths), root)
    found = [(_relative(p), line, col, code, msg) for p, line, col, code, msg in found]
    _no_breakage(found, proc.stdout + proc.stderr, f"flake8 {' '.join(paths)}")
    return found


def pylint(root: pathlib.Path, paths=None):
    """pylint on every ``.py`` file of the root (or on ``paths``: files relative to ``root``, or
    folders, whose ``.py`` files are taken); columns made 1-based, as flake8's."""
    if paths is None:
        files = python_files(root)
    elif all((root / p).is_dir() for p in paths):
        files = [f"{p}/{rel}" for p in paths for rel in python_files(root / p)]
    else:
        files = list(paths)
    proc, found = tools.pylint(files, root)
    found = [(_relative(p), line, col + 1, code, msg) for p, line, col, code, msg in found]
    _no_breakage(found, proc.stdout + proc.stderr, "pylint")
    return found


class Runs:
    """Each tool runs on fresh copies of the projects (each front-end builds the indexes from a
    cold cache); the findings are kept for the comparison tests.

    A process costs a few hundred milliseconds (pylint seconds), so each tool runs once for all
    the projects under test: one process over every project copy, from the folder holding them,
    each copy a root of its own (as in a repository holding several services).
    ``test_from_a_project_root`` runs each tool the plain way too, from one project's root."""

    def __init__(self, factory: pytest.TempPathFactory):
        self.factory = factory
        self.found: dict[tuple[str, str], list] = {}

    def copy(self, name: str, label: str, parent: pathlib.Path | None = None) -> pathlib.Path:
        """A copy of the project, out of the repository, in a folder whose name no test-path
        pattern matches (pytest's ``tmp_path`` is named after the test: ``test_...``)."""
        parent = parent or self.factory.mktemp(f"{name}-{label}", numbered=True)
        root = parent / name
        shutil.copytree(PROJECTS / name, root, ignore=IGNORED)
        return root

    def __call__(self, name: str, tool: str) -> list:
        key = (name, tool)
        if key not in self.found:
            had_cache = (PROJECTS / name / CACHE_DIR).exists()
            if not (tool == "pylint" and PYLINT_EACH):
                self._batch(name, tool)
            else:
                self.found[key] = RUNNERS[tool](self.copy(name, tool))
            assert had_cache or not (PROJECTS / name / CACHE_DIR).exists(), \
                f"{tool} wrote {CACHE_DIR}/ into the repository's tests/projects/{name}"
        return self.found[key]

    def _batch(self, name: str, tool: str) -> None:
        """``tool`` once over ``name`` and every project whose rule is built."""
        names = [n for n in NAMES if n == name or RUN_ALL or rule_code(n) in celery_lint.RULES]
        parent = self.factory.mktemp(f"{tool}-batch", numbered=True)
        for each in names:
            self.copy(each, tool, parent)
        found = RUNNERS[tool](parent, names)
        for each in names:
            self.found[(each, tool)] = [
                (path.split("/", 1)[1], *rest) for path, *rest in found if path.split("/", 1)[0] == each]


RUNNERS = {"standalone": standalone, "flake8": flake8, "pylint": pylint}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return Runs(tmp_path_factory)


def project_findings(found) -> set[tuple[str, int, str]]:
    return {(path, line, code) for path, line, _, code, _ in found if is_project_code(code)}


def describe(expected_marks, got) -> str:
    missing = sorted(expected_marks - got)
    unexpected = sorted(got - expected_marks)
    return f"missing: {missing}\nunexpected: {unexpected}"


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("name", NAMES)
def test_project_is_laid_out_as_the_readme_says(name):
    """Runs whatever is built: a root marker, Python that parses, marks that are CEL9xx codes
    only, at least one mark of the folder's rule in a firing project and none in a silent one."""
    root = PROJECTS / name
    m = _NAME.match(name)
    assert m, f"{name}: name it cel9NN_<what> or cel9NN_silent_<what>"
    assert any((root / marker).is_file() for marker in ROOT_MARKERS), f"{name}: no root marker at its top"
    assert not (root / CACHE_DIR).exists(), f"{name}: a {CACHE_DIR}/ in the repository"
    files = python_files(root)
    assert 2 <= len(files) <= 10, f"{name}: keep a project small ({len(files)} Python files)"
    for rel in files:
        ast.parse((root / rel).read_text(encoding="utf-8"), rel)
    for path in root.rglob("*"):
        if path.is_file() and path.suffix != ".py":
            text = path.read_text(encoding="utf-8")
            assert "expect:" not in text, f"{name}/{path.relative_to(root)}: marks go in Python files only"
    marks = marks_of(root)
    assert all(is_project_code(code) for _, _, code in marks), f"{name}: mark only CEL9xx codes: {sorted(marks)}"
    if m.group(2):
        assert not marks, f"{name}: a silent project holds marks: {sorted(marks)}"
    else:
        assert rule_code(name) in {code for _, _, code in marks}, f"{name}: no mark of {rule_code(name)}"


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("name", NAMES)
def test_findings_are_the_marks(runs, name, tool):
    require_rule(name)
    got = project_findings(runs(name, tool))
    want = expected(name)
    assert got == want, f"{tool} on {name}:\n{describe(want, got)}"


@pytest.mark.parametrize("name", [n for n in NAMES if "_silent_" not in n])
def test_flake8_on_one_marked_file_alone(runs, name):
    """pre-commit passes flake8 only the changed files: the index still reads the whole root,
    and each marked file alone gets its own marks."""
    require_rule(name)
    root = runs.copy(name, "flake8-alone")
    want = expected(name)
    for rel in sorted({path for path, _, _ in want}):
        got = project_findings(flake8(root, [rel]))
        mine = {m for m in want if m[0] == rel}
        assert got == mine, f"flake8 {rel} alone in {name}:\n{describe(mine, got)}"


@pytest.mark.parametrize("name", NAMES)
def test_front_ends_agree(runs, name):
    require_rule(name)
    at = {tool: {f[:4] for f in runs(name, tool) if is_project_code(f[3])} for tool in TOOLS}
    assert at["flake8"] == at["standalone"], f"{name}: flake8 {sorted(at['flake8'])} != " \
                                             f"standalone {sorted(at['standalone'])}"
    assert at["pylint"] == at["standalone"], f"{name}: pylint {sorted(at['pylint'])} != " \
                                             f"standalone {sorted(at['standalone'])}"


#: One project of each layout that pylint also checks from its own root, alone in its process.
PYLINT_ALONE = ("cel902_wrong_arguments", "cel904_django_missing_app", "cel901_silent_src_layout")


@pytest.mark.parametrize("name", PYLINT_ALONE)
def test_pylint_from_a_project_root(runs, name):
    require_rule(name)
    found = pylint(runs.copy(name, "pylint-alone"))
    assert project_findings(found) == expected(name), describe(expected(name), project_findings(found))
    alone = {f[:4] for f in found if is_project_code(f[3])}
    assert alone == {f[:4] for f in runs(name, "pylint") if is_project_code(f[3])}, "alone and in the batch differ"


@pytest.mark.parametrize("tool", ("standalone", "flake8"))
@pytest.mark.parametrize("name", PYLINT_ALONE)
def test_from_a_project_root(runs, name, tool):
    """The plain way: the tool run in the project's root on ``.`` gives what the batch gave."""
    require_rule(name)
    found = RUNNERS[tool](runs.copy(name, f"{tool}-alone"))
    assert project_findings(found) == expected(name), describe(expected(name), project_findings(found))
    alone = {f[:4] for f in found if is_project_code(f[3])}
    assert alone == {f[:4] for f in runs(name, tool) if is_project_code(f[3])}, "alone and in the batch differ"


def test_the_harness_reads_every_front_end(runs):
    """The plumbing on a per-module rule that exists today (CEL004 on old Django setting names,
    which cel907_silent_old_names holds on purpose): every front-end is run from the copy's root
    and read into the same (path, line, col, code)."""
    name = "cel907_silent_old_names"
    for tool in TOOLS:
        old_names = {f[:4] for f in runs(name, tool) if f[3] == "CEL004"}
        assert old_names == {("proj/settings.py", 8, 1, "CEL004"), ("proj/settings.py", 9, 1, "CEL004")}, tool


def test_a_mark_is_read_as_the_harness_expects(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "tasks.py").write_text("x = 1\ny = 2  # expect: CEL901, CEL903\n")
    assert marks_of(tmp_path) == {("pkg/tasks.py", 2, "CEL901"), ("pkg/tasks.py", 2, "CEL903")}
    assert python_files(tmp_path) == ["pkg/__init__.py", "pkg/tasks.py"]
    assert rule_code("cel904_silent_no_app") == "CEL904"
