"""Run celery-lint over real code and generated code; report findings, crashes and counts.

    python benchmarks/corpus.py                        # the core over every corpus module
    python benchmarks/corpus.py --tools                # + real flake8 and real pylint per project
    python benchmarks/corpus.py --stdlib --fuzz 500    # + the standard library, + 500 programs
    python benchmarks/corpus.py --out /tmp/cl-results  # where the dumps go (default shown below)

Passes:

* core: every module of every project through ``celery_lint.check(..., strict=True)`` with
  every rule (opt-in ones too), WITHOUT the source prefilter, so that every module reaches
  the engine and internal errors surface.  Each project is its own root: the module is checked
  with its project's index, as the front-ends do (``index_for(path, settings)`` with
  ``project-root`` set to the project's folder, then ``check(..., project=index)``), so the
  project rules (CEL9xx) report and the project's own task decorators and Task bases are
  known; ``--no-index`` checks each module on its own (the core alone, no CEL9xx).  A finding in
  a module the prefilter would have skipped is listed as a prefilter miss (the prefilter must let
  every such module through).
* ``--tools``: real ``flake8 --select=CEL --disable-noqa --jobs 2`` and real ``pylint -j 2
  --disable=all --enable=<all our symbols> --load-plugins=pylint_celery`` over each project;
  no traceback, no plugin failure, no fatal/astroid-error message is allowed, and their
  counts are compared with the core's.
* ``--stdlib``: the core over the running Python's standard library.
* ``--fuzz N``: N hypothesmith programs and N Celery-shaped programs through the core (strict);
  a failure is shrunk by hypothesis to a minimal reproducer.

Writes to ``--out``: ``summary.json`` (everything below), ``findings.csv`` and
``findings.json`` (path, line, col, code, symbol, message, source line), ``crashes.txt``
(tracebacks).  Exits 1 when anything crashed.
"""
from __future__ import annotations

import argparse
import ast
import collections
import csv
import json
import os
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

from _common import DEFAULT_CORPUS, Module, imports_celery, load_modules, machine, projects, python_files, table

import celery_lint
from celery_lint.rules import OPT_IN

DEFAULT_OUT = Path("/tmp/celery-lint-corpus-results")


class Report:
    """Everything the passes found."""

    def __init__(self) -> None:
        self.summary: dict = {"machine": machine(), "rules": list(celery_lint.RULES)}
        self.findings: list[dict] = []
        self.crashes: list[dict] = []

    def crash(self, where: str, path: str, exc: BaseException, source: str | None = None) -> None:
        self.crashes.append({
            "pass": where,
            "path": path,
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            "source": source,
        })


# ---------------------------------------------------------------------------------------------
# The core over the corpus
# ---------------------------------------------------------------------------------------------

def _source_line(module: Module, line: int) -> str:
    lines = module.source.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


PROJECT_SETTINGS_FILE = Path(__file__).resolve().parent / "project_settings.json"


def project_settings() -> dict[str, dict]:
    """Per project, the settings that teach celery-lint its own wrappers (as users set them)."""
    if not PROJECT_SETTINGS_FILE.exists():
        return {}
    return json.loads(PROJECT_SETTINGS_FILE.read_text(encoding="utf-8"))


def settings_for(project: str) -> celery_lint.Settings:
    return celery_lint.Settings.from_mapping(project_settings().get(project, {}))


def setting_args(project: str) -> list[str]:
    """The same settings as command-line options of flake8 and pylint."""
    return [f"--celery-{key.replace('_', '-')}={','.join(value) if isinstance(value, list) else value}"
            for key, value in project_settings().get(project, {}).items()]


def project_indexes(corpus: Path, names: set[str], report: Report) -> dict[str, tuple]:
    """Per project, (settings, index) as the front-ends get them with the project's folder as its
    root (no cache: nothing is written into the corpus); the index is None if it failed."""
    from celery_lint.project import index_for  # noqa: PLC0415

    out = {}
    for name in sorted(names):
        root = corpus / name
        settings = celery_lint.Settings.from_mapping(
            {**project_settings().get(name, {}), "project_root": str(root), "no_cache": True})
        t0 = time.process_time()
        index = index_for(str(root / "__probe__.py"), settings)
        seconds = time.process_time() - t0
        if index is None:
            report.crash("index", name, RuntimeError("the project index could not be built"))
        out[name] = (settings, index, round(seconds, 2))
    return out


