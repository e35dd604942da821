"""Every fixture through the core: exactly the marked (line, code) pairs, at the marked
columns, nothing else."""
from __future__ import annotations

import ast
import pathlib

import pytest

import celery_lint
from fixture_support import all_fixtures, parse_marker

FIXTURES = all_fixtures()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_fixture(fixture):
    tree = ast.parse(fixture.text, fixture.filename)
    found = celery_lint.check(tree, fixture.filename, fixture.settings, source=fixture.text, strict=True)
    missing, unexpected = fixture.mismatches((v.line, v.code, v.col + 1, v.message) for v in found)
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_fixture_has_hits_and_near_misses(fixture):
    """A fixture shows cases that fire and code that must stay silent."""
    assert fixture.expected, "a fixture must mark at least one expected finding"
    lines = fixture.text.splitlines()
    silent_code = [
        line for n, line in enumerate(lines, 1)
        if line.strip() and not line.lstrip().startswith("#") and (n, ) not in {(ln,) for ln, _ in fixture.expected}
    ]
    assert len(silent_code) > len(fixture.expected), "a fixture needs near-misses that stay silent"


def test_every_rule_is_exercised():
    """Each rule of the catalogue fires on at least one fixture line (a project rule, CEL9xx, on a
    line of a fixture project under tests/projects/, as it needs other modules)."""
    covered = {code for f in FIXTURES for _, code in f.expected}
    projects = pathlib.Path(__file__).parent / "projects"
    in_projects = {code for path in projects.rglob("*.py") for line in path.read_text(encoding="utf-8").splitlines()
                   for code, _ in parse_marker(line)}
    assert not {c for c in in_projects if not c.startswith("CEL9")}, "tests/projects/ are for CEL9xx"
    covered |= in_projects
    assert not set(celery_lint.RULES) - covered, sorted(set(celery_lint.RULES) - covered)
    assert not covered - set(celery_lint.RULES), sorted(covered - set(celery_lint.RULES))
