"""Checking a piece of source in a test: the one helper the rule tests share.

``found(source)`` is the (line, code) of each finding of the dedented ``source``, checked
as ``tasks.py`` with the default settings and ``strict`` (an internal error raises), in
the order the core reports them.  Every variant takes the same keywords:

* ``settings`` -- a ``Settings``; ``filename`` -- the name the module is checked under;
* ``select`` -- keep only the findings of these codes (a collection, or one code);
* ``prefix`` -- code put before the dedented source (imports the test leaves out); lines
  still count from the first line of ``source``;
* ``strict`` -- False checks as the plugins do (an internal error is logged, not raised).

``violations`` gives the Violation objects themselves, ``codes`` only the codes and
``messages`` only the messages.  ``example_codes`` checks a rule's documented example (or
its "use instead") as the docs do: under the file name and settings its headers choose.
"""
from __future__ import annotations

import textwrap
from collections.abc import Collection

import celery_lint
from celery_lint import Settings, Violation, docs


def violations(source: str, *, settings: Settings | None = None, filename: str = "tasks.py",
               select: str | Collection[str] | None = None, prefix: str = "",
               strict: bool = True) -> list[Violation]:
    if isinstance(select, str):
        select = (select,)
    shift = prefix.count("\n")
    return [
        v._replace(line=v.line - shift)
        for v in celery_lint.check_source(prefix + textwrap.dedent(source), filename, settings, strict=strict)
        if select is None or v.code in select
    ]


def found(source: str, **options) -> list[tuple[int, str]]:
    return [(v.line, v.code) for v in violations(source, **options)]


def codes(source: str, **options) -> list[str]:
    return [v.code for v in violations(source, **options)]


def messages(source: str, **options) -> list[str]:
    return [v.message for v in violations(source, **options)]


def example_codes(example: str) -> list[str]:
    filename, settings = docs.example_context(example)
    return codes(example, filename=filename, settings=settings)