def _unnamed_tasks(index) -> list[str]:
    """Where the index cannot tell a (non-test) task's registered name: CEL901 stays silent then."""
    return [f"{index.paths[m]}:{t['line']} {t['label']}" for m, s in sorted(index.summaries.items())
            if not s["test"] for t in s["tasks"] if t["name"] is None]


def core_pass(modules: list[Module], corpus: Path, report: Report, where: str = "core",
              with_index: bool = False) -> dict:
    """Every module through the core (with its project's index when ``with_index``); counts per
    project and rule, findings, crashes, timings."""
    by_project = {m.project for m in modules}
    settings = {p: settings_for(p) for p in by_project}
    indexes = project_indexes(corpus, by_project, report) if with_index else {}
    prefilters: dict[int, object] = {}  # by id of the settings a module is checked with, as the front-ends do
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    stats: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    slowest: list[tuple[float, str, int]] = []
    prefilter_misses = []
    index_changes: list[dict] = []  # per-module findings the project index adds or removes
    started = time.perf_counter()
    for module in modules:
        rel = _relative(module.path, corpus)
        st = stats[module.project]
        st["modules"] += 1
        st["lines"] += module.lines
        checked_with, index, _ = indexes.get(module.project, (settings[module.project], None, 0))
        # As the front-ends do: the index's settings, with the project's own task decorators learnt.
        filtered_with = index.settings if index is not None else checked_with
        prefilter = prefilters.get(id(filtered_with))
        if prefilter is None:
            prefilter = prefilters[id(filtered_with)] = celery_lint.prefilter(filtered_with)
        passes = bool(prefilter.search(module.source, str(module.path)))
        st["prefilter_hits"] += passes
        st["imports_celery"] += imports_celery(module.tree)
        t0 = time.perf_counter()
        try:
            found = celery_lint.check(module.tree, str(module.path), checked_with, strict=True, project=index)
        except Exception as exc:  # noqa: BLE001 -- collecting crashes is the point
            report.crash(where, rel, exc)
            st["crashes"] += 1
            continue
        elapsed = time.perf_counter() - t0
        slowest.append((elapsed, rel, module.lines))
        if index is not None and index.settings != checked_with:
            # the index taught the project's own task decorators / Task bases: what it changed
            alone = celery_lint.check(module.tree, str(module.path), settings[module.project], strict=True)
            with_ix = {(v.line, v.code, v.message) for v in found if not v.code.startswith("CEL9")}
            without = {(v.line, v.code, v.message) for v in alone}
            for change, items in (("appears", with_ix - without), ("disappears", without - with_ix)):
                for line, code, message in sorted(items):
                    index_changes.append({"project": module.project, "path": rel, "line": line, "code": code,
                                          "change": change, "message": message,
                                          "source": _source_line(module, line)})
        for v in found:
            counts[module.project][v.code] += 1
            report.findings.append({
                "pass": where,
                "project": module.project,
                "path": rel,
                "line": v.line,
                "col": v.col,
                "code": v.code,
                "symbol": celery_lint.RULES[v.code].symbol,
                "message": v.message,
                "source": _source_line(module, v.line),
            })
        if found and not passes:
            prefilter_misses.append({"path": rel, "codes": sorted({v.code for v in found})})
    slowest.sort(reverse=True)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "index": with_index,
        "index_changes": index_changes,
        "indexes": {p: {"summarised": len(ix.summaries) if ix else None, "complete": ix.complete if ix else None,
                        "names_known": ix.names_known if ix else None, "build_cpu_s": secs,
                        "unnamed_tasks": _unnamed_tasks(ix) if ix else None,
                        "task_decorators": list(ix.settings.task_decorators) if ix else None,
                        "task_base_classes": list(ix.settings.task_base_classes) if ix else None}
                    for p, (_, ix, secs) in indexes.items()},
        "stats": {p: dict(c) for p, c in sorted(stats.items())},
        "counts": {p: dict(sorted(c.items())) for p, c in sorted(counts.items())},
        "prefilter_misses": prefilter_misses,
        "slowest": [{"path": p, "ms": round(s * 1000, 1), "lines": n} for s, p, n in slowest[:10]],
    }


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def core_table(result: dict) -> str:
    codes = sorted({c for per in result["counts"].values() for c in per})
    rows = []
    totals = collections.Counter()
    for project, st in result["stats"].items():
        per = result["counts"].get(project, {})
        row = [project, st.get("modules", 0), st.get("lines", 0), st.get("imports_celery", 0),
               st.get("prefilter_hits", 0), st.get("crashes", 0)]
        row += [per.get(c, 0) for c in codes]
        row.append(sum(per.values()))
        rows.append(row)
        for i, value in enumerate(row[1:]):
            totals[i] += value
    rows.append(["TOTAL", *[totals[i] for i in range(len(rows[0]) - 1)]] if rows else ["TOTAL"])
    header = ["project", "modules", "lines", "import celery", "prefilter", "crashes", *codes, "findings"]
    return table(rows, header)


