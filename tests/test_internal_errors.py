"""A bug in one check loses only that check's findings for the file, in every front-end.

Each test injects a failing helper into the CEL204 check (``waiting.ignored_result_task``)
in the process of the real tool -- flake8 and pylint loaded through their plugin entry
points, the standalone command -- and shows that the file's other findings (CEL201 in the
same module) survive beside one internal-error line that names celery-lint, the check, its
codes and the file.
"""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

import celery_lint
import celery_lint.checks.waiting as waiting
from tools import run_process

SOURCE = textwrap.dedent("""\
    from celery import shared_task


    @shared_task
    def fetch(url):
        return url


    @shared_task
    def crawl(url):
        return fetch.delay(url).get()
""")

# Runs before the tool in its own process: the CEL204 check fails on every result read.
INJECT = textwrap.dedent("""\
    import sys
    import celery_lint.checks.waiting as waiting

    def broken(*args, **kwargs):
        raise ZeroDivisionError("injected failure")

    waiting.ignored_result_task = broken
""")


def _run(code: str, cwd, inject: str = INJECT) -> subprocess.CompletedProcess:
    """The tool in its own process with the failure injected (killed with its group on a timeout)."""
    return run_process([sys.executable, "-c", inject + code], cwd)


SHOWN = {"CEL000", "CEL201", "CEL204"}  # the internal error and the waiting rules this module triggers


def _shown(found):
    return [(v.line, v.code) for v in found if v.code in SHOWN]


def _assert_error_line(text: str) -> None:
    assert "celery-lint internal error in waiting.ignored_result_call (CEL204)" in text, text
    assert "ZeroDivisionError: injected failure" in text and "please report this bug" in text, text


def test_core_keeps_the_other_findings(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("injected failure")

    monkeypatch.setattr(waiting, "ignored_result_task", broken)
    found = celery_lint.check(ast.parse(SOURCE), "tasks.py", source=SOURCE)
    assert _shown(found) == [(1, "CEL000"), (11, "CEL201")]
    _assert_error_line(found[0].message)
    with pytest.raises(ZeroDivisionError):
        celery_lint.check(ast.parse(SOURCE), "tasks.py", source=SOURCE, strict=True)


def test_core_without_the_failure_has_no_internal_error():
    found = celery_lint.check(ast.parse(SOURCE), "tasks.py", source=SOURCE)
    assert _shown(found) == [(11, "CEL201")]


def test_a_skipped_check_cannot_fail(monkeypatch):
    """With CEL204 off, its check does not run at all: no failure, the same other findings."""
    def broken(*args, **kwargs):
        raise ZeroDivisionError("injected failure")

    monkeypatch.setattr(waiting, "ignored_result_task", broken)
    found = celery_lint.check(ast.parse(SOURCE), "tasks.py", source=SOURCE,
                              enabled=frozenset(celery_lint.RULES) - {"CEL204"})
    assert _shown(found) == [(11, "CEL201")]


def test_flake8(tmp_path):
    (tmp_path / "tasks.py").write_text(SOURCE)
    proc = _run("from flake8.main.cli import main\n"
                "sys.exit(main(['--isolated', '--select=CEL000,CEL201,CEL204', 'tasks.py']))",
                tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["tasks.py:1:1", "tasks.py:11:12"], proc.stdout
    assert lines[0].startswith("tasks.py:1:1: CEL000 ")
    _assert_error_line(lines[0])
    assert lines[1].startswith("tasks.py:11:12: CEL201 ")
    assert proc.returncode == 1


def test_pylint(tmp_path):
    (tmp_path / "tasks.py").write_text(SOURCE)
    proc = _run(
        "from pylint.lint import Run\n"
        "Run(['--rcfile=/dev/null', '--load-plugins=pylint_celery', '--disable=all',\n"
        "     '--enable=celery-blocking-result,celery-ignored-result-read,celery-lint-internal-error',\n"
        "     '--msg-template={path}:{line}:{symbol}:{msg}', '--score=n', '--persistent=n', 'tasks.py'])\n",
        tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("tasks.py:")]
    assert [line.split(":")[1:3] for line in lines] == [
        ["1", "celery-lint-internal-error"], ["11", "celery-blocking-result"]], proc.stdout
    _assert_error_line(lines[0])


def test_standalone_command(tmp_path):
    (tmp_path / "tasks.py").write_text(SOURCE)
    proc = _run("from celery_lint.cli import main\n"
                "sys.exit(main(['check', '--isolated', '--select=CEL201,CEL204', 'tasks.py']))", tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.splitlines() == [
        "tasks.py:11:12: CEL201 " + celery_lint.RULES["CEL201"].format(method="get", task="crawl")]
    (line,) = proc.stderr.splitlines()
    assert line.startswith("celery-lint: tasks.py: ")
    _assert_error_line(line)
    assert proc.returncode == 2  # an internal error: the result cannot be trusted


# -- the tools' selections reach the engine: a check whose codes are all off does not run --

BREAK_CEL510 = textwrap.dedent("""\
    import sys
    import celery_lint.checks.task_classes as task_classes

    def missing_time_limit(ctx):
        raise ZeroDivisionError("injected failure")

    missing_time_limit.celery_lint_handler = task_classes.missing_time_limit.celery_lint_handler
    missing_time_limit.__module__ = task_classes.__name__
    task_classes.missing_time_limit = missing_time_limit
""")


@pytest.mark.parametrize("extra,runs", [([], False), (["--extend-select=CEL510"], True)])
def test_flake8_skips_the_checks_of_codes_it_does_not_select(tmp_path, extra, runs):
    """CEL510 is opt-in: with flake8's default selection its check never runs (its failure
    cannot show); selected, it runs."""
    (tmp_path / "tasks.py").write_text(SOURCE)
    proc = _run(f"from flake8.main.cli import main\nsys.exit(main(['--isolated', *{extra!r}, 'tasks.py']))",
                tmp_path, inject=BREAK_CEL510)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert ("task_classes.missing_time_limit (CEL510)" in proc.stdout) is runs, proc.stdout
    assert "CEL201" in proc.stdout


@pytest.mark.parametrize("enable,runs", [("celery-blocking-result", False),
                                         ("celery-blocking-result,celery-missing-time-limit", True)])
def test_pylint_skips_the_checks_of_messages_it_does_not_enable(tmp_path, enable, runs):
    (tmp_path / "tasks.py").write_text(SOURCE)
    proc = _run(
        "from pylint.lint import Run\n"
        "Run(['--rcfile=/dev/null', '--load-plugins=pylint_celery', '--disable=all',\n"
        f"     '--enable={enable},celery-lint-internal-error',\n"
        "     '--msg-template={path}:{line}:{symbol}:{msg}', '--score=n', '--persistent=n', 'tasks.py'])\n",
        tmp_path, inject=BREAK_CEL510)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert ("task_classes.missing_time_limit (CEL510)" in proc.stdout) is runs, proc.stdout
    assert "celery-blocking-result" in proc.stdout


@pytest.mark.parametrize("extra,runs", [([], False), (["--extend-select=CEL510"], True)])
def test_standalone_command_skips_the_checks_of_codes_it_does_not_select(tmp_path, extra, runs):
    (tmp_path / "tasks.py").write_text(SOURCE)
    proc = _run(f"from celery_lint.cli import main\nsys.exit(main(['check', '--isolated', *{extra!r}, 'tasks.py']))",
                tmp_path, inject=BREAK_CEL510)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert ("task_classes.missing_time_limit (CEL510)" in proc.stderr) is runs, proc.stderr
    assert proc.returncode == (2 if runs else 1)
