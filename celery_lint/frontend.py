"""What the flake8 plugin and the standalone command share beyond the checks: reading a module as
Python reads it, the finding for a file that cannot be checked, the selection of opt-in rules, and
the type of an option's value.

**Decoding (PEP 263).**  A module is UTF-8 unless a BOM or a coding line on its first two lines says
otherwise, as for the interpreter, ``ast`` and pylint.  A file that does not decode is a decoding
error: flake8 alone falls back to latin-1 and would check it, so its plugin reports the error too.

**Files that cannot be checked** (unreadable, not a regular file, undecodable, unparsable) are
reported with the reserved code ``CEL099`` (:data:`NOT_CHECKED`), as flake8 reports E902 and E999:
no rule checked them, and a CI run must not call them clean.  ``CEL099`` is no rule, as ``CEL000``
(an internal error) is none.
"""
from __future__ import annotations

import argparse
import io
import os
import stat
import tokenize
from typing import Callable, Iterable

from .rule import Violation
from .rules import RULES
from .settings import parse_value

NOT_CHECKED = "CEL099"
NOT_CHECKED_SYMBOL = "celery-lint-file-not-checked"
NOT_CHECKED_SUMMARY = "celery-lint could not read, decode or parse this file, so no rule checked it"

_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


class NotChecked(Exception):
    """Why a file or folder could not be checked, and where (1-based line, 0-based column)."""

    def __init__(self, reason: str, line: int = 1, col: int = 0):
        super().__init__(reason)
        self.reason, self.line, self.col = reason, max(line, 1), max(col, 0)

    def violation(self) -> Violation:
        return Violation(self.line, self.col, NOT_CHECKED, self.reason)


def os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def read_bytes(path: str) -> bytes:
    """A file's bytes.  Never blocks: a FIFO, a device or a socket is refused, not read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
        with open(fd, "rb") as stream:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                kind = next((name for test, name in _KINDS if test(mode)), "not a file")
                raise NotChecked(f"cannot read this file: not a regular file ({kind})")
            return stream.read()
    except OSError as exc:
        raise NotChecked(f"cannot read this file: {os_reason(exc)}") from None
    except MemoryError:
        raise NotChecked("cannot read this file: out of memory") from None


def decode(data: bytes) -> str:
    """A module's text, decoded as Python decodes it (PEP 263); raises NotChecked."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # an unknown coding, or a first line that is not UTF-8
        reason, encoding = exc.msg, "utf-8"  # in the second case, decoding says where
    else:
        reason = ""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        raise NotChecked(f"cannot decode this file: line {line} is not valid {encoding} ({exc.reason}); "
                         f"{_PEP_263}", line, col) from None
    except (UnicodeError, LookupError) as exc:
        reason = str(exc)
    if reason:
        raise NotChecked(f"cannot decode this file: {reason.splitlines()[0]}; {_PEP_263}")
    return text


_PEP_263 = "save it as UTF-8 or declare its encoding in a coding line (PEP 263)"


def undecodable(path: str) -> NotChecked | None:
    """The decoding error of a file on disk, or None when it decodes (or cannot be read)."""
    try:
        data = read_bytes(path)
    except NotChecked:
        return None  # the tool read it a moment ago: no decoding error to tell
    try:
        decode(data)
    except NotChecked as problem:
        return problem
    return None


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
