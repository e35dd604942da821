"""The catalogue is well formed: unique codes, ids and symbols; messages fit both tools;
released pylint ids never change; new rules fit in any band without touching old ones."""
from __future__ import annotations

import ast
import pathlib
import re
import types

import pytest

import celery_lint
from celery_lint.checks import MODULES
from celery_lint.engine import INTERNAL_ERROR, Context, Engine, on, on_module
from celery_lint.rule import PYLINT_CHECKER_IDS, Rule
from celery_lint.rules import catalogue

RULES = list(celery_lint.RULES.values())

#: The pylint message ids as released.  Users' ``disable=`` / ``enable=`` lines name them:
#: an id, once here, never changes.  A new rule adds a row with a free id.
RELEASED_MSGIDS = {
    "CEL000": "E7800",
    "CEL001": "W7801", "CEL002": "W7802", "CEL003": "W7803", "CEL004": "W7804", "CEL005": "W7805",
    "CEL006": "W7806", "CEL007": "W7807", "CEL008": "W7808", "CEL009": "W7809",
    "CEL101": "W7811", "CEL102": "E7812", "CEL103": "E7813", "CEL104": "W7814", "CEL105": "W7815",
    "CEL106": "E7816", "CEL107": "W7817", "CEL108": "E7818",
    "CEL201": "W7821", "CEL202": "W7822", "CEL203": "W7823", "CEL204": "E7824",
    "CEL301": "W7826", "CEL302": "W7827", "CEL303": "W7828", "CEL304": "W7829",
    "CEL401": "W7830", "CEL402": "C7831", "CEL403": "W7832", "CEL404": "W7833", "CEL405": "W7834",
    "CEL406": "W7835", "CEL407": "W7836", "CEL408": "E7837", "CEL409": "W7838", "CEL410": "W7839",
    "CEL411": "W7840",
    "CEL501": "E7841", "CEL502": "W7842", "CEL503": "W7843", "CEL504": "W7844", "CEL505": "E7845",
    "CEL506": "W7846", "CEL507": "W7847", "CEL508": "C7848", "CEL509": "W7849", "CEL510": "W7850",
    "CEL511": "W7851", "CEL512": "W7852", "CEL513": "E7853", "CEL514": "E7854", "CEL515": "C7855",
    "CEL516": "W7856", "CEL517": "E7857",
    "CEL601": "C7861", "CEL602": "E7862", "CEL603": "E7863", "CEL604": "W7864", "CEL605": "W7865",
    "CEL606": "E7866", "CEL608": "W7868",
    "CEL701": "W7871", "CEL702": "W7872", "CEL703": "W7873",
    "CEL801": "W7881", "CEL802": "W7882",
}


def test_released_pylint_ids_never_change():
    now = {code: rule.msgid for code, rule in celery_lint.RULES.items()}
    now[INTERNAL_ERROR.code] = INTERNAL_ERROR.msgid
    changed = {code: (msgid, now.get(code)) for code, msgid in RELEASED_MSGIDS.items() if now.get(code) != msgid}
    assert not changed, f"released pylint ids changed or removed (was, now): {changed}"
    # A new rule needs no row here to pass: its id is free (test_codes_ids_and_symbols_are_unique);
    # the row is added when the rule is released, so that its id is held from then on.


def test_codes_ids_and_symbols_are_unique():
    everything = [*RULES, INTERNAL_ERROR]
    assert len({r.code for r in everything}) == len(everything)
    assert len({r.msgid[1:] for r in everything}) == len(everything)  # unique whatever the letter
    assert len({r.symbol for r in everything}) == len(everything)


@pytest.mark.parametrize("rule", [*RULES, INTERNAL_ERROR], ids=[r.code for r in [*RULES, INTERNAL_ERROR]])
def test_rule_is_well_formed(rule: Rule):
    assert re.fullmatch(r"CEL\d{3}", rule.code)  # flake8: ^[A-Z]{1,3}[0-9]{0,3}$
    assert re.fullmatch(rf"[CWER]({'|'.join(PYLINT_CHECKER_IDS)})\d\d", rule.msgid)
    assert rule.kind == rule.msgid[0]
    assert re.fullmatch(r"celery(-[a-z0-9]+)+", rule.symbol)
    assert "\n" not in rule.message and not rule.message.endswith(".")
    assert "%" not in rule.message  # pylint formats the template with %
    assert rule.summary and "\n" not in rule.summary


def test_a_bad_record_fails_where_it_is_defined():
    with pytest.raises(ValueError, match="message id"):
        Rule(code="CEL205", symbol="celery-x", msgid="W1234", message="m", summary="s")  # not our checker id
    with pytest.raises(ValueError, match="message id"):
        Rule(code="CEL205", symbol="celery-x", msgid="X7825", message="m", summary="s")  # no such category
    with pytest.raises(ValueError, match="placeholder"):
        Rule(code="CEL205", symbol="celery-x", msgid="W7825", message="{a.b} is wrong", summary="s")


def _scratch_module(name: str, **rules: Rule) -> types.ModuleType:
    """A check module as a contributor would write it: rules and a handler that reports them."""
    module = types.ModuleType(f"celery_lint.checks.{name}")
    module.__dict__.update(rules)
    declared = tuple(rules.values())

    @on(ast.Call, reports=declared)
    def every_call(node, ctx: Context) -> None:
        for rule in declared:
            ctx.report(node, rule, name="x")

    every_call.__module__ = module.__name__
    module.every_call = every_call
    return module


