"""Running the real flake8 and the real pylint, installed, as users do."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap

import pytest

import celery_lint

ALL_SYMBOLS = ",".join(rule.symbol for rule in celery_lint.RULES.values())
#: flake8's selection of every code: ``CEL`` keeps the opt-in rules off, so they are named too.
ALL_CODES = ",".join(("CEL", *celery_lint.OPT_IN))
_FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>CEL\d{3}) (?P<msg>.*)$")
_PYLINT_LINE = re.compile(r"^(?P<path>.+?)\|(?P<line>\d+)\|(?P<col>\d+)\|(?P<symbol>[\w-]+)\|(?P<msg>.*)$")


#: Seconds a tool run may take in a test: far above what any takes (a few seconds), far below a stall.
TIMEOUT = 150


def run_process(command, cwd, env=None, timeout=TIMEOUT, input=None, encoding=None) -> subprocess.CompletedProcess:
    """Run a command in its own process group; past ``timeout`` seconds kill the whole group (the
    workers of ``pylint -j`` / ``flake8 --jobs`` too, never left behind) and fail the test."""
    if env is None:
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
    proc = subprocess.Popen([str(part) for part in command], cwd=cwd, env=env, text=True, encoding=encoding,
                            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.communicate()
        pytest.fail(f"{' '.join(map(str, command))} ran over {timeout} s: killed with its process group")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def run(args, cwd, timeout=TIMEOUT, env=None, input=None):
    """``python -m`` a tool (flake8, pylint, celery_lint), as installed."""
    return run_process([sys.executable, "-m", *args], cwd, env=env, timeout=timeout, input=input)


def flake8(paths, cwd, *extra):
    """Run flake8 with only our codes selected (all of them, unless ``extra`` selects others);
    return (proc, [(path, line, col, code, msg)])."""
    proc = run(["flake8", "--isolated", f"--select={ALL_CODES}", *extra, *map(str, paths)], cwd)
    found = []
    for line in proc.stdout.splitlines():
        m = _FLAKE8_LINE.match(line)
        if m:
            found.append((m["path"], int(m["line"]), int(m["col"]), m["code"], m["msg"]))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc, found


def pylint(paths, cwd, *extra, enable=ALL_SYMBOLS, rcfile=None, timeout=TIMEOUT):
    """Run pylint with only our messages enabled; return (proc, [(path, line, col, code, msg)])."""
    args = [
        "pylint",
        "--load-plugins=pylint_celery",
        "--disable=all",
        f"--enable={enable}" if enable else "--enable=",
        "--msg-template={path}|{line}|{column}|{symbol}|{msg}",
        "--score=n",
        "--persistent=n",
    ]
    args.insert(1, f"--rcfile={rcfile}" if rcfile else "--rcfile=/dev/null")
    proc = run([*args, *extra, *map(str, paths)], cwd, timeout=timeout)
    found = []
    for line in proc.stdout.splitlines():
        m = _PYLINT_LINE.match(line)
        if m and m["symbol"] in celery_lint.BY_SYMBOL:
            code = celery_lint.BY_SYMBOL[m["symbol"]].code
            found.append((m["path"], int(m["line"]), int(m["col"]), code, m["msg"]))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode < 32, proc.stdout + proc.stderr  # 32: usage error; 1: fatal
    assert not proc.returncode & 1, proc.stdout + proc.stderr
    return proc, found


# Two small modules the plugin-machinery tests lint with both tools: a task defined through
# a project decorator (a task only with the task-decorators setting) that waits on a result,
# and a web view that waits on one (the opt-in CEL203).
BLOCKING = textwrap.dedent("""\
    from proj.base import instrumented_task


    @instrumented_task(name="proj.crawl")
    def crawl(url):
        return fetch.delay(url).get()
""")

VIEW = textwrap.dedent("""\
    from celery import shared_task


    @shared_task
    def fetch(url):
        return url


    def view(request):
        return fetch.delay(request.GET["u"]).get()
""")

# The plugin-machinery tests look at the waiting rules only.
WAITING = {"CEL201", "CEL202", "CEL203"}


def only_waiting(found):
    return [f for f in found if f[3] in WAITING]


def waiting_codes(found):
    return sorted((line, code) for _, line, _, code, _ in only_waiting(found))
