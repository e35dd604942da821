"""The real flake8, with celery-lint installed through its entry point."""
from __future__ import annotations

import re

import pytest

import celery_lint
from tools import BLOCKING, VIEW, flake8, run, only_waiting, waiting_codes


def test_version_shows_the_distribution(tmp_path):
    proc = run(["flake8", "--version"], tmp_path)
    assert f"celery-lint: {celery_lint.__version__}" in proc.stdout


@pytest.mark.parametrize("config_name,section", [
    ("setup.cfg", "flake8"), (".flake8", "flake8"), ("tox.ini", "flake8"),
])
def test_options_are_read_from_config_files(tmp_path, config_name, section):
    (tmp_path / "tasks.py").write_text(BLOCKING)
    proc = run(["flake8", "--select=CEL", "tasks.py"], tmp_path)
    assert "CEL201" not in proc.stdout  # instrumented_task is unknown without the setting
    (tmp_path / config_name).write_text(
        f"[{section}]\nselect = CEL\ncelery-task-decorators = proj.base.instrumented_task, other.task\n"
    )
    proc = run(["flake8", "tasks.py"], tmp_path)
    assert "tasks.py:6:12: CEL201" in proc.stdout, proc.stdout + proc.stderr


def test_option_on_the_command_line(tmp_path):
    (tmp_path / "tasks.py").write_text(BLOCKING)
    _, found = flake8(["tasks.py"], tmp_path, "--celery-task-decorators=instrumented_task")
    assert waiting_codes(found) == [(6, "CEL201")]


def test_int_option_is_parsed(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\ncelery-visibility-timeout = 1800\n")
    (tmp_path / "tasks.py").write_text(VIEW)
    proc = run(["flake8", "--select=CEL201", "tasks.py"], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("value", ["soon", "0", "-1800", "1.5", "1e400", "inf", "true"])
@pytest.mark.parametrize("where", ["command line", "setup.cfg"])
def test_a_bad_int_option_is_a_usage_error_like_flake8s_own(tmp_path, value, where):
    """flake8 refuses ``--max-line-length=soon`` with a usage line and exit status 2: our options too,
    from the command line or a config file (where flake8's own int options raise a traceback)."""
    (tmp_path / "tasks.py").write_text(VIEW)
    own = run(["flake8", "--isolated", "--max-line-length=soon", "tasks.py"], tmp_path)
    if where == "setup.cfg":
        (tmp_path / "setup.cfg").write_text(f"[flake8]\ncelery-visibility-timeout = {value}\n")
        proc = run(["flake8", "tasks.py"], tmp_path)
    else:
        proc = run(["flake8", "--isolated", f"--celery-visibility-timeout={value}", "tasks.py"], tmp_path)
    assert proc.returncode == own.returncode == 2 and not proc.stdout, proc.stderr
    assert proc.stderr.splitlines()[-1] == ("flake8: error: argument --celery-visibility-timeout: "
                                            f"the value must be a whole number greater than 0, not {value!r}")
    assert "Traceback" not in proc.stderr


def test_noqa_silences_only_the_named_code(tmp_path):
    source = BLOCKING.replace(".get()", ".get()  # noqa: CEL201")
    (tmp_path / "a.py").write_text(source)
    (tmp_path / "b.py").write_text(BLOCKING.replace(".get()", ".get()  # noqa: CEL202"))
    _, found = flake8(["a.py", "b.py"], tmp_path, "--celery-task-decorators=instrumented_task")
    assert [(p, line, code) for p, line, _, code, _ in only_waiting(found)] == [("b.py", 6, "CEL201")]


def test_opt_in_rules_are_off_until_selected(tmp_path):
    (tmp_path / "views.py").write_text(VIEW)
    proc = run(["flake8", "views.py"], tmp_path)
    assert "CEL203" not in proc.stdout
    proc = run(["flake8", "--extend-select=CEL203", "views.py"], tmp_path)
    assert "views.py:10:12: CEL203" in proc.stdout
    (tmp_path / "setup.cfg").write_text("[flake8]\nextend-select = CEL203\n")
    proc = run(["flake8", "views.py"], tmp_path)
    assert "views.py:10:12: CEL203" in proc.stdout


TIMED = "from celery import shared_task\n\n\n@shared_task\ndef crawl(url):\n    return crawl.delay(url).get()\n"
TIMED_OPT_IN = {"CEL510", "CEL515"}  # no time limit, no explicit name: both opt-in


@pytest.mark.parametrize("args,config,expected", [
    (["--select=CEL"], "", {"CEL201"}),
    ([], "select = CEL\n", {"CEL201"}),
    (["--select=CEL,E,F,W"], "", {"CEL201"}),
    (["--extend-select=CEL"], "", {"CEL201"}),
    (["--select=CEL5"], "", {"CEL510", "CEL515"}),
    (["--select=CEL51"], "", {"CEL510", "CEL515"}),
    (["--select=CEL515"], "", {"CEL515"}),
    (["--select=CEL", "--extend-select=CEL510"], "", {"CEL201", "CEL510"}),
    ([], "select = CEL\nextend-select = CEL515\n", {"CEL201", "CEL515"}),
    (["--select=CEL5", "--ignore=CEL515"], "", {"CEL510"}),
    (["--select=CEL201,CEL510"], "", {"CEL201", "CEL510"}),
    (["--ignore=E501"], "", {"CEL201"}),  # an explicit ignore drops flake8's default ignore list
])
def test_select_cel_keeps_opt_in_rules_off(tmp_path, args, config, expected):
    """As flake8-bugbear keeps B9xx off under ``--select=B``: an opt-in rule is on only when its
    code or a prefix longer than CEL is selected, or extend-selected."""
    (tmp_path / "tasks.py").write_text(TIMED)
    if config:
        (tmp_path / "setup.cfg").write_text("[flake8]\n" + config)
    proc = run(["flake8", *args, "tasks.py"], tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert set(re.findall(r" (CEL\d{3}) ", proc.stdout)) == expected, proc.stdout


def test_jobs_give_the_same_findings(tmp_path):
    names = []
    for i in range(8):
        name = f"mod{i}.py"
        (tmp_path / name).write_text(VIEW if i % 2 else BLOCKING)
        names.append(name)
    args = ("--celery-task-decorators=proj.base.instrumented_task", "--extend-select=CEL203")
    _, serial = flake8(names, tmp_path, "--jobs=1", *args)
    _, parallel = flake8(names, tmp_path, "--jobs=2", *args)
    assert sorted(serial) == sorted(parallel)
    assert len(only_waiting(serial)) == 8
