"""The standalone command, run as users run it: ``python -m celery_lint`` and the installed script."""
from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import sys
import textwrap
import urllib.parse

import pytest

import celery_lint
from celery_lint import cli, docs
from tools import flake8, run_process

SCRIPT = pathlib.Path(sys.executable).parent / ("celery-lint.exe" if os.name == "nt" else "celery-lint")
HOW = ["module", "script"]
_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>CEL\d{3}) (?P<msg>.*)$")

TASKS = textwrap.dedent("""\
    from celery import shared_task


    @shared_task
    def fetch(url):
        return url


    @shared_task
    def crawl(url):
        first = fetch.delay(url).get()
        second = fetch.delay(url).get()  # noqa: CEL201
        third = fetch.delay(url).get()  # noqa
        fourth = fetch.delay(url).get()  # noqa: E501
        fifth = fetch.delay(
            url).get()  # noqa: CEL2 -- reported on line 15, so as in flake8 this does not silence it
        sixth = fetch.delay(url).get()  # NOQA:CEL201,CEL999
        return first, second, third, fourth, fifth, sixth


    def view(request):
        return fetch.delay(request.GET["u"]).get()
""")
CEL201_LINES = [(11, 13), (14, 14), (15, 13)]  # (line, 1-based column) of the findings not silenced
CEL203_LINE = (22, 12)

CUSTOM = textwrap.dedent("""\
    from proj.base import instrumented_task


    @instrumented_task(name="proj.crawl")
    def crawl(url):
        return fetch.delay(url).get()
""")
NO_CELERY = "def add(a, b):\n    return a + b\n"


def run(args, cwd, how="module", env=None, input=None, timeout=120, encoding=None):
    """Run the installed command; never a traceback, always a documented exit status."""
    command = [sys.executable, "-m", "celery_lint"] if how == "module" else [str(SCRIPT)]
    environ = dict(os.environ)
    environ.pop("PYTHONPATH", None)
    environ.update(env or {})
    proc = run_process([*command, *args], cwd, env=environ, input=input, timeout=timeout, encoding=encoding)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1, 2), proc.stdout + proc.stderr
    return proc


def findings(proc, codes=None):
    """(path, line, col, code) of each finding line; only ``codes`` when given."""
    out = []
    for line in proc.stdout.splitlines():
        m = _LINE.match(line)
        assert m, f"not a finding line: {line!r}"
        if codes is None or m["code"] in codes:
            out.append((m["path"], int(m["line"]), int(m["col"]), m["code"]))
    return out


def sarif_findings(out: str) -> list[tuple[str, int, int, str, str]]:
    """(path, line, column, code, message) of each result of a SARIF log (tests/test_sarif.py checks the rest)."""
    found = []
    for result in json.loads(out)["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        found.append((urllib.parse.unquote(location["artifactLocation"]["uri"]), location["region"]["startLine"],
                      location["region"]["startColumn"], result["ruleId"], result["message"]["text"]))
    return found


def write(root: pathlib.Path, files: dict[str, str | bytes]) -> pathlib.Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def test_the_script_is_installed():
    assert SCRIPT.is_file(), f"{SCRIPT} missing: run pip install -e ."


# --------------------------------------------------------------------------- check: findings, exit status


@pytest.mark.parametrize("how", HOW)
def test_reports_findings_like_flake8_and_exits_1(tmp_path, how):
    write(tmp_path, {"proj/tasks.py": TASKS})
    proc = run(["check", "--isolated", "."], tmp_path, how)
    assert proc.returncode == 1, proc.stderr
    got = findings(proc, {"CEL201", "CEL203"})
    assert got == [("proj/tasks.py", line, col, "CEL201") for line, col in CEL201_LINES]


@pytest.mark.parametrize("how", HOW)
def test_clean_tree_exits_0(tmp_path, how):
    write(tmp_path, {"lib/maths.py": NO_CELERY, "lib/__init__.py": ""})
    proc = run(["check", "--isolated", "lib"], tmp_path, how)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_exit_zero(tmp_path):
    write(tmp_path, {"tasks.py": TASKS})
    proc = run(["check", "--isolated", "--exit-zero", "--select", "CEL201", "tasks.py"], tmp_path)
    assert proc.returncode == 0 and findings(proc)


def test_same_findings_as_the_flake8_plugin(tmp_path):
    """Columns, lines and ``# noqa`` handling agree with real flake8 on the same files."""
    write(tmp_path, {"proj/tasks.py": TASKS, "proj/views.py": TASKS.replace("@shared_task", "@app.task")})
    for select in ("CEL", "CEL2"):
        _, expected = flake8(["proj"], tmp_path, f"--select={select}")
        proc = run(["check", "--isolated", "--select", select, "proj"], tmp_path)
        assert sorted(findings(proc)) == sorted((p, line, col, code) for p, line, col, code, _ in expected)


def test_default_selection_is_the_default_on_rules(tmp_path):
    write(tmp_path, {"tasks.py": TASKS})
    proc = run(["check", "--isolated", "tasks.py"], tmp_path)
    reported = {code for *_, code in findings(proc)}
    assert reported <= {code for code, rule in celery_lint.RULES.items() if rule.default}
    assert "CEL203" not in reported and "CEL201" in reported


