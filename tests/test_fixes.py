"""Fixes: each fix on its fixture (``tests/fixes/CELnnn_*.py`` and the expected ``.fixed.py``),
checked again; the file's bytes outside the edits, its encoding, BOM, line ends and mode; the
machinery (overlapping edits, a result that does not parse); and the commands."""
from __future__ import annotations

import ast
import os
import pathlib
import stat
import sys
from collections import Counter

import pytest

import celery_lint
from celery_lint import cli, fixes
from celery_lint.rule import Edit, Fix, Violation
from tools import ALL_CODES, run_process

FIXES = pathlib.Path(__file__).parent / "fixes"
CASES = sorted(p for p in FIXES.glob("CEL*.py") if not p.name.endswith(".fixed.py"))
FIXABLE = sorted(code for code, rule in celery_lint.RULES.items() if rule.fix is not None)


#: The app of Celery's documented Django layout, written beside a Django settings fixture: the
#: project shows that it loads the settings with namespace='CELERY' (without an app that shows
#: it, CEL004 cannot know which names the host reads, and gives no fix).
DJANGO_APP = ('from celery import Celery\n\napp = Celery("proj")\n'
              'app.config_from_object("django.conf:settings", namespace="CELERY")\n')


def _target(case: pathlib.Path, root: pathlib.Path) -> pathlib.Path:
    """Where a fixture is written: the name of its ``# filename:`` header, else its own; a Django
    settings fixture gets the documented app beside it (``proj/celery.py``)."""
    first = case.read_text(encoding="utf-8").splitlines()[0]
    name = first.split(":", 1)[1].strip() if first.startswith("# filename:") else case.name
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if name == "proj/settings.py":
        (root / "proj" / "celery.py").write_text(DJANGO_APP, encoding="utf-8")
    return path


def _findings(path: pathlib.Path, root: pathlib.Path) -> list[Violation]:
    text = path.read_text(encoding="utf-8")
    return celery_lint.check(ast.parse(text), str(path.relative_to(root)), source=text, fixes=True)


