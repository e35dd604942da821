"""The real pylint with load-plugins=pylint_celery."""
from __future__ import annotations

import pytest

import celery_lint
from celery_lint.rule import PYLINT_CHECKER_IDS
from tools import BLOCKING, VIEW, pylint, run, only_waiting, waiting_codes


def test_checker_ids_are_free_beside_common_plugins():
    """pylint refuses two checkers sharing a message id prefix: load the usual plugins and
    pylint's own optional extensions with ours; our checker ids (the one in use and the one
    kept for when it is full) belong to nobody else."""
    import pkgutil

    import pylint.extensions
    from pylint import checkers
    from pylint.lint import PyLinter

    linter = PyLinter()
    checkers.initialize(linter)
    extensions = [f"pylint.extensions.{m.name}" for m in pkgutil.iter_modules(pylint.extensions.__path__)
                  if not m.name.startswith("_")]
    linter.load_plugin_modules([*extensions, "pylint_django", "pylint_pytest", "pylint_celery"])
    owners = {}
    for checker in linter.get_checkers():
        for msgid in checker.msgs:
            owners.setdefault(msgid[1:3], set()).add(checker.name)
    for checker_id in PYLINT_CHECKER_IDS:
        assert owners.get(checker_id, set()) <= {"celery-lint"}, checker_id
    ours = [c for c in linter.get_checkers() if c.name == "celery-lint"]
    assert len(ours) == 1
    assert {m[1:3] for m in ours[0].msgs} <= set(PYLINT_CHECKER_IDS)
    assert len(ours[0].msgs) == len(celery_lint.RULES) + 1  # and the internal-error message


def test_register_is_repeatable():
    from pylint import checkers
    from pylint.lint import PyLinter

    import pylint_celery

    linter = PyLinter()
    checkers.initialize(linter)
    pylint_celery.register(linter)
    pylint_celery.register(linter)
    assert sum(c.name == "celery-lint" for c in linter.get_checkers()) == 1


def test_disable_pragma(tmp_path):
    (tmp_path / "a.py").write_text(BLOCKING.replace(".get()", ".get()  # pylint: disable=celery-blocking-result"))
    (tmp_path / "b.py").write_text(BLOCKING.replace(".get()", ".get()  # pylint: disable=celery-sync-subtasks-enabled"))
    _, found = pylint(["a.py", "b.py"], tmp_path, "--celery-task-decorators=instrumented_task")
    assert [(p, line, code) for p, line, _, code, _ in only_waiting(found)] == [("b.py", 6, "CEL201")]


def test_options_from_pylintrc(tmp_path):
    (tmp_path / "tasks.py").write_text(BLOCKING)
    _, found = pylint(["tasks.py"], tmp_path)
    assert waiting_codes(found) == [(6, "CEL203")]  # not a task without the setting
    (tmp_path / ".pylintrc").write_text(
        "[MAIN]\nload-plugins=pylint_celery\n\n[CELERY-LINT]\ncelery-task-decorators=proj.base.instrumented_task\n"
    )
    _, found = pylint(["tasks.py"], tmp_path, rcfile=tmp_path / ".pylintrc")
    assert waiting_codes(found) == [(6, "CEL201")]


@pytest.mark.parametrize("section", ["tool.pylint.main", "tool.pylint.celery-lint"])
def test_options_from_pyproject(tmp_path, section):
    (tmp_path / "tasks.py").write_text(BLOCKING)
    (tmp_path / "pyproject.toml").write_text(
        f'[{section}]\ncelery-task-decorators = ["proj.base.instrumented_task"]\n'
    )
    _, found = pylint(["tasks.py"], tmp_path, rcfile=tmp_path / "pyproject.toml")
    assert waiting_codes(found) == [(6, "CEL201")]


def test_opt_in_rules_are_off_until_enabled(tmp_path):
    (tmp_path / "views.py").write_text(VIEW)
    proc = run(["pylint", "--rcfile=/dev/null", "--load-plugins=pylint_celery", "--persistent=n", "views.py"],
               tmp_path)
    assert "celery-blocking-result-outside-task" not in proc.stdout
    proc = run(["pylint", "--rcfile=/dev/null", "--load-plugins=pylint_celery", "--persistent=n",
                "--enable=celery-blocking-result-outside-task", "views.py"], tmp_path)
    assert "views.py:10:11: W7823" in proc.stdout, proc.stdout


