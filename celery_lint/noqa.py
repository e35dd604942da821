"""``# noqa`` as flake8 reads it, and ``celery-lint check --add-noqa``, which writes it.

flake8 searches a finding's *noqa line* for ``# noqa``: the physical lines from one NL or
NEWLINE token to the next, joined (``FileProcessor._noqa_line_mapping`` in
``flake8/processor.py``).  Inside brackets every physical line ends with an NL token and is
its own noqa line; a multi-line string or a backslash continuation joins its lines into one.
So the comment that silences a finding goes at the end of the *last* physical line of the
finding's noqa line: there a comment is always legal (never inside a string) and flake8 reads it.

Adding comments changes no code: the new text must parse to the same tree, or the file is
left as it was; and every finding must be silenced by the new text, or it is reported back.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import Callable, Iterable, NamedTuple

from .fixes import write_module
from .frontend import NotChecked, decode, read_bytes
from .rule import Violation
from .rules import RULES

#: flake8's own pattern (flake8.defaults.NOQA_INLINE_REGEXP), so ``# noqa`` means the same.
NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
_SEPARATORS = ", \t"


class Scan(NamedTuple):
    """What the tokens of a module say about its noqa lines."""

    lines: list[str]  # the physical lines, with their line endings
    spans: dict[int, tuple[int, int]]  # line -> (first, last) physical line of its noqa line
    comments: dict[int, tuple[int, str]]  # line -> (column, text) of the comment on it


def scan(text: str) -> Scan:
    """The noqa lines of a module, as flake8 forms them (none when it does not tokenize)."""
    lines = io.StringIO(text).readlines()
    spans: dict[int, tuple[int, int]] = {}
    comments: dict[int, tuple[int, str]] = {}
    try:
        first, last = len(lines) + 2, -1
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first, last = min(first, tok.start[0]), max(last, tok.end[0])
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = (tok.start[1], tok.string)
            elif tok.type in (tokenize.NL, tokenize.NEWLINE):
                spans.update(dict.fromkeys(range(first, last + 1), (first, last)))
                first, last = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        spans, comments = {}, {}
    return Scan(lines, spans, comments)


def noqa_lines(text: str) -> Callable[[int], str]:
    """For a line number, the text flake8 searches for ``# noqa``: the whole noqa line."""
    lines, spans, _ = scan(text)

    def line_text(number: int) -> str:
        if number in spans:
            first, last = spans[number]
            return "".join(lines[first - 1:last])
        return lines[number - 1] if 0 < number <= len(lines) else ""

    return line_text


def silenced(code: str, line: str) -> bool:
    """True when ``line`` carries a ``# noqa`` that covers ``code`` (flake8's semantics)."""
    match = NOQA.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    if codes is None:
        return True
    listed = tuple(item for item in re.split(r"[,\s]", codes) if item.strip())
    return code in listed or code.startswith(listed)


# --------------------------------------------------------------------------- adding comments


class Added(NamedTuple):
    """The text with comments added, how many lines got one (or more codes in theirs), and
    the findings the new text still does not silence."""

    text: str
    comments: int
    left: list[Violation]


def add_noqa(text: str, found: Iterable[Violation]) -> Added:
    """``text`` with a ``# noqa: CODES`` comment that silences each rule's finding in ``found``.

    Codes join an existing ``# noqa: X1,Y2`` list in place (sorted, each once); a bare
    ``# noqa`` is left alone.  The reserved codes (CEL000, CEL099) are no finding to silence.
    """
    found = [v for v in found if v.code in RULES]
    if not found:
        return Added(text, 0, [])
    if re.search(r"\r(?!\n)", text):  # a lone CR ends a line for Python, not for flake8's lines
        return Added(text, 0, found)
    lines, spans, comments = scan(text)
    wanted: dict[int, set[str]] = {}
    for v in found:
        if 0 < v.line <= len(lines):
            wanted.setdefault(spans.get(v.line, (v.line, v.line))[1], set()).add(v.code)
    edited = list(lines)
    count = 0
    for number, codes in wanted.items():
        new = _with_codes(lines[number - 1], comments.get(number), codes)
        if new != lines[number - 1]:
            edited[number - 1], count = new, count + 1
    new_text = "".join(edited)
    if count and not _same_code(text, new_text):
        return Added(text, 0, found)
    line_text = noqa_lines(new_text)
    return Added(new_text, count, [v for v in found if not silenced(v.code, line_text(v.line))])


def _with_codes(line: str, comment: tuple[int, str] | None, codes: set[str]) -> str:
    """The physical line with ``codes`` in its ``# noqa`` comment (added at its end if it has none)."""
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    match = NOQA.search(comment[1]) if comment else None
    if match is None:
        gap = "" if body[-1:] in ("", " ", "\t") else "  "
        return f"{body}{gap}# noqa: {', '.join(sorted(codes))}{ending}"
    listed = match.group("codes")
    if listed is None:  # a bare noqa silences everything already
        return line
    kept = listed.rstrip(_SEPARATORS)
    existing = [item for item in re.split(r"[,\s]+", kept) if item]
    if codes <= set(existing):
        return line
    joiner = "," if "," in kept and ", " not in kept else ", "  # as the list is written
    merged = joiner.join(sorted(set(existing) | codes))
    start = comment[0] + match.start("codes")
    end = start + len(kept)
    return f"{body[:start]}{merged}{body[end:]}{ending}"


def _same_code(old: str, new: str) -> bool:
    """Whether the two texts parse to the same tree: the comments changed nothing else."""
    try:
        return ast.dump(ast.parse(old)) == ast.dump(ast.parse(new))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def add_noqa_to_file(path: str, found: list[Violation]) -> Added:
    """Add the comments to the file at ``path`` in place, keeping its encoding (BOM too), line
    endings and mode; written to a temporary file and renamed.  Raises NotChecked or OSError."""
    data = read_bytes(path)
    text = decode(data)
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    if text.encode(encoding) != data:  # would not write back byte for byte
        raise NotChecked(f"cannot add comments: the file does not encode back to the same {encoding} bytes")
    added = add_noqa(text, found)
    if added.comments:
        write_module(path, added.text.encode(encoding))
    return added
