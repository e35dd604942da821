"""The three front-ends (flake8, pylint, the standalone command) agree where users meet them first:
how a module is decoded (PEP 263) and which setting values they refuse."""
from __future__ import annotations

import re

import pytest

from tools import run

TASK = "from celery import shared_task\n\n\n@shared_task\ndef crawl(url):\n    label = '{text}'\n" \
       "    return crawl.delay(url).get()\n"
FILES = {
    "latin.py": b"# -*- coding: latin-1 -*-\n" + TASK.format(text="caf\xe9").encode("latin-1"),
    "bom.py": b"\xef\xbb\xbf" + TASK.format(text="caf\xe9").encode("utf-8"),
    "plain.py": TASK.format(text="caf\xe9").encode("utf-8"),
    "undeclared.py": TASK.format(text="caf\xe9").encode("latin-1"),  # not UTF-8, and no coding line
}
FOUND = {("latin.py", 8, "CEL201"), ("bom.py", 7, "CEL201"), ("plain.py", 7, "CEL201")}
UNDECODABLE = ("undeclared.py", 6, 17, "CEL099")  # line 6 col 17: the byte 0xe9
_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>CEL\d{3}) (?P<msg>.*)$", re.M)


@pytest.fixture
def files(tmp_path):
    for name, data in FILES.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.mark.parametrize("tool", ["flake8", "standalone"])
def test_a_file_that_is_not_utf8_without_a_coding_line_is_a_decoding_error(files, tool):
    """flake8 itself would read it as latin-1 and check it; Python, pylint and the standalone
    command refuse it, and so does the plugin: one CEL099 finding where the bad byte is, no other."""
    command = ["flake8", "--isolated", "--select=CEL"] if tool == "flake8" else \
        ["celery_lint", "check", "--isolated", "--select=CEL201"]
    proc = run([*command, *FILES], files)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    found = [(m["path"], int(m["line"]), int(m["col"]), m["code"], m["msg"]) for m in _LINE.finditer(proc.stdout)]
    assert {(p, line, code) for p, line, _, code, _ in found if code != "CEL099"} == FOUND
    ((*where, message),) = [f for f in found if f[0] == "undeclared.py"]
    assert tuple(where) == UNDECODABLE
    assert message == ("cannot decode this file: line 6 is not valid utf-8 (invalid continuation byte); "
                       "save it as UTF-8 or declare its encoding in a coding line (PEP 263)")


def test_pylint_refuses_it_too(files):
    """pylint reports the file itself (parse-error, a fatal message: exit status bit 1), and its
    checkers, ours included, never see it."""
    proc = run(["pylint", "--rcfile=/dev/null", "--load-plugins=pylint_celery", "--disable=all",
                "--enable=celery-blocking-result,parse-error", "--msg-template={path}|{line}|{symbol}|{msg}",
                "--score=n", "--persistent=n", *FILES], files)
    assert proc.returncode == 1 | 4 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr  # fatal, warning
    found = re.findall(r"^(\w+\.py)\|(\d+)\|([\w-]+)\|", proc.stdout, re.M)
    assert {(p, int(line), symbol) for p, line, symbol in found} == {
        *((p, line, "celery-blocking-result") for p, line, _ in FOUND), ("undeclared.py", 1, "parse-error")}
    assert "Wrong or no encoding specified" in proc.stdout


@pytest.mark.parametrize("value", ["0", "-60", "1.5", "soon"])
def test_visibility_timeout_is_a_positive_whole_number_everywhere(files, value):
    standalone = run(["celery_lint", "check", "--isolated", f"--visibility-timeout={value}", "plain.py"], files)
    flake8 = run(["flake8", "--isolated", f"--celery-visibility-timeout={value}", "plain.py"], files)
    pylint_ = run(["pylint", "--rcfile=/dev/null", "--load-plugins=pylint_celery", "--persistent=n",
                   f"--celery-visibility-timeout={value}", "plain.py"], files)
    assert (standalone.returncode, flake8.returncode) == (2, 2)
    assert pylint_.returncode in (2, 32)  # pylint's usage errors: argparse's, or its own
    for proc in (standalone, flake8, pylint_):
        assert not proc.stdout and "Traceback" not in proc.stderr, proc.stderr
        assert "visibility-timeout" in proc.stderr.splitlines()[-1], proc.stderr