def _free_codes_and_ids(bands=(2, 3, 4, 9)) -> list[tuple[str, str]]:
    """A code not in the catalogue in each band, each with a pylint id nobody uses."""
    taken_ids = {r.msgid[1:] for r in [*RULES, INTERNAL_ERROR]}
    free_ids = (f"{checker}{n:02d}" for checker in PYLINT_CHECKER_IDS for n in range(100)
                if f"{checker}{n:02d}" not in taken_ids)
    codes = [next(f"CEL{band}{n:02d}" for n in range(1, 100) if f"CEL{band}{n:02d}" not in celery_lint.RULES)
             for band in bands]
    return [(code, "W" + next(free_ids)) for code in codes]


def test_a_new_rule_fits_in_any_band_and_changes_no_released_id():
    new = {
        code: Rule(code=code, symbol=f"celery-scratch-{code.lower()}", msgid=msgid, message="{name} is new",
                   summary="s")
        for code, msgid in _free_codes_and_ids()
    }
    scratch = _scratch_module("scratch", **new)
    rules = catalogue((*MODULES, scratch))
    assert {code: r.msgid for code, r in rules.items() if code in RELEASED_MSGIDS} == {
        code: msgid for code, msgid in RELEASED_MSGIDS.items() if code != "CEL000"}
    assert set(rules) - set(celery_lint.RULES) == set(new)
    engine = Engine((*MODULES, scratch))
    found = engine.run(ast.parse("print(1)\n"), "x.py", celery_lint.DEFAULT_SETTINGS, strict=True)
    assert sorted(v.code for v in found) == sorted(new)
    # and the checks of the new rules are skipped when none of their codes is on
    found = engine.run(ast.parse("print(1)\n"), "x.py", celery_lint.DEFAULT_SETTINGS,
                       enabled=frozenset({"CEL201"}), strict=True)
    assert found == []


def test_a_taken_id_or_symbol_is_refused():
    ((code, msgid),) = _free_codes_and_ids(bands=(2,))
    taken = Rule(code=code, symbol="celery-new", msgid="E7821", message="m", summary="s")  # CEL201's, other letter
    with pytest.raises(ValueError, match="taken by CEL201"):
        catalogue((*MODULES, _scratch_module("scratch", **{code: taken})))
    twice = Rule(code=code, symbol="celery-blocking-result", msgid=msgid, message="m", summary="s")
    with pytest.raises(ValueError, match=f"CEL201 and {code}"):
        catalogue((*MODULES, _scratch_module("scratch", **{code: twice})))
    misnamed = Rule(code=code, symbol="celery-new", msgid=msgid, message="m", summary="s")
    with pytest.raises(ValueError, match="named after its code"):
        catalogue((*MODULES, _scratch_module("scratch", OTHER=misnamed)))
    again = Rule(code="CEL201", symbol="celery-new", msgid=msgid, message="m", summary="s")
    with pytest.raises(ValueError, match="CEL201 is defined twice"):
        catalogue((*MODULES, _scratch_module("scratch", CEL201=again)))


# -- every report fits its rule's message ---------------------------------------------------

def _report_calls():
    """Every ``<ctx>.report(node, CELnnn, key=...)`` written in the check modules."""
    for module in MODULES:
        path = pathlib.Path(module.__file__)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "report"
                    and len(node.args) == 2 and isinstance(node.args[1], ast.Name)
                    and re.fullmatch(r"CEL\d{3}", node.args[1].id)):
                yield f"{path.name}:{node.lineno}", node.args[1].id, node


REPORTS = list(_report_calls())


def test_reports_are_found():
    assert {code for _, code, _ in REPORTS} == set(celery_lint.RULES)


@pytest.mark.parametrize("where,code,call", REPORTS, ids=[w for w, _, _ in REPORTS])
def test_report_gives_exactly_the_placeholders_of_its_message(where, code, call):
    """A report whose keywords do not match its message fails here, not in a user's file."""
    assert all(kw.arg is not None for kw in call.keywords), f"{where}: pass placeholders by name"
    given = {kw.arg for kw in call.keywords}
    assert given == set(celery_lint.RULES[code].placeholders), where


# -- handlers declare what they report -------------------------------------------------------

ENGINE = celery_lint.default_engine()


def test_every_rule_has_a_check_and_every_check_declares_catalogue_rules():
    declared = {code for h in ENGINE.handlers for code in h.codes}
    assert declared == set(celery_lint.RULES)
    for h in ENGINE.handlers:
        assert all(celery_lint.RULES[r.code] is r for r in h.rules), h.name


def test_a_report_the_handler_did_not_declare_is_a_bug():
    """Each code is reported only by the handlers that declare it (the fixture harness runs
    every check in strict mode, where an undeclared report raises)."""
    module = types.ModuleType("celery_lint.checks.scratch")
    wrong = celery_lint.RULES["CEL201"]

    @on_module(reports=(celery_lint.RULES["CEL203"],))
    def liar(ctx: Context) -> None:
        ctx.report(ctx.model.tree, wrong, method="get", task="t")

    liar.__module__ = module.__name__
    module.liar = liar
    engine = Engine([module])
    with pytest.raises(Exception, match="CEL201 is not among the codes"):
        engine.run(ast.parse("x = 1\n"), "x.py", celery_lint.DEFAULT_SETTINGS, strict=True)
    (found,) = engine.run(ast.parse("x = 1\n"), "x.py", celery_lint.DEFAULT_SETTINGS)
    assert found.code == "CEL000" and "scratch.liar" in found.message


def test_opt_in_list_matches_defaults():
    assert set(celery_lint.OPT_IN) == {r.code for r in RULES if not r.default}


def test_violation_formats_like_flake8():
    v = celery_lint.Violation(3, 4, "CEL201", "msg")
    assert str(v) == "3:5: CEL201 msg"