@pytest.mark.parametrize("args,expected", [
    (["--extend-select", "CEL203"], {"CEL201", "CEL203"}),
    (["--select", "CEL2"], {"CEL201", "CEL203"}),
    (["--select", "CEL2", "--ignore", "CEL201"], {"CEL203"}),
    (["--select", "CEL201,CEL203", "--ignore", "CEL2"], {"CEL201", "CEL203"}),
    (["--select", "CEL203", "--select", "CEL201"], {"CEL201", "CEL203"}),
    (["--ignore", "CEL2", "--extend-select", "CEL203"], {"CEL203"}),
    (["--select", "celery-blocking-result"], {"CEL201"}),
    (["--select", "cel2", "--ignore", "cel201"], {"CEL203"}),
    (["--select", "CEL"], {"CEL201"}),  # CEL selects the default rules; CEL203 is opt-in
    (["--extend-select", "CEL"], {"CEL201"}),
    (["--select", "CEL", "--extend-select", "CEL203"], {"CEL201", "CEL203"}),
    (["--select", "CEL20"], {"CEL201", "CEL203"}),
])
def test_select_extend_select_and_ignore(tmp_path, args, expected):
    write(tmp_path, {"tasks.py": TASKS})
    proc = run(["check", "--isolated", *args, "tasks.py"], tmp_path)
    assert {code for *_, code in findings(proc, {"CEL201", "CEL203"})} == expected


