"""Fixes: text edits computed from the positions of the reported nodes, applied to a module's text.

A rule that can repair its finding carries ``fix=`` a :class:`Fixer` (made with :func:`fixer`
from a function ``(node, model) -> edits | None`` written in the check module just above the
rule; :class:`Fixers` when a rule repairs findings of different kinds, each fix with its own
safety).  ``celery_lint.check(..., source=text, fixes=True)`` attaches the :class:`Fix` to each
finding that has one; :func:`fix_text` applies them:

* the edits of one pass are applied from the end of the text; a fix whose edits touch those of
  a fix already taken waits for the next pass;
* a fix whose result does not parse is dropped (the caller reports it as an internal error);
* the fixed text is checked again and fixed again until nothing changes (at most
  :data:`MAX_PASSES` passes).

Everything outside the edited ranges stays as it was, character for character: the edits are
computed from ``lineno / col_offset / end_lineno / end_col_offset``, never by printing the tree.
``ast`` counts columns in UTF-8 bytes; :class:`Source` turns them into characters, the unit of
an :class:`~celery_lint.rule.Edit`.  :func:`read_module` and :func:`write_module` keep a file's
encoding (PEP 263), BOM, line endings and mode, and write atomically.
"""
from __future__ import annotations

import ast
import io
import logging
import os
import re
import stat
import tempfile
import tokenize
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple, Sequence

from .rule import Edit, Fix, Violation

#: How many times a text is checked and fixed again at most.
MAX_PASSES = 5

_LINE_END = re.compile(r"\r\n|\r|\n")
log = logging.getLogger("celery_lint")

Position = tuple[int, int]  # (1-based line, 0-based column in characters)


