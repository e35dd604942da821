#!/usr/bin/env python3
"""Generate the rule documentation from the catalogue.

Writes ``docs/rules/CELnnn.md`` for every rule, ``docs/rules/index.md``, and the README's
rule table between ``<!-- rules-table:start -->`` and ``<!-- rules-table:end -->``; removes
the pages of codes that no longer exist.  ``--check`` changes nothing and exits 1 when
anything is stale (for CI and tests).

    python tools/gen_docs.py [--check] [--root DIR]
"""
from __future__ import annotations

import argparse
import pathlib
import re
import sys
from typing import Mapping, NamedTuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from celery_lint import RULES, Rule  # noqa: E402
from celery_lint.docs import index_page, readme_table, replace_table, rule_page  # noqa: E402

_PAGE = re.compile(r"^CEL\d{3}\.md$")


class Plan(NamedTuple):
    """What the docs should be: files to (re)write with their text, pages to remove."""

    writes: dict[pathlib.Path, str]
    stale: list[pathlib.Path]


def plan(root: pathlib.Path = ROOT, rules: Mapping[str, Rule] = RULES) -> Plan:
    rules_dir = root / "docs" / "rules"
    wanted = {rules_dir / f"{code}.md": rule_page(rule) for code, rule in rules.items()}
    wanted[rules_dir / "index.md"] = index_page(rules)
    readme = root / "README.md"
    wanted[readme] = replace_table(readme.read_text(encoding="utf-8"), readme_table(rules))
    writes = {
        path: text for path, text in wanted.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    }
    stale = sorted(
        path for path in (rules_dir.iterdir() if rules_dir.is_dir() else ())
        if _PAGE.match(path.name) and path not in wanted
    )
    return Plan(writes, stale)


def apply(result: Plan) -> None:
    for path, text in result.writes.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    for path in result.stale:
        path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when anything is stale")
    parser.add_argument("--root", type=pathlib.Path, default=ROOT, help="the repository (default: this checkout)")
    args = parser.parse_args(argv)
    try:
        result = plan(args.root)
    except (OSError, ValueError) as exc:
        print(f"gen_docs: {exc}", file=sys.stderr)
        return 2
    changed = [*result.writes, *result.stale]
    if args.check:
        for path in result.writes:
            print(f"stale: {path.relative_to(args.root)}")
        for path in result.stale:
            print(f"to remove: {path.relative_to(args.root)}")
        if changed:
            print("run: python tools/gen_docs.py", file=sys.stderr)
        return 1 if changed else 0
    apply(result)
    for path in changed:
        print(f"{'removed' if path in result.stale else 'wrote'} {path.relative_to(args.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
