"""The two records the core deals in: a Rule (what a best practice is) and a Violation."""
from __future__ import annotations

import string
from dataclasses import dataclass
from typing import NamedTuple

#: The two-digit checker id of the pylint front-end: every pylint message id is
#: ``<letter>78<slot>``.  Proven free of clashes with common plugins by
#: ``tests/test_pylint_plugin.py``.
PYLINT_CHECKER_ID = "78"

#: Where each hundred of CELnnn codes starts among the hundred two-digit pylint slots.
#: A code's slot is ``_BAND_BASE[hundreds] + units``; the bands never overlap because
#: no band holds more codes than the gap to the next one.
_BAND_BASE = {0: 0, 1: 10, 2: 20, 3: 25, 4: 29, 5: 40, 6: 60, 7: 70, 8: 80}
_BAND_END = {0: 9, 1: 19, 2: 24, 3: 29, 4: 39, 5: 59, 6: 69, 7: 79, 8: 89}

_KINDS = {"E": "error", "W": "warning", "C": "convention", "R": "refactor"}


@dataclass(frozen=True)
class Rule:
    """One best practice: its codes, its message and its documentation.

    ``message`` is a ``str.format`` template with named placeholders; it is one line that
    says what is wrong and what to do instead.  The documentation fields are rendered
    into ``docs/rules/CELnnn.md`` and the README table by ``tools/gen_docs.py``.
    """

    code: str  # CEL201
    symbol: str  # celery-blocking-result
    message: str  # "{call}() on a task result inside a task blocks the worker; ..."
    summary: str  # the best practice, one short line (README table, pylint description)
    default: bool = True  # on by default, or opt-in
    kind: str = "W"  # pylint message category: E, W, C or R
    what: str = ""  # What it does
    why: str = ""  # Why is this bad?
    example: str = ""  # code that triggers the rule
    instead: str = ""  # the same code written well; must not trigger the rule
    options: tuple[str, ...] = ()  # names of Settings fields that change the rule
    references: tuple[str, ...] = ()  # Celery documentation sections it rests on

    def __post_init__(self):
        if not (len(self.code) == 6 and self.code.startswith("CEL") and self.code[3:].isdigit()):
            raise ValueError(f"bad rule code {self.code!r}")
        if self.kind not in _KINDS:
            raise ValueError(f"{self.code}: kind must be one of {sorted(_KINDS)}")
        number = int(self.code[3:])
        hundreds, units = divmod(number, 100)
        slot = _BAND_BASE[hundreds] + units
        if slot > _BAND_END[hundreds]:
            raise ValueError(f"{self.code}: no pylint slot left in band {hundreds}xx")

    @property
    def msgid(self) -> str:
        hundreds, units = divmod(int(self.code[3:]), 100)
        return f"{self.kind}{PYLINT_CHECKER_ID}{_BAND_BASE[hundreds] + units:02d}"

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
