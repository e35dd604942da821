"""The README's two first commands stay true."""
from __future__ import annotations

import pathlib
import re

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
