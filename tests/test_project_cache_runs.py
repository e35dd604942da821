"""The project index's cache in real runs: flake8 (also with --jobs), pylint and the standalone
command give the same findings with a cold cache, a warm one, a corrupt one, a read-only one and
none; ``no-cache`` writes nothing and ``cache-dir`` moves it, in each front-end's own spelling."""
from __future__ import annotations

import os
import pathlib
import shutil
import stat

import pytest

import tools

PROJECT = pathlib.Path(__file__).parent / "projects" / "cel902_wrong_arguments"
CACHE = ".celery_lint_cache"


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj-copy"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns(CACHE, "__pycache__"))
    return root


def standalone(root, *extra):
    proc = tools.run(["celery_lint", "check", "--select", "CEL9", *extra, "."], root)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return sorted(line for line in proc.stdout.splitlines() if " CEL9" in line)


def flake8(root, *extra):
    _, found = tools.flake8(["."], root, "--select=CEL9", *extra)
    return sorted((pathlib.Path(p).as_posix().removeprefix("./"), line, col, code) for p, line, col, code, _ in found)


def entries(root, folder=CACHE):
    base = root / folder
    return sorted(p for p in base.rglob("*.json")) if base.exists() else []


def test_cold_warm_and_parallel_flake8_agree(project):
    cold = flake8(project)
    assert cold, "the project must have findings for this test to mean anything"
    written = entries(project)
    assert written, "a cold run fills the cache"
    assert (project / CACHE / ".gitignore").read_text().splitlines()[-1] == "*"
    assert flake8(project) == cold  # warm
    shutil.rmtree(project / CACHE)
    assert flake8(project, "--jobs=2") == cold  # two processes building and writing at once
    assert flake8(project, "--jobs=2") == cold


def test_a_corrupt_cache_is_ignored_and_repaired(project):
    expected = standalone(project)
    for entry in entries(project):
        entry.write_bytes(b"\x00{not json")
    assert standalone(project) == expected
    assert flake8(project)  # and flake8 too
    for entry in entries(project):  # the next run wrote good entries over the broken ones
        assert entry.read_bytes().startswith(b"{")


def test_a_stale_entry_of_a_changed_file_is_not_used(project):
    before = standalone(project)
    tasks = next(project.rglob("tasks.py"))
    text = tasks.read_text(encoding="utf-8")
    # give every task a **kwargs: no call can miss a keyword any more
    changed = text.replace("):\n", ", **kwargs):\n")
    assert changed != text
    tasks.write_text(changed, encoding="utf-8")
    after = standalone(project)
    assert after != before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes into a read-only folder")
def test_a_read_only_cache_never_breaks_a_run(project):
    expected = standalone(project, "--no-cache")
    (project / CACHE).mkdir()
    (project / CACHE).chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert standalone(project) == expected
        assert flake8(project)
    finally:
        (project / CACHE).chmod(stat.S_IRWXU)


def test_a_cache_path_that_is_a_file_never_breaks_a_run(project):
    expected = standalone(project, "--no-cache")
    (project / CACHE).write_text("not a folder")
    assert standalone(project) == expected
    assert flake8(project)


def test_no_cache_writes_nothing_in_each_front_end(project):
    expected = standalone(project, "--no-cache")
    assert expected and not (project / CACHE).exists()
    assert flake8(project, "--celery-no-cache")
    assert not (project / CACHE).exists()
    files = sorted(str(p.relative_to(project)) for p in project.rglob("*.py"))
    _, found = tools.pylint(files, project, "--celery-no-cache=y")
    assert any(code.startswith("CEL9") or "task-call-arguments" in code for _, _, _, code, _ in found), found
    assert not (project / CACHE).exists()


def test_cache_dir_moves_the_cache(project, tmp_path):
    elsewhere = tmp_path / "cache-elsewhere"
    assert standalone(project, "--cache-dir", str(elsewhere))
    assert not (project / CACHE).exists()
    assert list(elsewhere.rglob("*.json"))
    other = tmp_path / "cache-flake8"
    assert flake8(project, f"--celery-cache-dir={other}")
    assert list(other.rglob("*.json")) and not (project / CACHE).exists()
