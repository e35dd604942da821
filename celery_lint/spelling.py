"""Did-you-mean suggestions for misspelt setting names, task options and beat entry keys."""
from __future__ import annotations

from typing import Iterable


def close_matches(word: str, possibilities: Iterable[str], n: int, cutoff: float) -> list[str]:
    """``difflib.get_close_matches``, imported only when a name is unknown (most modules have none)."""
    import difflib

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)