def test_default_rules_are_on_without_enable(tmp_path):
    (tmp_path / "tasks.py").write_text(BLOCKING)
    proc = run(["pylint", "--rcfile=/dev/null", "--load-plugins=pylint_celery", "--persistent=n",
                "--celery-task-decorators=instrumented_task", "tasks.py"], tmp_path)
    assert "(celery-blocking-result)" in proc.stdout, proc.stdout


def test_parallel_jobs_give_the_same_findings(tmp_path):
    names = []
    for i in range(6):
        name = f"mod{i}.py"
        (tmp_path / name).write_text(VIEW if i % 2 else BLOCKING)
        names.append(name)
    args = ("--celery-task-decorators=proj.base.instrumented_task",)
    _, serial = pylint(names, tmp_path, "-j", "1", *args)
    _, parallel = pylint(names, tmp_path, "-j", "2", *args)
    assert sorted(serial) == sorted(parallel)
    assert len(only_waiting(serial)) == 6


def test_help_msg_shows_the_template_and_where_the_page_is(tmp_path):
    rule = celery_lint.RULES["CEL201"]
    proc = run(["pylint", "--rcfile=/dev/null", "--load-plugins=pylint_celery", f"--help-msg={rule.symbol}"], tmp_path)
    text = " ".join(proc.stdout.split())  # pylint wraps the description
    assert f":{rule.symbol} ({rule.msgid}):" in text, proc.stdout
    assert f"Message: {rule.message}" in text
    assert f"`celery-lint explain {rule.code}`" in text and "on by default" in text
    opt_in = celery_lint.RULES[celery_lint.OPT_IN[0]]
    proc = run(["pylint", "--rcfile=/dev/null", "--load-plugins=pylint_celery", f"--help-msg={opt_in.symbol}"],
               tmp_path)
    assert "opt-in: turn it on with --enable" in " ".join(proc.stdout.split())


@pytest.mark.parametrize("value,status", [("soon", 2), ("1.5", 2), ("0", 32), ("-1800", 32)])
def test_a_bad_int_option_on_the_command_line_ends_pylint_as_its_own(tmp_path, value, status):
    """pylint ends a bad value of its own with a usage line: exit 2 for what argparse refuses on the
    command line, 32 (pylint's usage error) for a value refused once the configuration is read."""
    (tmp_path / "tasks.py").write_text(VIEW)
    proc = run(["pylint", "--rcfile=/dev/null", "--load-plugins=pylint_celery", "--persistent=n",
                f"--celery-visibility-timeout={value}", "tasks.py"], tmp_path)
    assert proc.returncode == status and not proc.stdout, proc.stdout + proc.stderr
    assert "celery-visibility-timeout" in proc.stderr.splitlines()[-1] and "Traceback" not in proc.stderr
    if status == 2:
        own = run(["pylint", "--rcfile=/dev/null", "--jobs=soon", "tasks.py"], tmp_path)
        assert own.returncode == 2


@pytest.mark.parametrize("value", ['"soon"', "1.5", "true", "0", "-1800", "inf"])
def test_a_bad_int_option_in_pyproject_exits_32_like_pylints_own(tmp_path, value):
    (tmp_path / "tasks.py").write_text(VIEW)
    (tmp_path / "pyproject.toml").write_text("[tool.pylint.main]\njobs = \"soon\"\n")
    own = run(["pylint", "--rcfile=pyproject.toml", "tasks.py"], tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.pylint.main]\nload-plugins = ["pylint_celery"]\ncelery-visibility-timeout = {value}\n')
    proc = run(["pylint", "--rcfile=pyproject.toml", "--persistent=n", "tasks.py"], tmp_path)
    assert proc.returncode == own.returncode == 32 and not proc.stdout, proc.stdout + proc.stderr
    assert "celery-visibility-timeout" in proc.stderr and "Traceback" not in proc.stderr
