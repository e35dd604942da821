"""The README's two first commands stay true."""
from __future__ import annotations

import pathlib
import re

from celery_lint.settings import option_specs
from tools import run

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```sh\n(.*?)```", README, re.S)


def test_the_two_commands_come_first():
    lint, tests = BLOCKS[0].strip(), BLOCKS[1].strip()
    assert lint == "python3 -m pip install '.[flake8]' && python3 -m flake8 examples/"
    assert tests == "python3 -m pip install -e '.[test]' && python3 -m pytest -q"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m pytest -q" in ci.splitlines()


def test_the_example_shows_several_rules_and_nothing_else():
    proc = run(["flake8", "examples/"], ROOT)
    codes = set(re.findall(r"^examples/tasks\.py:\d+:\d+: ([A-Z]+\d+) ", proc.stdout, re.M))
    assert codes == {"CEL201", "CEL401", "CEL402", "CEL403", "CEL405", "CEL504", "CEL511", "CEL701"}, proc.stdout


def _settings_rows():
    section = README.split("### Settings\n", 1)[1].split("\n### ", 1)[0]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| setting")]


def test_the_settings_table_spells_every_setting_for_each_tool():
    """flake8 (command line / config), pylint (command line / config), [tool.celery-lint]: the
    spellings each front-end derives from the one Settings definition."""
    names = [name.replace("_", "-") for name, *_ in option_specs()]
    rows = _settings_rows()
    assert len(rows) == len(names)
    kinds = {name.replace("_", "-"): kind for name, _, _, kind, _ in option_specs()}
    for name, (_, flake8, pylint, table, meaning) in zip(names, rows):
        if kinds[name] == "bool":  # a switch: given alone on the command line, true/yes in a config file
            assert flake8 == f"`--celery-{name}` / `celery-{name} = true`"
            assert pylint == f"`--celery-{name}=y` / `celery-{name} = yes`"
            assert table == f"`{name} = true`" and meaning
            continue
        assert flake8 == pylint == f"`--celery-{name}` / `celery-{name}`"
        assert table == f"`{name}`" and meaning


def test_install_from_a_checkout_and_once_released():
    section = README.split("## Install\n", 1)[1].split("\n## ", 1)[0]
    for extra in ("flake8", "pylint"):
        assert f"`pip install '.[{extra}]'` | `pip install 'celery-lint[{extra}]'`" in section
    assert "celery-lint doctor" in section


def test_what_a_linter_cannot_check():
    section = README.split("## What a linter cannot check\n", 1)[1].split("\n## ", 1)[0]
    for needed in ("Flower", "-E", "worker_send_task_events", "Sentry", "CEL701", "CEL703"):
        assert needed in section