def _main(args, capsys) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_every_fixable_rule_has_a_fixture():
    assert {case.name[:6] for case in CASES} == set(FIXABLE)
    for case in CASES:
        assert case.with_name(case.name[:-3] + ".fixed.py").is_file(), case


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_fix_on_fixture(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = case.name[:6]
    path = _target(case, tmp_path)
    path.write_bytes(case.read_bytes())
    before = _findings(path, tmp_path)
    assert any(v.code == code for v in before), "the fixture must have findings of its rule"

    relative = str(path.relative_to(tmp_path))  # tmp_path's name looks like a test folder
    status, out, err = _main(["fix", "--isolated", "--unsafe-fixes", "--select", ALL_CODES, relative], capsys)
    assert err == ""
    expected = case.with_name(case.name[:-3] + ".fixed.py").read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected
    ast.parse(expected)

    after = _findings(path, tmp_path)
    fixed = Counter(v.code for v in before) - Counter(v.code for v in after)
    assert out.startswith(f"fixed {sum(fixed.values())} finding")
    assert not [v for v in after if v.code == code and v.fix is not None], "a fixable finding remains"
    new = Counter(v.code for v in after) - Counter(v.code for v in before)
    assert not new, f"the fix brought new findings: {new}"
    assert status == (1 if after else 0)

    # A second run changes nothing.
    status, out, _ = _main(["fix", "--isolated", "--unsafe-fixes", "--select", ALL_CODES, relative], capsys)
    assert out.startswith("fixed 0 findings")
    assert path.read_text(encoding="utf-8") == expected


def test_fixes_agree_with_celery_upgrade_settings(tmp_path, monkeypatch, capsys):
    """After our fix, Celery's own ``celery upgrade settings --django`` finds nothing to rename."""
    upgrade = pytest.importorskip("celery.bin.upgrade")
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "proj" / "settings.py"
    path.parent.mkdir()
    (tmp_path / "proj" / "celery.py").write_text(DJANGO_APP, encoding="utf-8")
    names = ["BROKER_URL", "CELERY_ALWAYS_EAGER", "CELERYD_CONCURRENCY", "CELERY_DEFAULT_QUEUE",
             "CELERYBEAT_SCHEDULE", "CELERY_TASK_RESULT_EXPIRES", "CELERYD_TASK_SOFT_TIME_LIMIT",
             "CELERY_ACKS_LATE", "CELERY_IGNORE_RESULT", "BROKER_TRANSPORT_OPTIONS", "CELERY_ROUTES"]
    path.write_text("".join(f"{name} = None\n" for name in names), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert sum(upgrade._to_new_key(line, upgrade._compat_key)[0] for line in lines) == len(names)

    _main(["fix", "--isolated", str(path)], capsys)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert [upgrade._to_new_key(line, upgrade._compat_key) for line in lines] == [(0, line) for line in lines]
    assert not [v for v in _findings(path, tmp_path) if v.code == "CEL004"]


_CALL = "from celery import shared_task\n\n@shared_task\ndef t(x):\n    ...\n\nt.apply_async(args=(x))  {comment}\n"


@pytest.mark.parametrize("encoding,prefix,newline", [
    ("utf-8", b"", "\n"),
    ("utf-8", b"\xef\xbb\xbf", "\r\n"),
    ("latin-1", b"# -*- coding: latin-1 -*-\n", "\r\n"),
])
def test_bytes_encoding_bom_line_ends_and_mode_are_kept(encoding, prefix, newline, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = _CALL.format(comment="# é ça").replace("\n", newline)
    path = tmp_path / "tasks.py"
    path.write_bytes(prefix.replace(b"\n", newline.encode()) + text.encode(encoding))
    os.chmod(path, 0o640)
    status, out, _ = _main(["fix", "--isolated", str(path)], capsys)
    assert out.startswith("fixed 1 finding (CEL103: 1)")
    expected = prefix.replace(b"\n", newline.encode()) + text.replace("args=(x)", "args=(x,)").encode(encoding)
    assert path.read_bytes() == expected
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    left = [p.name for p in tmp_path.iterdir() if p.name != ".celery_lint_cache"]
    assert left == ["tasks.py"]  # no temporary file left


def test_mixed_line_ends_stay(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = "from datetime import datetime\r\nfrom celery import shared_task\n\n@shared_task\r\ndef t(x):\n    ...\r\n" \
           "t.apply_async((1,), eta=datetime.now())\n"
    path = tmp_path / "tasks.py"
    path.write_bytes(text.encode())
    _main(["fix", "--isolated", "--unsafe-fixes", "--select", ALL_CODES, str(path)], capsys)
    expected = text.replace("import datetime\r\n", "import datetime\r\nfrom datetime import timezone\r\n")
    assert path.read_bytes() == expected.replace("now()", "now(timezone.utc)").encode()


def test_non_ascii_columns():
    source = fixes.Source("x = 'é'; y = f(a)\n")
    tree = ast.parse(source.text)
    call = tree.body[1].value
    assert source.segment(call) == "f(a)"
    assert source.start(call) == (1, 13)  # ast says 14: UTF-8 bytes


def _violation(code: str, *edits: Edit, safe: bool = True) -> Violation:
    return Violation(edits[0].line, edits[0].col, code, "m", Fix(edits, safe, "d"))


def test_overlapping_fixes_wait_for_the_next_pass():
    calls = []

    def find(text):
        calls.append(text)
        if text == "abc\n":
            return [_violation("CEL103", Edit(1, 0, 1, 2, "XY")), _violation("CEL102", Edit(1, 1, 1, 3, "Z"))]
        if text == "XYc\n":
            return [_violation("CEL102", Edit(1, 2, 1, 3, "Z"))]
        return []

    result = fixes.fix_text("abc\n", find)
    assert result.text == "XYZ\n"
    assert result.fixed == Counter({"CEL103": 1, "CEL102": 1})
    assert calls == ["abc\n", "XYc\n", "XYZ\n"]


def test_unsafe_fixes_only_when_asked():
    found = [_violation("CEL604", Edit(1, 0, 1, 1, "y"), safe=False)]
    assert fixes.fix_text("x = 1\n", lambda text: found if text.startswith("x") else []).text == "x = 1\n"
    assert fixes.fix_text("x = 1\n", lambda text: found if text.startswith("x") else [], unsafe=True).text == "y = 1\n"


def test_a_fix_that_breaks_the_file_is_dropped_and_reported(tmp_path, monkeypatch, capsys):
    """The other fixes of the pass are kept; the command reports CEL000 and exits 2."""
    broken = _violation("CEL103", Edit(1, 0, 1, 0, "("))
    good = _violation("CEL102", Edit(2, 0, 2, 1, "z"))
    result = fixes.fix_text("x = 1\ny = 2\n", lambda text: [broken, good] if text.startswith("x") else [])
    assert result.text == "x = 1\nz = 2\n"
    assert [d.finding.code for d in result.dropped] == ["CEL103"]

    monkeypatch.chdir(tmp_path)
    path = tmp_path / "tasks.py"
    path.write_text(_CALL.format(comment=""), encoding="utf-8")
    rule = celery_lint.RULES["CEL103"]
    kept = rule.fix
    object.__setattr__(rule, "fix", fixes.Fixer(lambda node, model: [fixes.insert(model.source.start(node), "(")],
                                                True, "breaks the file"))  # Rule is frozen
    try:
        status, out, err = _main(["fix", "--isolated", str(path)], capsys)
    finally:
        object.__setattr__(rule, "fix", kept)
    assert status == cli.EXIT_INTERNAL_ERROR
    assert "CEL103" in err and "does not parse" in err
    assert path.read_text(encoding="utf-8") == _CALL.format(comment="")


def test_noqa_and_deselected_codes_are_not_fixed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "tasks.py"
    text = _CALL.format(comment="# noqa: CEL103")
    path.write_text(text, encoding="utf-8")
    status, out, _ = _main(["fix", "--isolated", str(path)], capsys)
    assert (status, out.strip()) == (0, "fixed 0 findings")
    path.write_text(_CALL.format(comment=""), encoding="utf-8")
    status, out, _ = _main(["fix", "--isolated", "--ignore", "CEL103", str(path)], capsys)
    assert path.read_text(encoding="utf-8") == _CALL.format(comment="")


def test_commands_through_the_installed_entry_point(tmp_path):
    path = tmp_path / "tasks.py"
    original = _CALL.format(comment="") + "t.apply_async(args=(x), eta=datetime.now())\nfrom datetime import datetime\n"
    path.write_text(original, encoding="utf-8")
    command = [sys.executable, "-m", "celery_lint"]

    diff = run_process([*command, "check", "--isolated", "--diff", "tasks.py"], tmp_path)
    assert diff.returncode == 1, diff.stderr
    assert "-t.apply_async(args=(x))" in diff.stdout and "+t.apply_async(args=(x,))" in diff.stdout
    assert "would fix 2 findings (CEL103: 2)" in diff.stderr
    assert path.read_text(encoding="utf-8") == original  # --diff writes nothing

    fixed = run_process([*command, "check", "--isolated", "--fix", "tasks.py"], tmp_path)
    assert fixed.returncode == 1  # the naive eta remains: its fix is unsafe
    assert "CEL105" in fixed.stdout and "CEL103" not in fixed.stdout
    assert "fixed 2 findings (CEL103: 2); 1 finding remains" in fixed.stderr

    unsafe = run_process([*command, "fix", "--isolated", "--unsafe-fixes", "tasks.py"], tmp_path)
    assert unsafe.stdout == "fixed 1 finding (CEL105: 1)\n"
    assert unsafe.returncode == 0
    assert "from datetime import datetime\nfrom datetime import timezone\n" in path.read_text(encoding="utf-8")

    clean = run_process([*command, "check", "--isolated", "--diff", "tasks.py"], tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "")

    usage = run_process([*command, "check", "--isolated", "--unsafe-fixes", "tasks.py"], tmp_path)
    assert usage.returncode == 2


def test_rules_list_marks_fixable_rules(capsys):
    cli.main(["rules"])
    out = capsys.readouterr().out
    for code in FIXABLE:
        line = next(line for line in out.splitlines() if line.startswith(code))
        assert ("  safe  " in line) == celery_lint.RULES[code].fix.safe, line
    line = next(line for line in out.splitlines() if line.startswith("CEL201"))
    assert " safe " not in line and "unsafe" not in line
