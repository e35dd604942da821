"""How checks show code and numbers in their messages, and compare expressions: safely, on any
input.  ``ast.unparse`` and ``ast.dump`` raise on deeply nested expressions (RecursionError) and on
integer literals past Python's digit limit (ValueError); ``float()`` raises OverflowError on
integers past 1e308.  A finding must never be lost to how it is worded."""
from __future__ import annotations

import ast
import math

#: How many characters of an expression a message quotes; longer ones end in "...".
SNIPPET_LIMIT = 60
#: Past this, a number is shown by its size, not its digits.
_LARGE = 10 ** 15


def snippet(expr: ast.AST, limit: int = SNIPPET_LIMIT) -> str:
    """The source of ``expr`` for a message, at most ``limit`` characters."""
    try:
        text = ast.unparse(expr)
    except (RecursionError, ValueError, MemoryError):
        return "a very large expression" if not isinstance(expr, ast.Constant) else "a very large number"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def node_key(expr: ast.AST) -> str:
    """A key under which equal expressions compare equal (``ast.dump``); an expression too
    large to dump gets a key of its own, equal to no other."""
    try:
        return ast.dump(expr)
    except (RecursionError, ValueError, MemoryError):
        return f"<expression at {id(expr)}>"


def as_float(value: int | float) -> float:
    """``float(value)``, with integers past the float range as infinities (compared exactly
    as "larger than anything")."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def number(value: int | float) -> str:
    """A number for a message: ``300``, ``0.5``, ``1e+20``; huge ones by their size
    (``about 1e+400``), never converted to text or float unguarded."""
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "more than 1e+308" if value > 0 else "less than -1e+308"
        if value.is_integer() and abs(value) < _LARGE:
            return str(int(value))
        return f"{value:g}"
    if abs(value) < _LARGE:
        return str(value)
    exponent = int(math.log10(abs(value)))  # log10 takes integers of any size
    return f"about {'-' if value < 0 else ''}1e+{exponent}"
