"""Every fixture through the installed flake8 and pylint: both report exactly the marked set,
at the marked columns (flake8 prints them 1-based, pylint's {column} is 0-based).

pylint runs the fixtures with ``-j 1``: in parallel mode astroid (not the plugin) has hung on many
same-named fixture packages.  One small ``-j 2`` run, with a short timeout that kills its whole
process group, keeps parallel mode tested."""
from __future__ import annotations

import collections
import pathlib

import pytest

from fixture_support import all_fixtures
from tools import flake8, pylint

PARALLEL_TIMEOUT = 90  # seconds; the run takes a few
FIXTURES = all_fixtures()
#: The project rules: a fixture is one module, laid out as a project of its own, where they may
#: fire on what it declares (a queue that its own task_queues lacks); tests/projects/ proves them.
PROJECT_RULES = "CEL9"


def _setting_args(fixture, tool):
    args = []
    for key, value in sorted(fixture.settings_map.items()):
        args.append(f"--celery-{key.replace('_', '-')}={value}")
    return args


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory):
    """Every fixture copied under its own folder, at its declared file name."""
    root = tmp_path_factory.mktemp("fixtures")
    paths = {}
    for f in FIXTURES:
        path = root / f.id / f.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f.text, encoding="utf-8")
        (root / f.id / "setup.cfg").touch()  # each fixture is a project of its own (the project index)
        paths[f.id] = path
    return root, paths


def _groups():
    groups = collections.defaultdict(list)
    for f in FIXTURES:
        groups[tuple(sorted(f.settings_map.items()))].append(f)
    return groups


@pytest.fixture(scope="module")
def flake8_results(laid_out):
    root, paths = laid_out
    out = collections.defaultdict(set)
    for _, fixtures in _groups().items():
        _, found = flake8([paths[f.id] for f in fixtures], root, *_setting_args(fixtures[0], "flake8"))
        for path, line, col, code, _ in found:
            if not code.startswith(PROJECT_RULES):
                out[pathlib.Path(path).resolve()].add((line, code, col))
    return out


@pytest.fixture(scope="module")
def pylint_results(laid_out):
    root, paths = laid_out
    out = collections.defaultdict(set)
    for _, fixtures in _groups().items():
        _, found = pylint([paths[f.id] for f in fixtures], root, "-j", "1", *_setting_args(fixtures[0], "pylint"))
        out.update(_by_path(root, found))
    return out


def _by_path(root, found):
    out = collections.defaultdict(set)
    for path, line, col, code, _ in found:
        if not code.startswith(PROJECT_RULES):
            out[(root / path).resolve()].add((line, code, col + 1))
    return out


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_flake8_reports_the_fixture(fixture, laid_out, flake8_results):
    _, paths = laid_out
    assert fixture.mismatches(sorted(flake8_results[paths[fixture.id].resolve()])) == ([], [])


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_pylint_reports_the_fixture(fixture, laid_out, pylint_results):
    _, paths = laid_out
    assert fixture.mismatches(sorted(pylint_results[paths[fixture.id].resolve()])) == ([], [])


def test_pylint_in_parallel_reports_what_it_reports_alone(laid_out, pylint_results):
    root, paths = laid_out
    few = [f for f in FIXTURES if not f.settings_map][:8]
    _, found = pylint([paths[f.id] for f in few], root, "-j", "2", timeout=PARALLEL_TIMEOUT)
    parallel = _by_path(root, found)
    for f in few:
        path = paths[f.id].resolve()
        assert parallel[path] == pylint_results[path], f.id
    assert any(parallel.values())
