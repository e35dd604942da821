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

import ast
import pathlib
import tempfile
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
    files = docs.example_files(example)
    if files is not None:
        return project_codes(files)
    filename, settings = docs.example_context(example)
    return codes(example, filename=filename, settings=settings)


def project_codes(files: list[tuple[str, str]]) -> list[str]:
    """The codes found in every module of a project made of ``files`` ((path, text) pairs), laid
    out in a fresh folder (its own root, packages given an ``__init__.py``) and checked with its
    project index, as the front-ends check it."""
    from celery_lint.project import index_for  # noqa: PLC0415

    found = []
    with tempfile.TemporaryDirectory() as folder:
        root = pathlib.Path(folder)
        (root / "setup.cfg").touch()
        for path, text in files:
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        for module in list(root.rglob("*.py")):
            for package in module.relative_to(root).parents:
                if package != pathlib.Path(".") and not (root / package / "__init__.py").exists():
                    (root / package / "__init__.py").touch()
        settings = Settings(no_cache=True)
        for module in sorted(root.rglob("*.py")):
            project = index_for(str(module), settings)
            text = module.read_text(encoding="utf-8")
            found.extend(v.code for v in celery_lint.check(ast.parse(text), str(module), project=project, strict=True))
    return found