class Source:
    """A module's text, for fixes: lines, offsets, and ``ast`` byte columns turned into characters."""

    __slots__ = ("text", "lines", "starts", "newline")

    def __init__(self, text: str):
        self.text = text
        self.lines: list[str] = []  # without their line ends
        self.starts: list[int] = []  # offset of each line in the text
        pos = 0
        for m in _LINE_END.finditer(text):
            self.starts.append(pos)
            self.lines.append(text[pos:m.start()])
            pos = m.end()
        self.starts.append(pos)
        self.lines.append(text[pos:])
        first = _LINE_END.search(text)
        self.newline = first.group() if first else "\n"  # what a fix ends a new line with

    def char_col(self, line: int, byte_col: int) -> int:
        """The character column of an ``ast`` (UTF-8 byte) column on a 1-based line."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def start(self, node: ast.AST) -> Position:
        return node.lineno, self.char_col(node.lineno, node.col_offset)

    def end(self, node: ast.AST) -> Position:
        return node.end_lineno, self.char_col(node.end_lineno, node.end_col_offset)

    def offset(self, position: Position) -> int:
        line, col = position
        return self.starts[line - 1] + col

    def between(self, start: Position, end: Position) -> str:
        return self.text[self.offset(start):self.offset(end)]

    def segment(self, node: ast.AST) -> str:
        """The exact text of a node."""
        return self.between(self.start(node), self.end(node))

    def indent(self, line: int) -> str:
        text = self.lines[line - 1]
        return text[:len(text) - len(text.lstrip(" \t"))]


# --------------------------------------------------------------------------- making edits


def edit(start: Position, end: Position, text: str) -> Edit:
    return Edit(start[0], start[1], end[0], end[1], text)


def replace(source: Source, node: ast.AST, text: str) -> Edit:
    """Replace the whole text of ``node``."""
    return edit(source.start(node), source.end(node), text)


def insert(position: Position, text: str) -> Edit:
    return edit(position, position, text)


def remove_item(source: Source, spans: Sequence[tuple[Position, Position]], index: int) -> Edit | None:
    """Remove item ``index`` of a comma-separated list (the arguments of a call, the entries of a
    dict) whose items span ``spans`` (in source order), with one comma next to it.  None when a
    comment (or anything but commas and white space) lies in what would be removed."""
    start, end = spans[index]
    if index + 1 < len(spans):
        gap = source.between(end, spans[index + 1][0])
        end = spans[index + 1][0]
    elif index > 0:
        gap = source.between(spans[index - 1][1], start)
        start = spans[index - 1][1]
    else:  # the only item: with the comma after it, if any (``f(x,)``)
        gap = ","
        trailing = re.match(r"[ \t]*,", source.text[source.offset(end):])
        if trailing:
            end = (end[0], end[1] + trailing.end())
    if gap.strip(" \t\r\n\\,") or gap.count(",") != 1:
        return None
    return edit(start, end, "")


def argument_spans(source: Source, call: ast.Call) -> list[tuple[Position, Position, ast.AST]]:
    """The arguments of a call (positional, keyword, spread) in source order, with their spans."""
    items = sorted((*call.args, *call.keywords), key=lambda n: (n.lineno, n.col_offset))
    return [(source.start(n), source.end(n), n) for n in items]


def inert(expr: ast.AST) -> bool:
    """An expression whose evaluation has no effect (a constant, a name, an attribute of a name,
    a display of those): a fix may move it to where it is evaluated at another moment."""
    if isinstance(expr, ast.Attribute):
        return inert(expr.value)
    if isinstance(expr, (ast.Tuple, ast.List)):
        return all(inert(e) for e in expr.elts)
    if isinstance(expr, ast.Dict):
        return all(k is not None and inert(k) and inert(v) for k, v in zip(expr.keys, expr.values))
    return isinstance(expr, (ast.Constant, ast.Name))


@dataclass(frozen=True)
class Fixer:
    """A rule's fix: ``compute(node, model)`` returns the edits that repair the finding at
    ``node`` (None or nothing: no fix there).  ``safe``: keeps behaviour or only makes a mistake
    stop happening; ``description``: what it does, one short line (rule pages, ``Fix``)."""

    compute: Callable[..., Iterable[Edit] | None]
    safe: bool
    description: str

    def __call__(self, node: ast.AST, model) -> Fix | None:
        if getattr(model, "source", None) is None:
            return None
        edits = self.compute(node, model)
        if not edits:
            return None
        return Fix(tuple(edits), self.safe, self.description)


@dataclass(frozen=True)
class Fixers:
    """A rule's fixes for findings of different kinds (an import, a setting), tried in order:
    the first that has edits for the finding gives its fix, with its own safety."""

    parts: tuple[Fixer, ...]

    @property
    def safe(self) -> bool:
        return all(part.safe for part in self.parts)

    @property
    def description(self) -> str:
        return "; ".join(part.description for part in self.parts)

    def __call__(self, node: ast.AST, model) -> Fix | None:
        for part in self.parts:
            found = part(node, model)
            if found is not None:
                return found
        return None


def fixer(*, safe: bool, description: str) -> Callable[[Callable], Fixer]:
    """``@fixer(safe=True, description="...")`` above a function ``(node, model) -> edits``."""

    def make(func: Callable) -> Fixer:
        return Fixer(func, safe, description)

    return make


def compute_fix(rule, node: ast.AST, model) -> Fix | None:
    """The fix of ``rule`` for the finding at ``node``; a fix that fails is no fix (logged)."""
    try:
        return rule.fix(node, model)
    except Exception as exc:  # noqa: BLE001 -- a failing fix must not lose the finding
        log.debug("celery-lint: the fix of %s failed on %s", rule.code, model.filename, exc_info=exc)
        return None


# --------------------------------------------------------------------------- applying


class Dropped(NamedTuple):
    """A fix left out because the text would not parse with it."""

    finding: Violation
    error: str


class FixResult(NamedTuple):
    text: str
    fixed: Counter  # findings fixed, by code
    dropped: list[Dropped]
    remaining: list[Violation]  # the findings of the fixed text


def _span(source: Source, e: Edit) -> tuple[int, int]:
    return source.offset((e.line, e.col)), source.offset((e.end_line, e.end_col))


def _touches(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Overlapping or adjacent ranges: the order of their edits would matter."""
    return a[0] <= b[1] and b[0] <= a[1]


