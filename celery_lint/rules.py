"""The rule catalogue: every rule of every check module, keyed by code, in code order.

Both front-ends, the standalone command, the README table and the rule pages are built
from this one mapping; each rule is defined once, as a module constant next to its check
(``CEL201 = Rule(...)``), and found here by type.
"""
from __future__ import annotations

from .checks import MODULES
from .engine import INTERNAL_ERROR
from .rule import Rule


def rules_of(module) -> tuple[Rule, ...]:
    """The rules a check module defines, in code order."""
    return tuple(sorted((v for v in vars(module).values() if isinstance(v, Rule)), key=lambda r: r.code))


def catalogue(modules) -> dict[str, Rule]:
    """The rules of these check modules by code; raises ValueError on a clash of codes, symbols or ids."""
    rules: dict[str, Rule] = {}
    symbols: dict[str, str] = {}
    msgids: dict[str, str] = {INTERNAL_ERROR.msgid[1:]: INTERNAL_ERROR.code}
    for module in modules:
        for name, rule in vars(module).items():
            if not isinstance(rule, Rule):
                continue
            if name != rule.code:
                raise ValueError(f"{module.__name__}.{name}: a rule's constant is named after its code ({rule.code})")
            if rule.code in rules:  # also when a check module imports another's rule: one home each
                raise ValueError(f"{rule.code} is defined twice (or imported into {module.__name__})")
            if rule.symbol in symbols:
                raise ValueError(f"{rule.symbol} is used by {symbols[rule.symbol]} and {rule.code}")
            if rule.msgid[1:] in msgids:  # pylint ids must be unique whatever their letter
                raise ValueError(f"{rule.code}: pylint id {rule.msgid} is taken by {msgids[rule.msgid[1:]]}")
            if not rule.symbol.startswith("celery-"):
                raise ValueError(f"{rule.code}: symbol {rule.symbol!r} must start with 'celery-'")
            rules[rule.code] = rule
            symbols[rule.symbol] = rule.code
            msgids[rule.msgid[1:]] = rule.code
    return dict(sorted(rules.items()))


RULES: dict[str, Rule] = catalogue(MODULES)
BY_SYMBOL: dict[str, Rule] = {rule.symbol: rule for rule in RULES.values()}
OPT_IN: tuple[str, ...] = tuple(code for code, rule in RULES.items() if not rule.default)