@pytest.mark.parametrize("args,message", [
    (["check", "--select", "E501", "."], "'E501' is not a rule code"),
    (["check", "--ignore", "CEL2x1", "."], "'CEL2x1' is not a rule code"),
    (["check", "--select=CEL999", "."], "--select: 'CEL999' matches no rule"),
    (["check", "--select", "CEL2,CEL66", "."], "--select: 'CEL66' matches no rule"),
    (["check", "--extend-select=CEL999", "."], "--extend-select: 'CEL999' matches no rule"),
    (["check", "--select=", "."], "leaves no rule on"),
    (["check", "--select=CEL2", "--ignore=CEL2", "."], "leaves no rule on"),
    (["check", "--ignore=CEL", "."], "leaves no rule on"),
    (["check", "--format", "xml", "."], "invalid choice"),
    (["check", "does-not-exist.py"], "no such file or directory: does-not-exist.py"),
    (["check", "--visibility-timeout", "soon", "."], "--visibility-timeout: the value must be a whole number"),
    (["check", "--visibility-timeout", "1.5", "."], "greater than 0, not '1.5'"),
    (["check", "--visibility-timeout", "0", "."], "greater than 0, not '0'"),
    (["check", "--visibility-timeout", "-60", "."], "greater than 0, not '-60'"),
    (["check", "--stdin-filename", "x.py", "."], "give '-' among the paths"),
    (["frobnicate"], "invalid choice"),
    ([], "usage"),
])
def test_usage_errors_exit_2(tmp_path, args, message):
    write(tmp_path, {"tasks.py": TASKS})
    proc = run(args, tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr and not proc.stdout, proc.stderr


def test_version(tmp_path):
    proc = run(["--version"], tmp_path, "script")
    assert proc.returncode == 0 and celery_lint.__version__ in proc.stdout


# --------------------------------------------------------------------------- noqa


@pytest.mark.parametrize("comment,silenced", [
    ("# noqa", True),
    ("# NOQA", True),
    ("# noqa: CEL201", True),
    ("# noqa:CEL201", True),
    ("# noqa: CEL2", True),
    ("# noqa: CEL", True),
    ("# noqa: E501,CEL201", True),
    ("# noqa: E501 CEL201", True),
    ("# noqa: E501", False),
    ("# noqa: CEL202", False),
    ("# noqa: CEL2011", False),
    ("# noqa: cel201", False),  # flake8 compares codes case-sensitively
    ("# noqa : CEL202", True),  # not a code list: a bare noqa, as in flake8
    ("# no qa", False),
])
def test_noqa_semantics(comment, silenced):
    assert cli.silenced("CEL201", f"x = r.get()  {comment}\n") is silenced


def test_noqa_on_the_first_line_of_a_multi_line_call(tmp_path):
    source = textwrap.dedent("""\
        from celery import shared_task


        @shared_task
        def crawl(url):
            return crawl.delay(  # noqa: CEL201
                url,
            ).get()
    """)
    write(tmp_path, {"tasks.py": source, "other.py": source.replace("  # noqa: CEL201", "")})
    proc = run(["check", "--isolated", "--select", "CEL201", "."], tmp_path)
    assert findings(proc) == [("other.py", 6, 12, "CEL201")]


# --------------------------------------------------------------------------- files and folders


EXCLUDED_DIRS = [".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", "__pycache__", "node_modules",
                 "build", "dist", ".eggs", "proj.egg-info", "lib/python3.11/site-packages"]


def test_common_folders_and_virtualenvs_are_not_walked(tmp_path):
    files = {f"{d}/tasks.py": TASKS for d in EXCLUDED_DIRS}
    files["myenv/pyvenv.cfg"] = "home = /usr/bin\n"
    files["myenv/lib/tasks.py"] = TASKS
    files["src/app/tasks.py"] = TASKS
    files["src/app/notes.txt"] = TASKS
    write(tmp_path, files)
    proc = run(["check", "--isolated", "--select", "CEL201", "."], tmp_path)
    assert {path for path, *_ in findings(proc)} == {"src/app/tasks.py"}


def test_exclude_globs(tmp_path):
    write(tmp_path, {"src/tasks.py": TASKS, "src/legacy/tasks.py": TASKS, "src/gen_pb2.py": TASKS,
                     "src/proj/migrations/0001.py": TASKS, "keep/legacy.py": TASKS})
    proc = run(["check", "--isolated", "--select", "CEL201", "--exclude", "legacy,*_pb2.py",
                "--exclude", "src/proj/migrations", "."], tmp_path)
    assert {path for path, *_ in findings(proc)} == {"src/tasks.py", "keep/legacy.py"}


def test_files_named_explicitly_are_checked_unless_excluded_by_the_user(tmp_path):
    write(tmp_path, {"build/tasks.py": TASKS, "script": TASKS, "gen/x_pb2.py": TASKS})
    proc = run(["check", "--isolated", "--select", "CEL201", "--exclude", "*_pb2.py",
                "build/tasks.py", "script", "gen/x_pb2.py"], tmp_path)
    assert {path for path, *_ in findings(proc)} == {"build/tasks.py", "script"}


def test_each_file_once_in_a_stable_order(tmp_path):
    write(tmp_path, {"b/tasks.py": TASKS, "a/tasks.py": TASKS, "a/z.py": TASKS})
    proc = run(["check", "--isolated", "--select", "CEL201", ".", "a", "a/tasks.py"], tmp_path)
    paths = [path for path, *_ in findings(proc)]
    assert list(dict.fromkeys(paths)) == ["a/tasks.py", "a/z.py", "b/tasks.py"]
    assert len(paths) == 3 * len(CEL201_LINES)


POSIX = pytest.mark.skipif(os.name == "nt", reason="needs POSIX files: symlinks, FIFOs, devices")


@POSIX
def test_symlink_loops_do_not_hang(tmp_path):
    write(tmp_path, {"pkg/tasks.py": TASKS})
    os.symlink(tmp_path / "pkg", tmp_path / "pkg" / "loop")
    proc = run(["check", "--isolated", "--select", "CEL201", "pkg"], tmp_path)
    assert {path for path, *_ in findings(proc)} == {"pkg/tasks.py"}


def _not_checked(proc):
    """{path: message} of the CEL099 lines."""
    return {line.split(":", 1)[0]: line.split(" CEL099 ", 1)[1] for line in proc.stdout.splitlines()
            if " CEL099 " in line}


@POSIX
def test_fifos_and_devices_named_py_are_skipped_without_blocking(tmp_path):
    write(tmp_path, {"pkg/tasks.py": TASKS})
    os.mkfifo(tmp_path / "pkg" / "pipe.py")
    os.symlink("/dev/zero", tmp_path / "pkg" / "zero.py")
    for args in (["pkg"], ["pkg/pipe.py", "pkg/zero.py", "pkg/tasks.py"]):
        proc = run(["check", "--isolated", "--select", "CEL201", *args], tmp_path, timeout=60)
        assert proc.returncode == 1 and not proc.stderr, proc.stderr
        assert _not_checked(proc) == {
            "pkg/pipe.py": "cannot read this file: not a regular file (a FIFO)",
            "pkg/zero.py": "cannot read this file: not a regular file (a character device)"}
        assert len(findings(proc, {"CEL201"})) == len(CEL201_LINES)


@POSIX
def test_links_that_lead_nowhere_given_directly(tmp_path):
    write(tmp_path, {"tasks.py": TASKS})
    os.symlink("self.py", tmp_path / "self.py")
    os.symlink("b", tmp_path / "a")
    os.symlink("a", tmp_path / "b")
    os.symlink("nowhere.py", tmp_path / "gone.py")
    proc = run(["check", "--isolated", "--select", "CEL201", "self.py", "a", "gone.py", "tasks.py"], tmp_path)
    assert proc.returncode == 1 and not proc.stderr, proc.stderr
    loop = "cannot read this path: Too many levels of symbolic links"
    assert _not_checked(proc) == {"self.py": loop, "a": loop,
                                  "gone.py": "cannot read this path: No such file or directory"}
    assert len(findings(proc, {"CEL201"})) == len(CEL201_LINES)


DENY = textwrap.dedent("""\
    import os, sys

    def deny(real):
        def call(path, *args, **kwargs):
            if os.path.basename(os.fspath(path)) in ("secret", "secret.py"):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path, *args, **kwargs)
        return call

    os.scandir, os.open = deny(os.scandir), deny(os.open)
    from celery_lint.cli import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.parametrize("fmt", cli.FORMATS)
def test_folders_and_files_that_cannot_be_read(tmp_path, fmt):
    """Permission denied (simulated: the suite may run as root) on a folder and on a file."""
    write(tmp_path, {"pkg/tasks.py": TASKS, "pkg/secret/tasks.py": TASKS, "pkg/secret.py": TASKS})
    proc = run_process([sys.executable, "-c", DENY, "check", "--isolated", "--select", "CEL201",
                        "--format", fmt, "pkg"], tmp_path, timeout=60)
    assert proc.returncode == 1 and not proc.stderr, proc.stdout + proc.stderr
    if fmt == "json":
        got = {(d["path"], d["code"], d["message"]) for d in json.loads(proc.stdout)}
    elif fmt == "sarif":
        got = {(path, code, msg) for path, _, _, code, msg in sarif_findings(proc.stdout)}
    else:
        pattern = _GITHUB if fmt == "github" else _LINE
        got = {(m["path"], m["code"], m["msg"]) for m in map(pattern.match, proc.stdout.splitlines())}
    assert got == {("pkg/secret", "CEL099", "cannot list this folder: Permission denied"),
                   ("pkg/secret.py", "CEL099", "cannot read this file: Permission denied"),
                   ("pkg/tasks.py", "CEL201", celery_lint.RULES["CEL201"].format(method="get", task="crawl"))}


_GITHUB = re.compile(r"^::(?:warning|error) file=(?P<path>[^,]+),line=\d+,col=\d+,title=(?P<code>\w+)::(?P<msg>.*)$")


@POSIX
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any folder")
def test_a_folder_without_permission(tmp_path):
    write(tmp_path, {"pkg/secret/tasks.py": TASKS, "pkg/tasks.py": TASKS})
    (tmp_path / "pkg" / "secret").chmod(0)
    try:
        proc = run(["check", "--isolated", "--select", "CEL201", "pkg"], tmp_path)
    finally:
        (tmp_path / "pkg" / "secret").chmod(0o755)
    assert proc.returncode == 1
    assert _not_checked(proc) == {"pkg/secret": "cannot list this folder: Permission denied"}


def _make_long_tree(root: pathlib.Path, names, content: str) -> None:
    """root/names[0]/names[1]/.../tasks.py, made relative to open folders: its path may exceed PATH_MAX."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for name in names:
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("tasks.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, content.encode())
        os.close(out)
    finally:
        os.close(fd)


@POSIX
def test_paths_longer_than_path_max(tmp_path):
    write(tmp_path, {"long/tasks.py": TASKS})
    _make_long_tree(tmp_path / "long", ["x" * 200] * 25, TASKS)  # 5,000 characters
    proc = run(["check", "--isolated", "--select", "CEL201", "long"], tmp_path)
    assert proc.returncode == 1 and not proc.stderr, proc.stderr
    ((path, message),) = _not_checked(proc).items()
    assert message == "cannot list this folder: File name too long" and path.startswith("long/xxx")
    assert {p for p, *_ in findings(proc, {"CEL201"})} == {"long/tasks.py"}
    given = "long/" + "/".join(["x" * 200] * 25) + "/tasks.py"
    proc = run(["check", "--isolated", given], tmp_path)
    assert proc.returncode == 1 and _not_checked(proc) == {given: "cannot read this path: File name too long"}


@POSIX
def test_trees_deeper_than_the_recursion_limit(tmp_path):
    (tmp_path / "deep").mkdir()
    try:
        _make_long_tree(tmp_path / "deep", ["d"] * (sys.getrecursionlimit() + 100), TASKS)
        proc = run(["check", "--isolated", "--select", "CEL201", "deep"], tmp_path)
    finally:  # shutil.rmtree (pytest's clean-up of old runs) recurses: rm does not
        run_process(["rm", "-rf", tmp_path / "deep"], tmp_path)
    assert proc.returncode == 1 and not proc.stderr, proc.stderr
    assert len(findings(proc, {"CEL201"})) == len(CEL201_LINES)


def test_standard_input(tmp_path):
    """``-`` reads standard input, as in flake8 and ruff; ``--stdin-filename`` names it (for the
    output, the test-path setting and the pyproject.toml to read)."""
    write(tmp_path, {"src/pyproject.toml": PYPROJECT})
    proc = run(["check", "-", "--stdin-filename", "src/tasks.py", "--select", "CEL201"], tmp_path, input=CUSTOM)
    assert findings(proc) == [("src/tasks.py", 6, 12, "CEL201")]  # task-decorators from src/pyproject.toml
    proc = run(["check", "--isolated", "--select", "CEL201", "-"], tmp_path, input=TASKS)
    assert [(p, line) for p, line, *_ in findings(proc)] == [("stdin", line) for line, _ in CEL201_LINES]
    proc = run(["check", "--isolated", "--stdin-filename", "x.py"], tmp_path, input="import celery\ndef f(:\n")
    assert proc.returncode == 1 and proc.stdout.startswith("x.py:2:7: CEL099 cannot parse this file: ")


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
@pytest.mark.parametrize("fmt", ["text", "github"])
def test_names_the_console_cannot_encode_are_escaped(tmp_path, encoding, fmt):
    write(tmp_path, {"t\xe2ches/\u65e5\u672c.py": TASKS.replace("crawl", "r\xe9colte_\u53ce\u7a6b")})
    proc = run(["check", "--isolated", "--select", "CEL201", "--format", fmt, "."], tmp_path,
               env={"PYTHONIOENCODING": encoding}, encoding=encoding)
    assert proc.returncode == 1 and not proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(CEL201_LINES)
    assert all("\\u65e5\\u672c.py" in line and "\\u53ce\\u7a6b'" in line for line in lines), lines


# --------------------------------------------------------------------------- decoding, broken files


def test_coding_lines_bom_and_broken_files(tmp_path):
    latin = TASKS.replace("def view(request):", "def view(request):\n    label = 'caf\xe9'")
    write(tmp_path, {
        "latin.py": ("# -*- coding: latin-1 -*-\n" + latin).encode("latin-1"),
        "bom.py": b"\xef\xbb\xbf" + TASKS.encode("utf-8"),
        "undecodable.py": b"from celery import shared_task\nx = '\xff\xfe'\n",
        "syntax.py": "from celery import shared_task\ndef broken(:\n",
        "not_celery_syntax.py": "def broken(:\n",
        "not_celery_latin.py": b"x = '\xe9'\n",
        "nul.py": b"from celery import shared_task\x00\n",
        "bogus_coding.py": b"# -*- coding: klingon -*-\nfrom celery import shared_task\n",
        "empty.py": b"",
    })
    proc = run(["check", "--isolated", "--select", "CEL201", "."], tmp_path)
    assert proc.returncode == 1 and not proc.stderr
    assert {path for path, _, _, code in findings(proc) if code == "CEL201"} == {"latin.py", "bom.py"}
    assert [line for p, line, *_ in findings(proc) if p == "latin.py"] == [line + 1 for line, _ in CEL201_LINES]
    # a file that mentions nothing Celery-related is not even decoded or parsed, as in the plugins
    assert {(path, line, col) for path, line, col, code in findings(proc, {"CEL099"})} == {
        ("undecodable.py", 2, 6), ("syntax.py", 2, 12), ("nul.py", 1, 1), ("bogus_coding.py", 1, 1)}
    messages = [line.split(" CEL099 ", 1)[1] for line in proc.stdout.splitlines() if " CEL099 " in line]
    assert all(m.startswith(("cannot decode this file: ", "cannot parse this file: ")) for m in messages), messages
    assert any("line 2 is not valid utf-8" in m and "PEP 263" in m for m in messages), messages


@pytest.mark.parametrize("fmt", cli.FORMATS)
def test_a_file_that_does_not_parse_is_a_finding_in_every_format(tmp_path, fmt):
    """As flake8 reports E999: the path, the place and the reason, and exit status 1, whatever is
    selected; ``--exit-zero`` still exits 0."""
    write(tmp_path, {"syntax.py": "from celery import shared_task\ndef broken(:\n", "ok.py": NO_CELERY})
    proc = run(["check", "--isolated", "--select", "CEL201", "--format", fmt, "."], tmp_path)
    assert proc.returncode == 1 and not proc.stderr, proc.stdout + proc.stderr
    if fmt == "text":
        assert proc.stdout == "syntax.py:2:12: CEL099 cannot parse this file: SyntaxError: invalid syntax\n"
    elif fmt == "json":
        assert json.loads(proc.stdout) == [{
            "path": "syntax.py", "line": 2, "column": 12, "code": "CEL099", "symbol": "celery-lint-file-not-checked",
            "message": "cannot parse this file: SyntaxError: invalid syntax"}]
    elif fmt == "sarif":
        assert sarif_findings(proc.stdout) == [
            ("syntax.py", 2, 12, "CEL099", "cannot parse this file: SyntaxError: invalid syntax")]
    else:
        assert proc.stdout == ("::error file=syntax.py,line=2,col=12,title=CEL099::"
                               "cannot parse this file: SyntaxError: invalid syntax\n")
    assert run(["check", "--isolated", "--exit-zero", "--format", fmt, "."], tmp_path).returncode == 0


def test_the_code_of_a_file_not_checked_is_explained(tmp_path):
    proc = run(["explain", "CEL099"], tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("# CEL099: celery-lint-file-not-checked")
    assert "PEP 263" in proc.stdout and "E999" in proc.stdout
    assert run(["explain", "celery-lint-file-not-checked"], tmp_path).stdout == proc.stdout


# --------------------------------------------------------------------------- output formats


def test_json_format(tmp_path):
    write(tmp_path, {"tasks.py": TASKS})
    proc = run(["check", "--isolated", "--select", "CEL201", "--format", "json", "tasks.py"], tmp_path)
    data = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert [(d["path"], d["line"], d["column"], d["code"], d["symbol"]) for d in data] == [
        ("tasks.py", line, col, "CEL201", "celery-blocking-result") for line, col in CEL201_LINES]
    assert all(d["message"] for d in data)
    write(tmp_path, {"clean/x.py": NO_CELERY})
    proc = run(["check", "--isolated", "--format", "json", "clean"], tmp_path)
    assert (proc.returncode, json.loads(proc.stdout)) == (0, [])


def test_github_format(tmp_path):
    write(tmp_path, {"a,b/tasks.py": TASKS})
    proc = run(["check", "--isolated", "--select", "CEL201", "--format", "github", "."], tmp_path)
    lines = proc.stdout.splitlines()
    assert len(lines) == len(CEL201_LINES)
    for (line, col), out in zip(CEL201_LINES, lines):
        assert out.startswith(f"::warning file=a%2Cb/tasks.py,line={line},col={col},title=CEL201::")
        assert "get() waits" in out


def test_github_escaping():
    v = celery_lint.Violation(3, 0, "CEL201", "50% of\nit")
    assert cli.format_github("x:y.py", v) == "::warning file=x%3Ay.py,line=3,col=1,title=CEL201::50%25 of%0Ait"


# --------------------------------------------------------------------------- settings and pyproject.toml


def test_settings_on_the_command_line(tmp_path):
    write(tmp_path, {"tasks.py": CUSTOM})
    assert findings(run(["check", "--isolated", "--select", "CEL201", "tasks.py"], tmp_path)) == []
    proc = run(["check", "--isolated", "--select", "CEL201", "--task-decorators",
                "proj.base.instrumented_task,other.task", "tasks.py"], tmp_path)
    assert findings(proc) == [("tasks.py", 6, 12, "CEL201")]


def test_every_setting_is_an_option(tmp_path):
    proc = run(["check", "--help"], tmp_path)
    for name, *_ in celery_lint.settings.option_specs():
        assert "--" + name.replace("_", "-") in proc.stdout


PYPROJECT = textwrap.dedent("""\
    [project]
    name = "proj"

    [tool.celery-lint]
    # our own decorator
    task-decorators = [
        "proj.base.instrumented_task",  # the one with metrics
        'other.task',
    ]
    extend-select = ["CEL203"]
    exclude = "legacy"
    visibility_timeout = 1_800

    [tool.other]
    select = ["nothing"]
""")


@pytest.mark.parametrize("how", HOW)
def test_settings_from_the_nearest_pyproject(tmp_path, how):
    write(tmp_path, {"pyproject.toml": PYPROJECT, "src/tasks.py": CUSTOM, "src/legacy/tasks.py": CUSTOM,
                     "src/views.py": TASKS})
    for cwd, prefix in ((tmp_path, "src/"), (tmp_path / "src", "")):  # the pyproject above is found
        proc = run(["check", prefix or "."], cwd, how)
        got = set(findings(proc, {"CEL201", "CEL203"}))
        assert (prefix + "tasks.py", 6, 12, "CEL201") in got
        assert (prefix + "views.py", *CEL203_LINE, "CEL203") in got
        assert not any("legacy" in path for path, *_ in got)
    proc = run(["check", "--isolated", "."], tmp_path / "src", how)
    assert ("tasks.py", 6, 12, "CEL201") not in set(findings(proc))


def test_command_line_overrides_pyproject(tmp_path):
    write(tmp_path, {"pyproject.toml": PYPROJECT.replace('extend-select = ["CEL203"]', 'select = ["CEL203"]'),
                     "tasks.py": TASKS})
    assert {c for *_, c in findings(run(["check", "tasks.py"], tmp_path))} == {"CEL203"}
    proc = run(["check", "--select", "CEL201", "tasks.py"], tmp_path)
    assert {c for *_, c in findings(proc)} == {"CEL201"}


def test_a_pyproject_without_our_table_is_passed_over(tmp_path):
    write(tmp_path, {"pyproject.toml": PYPROJECT, "sub/pyproject.toml": "[project]\nname = 'sub'\n",
                     "sub/tasks.py": CUSTOM})
    proc = run(["check", "tasks.py"], tmp_path / "sub")
    assert findings(proc, {"CEL201"}) == [("tasks.py", 6, 12, "CEL201")]


def test_nearer_pyproject_wins(tmp_path):
    write(tmp_path, {"pyproject.toml": PYPROJECT, "sub/tasks.py": CUSTOM,
                     "sub/pyproject.toml": "[tool.celery-lint]\nselect = ['CEL203']\n"})
    assert findings(run(["check", "sub"], tmp_path), {"CEL201"}) == []


def test_explicit_config_file(tmp_path):
    write(tmp_path, {"conf/lint.toml": PYPROJECT, "tasks.py": CUSTOM})
    proc = run(["check", "--config", "conf/lint.toml", "--select", "CEL201", "tasks.py"], tmp_path)
    assert findings(proc) == [("tasks.py", 6, 12, "CEL201")]
    assert run(["check", "--config", "nope.toml", "tasks.py"], tmp_path).returncode == 2


@pytest.mark.parametrize("table,message", [
    ("task-decorator = ['x']", "unknown key 'task-decorator'"),
    ("select = 3", "select must be a list of strings or a comma-separated string, not 3"),
    ("select = ['E501']", "'E501' is not a rule code"),
    ("select = ['CEL999']", "select: 'CEL999' matches no rule"),
    ("ignore = ['CEL2', 'CEL99']", "ignore: 'CEL99' matches no rule"),
    ("select = []", "leaves no rule on"),
    ("exclude = {a = 1}", "exclude must be a list of strings"),
    ("visibility-timeout = 'soon'", "visibility-timeout must be a whole number greater than 0, not 'soon'"),
    ("visibility-timeout = inf", "visibility-timeout must be a whole number greater than 0, not inf"),
    ("visibility-timeout = 1e400", "visibility-timeout must be a whole number greater than 0, not inf"),
    ("visibility-timeout = nan", "visibility-timeout must be a whole number greater than 0, not nan"),
    ("visibility_timeout = 1.5", "visibility_timeout must be a whole number greater than 0, not 1.5"),
    ("visibility-timeout = true", "visibility-timeout must be a whole number greater than 0, not True"),
    ("visibility-timeout = 0", "visibility-timeout must be a whole number greater than 0, not 0"),
    ("visibility-timeout = -1800", "not -1800"),
    ("visibility-timeout = [1800]", "not [1800]"),
    ("task-decorators = [1, 2]", "task-decorators must be a list of strings or a comma-separated string, not [1, 2]"),
    ("task-decorators = [['a']]", "task-decorators must be a list of strings"),
    ("task-decorators = {a = 'x'}", "task-decorators must be a list of strings or a comma-separated string, not {"),
    ("app-names = 3", "app-names must be a list of strings"),
    ("test-paths = " + "[" * 5000 + "]" * 5000, "invalid TOML: nested too deeply"),
    ("select = [", "invalid TOML"),
])
def test_bad_configuration_exits_2(tmp_path, table, message):
    """Every bad value is refused with the file, the key and what is expected; none is coerced."""
    write(tmp_path, {"pyproject.toml": f"[tool.celery-lint]\n{table}\n", "tasks.py": TASKS})
    proc = run(["check", "tasks.py"], tmp_path)
    assert proc.returncode == 2 and not proc.stdout, proc.stdout + proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith("celery-lint: error: ") and message in line, line
    assert "pyproject.toml" in line or "select = []" == table


@pytest.mark.parametrize("text", [
    "[tool.celery-lint]\n[tool.celery-lint.nested]\na = 1\n",
    "[tool]\ncelery-lint = 3\n",
    "tool = {celery-lint = 'x'}\n",
])
def test_our_table_must_be_a_table_of_known_keys(tmp_path, text):
    write(tmp_path, {"pyproject.toml": text, "tasks.py": TASKS})
    proc = run(["check", "tasks.py"], tmp_path)
    assert proc.returncode == 2 and "pyproject.toml" in proc.stderr and "tool.celery-lint" in proc.stderr, proc.stderr


@pytest.mark.parametrize("text", [
    "tool = 3\n",
    "tool = ['black']\n",
    "[tool]\nblack = 3\n",
    "[project\nname = 'broken'\n",
    "[tool.black]\nline-length = \n",
    b"[project]\nname = '\xff'\n",
    "x = " + "[" * 5000 + "]" * 5000 + "\n",
])
def test_someone_elses_pyproject_does_not_block_the_run(tmp_path, text):
    """A pyproject.toml without our table, however odd or broken, is passed over: the nearest one
    above it that has the table is read."""
    write(tmp_path, {"pyproject.toml": PYPROJECT, "sub/pyproject.toml": text, "sub/tasks.py": CUSTOM})
    proc = run(["check", "tasks.py"], tmp_path / "sub")
    assert proc.returncode == 1 and not proc.stderr, proc.stderr
    assert findings(proc, {"CEL201"}) == [("tasks.py", 6, 12, "CEL201")]


def test_a_broken_file_named_with_config_is_refused(tmp_path):
    write(tmp_path, {"lint.toml": "[project\n", "tasks.py": TASKS})
    proc = run(["check", "--config", "lint.toml", "tasks.py"], tmp_path)
    assert proc.returncode == 2 and "lint.toml: invalid TOML" in proc.stderr, proc.stderr


def test_python_310_reads_pyproject_with_tomli(tmp_path):
    """Without tomllib (Python 3.10) the same reader, tomli, reads the file; no TOML of our own."""
    write(tmp_path, {"pyproject.toml": PYPROJECT, "tasks.py": CUSTOM,
                     "bad/pyproject.toml": "[tool.celery-lint]\nvisibility-timeout = 1e400\n", "bad/tasks.py": CUSTOM})
    code = ("import sys; sys.modules['tomllib'] = None; from celery_lint.cli import main; "
            "status = main(sys.argv[1:]); assert 'tomli' in sys.modules; sys.exit(status)")
    proc = run_process([sys.executable, "-c", code, "check", "--select", "CEL201", "tasks.py"], tmp_path)
    assert proc.returncode == 1 and "tasks.py:6:12: CEL201" in proc.stdout, proc.stdout + proc.stderr
    proc = run_process([sys.executable, "-c", code, "check", "tasks.py"], tmp_path / "bad")
    assert proc.returncode == 2 and "visibility-timeout must be a whole number greater than 0, not inf" in proc.stderr
    assert not hasattr(cli, "read_tool_table") and not hasattr(cli, "TomlError")


# --------------------------------------------------------------------------- rules and explain


@pytest.mark.parametrize("how", HOW)
def test_rules_lists_the_catalogue(tmp_path, how):
    proc = run(["rules"], tmp_path, how)
    assert proc.returncode == 0
    rows = [line.split(None, 3) for line in proc.stdout.splitlines()]
    assert rows == [[r.code, r.symbol, "on" if r.default else "opt-in", f"{docs.fix_kind(r):<6}  {r.summary}".strip()]
                    for r in celery_lint.RULES.values()]
    data = json.loads(run(["rules", "--format", "json"], tmp_path, how).stdout)
    assert [(d["code"], d["symbol"], d["default"], d["fix"]) for d in data] == [
        (r.code, r.symbol, r.default, docs.fix_kind(r) or None) for r in celery_lint.RULES.values()]


@pytest.mark.parametrize("how", HOW)
def test_explain_prints_the_rule_page(tmp_path, how):
    rule = next(iter(celery_lint.RULES.values()))
    for key in (rule.code, rule.code.lower(), rule.symbol):
        proc = run(["explain", key], tmp_path, how)
        assert proc.returncode == 0
        assert proc.stdout == docs.rule_page(rule)  # the text of docs/rules/CELnnn.md


def test_explain_an_unknown_rule_exits_2(tmp_path):
    proc = run(["explain", "CEL999"], tmp_path)
    assert proc.returncode == 2 and "CEL999" in proc.stderr


# --------------------------------------------------------------------------- pre-commit


def test_pre_commit_hooks_run_the_standalone_command():
    """Two hooks: ``celery-lint`` checks, ``celery-lint-fix`` applies the safe fixes."""
    text = (pathlib.Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    assert re.findall(r"^- id: ([\w-]+)$", text, re.MULTILINE) == ["celery-lint", "celery-lint-fix"]
    assert shutil.which("celery-lint", path=str(SCRIPT.parent))
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load(text)
    assert [(hook["id"], hook["entry"].split()) for hook in hooks] == [
        ("celery-lint", ["celery-lint", "check"]), ("celery-lint-fix", ["celery-lint", "fix"])]
    for hook in hooks:
        assert set(hook) == {"id", "name", "description", "entry", "language", "types"}, hook["id"]
        assert hook["language"] == "python" and hook["types"] == ["python"] and hook["name"] and hook["description"]


# --------------------------------------------------------------------------- doctor: the legacy pylint-celery


LEGACY_INIT = "def register(linter):\n    pass\n"  # what pylint-celery 0.3 leaves: no checker


def _legacy_site(site: pathlib.Path) -> pathlib.Path:
    """A site folder where the legacy pylint-celery is installed (its files and its metadata)."""
    write(site, {
        "pylint_celery/__init__.py": LEGACY_INIT,
        "pylint_celery-0.3.dist-info/METADATA": "Metadata-Version: 2.1\nName: pylint-celery\nVersion: 0.3\n",
        "pylint_celery-0.3.dist-info/RECORD": "pylint_celery/__init__.py,,\npylint_celery-0.3.dist-info/METADATA,,\n",
    })
    return site


def test_doctor_on_a_whole_installation(tmp_path):
    proc = run(["doctor"], tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines()[-1] == "ok: the flake8 and pylint front-ends are celery-lint's own"
    assert "problem" not in proc.stdout


def test_doctor_finds_the_legacy_distribution(tmp_path):
    site = _legacy_site(tmp_path / "site")
    proc = run(["doctor"], tmp_path, env={"PYTHONPATH": str(site)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert any(line.startswith("problem: the legacy distribution pylint-celery 0.3 is installed") for line in lines)
    assert f"problem: {site / 'pylint_celery' / '__init__.py'} belongs to the distribution pylint-celery, " \
           "not to celery-lint" in lines
    assert lines[-1] == "repair: pip uninstall -y pylint-celery && pip install --force-reinstall celery-lint"
    proc = run(["--version"], tmp_path, env={"PYTHONPATH": str(site)})
    assert proc.returncode == 0 and proc.stdout == f"celery-lint {celery_lint.__version__}\n"
    assert "warning: the legacy distribution pylint-celery 0.3 is installed" in proc.stderr
    assert "`celery-lint doctor`" in proc.stderr


def test_doctor_finds_front_end_files_missing(tmp_path):
    """What uninstalling pylint-celery after celery-lint leaves: pylint_celery without __init__.py."""
    root = pathlib.Path(celery_lint.__file__).resolve().parent.parent
    site = tmp_path / "site"
    for package in ("celery_lint", "flake8_celery", "pylint_celery"):
        shutil.copytree(root / package, site / package, ignore=shutil.ignore_patterns("__pycache__"))
    (site / "pylint_celery" / "__init__.py").unlink()
    proc = run(["doctor"], tmp_path, env={"PYTHONPATH": str(site)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"in {site}" in proc.stdout.splitlines()[0]  # this copy is the one that runs
    assert f"problem: pylint_celery/__init__.py is missing (in {site / 'pylint_celery'}): " \
           "the front-end cannot load" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "repair: pip install --force-reinstall celery-lint"
    assert "pylint_celery/__init__.py is missing" in run(["--version"], tmp_path, env={"PYTHONPATH": str(site)}).stderr
