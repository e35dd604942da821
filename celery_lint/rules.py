"""The rule catalogue: every rule of every check module, keyed by code, in code order.

Both front-ends, the standalone command, the README table and the rule pages are built
from this one mapping; each rule is defined once, next to its check.
"""
from __future__ import annotations

from .checks import MODULES
from .rule import Rule


def _catalogue() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    symbols: dict[str, str] = {}
    for module in MODULES:
        for rule in getattr(module, "RULES", ()):
            if rule.code in rules:
                raise ValueError(f"{rule.code} is defined twice")
            if rule.symbol in symbols:
                raise ValueError(f"{rule.symbol} is used by {symbols[rule.symbol]} and {rule.code}")
            if not rule.symbol.startswith("celery-"):
                raise ValueError(f"{rule.code}: symbol {rule.symbol!r} must start with 'celery-'")
            rules[rule.code] = rule
            symbols[rule.symbol] = rule.code
    return dict(sorted(rules.items()))


RULES: dict[str, Rule] = _catalogue()
BY_SYMBOL: dict[str, Rule] = {rule.symbol: rule for rule in RULES.values()}
OPT_IN: tuple[str, ...] = tuple(code for code, rule in RULES.items() if not rule.default)