# ---------------------------------------------------------------------------------------------
# Real flake8 and real pylint
# ---------------------------------------------------------------------------------------------

_FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>CEL\d{3}) ")
_PYLINT_LINE = re.compile(r"^(?P<path>.+?)\|(?P<line>\d+)\|(?P<col>\d+)\|(?P<symbol>[\w-]+)\|(?P<msg>.*)$")
_PYLINT_FAILURES = ("astroid-error", "fatal", "bad-plugin-value", "config-parse-error")
_STDERR_FAILURES = ("Traceback", "PluginExecutionFailed", "FailedToLoadPlugin", "critical error",
                    "Exception on node", "Problem importing module")


def _run_tool(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, env=env)
    return proc, time.perf_counter() - t0


def _tool_failures(proc: subprocess.CompletedProcess, allowed_rc: tuple[int, ...]) -> list[str]:
    problems = [f"stderr has {marker!r}" for marker in _STDERR_FAILURES if marker in proc.stderr]
    if proc.returncode not in allowed_rc:
        problems.append(f"exit code {proc.returncode}")
    return problems


def flake8_project(root: Path) -> dict:
    proc, seconds = _run_tool(
        # --select=CEL keeps opt-in rules off (as --select=B keeps bugbear's B9xx off); the core
        # pass checks every rule, so name the opt-in codes too.
        ["flake8", "--isolated", "--select=CEL", f"--extend-select={','.join(OPT_IN)}", "--disable-noqa",
         "--jobs=2", *setting_args(root.name), "."], root)
    found = collections.Counter()
    keys = set()
    for line in proc.stdout.splitlines():
        m = _FLAKE8_LINE.match(line)
        if m:
            found[m["code"]] += 1
            keys.add((os.path.normpath(m["path"]), int(m["line"]), m["code"]))
    return {"seconds": round(seconds, 1), "counts": dict(sorted(found.items())), "keys": keys,
            "problems": _tool_failures(proc, (0, 1)), "stderr": proc.stderr[-4000:]}


def pylint_project(root: Path) -> dict:
    symbols = ",".join(rule.symbol for rule in celery_lint.RULES.values())
    proc, seconds = _run_tool(
        ["pylint", "--rcfile=/dev/null", "--load-plugins=pylint_celery", "--disable=all",
         f"--enable={symbols},astroid-error,fatal,bad-plugin-value", "-j", "2",
         "--persistent=n", "--score=n", "--msg-template={path}|{line}|{column}|{symbol}|{msg}",
         *setting_args(root.name),
         # Every file by name: pylint's --recursive=y skips folders without __init__.py inside a package.
         *(str(p.relative_to(root)) for p in python_files(root))],
        root)
    found = collections.Counter()
    keys = set()
    failures = []
    for line in proc.stdout.splitlines():
        m = _PYLINT_LINE.match(line)
        if not m:
            continue
        if m["symbol"] in _PYLINT_FAILURES:
            failures.append(line)
        elif m["symbol"] in celery_lint.BY_SYMBOL:
            code = celery_lint.BY_SYMBOL[m["symbol"]].code
            found[code] += 1
            keys.add((os.path.normpath(m["path"]), int(m["line"]), code))
    # pylint's exit code is a bit mask: 1 fatal, 2 error, 4 warning, 8 refactor, 16 convention, 32 usage.
    problems = _tool_failures(proc, tuple(range(0, 32, 2)))
    problems += [f"message: {line}" for line in failures[:20]]
    return {"seconds": round(seconds, 1), "counts": dict(sorted(found.items())), "keys": keys,
            "problems": problems, "stderr": proc.stderr[-4000:]}


def _shadowed_module(root: Path, rel: str) -> bool:
    """Is this file a top-level module (no __init__.py beside it) whose name another such file has?"""
    path = root / rel
    if (path.parent / "__init__.py").exists():
        return False
    return any(p != path and not (p.parent / "__init__.py").exists() for p in root.rglob(path.name))