def apply_edits(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping (start, end, replacement) edits, from the end of the text."""
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _parse_error(text: str) -> str | None:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return f"{type(exc).__name__}: {getattr(exc, 'msg', exc)}"
    return None


def _key(v: Violation) -> tuple:
    return v.code, v.fix.edits


def one_pass(text: str, found: list[Violation], refused: set) -> tuple[str, list[Violation], list[Dropped]]:
    """Apply the fixes of ``found`` that do not touch each other; return the new text, the
    findings fixed and the fixes dropped because the text would not parse with them."""
    source = Source(text)
    taken: list[tuple[Violation, list[tuple[int, int, str]]]] = []
    ranges: list[tuple[int, int]] = []
    same: list[Violation] = []  # findings another finding's identical fix repairs as well
    keys: set = set()
    for v in found:
        if v.fix is None or _key(v) in refused:
            continue
        if _key(v) in keys:
            same.append(v)
            continue
        try:
            spans = [(*_span(source, e), e.text) for e in v.fix.edits]
        except IndexError:
            continue  # positions outside the text: a bug of the fix, no fix
        if any(_touches(s[:2], r) for s in spans for r in ranges):
            continue  # for the next pass
        if any(_touches(a[:2], b[:2]) for i, a in enumerate(spans) for b in spans[i + 1:]):
            continue  # a fix whose own edits overlap cannot be applied
        taken.append((v, spans))
        keys.add(_key(v))
        ranges.extend(s[:2] for s in spans)
    new = apply_edits(text, [s for _, spans in taken for s in spans])
    if _parse_error(new) is None:
        return new, [v for v, _ in taken] + same, []
    # Some fix breaks the text: apply them one by one, from the end, keeping those that parse.
    dropped, fixed = [], []
    for v, spans in sorted(taken, key=lambda item: max(s[0] for s in item[1]), reverse=True):
        candidate = apply_edits(text, spans)
        error = _parse_error(candidate)
        if error is None:
            text = candidate
            fixed.append(v)
            fixed.extend(other for other in same if _key(other) == _key(v))
        else:
            refused.add(_key(v))
            dropped.append(Dropped(v, error))
    return text, fixed, dropped


def fix_text(text: str, find: Callable[[str], list[Violation]], *, unsafe: bool = False,
             passes: int = MAX_PASSES) -> FixResult:
    """Fix ``text`` again and again until nothing changes: ``find(text)`` returns the findings
    (with their fixes) of a text; safe fixes apply, unsafe ones too with ``unsafe``."""
    fixed: Counter = Counter()
    dropped: list[Dropped] = []
    refused: set = set()
    found = find(text)
    for _ in range(passes):
        wanted = [v for v in found if v.fix is not None and (unsafe or v.fix.safe) and _key(v) not in refused]
        if not wanted:
            break
        text, done, lost = one_pass(text, wanted, refused)
        dropped.extend(lost)
        fixed.update(v.code for v in done)
        if not done:
            break
        found = find(text)
    return FixResult(text, fixed, dropped, found)


# --------------------------------------------------------------------------- files


class Module(NamedTuple):
    """A module's text and what it takes to write it back the same way."""

    text: str
    encoding: str  # as declared (PEP 263); "utf-8-sig" when the file starts with a BOM


def read_module(data: bytes) -> Module:
    """The text and encoding of a module's bytes (raises UnicodeDecodeError, SyntaxError, LookupError)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return Module(data.decode(encoding), encoding)


def encode_module(module: Module, text: str) -> bytes:
    return text.encode(module.encoding)


def write_module(path: str, data: bytes) -> None:
    """Replace a checked file's content (``fix``, ``--add-noqa``): atomically, durably, keeping its
    permission bits; a symbolic link keeps pointing at the file it names."""
    write_atomically(path, data, durable=True)


def write_atomically(path: str, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to a temporary file in the same folder and rename it over ``path``: a reader
    sees the old content or the new, never half (also with several writers at once).  An existing
    file keeps its permission bits (a new one is private to its owner); ``durable`` syncs the data
    to disk before the rename.  Raises OSError; the temporary file never stays behind."""
    target = os.path.realpath(path)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    folder, name = os.path.split(target)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".celery-lint", dir=folder)
    try:
        with open(fd, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def own_lines(source: "Source", node: ast.AST, *, comma: str = "none") -> Edit | None:
    """The edit that removes the whole lines of a node that has them to itself: nothing before it
    on its first line, nothing after it on its last but a comment (which documents it and goes with
    it) and, as ``comma`` says, its comma (``"none"``: no comma there, a statement; ``"optional"``;
    ``"required"``: an argument that is not the last).  None when other code shares the lines."""
    (line, col), (end_line, end_col) = source.start(node), source.end(node)
    after = re.fullmatch(r"[ \t]*(,)?[ \t]*(#.*)?", source.lines[end_line - 1][end_col:].rstrip("\r\n"))
    if source.lines[line - 1][:col].strip() or after is None:
        return None
    if (comma == "none" and after.group(1)) or (comma == "required" and not after.group(1)):
        return None
    end = (end_line + 1, 0) if end_line < len(source.lines) else (end_line, len(source.lines[end_line - 1]))
    return edit((line, 0), end, "")
