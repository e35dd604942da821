"""The two records the core deals in: a Rule (what a best practice is) and a Violation."""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import NamedTuple

#: The two-digit pylint checker ids celery-lint's message ids use, in the order they fill:
#: every pylint message id is ``<letter><checker id><two digits>``, written on each Rule.
#: Ids once released never change (users' ``disable=`` lines name them); a new rule takes
#: a free id, from the next checker id when the first is full.  Proven free of clashes
#: with common plugins by ``tests/test_pylint_plugin.py``.
PYLINT_CHECKER_IDS = ("78", "79")

_KINDS = {"E": "error", "W": "warning", "C": "convention", "R": "refactor"}
_MSGID = re.compile(r"[EWCR](\d\d)\d\d")


@dataclass(frozen=True, eq=False)
class Rule:
    """One best practice: its codes, its message and its documentation.

    Each rule is one object, defined once (``CEL201 = Rule(...)`` next to its check): rules
    compare and hash by identity.

    ``message`` is a ``str.format`` template with named placeholders; it is one line that
    says what is wrong and what to do instead.  The documentation fields are rendered
    into ``docs/rules/CELnnn.md`` and the README table by ``tools/gen_docs.py``.
    """

    code: str  # CEL201
    symbol: str  # celery-blocking-result
    msgid: str  # W7821: pylint's message id, never to change once released; its letter is the category
    message: str  # "{call}() on a task result inside a task blocks the worker; ..."
    summary: str  # the best practice, one short line (README table, pylint description)
    default: bool = True  # on by default, or opt-in
    what: str = ""  # What it does
    why: str = ""  # Why is this bad?
    example: str = ""  # code that triggers the rule
    instead: str = ""  # the same code written well; must not trigger the rule
    options: tuple[str, ...] = ()  # names of Settings fields that change the rule
    references: tuple[str, ...] = ()  # Celery documentation sections it rests on

    def __post_init__(self):
        if not (len(self.code) == 6 and self.code.startswith("CEL") and self.code[3:].isdigit()):
            raise ValueError(f"bad rule code {self.code!r}")
        m = _MSGID.fullmatch(self.msgid)
        if m is None or m.group(1) not in PYLINT_CHECKER_IDS:
            raise ValueError(f"{self.code}: pylint message id {self.msgid!r} must be a letter of "
                             f"{''.join(_KINDS)} and four digits starting with one of {PYLINT_CHECKER_IDS}")
        for name in self.placeholders:
            if not name.isidentifier():
                raise ValueError(f"{self.code}: message placeholder {{{name}}} is not a plain name")

    @property
    def kind(self) -> str:
        """pylint's message category: the letter of the message id (E, W, C or R)."""
        return self.msgid[0]

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(
            name for _, name, _, _ in string.Formatter().parse(self.message) if name
        )

    def format(self, **kwargs) -> str:
        return self.message.format(**kwargs)


class Violation(NamedTuple):
    """A finding: 1-based line, 0-based column, rule code and the formatted message."""

    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}:{self.col + 1}: {self.code} {self.message}"