def tools_pass(roots: list[Path], corpus: Path, report: Report) -> dict:
    """flake8 and pylint over each project; compares their (path, line, code) sets with the core's."""
    core_keys: dict[str, set] = collections.defaultdict(set)
    for f in report.findings:
        if f["pass"] == "core":
            core_keys[f["project"]].add((f["path"].split("/", 1)[1], f["line"], f["code"]))
    # flake8 hands the core the source, so it skips what the prefilter skips.
    misses = {m["path"].split("/", 1)[1] for m in report.summary.get("core", {}).get("prefilter_misses", [])}
    out = {}
    for root in roots:
        print(f"  tools: {root.name} ...", file=sys.stderr, flush=True)
        expected_flake8 = {k for k in core_keys[root.name] if k[0] not in misses}
        result = {}
        for tool, run, expected in (("flake8", flake8_project, expected_flake8),
                                    ("pylint", pylint_project, core_keys[root.name])):
            res = run(root)
            keys = res.pop("keys")
            missing = expected - keys
            if tool == "pylint":  # pylint checks one module of each name among folders without __init__.py
                skipped = {k for k in missing if _shadowed_module(root, k[0])}
                res["skipped_by_pylint"] = sorted(map(list, skipped))[:20]
                missing -= skipped
            res["only_tool"] = sorted(map(list, keys - expected))[:20]
            res["only_core"] = sorted(map(list, missing))[:20]
            res["agrees_with_core"] = not missing and keys <= expected
            if res["problems"]:
                report.crashes.append({"pass": tool, "path": root.name, "error": "; ".join(res["problems"]),
                                       "traceback": res["stderr"], "source": None})
            if not res["problems"]:
                res.pop("stderr")
            result[tool] = res
        out[root.name] = result
    return out


def tools_table(result: dict) -> str:
    rows = []
    for project, per in result.items():
        for tool in ("flake8", "pylint"):
            r = per[tool]
            rows.append([project, tool, f"{r['seconds']:.1f}", sum(r["counts"].values()),
                         ("yes" if r["agrees_with_core"] else f"NO (+{len(r['only_tool'])}/-{len(r['only_core'])})")
                         + (f" ({len(r['skipped_by_pylint'])} in modules pylint skips as duplicate names)"
                            if r.get("skipped_by_pylint") else ""),
                         "; ".join(r["problems"]) or "none"])
    return table(rows, ["project", "tool", "seconds", "findings", "same as core", "failures"])


# ---------------------------------------------------------------------------------------------
# The standard library
# ---------------------------------------------------------------------------------------------

def stdlib_pass(report: Report) -> dict:
    import sysconfig  # noqa: PLC0415

    root = Path(sysconfig.get_paths()["stdlib"])
    modules, bad = load_modules([root], project_of=lambda p: "stdlib")
    modules = [m for m in modules if "site-packages" not in m.path.parts]
    result = core_pass(modules, root, report, where="stdlib")
    result["root"] = str(root)
    result["unparsable"] = len(bad)
    return result


# ---------------------------------------------------------------------------------------------
# Generated programs
# ---------------------------------------------------------------------------------------------

def fuzz_pass(n: int, report: Report, seed: int | None) -> dict:
    from hypothesis import HealthCheck, given, settings  # noqa: PLC0415
    from hypothesis import seed as hypothesis_seed  # noqa: PLC0415

    import _fuzz  # noqa: PLC0415

    out = {}
    for name, strategy in (("grammar", _fuzz.grammar_programs()), ("celery-shaped", _fuzz.celery_programs())):
        seen = collections.Counter()
        failing: list[tuple[str, BaseException]] = []

        @settings(max_examples=n, database=None, deadline=None, suppress_health_check=list(HealthCheck),
                  print_blob=False)
        @given(source=strategy)
        def one(source: str) -> None:
            seen["generated"] += 1
            try:
                tree = ast.parse(source)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                seen["unparsable"] += 1
                return
            try:
                found = celery_lint.check(tree, "fuzz.py", strict=True)
            except Exception as exc:
                failing.append((source, exc))
                raise
            seen["findings"] += len(found)
            seen["with findings"] += bool(found)

        if seed is not None:
            one = hypothesis_seed(seed)(one)
        t0 = time.perf_counter()
        try:
            one()
        except Exception as exc:  # noqa: BLE001
            source, error = failing[-1] if failing else ("", exc)  # the last failure is the shrunk one
            report.crash(f"fuzz-{name}", "<generated>", error, source)
        out[name] = {**seen, "seconds": round(time.perf_counter() - t0, 1), "failed": bool(failing)}
    return out


