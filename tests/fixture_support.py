"""Reading the fixture files of tests/fixtures/.

A fixture is real-looking Celery code.  A line that must be reported ends with a marker
comment naming its code(s): ``# expect: CEL201`` or ``# expect: CEL201, CEL202``; every
other line must stay silent.  Two optional header comments, in the first lines:

* ``# filename: proj/settings/test.py`` -- check the file under this (relative) name;
* ``# settings: task-decorators=proj.instrumented_task; app-names=worker`` -- Settings;
* ``# select: CEL510, CEL515`` -- opt-in rules to check on the whole fixture.

Every default-on rule is checked on every fixture.  An opt-in rule is checked on the
fixtures that mark it or select it, as a user who turned it on would see it; elsewhere it
is left out, as it is for users who did not.
"""
from __future__ import annotations

import pathlib
import re

import celery_lint
from celery_lint import Settings

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
_HEADER = re.compile(r"^#\s*(filename|settings|select):\s*(.+?)\s*$")


class Fixture:
    def __init__(self, path: pathlib.Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.filename = path.name
        self.settings_map: dict[str, str] = {}
        self.expected: set[tuple[int, str]] = set()
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
            m = _EXPECT.search(line)
            if m:
                for code in m.group(1).replace(",", " ").split():
                    self.expected.add((lineno, code))
                    self.selected.add(code)

    def relevant(self, found):
        """The (line, code) pairs of the findings this fixture checks."""
        return {(f[0], f[1]) for f in found if f[1] in self.selected}

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
