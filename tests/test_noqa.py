"""``celery-lint check --add-noqa``: comments that silence every finding, where flake8 reads them."""
from __future__ import annotations

import os
import shutil
import stat
import textwrap

import pytest

import celery_lint
from celery_lint import Violation, cli, fixes, noqa
from celery_lint.noqa import add_noqa, add_noqa_to_file, noqa_lines, silenced
from fixture_support import FIXTURES
from test_cli import run
from tools import flake8

ALL_OPT_IN = ",".join(celery_lint.OPT_IN)


def v(line: int, code: str = "CEL201") -> Violation:
    return Violation(line, 0, code, "message")


@pytest.mark.parametrize("line,found,expected", [
    ("x = r.get()\n", ["CEL201"], "x = r.get()  # noqa: CEL201\n"),
    ("x = r.get()\n", ["CEL201", "CEL101", "CEL201"], "x = r.get()  # noqa: CEL101, CEL201\n"),
    ("x = r.get()  # why\n", ["CEL201"], "x = r.get()  # why  # noqa: CEL201\n"),
    ("x = r.get()  # noqa: E501\n", ["CEL201"], "x = r.get()  # noqa: CEL201, E501\n"),
    ("x = r.get()  # noqa:E501,W291 -- long\n", ["CEL201"], "x = r.get()  # noqa:CEL201,E501,W291 -- long\n"),
    ("x = r.get()  # NOQA: W291, E501\n", ["CEL201"], "x = r.get()  # NOQA: CEL201, E501, W291\n"),
    ("x = r.get()  # noqa\n", ["CEL201"], "x = r.get()  # noqa\n"),  # a bare noqa silences all
    ("x = r.get()  \n", ["CEL201"], "x = r.get()  # noqa: CEL201\n"),
    ("x = r.get()\r\n", ["CEL201"], "x = r.get()  # noqa: CEL201\r\n"),
    ("x = r.get()", ["CEL201"], "x = r.get()  # noqa: CEL201"),
    ("x = r.get()\n", ["CEL099", "CEL000"], "x = r.get()\n"),  # no finding of the code
])
def test_one_line(line, found, expected):
    added = add_noqa(line, [v(1, code) for code in found])
    assert (added.text, added.left) == (expected, [])
    assert added.comments == (expected != line)
    assert all(silenced(code, expected) for code in found if code in celery_lint.RULES)


MULTI = textwrap.dedent('''\
    first = fetch.delay(
        url,
    ).get()
    second = """
    a # the string's text
    """.format(fetch.delay(url).get())
    third = fetch.delay(url) \\
        .get()
    fourth = 1
''')


@pytest.mark.parametrize("reported,commented", [
    (1, 1),  # in brackets every physical line is its own noqa line: the first line's end
    (3, 3),
    (6, 6),  # a multi-line string and what follows it on its last line: after the string
    (4, 6),
    (7, 8),  # a backslash joins lines: the last one
])
def test_where_the_comment_goes(reported, commented):
    added = add_noqa(MULTI, [v(reported, "CEL102")])
    assert added.left == [] and added.comments == 1
    new = added.text.splitlines()
    assert [n for n, (a, b) in enumerate(zip(MULTI.splitlines(), new), 1) if a != b] == [commented]
    assert new[commented - 1].endswith("# noqa: CEL102")
    assert silenced("CEL102", noqa_lines(added.text)(reported))


def test_a_noqa_list_flake8_reads_first_in_a_string_is_reported_back():
    """flake8 reads the first ``# noqa`` of the joined lines, here inside the string: no comment
    after the string can silence line 2, and the finding is handed back, not lost."""
    text = 'x = """\n# noqa: E501\n""".format(r.get())\n'
    added = add_noqa(text, [v(2, "CEL102")])
    assert added.text == text.replace(")\n", ")  # noqa: CEL102\n")
    assert added.left == [v(2, "CEL102")]


def test_a_comment_is_never_written_inside_a_string(monkeypatch):
    """Were the lines not known (tokens that fail), the comment would go on the finding's own
    line, here inside a string: the tree would change, so the text is left as it was."""
    text = 'x = """\na\n""".format(r.get())\n'
    monkeypatch.setattr(noqa, "scan", lambda text: noqa.Scan(text.splitlines(True), {}, {}))
    assert add_noqa(text, [v(2)]) == (text, 0, [v(2)])


