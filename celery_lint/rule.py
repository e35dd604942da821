"""The two records the core deals in: a Rule (what a best practice is) and a Violation."""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Callable, NamedTuple

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
    # The rule's fix, if it has one: ``fix(node, model) -> Fix | None`` from the reported node
    # (see celery_lint.fixes); None: the rule only reports.
    fix: Callable[..., "Fix | None"] | None = None

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


class Edit(NamedTuple):
    """One text edit of a fix: replace the text from (line, col) to (end_line, end_col) by ``text``.

    Lines are 1-based, columns 0-based and counted in characters of the line (``ast`` gives
    UTF-8 byte offsets: convert them).  An insertion has equal start and end."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


class Fix(NamedTuple):
    """The edits that repair one finding.  ``safe``: keeps behaviour or only makes a mistake stop
    happening (applied by ``fix``); unsafe fixes change what runs (only with ``--unsafe-fixes``).
    ``description``: what the fix does, one short line (``replace args=(x) by args=(x,)``)."""

    edits: tuple[Edit, ...]
    safe: bool
    description: str


class Violation(NamedTuple):
    """A finding: 1-based line, 0-based column, rule code and the formatted message, and the
    fix that repairs it when one was asked for and the rule has one."""

    line: int
    col: int
    code: str
    message: str
    fix: Fix | None = None

    def __str__(self) -> str:
        return f"{self.line}:{self.col + 1}: {self.code} {self.message}"
