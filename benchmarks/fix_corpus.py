#!/usr/bin/env python3
"""Measure ``celery-lint fix`` on a corpus of real projects (a copy: it is rewritten).

    python benchmarks/fix_corpus.py CORPUS_COPY

Checks every rule (opt-in ones too) before, fixes with ``--unsafe-fixes``, checks again, fixes
a second time; prints per code the findings before, fixed and remaining (with whether their
rule has a fix), findings of codes that grew, files that no longer parse, and the wall time.
"""
from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys
import time
from collections import Counter

import celery_lint
from celery_lint.docs import fix_kind

SELECT = ",".join(("CEL", *celery_lint.OPT_IN))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "celery_lint", *args], capture_output=True, text=True)


def findings(root: str) -> Counter:
    proc = run("check", "--isolated", "--select", SELECT, "--format", "json", "--exit-zero", root)
    return Counter((item["path"], item["code"]) for item in json.loads(proc.stdout or "[]"))


def by_code(counts: Counter) -> Counter:
    out: Counter = Counter()
    for (_, code), n in counts.items():
        out[code] += n
    return out


def unparsable(root: str) -> list[str]:
    bad = []
    for path in sorted(pathlib.Path(root).rglob("*.py")):
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            bad.append(str(path))
    return bad


def main(root: str) -> int:
    broken_before = set(unparsable(root))
    before = findings(root)
    start = time.perf_counter()
    first = run("fix", "--isolated", "--unsafe-fixes", "--select", SELECT, root)
    elapsed = time.perf_counter() - start
    after = findings(root)
    second = run("fix", "--isolated", "--unsafe-fixes", "--select", SELECT, root)
    print(f"fix: {first.stdout.strip()} (exit {first.returncode}, {elapsed:.1f} s wall)")
    if first.stderr.strip():
        print("stderr:", first.stderr.strip()[:2000])
    print(f"second fix: {second.stdout.strip()}")
    b, a = by_code(before), by_code(after)
    print(f"{'code':7} {'before':>7} {'after':>7} {'fixed':>7}  fix")
    for code in sorted(set(b) | set(a)):
        rule = celery_lint.RULES.get(code)
        kind = "" if rule is None else fix_kind(rule)
        print(f"{code:7} {b[code]:>7} {a[code]:>7} {b[code] - a[code]:>7}  {kind}")
    grown = {key: after[key] - before[key] for key in after if after[key] > before[key]}
    print("grown (path, code):", json.dumps({f"{p} {c}": n for (p, c), n in sorted(grown.items())}, indent=1))
    broken = sorted(set(unparsable(root)) - broken_before)
    print("files that no longer parse:", broken)
    return 1 if broken or "fixed 0 findings" not in second.stdout else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
