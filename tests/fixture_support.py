"""Reading the fixture files of tests/fixtures/.

A fixture is real-looking Celery code.  A line that must be reported ends with a marker
comment naming its code(s): ``# expect: CEL201`` or ``# expect: CEL201, CEL202``; every
other line must stay silent.  A code may carry the column of its finding, as flake8 prints
it (1-based: the AST ``col_offset`` + 1): ``# expect: CEL102:43``, mixed freely with plain
codes (``# expect: CEL003:26, CEL007``).  Where columns are given for a code on a line,
the code must be reported on that line at each of those columns and at no other (so two
findings of one rule on one line are ``# expect: CEL407:36, CEL407:59``).  A plain code
asks for the code on the line at any column (and allows it at every column).

Two optional header comments, in the first lines:

* ``# filename: proj/settings/test.py`` -- check the file under this (relative) name;
* ``# settings: task-decorators=proj.instrumented_task; app-names=worker`` -- Settings;
* ``# select: CEL510, CEL515`` -- opt-in rules to check on the whole fixture.

Every default-on rule is checked on every fixture.  An opt-in rule is checked on the
fixtures that mark it or select it, as a user who turned it on would see it; elsewhere it
is left out, as it is for users who did not.

The harnesses hand ``Fixture.mismatches`` the findings of a tool as ``(line, code,
column, ...)`` with flake8's 1-based column (pylint's ``{column}`` is 0-based: add 1).
"""
from __future__ import annotations

import pathlib
import re

import celery_lint
from celery_lint import Settings

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9,: ]+)")
_MARK = re.compile(r"([A-Z]+[0-9]+)(?::([0-9]+))?")
_HEADER = re.compile(r"^#\s*(filename|settings|select):\s*(.+?)\s*$")


def parse_marker(line: str) -> list[tuple[str, int | None]]:
    """The (code, column or None) of a line's ``# expect:`` marker; [] without a marker."""
    m = _EXPECT.search(line)
    if not m:
        return []
    marks = []
    for item in m.group(1).replace(",", " ").split():
        mark = _MARK.fullmatch(item)
        if not mark or mark.group(2) == "0":
            raise ValueError(f"bad expect marker {item!r} (CODE or CODE:column, 1-based) in {line!r}")
        marks.append((mark.group(1), int(mark.group(2)) if mark.group(2) else None))
    return marks


def compare(marks, found) -> tuple[list, list]:
    """The (missing, unexpected) findings against the marks.

    ``marks`` holds (line, code, column or None); ``found`` holds (line, code, column,
    ...), its column 1-based.  Missing are the marks no finding matches: (line, code) for
    a plain mark, (line, code, column) for one with a column.  Unexpected are the found
    items, as given, on a line whose marker does not name their code, or names it only
    with other columns.
    """
    found = list(found)
    at = {(f[0], f[1], f[2]) for f in found}
    pairs = {(line, code) for line, code, _ in at}
    columns: dict[tuple[int, str], set[int | None]] = {}
    missing = []
    for line, code, col in sorted(set(marks), key=lambda mark: (mark[0], mark[1], mark[2] or 0)):
        columns.setdefault((line, code), set()).add(col)
        if col is None and (line, code) not in pairs:
            missing.append((line, code))
        elif col is not None and (line, code, col) not in at:
            missing.append((line, code, col))
    unexpected = [f for f in found if not columns.get((f[0], f[1]), set()) & {None, f[2]}]
    return missing, unexpected


class Fixture:
    def __init__(self, path: pathlib.Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.filename = path.name
        self.settings_map: dict[str, str] = {}
        self.expected: set[tuple[int, str]] = set()  # the marked (line, code)
        self.marks: set[tuple[int, str, int | None]] = set()  # ... with the column, if given
        self.selected: set[str] = {code for code, rule in celery_lint.RULES.items() if rule.default}
        for lineno, line in enumerate(self.text.splitlines(), 1):
            header = _HEADER.match(line) if lineno <= 5 else None
            if header and header.group(1) == "filename":
                self.filename = header.group(2)
            elif header and header.group(1) == "select":
                self.selected.update(header.group(2).replace(",", " ").split())
            elif header:
                for part in header.group(2).split(";"):
                    key, _, value = part.partition("=")
                    self.settings_map[key.strip()] = value.strip()
            for code, col in parse_marker(line):
                self.marks.add((lineno, code, col))
                self.expected.add((lineno, code))
                self.selected.add(code)

    def mismatches(self, found) -> tuple[list, list]:
        """(missing, unexpected) of the findings ``(line, code, column, ...)`` (column
        1-based, as flake8 prints it) of the rules this fixture checks; see ``compare``."""
        return compare(self.marks, (f for f in found if f[1] in self.selected))

    @property
    def settings(self) -> Settings:
        return Settings.from_mapping(self.settings_map)

    @property
    def id(self) -> str:
        return self.path.stem

    def __repr__(self) -> str:
        return f"Fixture({self.path.name})"


def all_fixtures() -> list[Fixture]:
    return [Fixture(p) for p in sorted(FIXTURES.glob("*.py"))]
