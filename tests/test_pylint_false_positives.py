"""pylint's own false positives on Celery code disappear with the plugin, and only there."""
from __future__ import annotations

import pathlib
import shutil
import sys

import pytest

from tools import run, run_process

DATA = pathlib.Path(__file__).parent / "data"
MESSAGES = "no-value-for-parameter,unused-argument,abstract-method,arguments-differ"

# (line, symbol) that plain pylint reports on Celery tasks of the data files.
CELERY_FALSE_POSITIVES = {
    ("pylint_fp_tasks.py", 8, "unused-argument"),  # self of a bind=True shared_task
    ("pylint_fp_tasks.py", 14, "unused-argument"),  # self of a bind=True app.task
    ("pylint_fp_tasks.py", 19, "abstract-method"),  # Task subclass meant as a base
    ("pylint_fp_tasks.py", 29, "arguments-differ"),  # run of a Task subclass
    ("pylint_fp_tasks.py", 35, "no-value-for-parameter"),  # calling a bound task directly
    ("pylint_fp_tasks.py", 36, "no-value-for-parameter"),
    ("pylint_fp_views.py", 7, "no-value-for-parameter"),  # ... from another module
}
# The same messages on code that has nothing to do with Celery must stay.
GENUINE = {
    ("pylint_fp_tasks.py", 40, "unused-argument"),
    ("pylint_fp_tasks.py", 57, "abstract-method"),
    ("pylint_fp_tasks.py", 60, "arguments-differ"),
    ("pylint_fp_tasks.py", 64, "no-value-for-parameter"),
}


def _pylint(tmp_path, *extra):
    for name in ("pylint_fp_tasks.py", "pylint_fp_views.py"):
        shutil.copy(DATA / name, tmp_path / name)
    proc = run([
        "pylint", "--rcfile=/dev/null", "--persistent=n", "--score=n", "--disable=all",
        f"--enable={MESSAGES}", "--msg-template={path}|{line}|{symbol}", *extra,
        "pylint_fp_tasks.py", "pylint_fp_views.py",
    ], tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    found = set()
    for line in proc.stdout.splitlines():
        parts = line.split("|")
        if len(parts) == 3:
            found.add((parts[0], int(parts[1]), parts[2]))
    return found


def test_plain_pylint_reports_them(tmp_path):
    found = _pylint(tmp_path)
    assert CELERY_FALSE_POSITIVES <= found
    assert GENUINE <= found


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("celery_messages", [
    (),  # celery-lint's messages off: the filters parse the modules themselves
    ("--enable=celery-blocking-result",),  # its checker runs: the filters use what it recorded
])
def test_plugin_removes_exactly_the_celery_ones(tmp_path, jobs, celery_messages):
    found = _pylint(tmp_path, "--load-plugins=pylint_celery", "-j", jobs, *celery_messages)
    assert not found & CELERY_FALSE_POSITIVES
    assert GENUINE <= found


def test_plugin_never_imports_celery_or_the_checked_code(tmp_path):
    for name in ("pylint_fp_tasks.py", "pylint_fp_views.py"):
        shutil.copy(DATA / name, tmp_path / name)
    code = (
        "import sys\n"
        "from pylint.lint import Run\n"
        "Run(['--rcfile=/dev/null', '--persistent=n', '--load-plugins=pylint_celery',"
        " 'pylint_fp_tasks.py', 'pylint_fp_views.py'], exit=False)\n"
        "print('IMPORTED', sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('celery', 'kombu', 'pylint_fp_tasks', 'pylint_fp_views')))\n"
    )
    proc = run_process([sys.executable, "-c", code], tmp_path)
    assert "IMPORTED []" in proc.stdout, proc.stdout + proc.stderr
