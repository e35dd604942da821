"""The catalogue is well formed: unique codes, ids and symbols; messages fit both tools."""
from __future__ import annotations

import re
import string

import pytest

import celery_lint
from celery_lint.rule import PYLINT_CHECKER_ID, Rule

RULES = list(celery_lint.RULES.values())


def test_codes_ids_and_symbols_are_unique():
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.msgid for r in RULES}) == len(RULES)
    assert len({r.msgid[1:] for r in RULES}) == len(RULES)  # unique whatever the letter
    assert len({r.symbol for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_is_well_formed(rule: Rule):
    assert re.fullmatch(r"CEL\d{3}", rule.code)  # flake8: ^[A-Z]{1,3}[0-9]{0,3}$
    assert re.fullmatch(rf"[CWER]{PYLINT_CHECKER_ID}\d\d", rule.msgid)
    assert re.fullmatch(r"celery(-[a-z0-9]+)+", rule.symbol)
    assert "\n" not in rule.message and not rule.message.endswith(".")
    assert "%" not in rule.message  # pylint formats the template with %
    assert rule.summary and "\n" not in rule.summary
    placeholders = {name for _, name, _, _ in string.Formatter().parse(rule.message) if name}
    assert rule.placeholders == placeholders


def test_bands_do_not_collide():
    """Each hundred of codes maps into its own band of pylint slots."""
    with pytest.raises(ValueError):
        Rule(code="CEL420", symbol="celery-x", message="m", summary="s")  # band 4 ends at slot 39
    assert Rule(code="CEL410", symbol="celery-x", message="m", summary="s").msgid.endswith("39")
    assert Rule(code="CEL501", symbol="celery-x", message="m", summary="s").msgid.endswith("41")


def test_opt_in_list_matches_defaults():
    assert set(celery_lint.OPT_IN) == {r.code for r in RULES if not r.default}


def test_violation_formats_like_flake8():
    v = celery_lint.Violation(3, 4, "CEL201", "msg")
    assert str(v) == "3:5: CEL201 msg"