# ---------------------------------------------------------------------------------------------

def write_outputs(report: Report, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(report.summary, indent=2, default=str), encoding="utf-8")
    (out / "findings.json").write_text(json.dumps(report.findings, indent=1), encoding="utf-8")
    fields = ["pass", "project", "path", "line", "col", "code", "symbol", "message", "source"]
    with (out / "findings.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(report.findings)
    with (out / "crashes.txt").open("w", encoding="utf-8") as f:
        for c in report.crashes:
            f.write(f"=== [{c['pass']}] {c['path']}: {c['error']}\n")
            if c.get("source"):
                f.write("--- reproducer:\n" + c["source"] + "\n")
            f.write(c["traceback"] + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="default: %(default)s")
    parser.add_argument("--projects", type=lambda s: [n for n in s.split(",") if n], metavar="A,B",
                        help="only these projects of the corpus")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder (default: %(default)s)")
    parser.add_argument("--no-core", action="store_true", help="skip the core pass over the corpus")
    parser.add_argument("--no-index", action="store_true",
                        help="check each module on its own, without its project's index (no CEL9xx)")
    parser.add_argument("--tools", action="store_true", help="also run real flake8 and pylint per project")
    parser.add_argument("--stdlib", action="store_true", help="also the running Python's standard library")
    parser.add_argument("--fuzz", type=int, default=0, metavar="N", help="N generated programs of each kind")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed for --fuzz")
    args = parser.parse_args(argv)

    report = Report()
    printed = []
    need_corpus = not args.no_core or args.tools
    roots = projects(args.corpus, args.projects) if need_corpus else []
    if not args.no_core or args.tools:
        modules, bad = load_modules(roots)
        print(f"core: {len(modules)} modules ({len(bad)} unparsable) in {len(roots)} projects",
              file=sys.stderr, flush=True)
        report.summary["corpus"] = {"path": str(args.corpus), "projects": [r.name for r in roots],
                                    "unparsable": [_relative(p, args.corpus) for p in bad]}
        report.summary["core"] = core_pass(modules, args.corpus, report, with_index=not args.no_index)
        del modules
        printed.append("## Core over the corpus (every rule, strict, no prefilter, "
                       + ("each module on its own" if args.no_index else "each project its own root, with its index")
                       + ")\n\n"
                       + core_table(report.summary["core"])
                       + f"\n\n{report.summary['core']['seconds']} s; prefilter misses: "
                       + str(len(report.summary["core"]["prefilter_misses"])))
    if args.tools:
        report.summary["tools"] = tools_pass(roots, args.corpus, report)
        printed.append("## Real flake8 / pylint per project\n\n" + tools_table(report.summary["tools"]))
    if args.stdlib:
        print("stdlib ...", file=sys.stderr, flush=True)
        res = report.summary["stdlib"] = stdlib_pass(report)
        printed.append(f"## Standard library ({res['root']})\n\n" + core_table(res)
                       + f"\n\n{res['seconds']} s; {res['unparsable']} unparsable files skipped")
    if args.fuzz:
        print(f"fuzz {args.fuzz} ...", file=sys.stderr, flush=True)
        res = report.summary["fuzz"] = fuzz_pass(args.fuzz, report, args.seed)
        rows = [[k, v.get("generated", 0), v.get("unparsable", 0), v.get("with findings", 0),
                 v.get("findings", 0), v["seconds"], "FAILED" if v["failed"] else "ok"] for k, v in res.items()]
        printed.append("## Generated programs\n\n" + table(
            rows, ["kind", "generated", "unparsable", "with findings", "findings", "seconds", "result"]))
    report.summary["crashes"] = [{k: c[k] for k in ("pass", "path", "error")} for c in report.crashes]
    write_outputs(report, args.out)
    print("\n\n".join(printed))
    print(f"\n{len(report.findings)} findings, {len(report.crashes)} crashes; details in {args.out}/")
    for c in report.crashes[:20]:
        print(f"  CRASH [{c['pass']}] {c['path']}: {c['error']}")
    return 1 if report.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