def test_keeps_encoding_bom_crlf_and_mode(tmp_path):
    source = "# -*- coding: latin-1 -*-\r\nname = 'caf\xe9'\r\nx = r.get()\r\n"
    latin = tmp_path / "latin.py"
    latin.write_bytes(source.encode("latin-1"))
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbfx = r.get()\n")
    latin.chmod(0o751)
    assert add_noqa_to_file(str(latin), [v(3)]).comments == 1
    assert latin.read_bytes() == source.replace("r.get()", "r.get()  # noqa: CEL201").encode("latin-1")
    assert stat.S_IMODE(latin.stat().st_mode) == 0o751
    assert add_noqa_to_file(str(bom), [v(1)]).comments == 1
    assert bom.read_bytes() == b"\xef\xbb\xbfx = r.get()  # noqa: CEL201\n"
    assert sorted(os.listdir(tmp_path)) == ["bom.py", "latin.py"]  # no temporary file left


def test_through_a_link_the_file_is_edited(tmp_path):
    (tmp_path / "real.py").write_text("x = r.get()\n")
    (tmp_path / "link.py").symlink_to("real.py")
    add_noqa_to_file(str(tmp_path / "link.py"), [v(1)])
    assert (tmp_path / "link.py").is_symlink()
    assert (tmp_path / "real.py").read_text() == "x = r.get()  # noqa: CEL201\n"


def _fixture_copies(tmp_path):
    for path in FIXTURES.glob("*.py"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "setup.cfg").write_text("[flake8]\n")  # the project root, for both tools
    return sorted(p.name for p in tmp_path.glob("*.py"))


def test_add_noqa_then_flake8_finds_nothing(tmp_path):
    names = _fixture_copies(tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in names}
    _, found = flake8(names, tmp_path)
    assert found, "the fixtures have findings"
    proc = run(["check", "--isolated", "--extend-select", ALL_OPT_IN, "--add-noqa", "."], tmp_path)
    assert proc.returncode == 0, proc.stderr
    touched = [name for name in names if (tmp_path / name).read_bytes() != before[name]]
    comments = len({(path, line) for path, line, *_ in found})
    assert proc.stdout.strip() == f"added {comments} noqa comments to {len(touched)} files", proc.stdout
    assert "cannot silence" not in proc.stderr
    assert flake8(names, tmp_path)[1] == []
    proc = run(["check", "--isolated", "--extend-select", ALL_OPT_IN, "."], tmp_path)
    assert (proc.returncode, proc.stdout) == (0, "")
    after = {name: (tmp_path / name).read_bytes() for name in names}
    proc = run(["check", "--isolated", "--extend-select", ALL_OPT_IN, "--add-noqa", "."], tmp_path)
    assert proc.stdout.strip() == "added 0 noqa comments to 0 files"
    assert {name: (tmp_path / name).read_bytes() for name in names} == after


def test_add_noqa_reports_files_it_cannot_check_and_refuses_stdin(tmp_path):
    (tmp_path / "broken.py").write_text("from celery import shared_task\ndef (:\n")
    proc = run(["check", "--isolated", "--add-noqa", "."], tmp_path)
    assert proc.returncode == 0
    assert "broken.py:2:" in proc.stderr and "CEL099" in proc.stderr and "no comment added" in proc.stderr
    assert proc.stdout.strip() == "added 0 noqa comments to 0 files"
    proc = run(["check", "--add-noqa", "-"], tmp_path, input="x = 1\n")
    assert proc.returncode == 2 and "standard input" in proc.stderr


def test_a_file_that_cannot_be_written(tmp_path, monkeypatch, capsys):
    (tmp_path / "tasks.py").write_text("from celery import shared_task\n@shared_task\n"
                                       "def t():\n    return t.delay().get()\n")

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fixes.os, "replace", refuse)
    assert cli.main(["check", "--isolated", "--add-noqa", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "tasks.py: cannot write this file: Permission denied" in err
    assert out == "added 0 noqa comments to 0 files\n"
    assert [n for n in os.listdir(tmp_path) if n != ".celery_lint_cache"] == ["tasks.py"]  # no temporary file
