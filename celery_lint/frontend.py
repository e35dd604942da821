"""What the flake8 plugin and the standalone command share beyond the checks: the selection of
opt-in rules, and the type of an option's value."""
from __future__ import annotations

import argparse
from typing import Callable, Iterable

from .rules import RULES
from .settings import parse_value


def opt_in_chosen(code: str, prefixes: Iterable[str]) -> bool:
    """Is the opt-in rule ``code`` named by one of these select / extend-select prefixes?  Only a
    prefix longer than ``CEL`` names it (``CEL5``, ``CEL515``), as flake8-bugbear turns its B9xx
    rules on only for ``B9``, never for ``B``: ``select = CEL`` keeps opt-in rules off."""
    return any(len(prefix) > len("CEL") and code.startswith(prefix) for prefix in prefixes)


def opt_in_off(prefixes: Iterable[str]) -> frozenset[str]:
    """The opt-in rules that these select / extend-select prefixes leave off."""
    prefixes = tuple(prefixes)
    return frozenset(code for code, rule in RULES.items() if not rule.default and not opt_in_chosen(code, prefixes))


def setting_type(kind: str) -> Callable[[str], object]:
    """The argparse ``type`` of a setting's option: its value checked as Settings checks it, so that
    a bad value is a usage error of the command line or config file it comes from."""

    def convert(text: str):
        try:
            return parse_value(kind, text, "the value")
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = kind
    return convert
