"""How much celery-lint costs: flake8 and pylint with and without it, the core against one bare
tree traversal, import time, memory and growth.  Writes docs/performance.md.

    python benchmarks/get_corpus.py /tmp/corpus      # once
    python benchmarks/bench.py                       # full run (about 35 min on 2 cores)
    python benchmarks/bench.py --quick               # small subsets, 3 repeats (a few minutes)
    python benchmarks/bench.py --repeats 9 --only core,growth
    python benchmarks/bench.py --only instructions     # valgrind only (about 10 min)

Every comparison is measured side by side in one run: the two variants alternate (A B B A
...) and the result is the ratio of the medians of the repeats.  Times are CPU seconds
(user+sys of the child process for flake8/pylint, ``time.process_time`` in process), which
other load on the machine disturbs far less than wall-clock time; wall-clock medians are
reported too.  Timing runs use one process (``--jobs 1`` / ``-j 1``).

Timing on a shared machine is noisy (runs of one and the same command differ by 10-25% here),
so the overheads are also measured two ways that noise moves far less, or not at all: inside one run of the
tool, the CPU time spent in celery-lint over the run's CPU time (``plugin_share.py``); and,
where valgrind is installed, instruction counts (flake8 on a sample of the same project, the
core's growth).  The report says which targets are missed and, from the same numbers, why.

flake8 runs in two fresh virtual environments that differ only by celery-lint: one with
flake8 and pylint at the versions of the running environment (``--plain-venv``, default
/tmp/bench-venv-plain), one with the same plus celery-lint installed from this checkout
(``--plugin-venv``); both are created when missing, and celery-lint is reinstalled into
the second on every run so that the current rules are measured.  pylint runs in the
plugin environment, with and without ``--load-plugins=pylint_celery``.
"""
from __future__ import annotations

import argparse
import ast
import collections
import functools
import gc
import importlib.metadata
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from _common import (DEFAULT_CORPUS, HERE, REPO, Module, imports_celery, is_own_root, load_modules, machine,
                     projects, python_files, table)

import celery_lint
from celery_lint.model import build
from celery_lint.project.cache import CACHE_DIR_NAME, Cache
from celery_lint.project.index import build_index

PARTS = ("flake8", "project", "pylint", "core", "selection", "import", "memory", "growth", "scaling", "instructions")

TARGETS = {
    "flake8": 0.02,  # flake8 --select=E,F,W: extra CPU time with celery-lint installed
    "project_warm": 0.02,  # the same, each project its own root, the index's cache warm
    "project_cold": 0.05,  # the same, the cache removed before each run (a fresh checkout, as in CI)
    "pylint": 0.03,  # pylint default messages: extra CPU time with load-plugins=pylint_celery
    "core_celery": 2.0,  # core / one bare NodeVisitor traversal, modules that import celery
    "core_plain": 0.05,  # the same for modules that do not
    "import_ms": 30.0,  # import of each front-end, beyond its tool's own import
    "growth": 10.5,  # time(10x module) / time(1x module)
    "scaling": 1.1,  # cost per line of 64k lines of mixed Celery code / cost per line of 1k lines
}

#: The default subsets; --quick uses the small ones.
FLAKE8_PROJECTS = ("weblate",)
FLAKE8_PROJECTS_QUICK = ("flower", "django-celery-beat", "django-celery-results", "airflow-providers-celery")
PYLINT_PROJECT = "weblate"
PYLINT_CELERY_MODULES = 12  # the first N modules (by path) of PYLINT_PROJECT that import celery
PYLINT_CELERY_MODULES_QUICK = 4
#: flake8 under valgrind (about 100 times slower) runs on every Nth module (by path) of the
#: flake8 project: a fixed sample of the same code as the timed runs.
INSTRUCTIONS_SAMPLE_STEP = 15


@dataclass
class Result:
    name: str
    rows: list[list[str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _half_range(xs: list[float]) -> float:
    """The relative half-range of the repeats, a rough noise figure."""
    return (max(xs) - min(xs)) / 2 / median(xs) if len(xs) > 1 and median(xs) else 0.0


def spread(xs: list[float]) -> str:
    return f"±{_half_range(xs) * 100:.1f}%" if len(xs) > 1 else "-"


# ---------------------------------------------------------------------------------------------
# Child processes: CPU time and peak memory from wait4
# ---------------------------------------------------------------------------------------------

@dataclass
class Run:
    cpu: float
    wall: float
    maxrss_mb: float
    returncode: int
    stderr: str


#: An empty folder to run the tools in: from the repository, ``python -m`` would put the working
#: tree (and its celery_lint.egg-info, whose entry point flake8 finds) on sys.path.
@functools.lru_cache(maxsize=None)
def neutral() -> Path:
    return Path(tempfile.mkdtemp(prefix="celery-lint-bench-"))


def run_measured(cmd: list[str], cwd: Path | None = None) -> Run:
    cwd = cwd or neutral()
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONHASHSEED"] = "0"
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Run(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, proc.returncode, stderr)


def alternate(variants: dict[str, callable], repeats: int) -> dict[str, list]:
    """Run the variants in A B B A ... order; return each one's results in run order."""
    names = list(variants)
    out = {n: [] for n in names}
    for i in range(repeats):
        order = names if i % 2 == 0 else names[::-1]
        for n in order:
            out[n].append(variants[n]())
    return out


# ---------------------------------------------------------------------------------------------
# The two virtual environments
# ---------------------------------------------------------------------------------------------

def _requirement_closure(roots: tuple[str, ...]) -> dict[str, str]:
    """name -> installed version for the roots and everything they require (extras aside).

    A requirement behind a marker that does not apply here is usually not installed, and is skipped.
    """
    seen: dict[str, str] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        seen[key] = dist.version
        for req in dist.requires or ():
            if "extra ==" in req or "extra==" in req:
                continue
            m = re.match(r"[A-Za-z0-9._-]+", req)
            if m:
                todo.append(m.group(0))
    return seen


def ensure_venv(path: Path, with_plugin: bool) -> Path:
    """Create (once) a venv with flake8 and pylint at this environment's versions."""
    python = path / "bin" / "python"
    pins = _requirement_closure(("flake8", "pylint"))
    stamp = path / ".bench-pins.json"
    if not python.exists() or not stamp.exists() or json.loads(stamp.read_text()) != pins:
        log(f"creating {path} ...")
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        # setuptools >= 77 reads the SPDX `license = "MIT"` of pyproject.toml (PEP 639).
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--upgrade", "setuptools>=77", *[f"{k}=={v}" for k, v in sorted(pins.items())]],
                       check=True)
        stamp.write_text(json.dumps(pins, sort_keys=True))
    if with_plugin:
        install_checkout(python)
    return python


def install_checkout(python: Path) -> None:
    """Install this checkout (not editable, as users get it) into a venv, fresh each run."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE", "setup.cfg"):
            if (REPO / name).exists():
                shutil.copy2(REPO / name, src / name)
        for pkg in ("celery_lint", "flake8_celery", "pylint_celery"):
            shutil.copytree(REPO / pkg, src / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--no-deps", "--no-build-isolation", "--force-reinstall", str(src)], check=True)
    probe = subprocess.run([str(python), "-I", "-c", "import celery_lint, flake8_celery, pylint_celery; "
                            "print(len(celery_lint.RULES), celery_lint.__file__)"], capture_output=True, text=True,
                           check=True, cwd=neutral())
    log(f"installed celery-lint ({probe.stdout.strip()} rules) into {python.parent.parent}")


# ---------------------------------------------------------------------------------------------
# flake8 and pylint overhead
# ---------------------------------------------------------------------------------------------

def bench_flake8(plain: Path, plugin: Path, roots: list[Path], repeats: int) -> Result:
    paths = [str(r) for r in roots]
    lines = sum(m.read_bytes().count(b"\n") for r in roots for m in r.rglob("*.py"))
    cmd = ["-m", "flake8", "--isolated", "--select=E,F,W", "--jobs=1", *paths]
    for python, wanted in ((plain, False), (plugin, True)):  # prove which has the plugin; warm the cache
        version = subprocess.run([str(python), "-m", "flake8", "--version"], cwd=neutral(), capture_output=True,
                                 text=True, check=True).stdout
        if ("celery-lint" in version) != wanted:
            raise SystemExit(f"{python}: flake8 --version says {version!r}; expected celery-lint "
                             f"{'present' if wanted else 'absent'}")
        r = run_measured([str(python), *cmd])
        if r.returncode not in (0, 1) or "Traceback" in r.stderr:
            raise SystemExit(f"flake8 failed in {python}: {r.stderr[-2000:]}")
    log(f"flake8: {len(paths)} projects, {lines} lines, {repeats} repeats each way ...")
    runs = alternate({"without": lambda: run_measured([str(plain), *cmd]),
                      "with": lambda: run_measured([str(plugin), *cmd])}, repeats)
    res = _overhead_result("flake8", "flake8 --select=E,F,W --jobs 1", runs, TARGETS["flake8"],
                           f"{', '.join(r.name for r in roots)} ({lines} lines)")
    _add_share(res, plugin, ["flake8", *cmd[2:]], neutral())
    res.notes.append(roots_note(roots))
    return res


def roots_note(roots: list[Path]) -> str:
    """Whether the projects were their own roots for the project index, as users' checkouts are."""
    blind = [r.name for r in roots if not is_own_root(r)]
    if not blind:
        return ("each project was its own root (a root marker in its folder, see benchmarks/README.md): the "
                "plugin built the project index of it, its cache (`.celery_lint_cache/` in the project) warm "
                "after the first run")
    return (f"NOT their own roots: {', '.join(blind)} (no root marker; run benchmarks/get_corpus.py on the "
            "corpus): their files fell under the folder flake8 ran in, so the plugin built an empty project "
            "index and this measures less than users get")


def remove_caches(roots: list[Path]) -> None:
    """Remove the project index's cache of each project (outside any measured process)."""
    for root in roots:
        shutil.rmtree(root / CACHE_DIR_NAME, ignore_errors=True)


def disk_usage(folder: Path) -> tuple[int, int, int]:
    """(files, bytes of their content, bytes allocated on disk) under a folder."""
    files = size = allocated = 0
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            files += 1
            size += st.st_size
            allocated += getattr(st, "st_blocks", 0) * 512
    return files, size, allocated


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 2 ** 20 else f"{n / 2 ** 20:,.1f} MB"


def bench_project(plain: Path, plugin: Path, roots: list[Path], repeats: int, build_roots: list[Path],
                  build_repeats: int = 3) -> Result:
    """flake8 without celery-lint, with it and a warm index cache, with it and a cold one
    (alternating); the index build in process per project; the cache's size on disk."""
    blind = [r.name for r in roots + build_roots if not is_own_root(r)]
    if blind:
        raise SystemExit(f"project: {', '.join(sorted(set(blind)))} not their own roots: run "
                         "benchmarks/get_corpus.py on the corpus (it adds the root markers)")
    res = Result("project", header=["variant", "CPU s (median)", "noise", "wall s (median)", "peak RSS MB",
                                    "overhead (CPU)"])
    if plain is not None:
        _project_flake8(res, plain, plugin, roots, repeats)
    _project_build(res, build_roots, build_repeats)
    return res


def _project_flake8(res: Result, plain: Path, plugin: Path, roots: list[Path], repeats: int) -> None:
    paths = [str(r) for r in roots]
    lines = sum(m.read_bytes().count(b"\n") for r in roots for m in r.rglob("*.py"))
    cmd = ["-m", "flake8", "--isolated", "--select=E,F,W", "--jobs=1", *paths]
    remove_caches(roots)
    for python in (plain, plugin):  # a run each to check them (and to fill the cache)
        r = run_measured([str(python), *cmd])
        if r.returncode not in (0, 1) or "Traceback" in r.stderr:
            raise SystemExit(f"flake8 failed in {python}: {r.stderr[-2000:]}")
    if not all((r / CACHE_DIR_NAME).is_dir() for r in roots):
        raise SystemExit(f"project: flake8 with celery-lint left no {CACHE_DIR_NAME}/ in every project")

    def cold() -> Run:
        remove_caches(roots)
        return run_measured([str(plugin), *cmd])

    log(f"project: flake8 on {len(roots)} projects, {lines} lines, without / warm cache / cold cache, "
        f"{repeats} repeats each ...")
    runs = alternate({"without": lambda: run_measured([str(plain), *cmd]),
                      "warm": lambda: run_measured([str(plugin), *cmd]), "cold": cold}, repeats)
    cpu = {k: [r.cpu for r in v] for k, v in runs.items()}
    wall = {k: [r.wall for r in v] for k, v in runs.items()}
    rss = {k: max(r.maxrss_mb for r in v) for k, v in runs.items()}
    base = median(cpu["without"])
    overhead = {k: median(cpu[k]) / base - 1 for k in ("warm", "cold")}
    labels = {"without": "without celery-lint", "warm": "with celery-lint, index cache warm",
              "cold": "with celery-lint, index cache removed before each run"}
    for k, label in labels.items():
        res.rows.append([f"flake8 --select=E,F,W --jobs 1, {label}", f"{median(cpu[k]):.2f}", spread(cpu[k]),
                         f"{median(wall[k]):.2f}", f"{rss[k]:.0f}",
                         f"{overhead[k] * 100:+.2f}%" if k in overhead else ""])
    shares = {}
    for k, before in (("warm", None), ("cold", lambda: remove_caches(roots))):
        shares[k] = _shares(plugin, ["flake8", *cmd[2:]], neutral(), before)
    res.data.update(subset=f"{', '.join(r.name for r in roots)} ({lines} lines)", cpu=cpu, wall=wall, rss=rss,
                    overhead=overhead, shares={k: [d["share"] for d in v] for k, v in shares.items()},
                    share={k: _middle(v)["share"] for k, v in shares.items()})
    res.notes.append(f"subset: {res.data['subset']}; overhead against flake8 without celery-lint: warm cache "
                     f"{overhead['warm'] * 100:+.2f}% (target {TARGETS['project_warm'] * 100:.0f}%), cold cache "
                     f"{overhead['cold'] * 100:+.2f}% (target {TARGETS['project_cold'] * 100:.0f}%) of CPU time; "
                     f"the repeats of one command differ by up to "
                     f"±{max(_half_range(v) for v in cpu.values()) * 100:.1f}% (half their range)")
    for k in ("warm", "cold"):
        mid = _middle(shares[k])
        res.notes.append(
            f"inside the tool, cache {k} (benchmarks/plugin_share.py, median of {len(shares[k])} runs): celery-lint "
            f"took {mid['plugin']:.2f} s of the run's {mid['total']:.2f} s CPU = {mid['share'] * 100:.2f}% (its "
            "checks, the index build included, "
            f"{mid['calls']:.2f} s); the runs gave " + ", ".join(f"{d['share'] * 100:.2f}%" for d in shares[k]))
    res.notes.append(roots_note(roots))


def _project_build(res: Result, roots: list[Path], repeats: int) -> None:
    """``build_index`` in this process, per project: no cache (every Celery module read and
    summarised), and from a warm cache; then the cache's size on disk."""
    settings = celery_lint.Settings(no_cache=True)
    rows = []
    totals = {"files": 0, "summarised": 0, "cold": 0.0, "warm": 0.0, "entries": 0, "bytes": 0, "allocated": 0}
    per_project = {}
    build_index(str(roots[0]), settings)  # imports and the engine, once
    with tempfile.TemporaryDirectory(prefix="celery-lint-cache-") as tmp:
        for root in roots:
            cache_dir = Path(tmp) / root.name

            def cold(root=root):
                return _timed_build(root, settings, None)

            def warm(root=root, cache_dir=cache_dir):
                return _timed_build(root, settings, Cache(str(cache_dir), celery_lint.__version__))

            warm()  # fills the cache
            log(f"project: index of {root.name}, {repeats} repeats ...")
            runs = alternate({"cold": cold, "warm": warm}, repeats)
            index = runs["cold"][0][1]
            cpu = {k: median([c for c, _ in v]) for k, v in runs.items()}
            files, size, allocated = disk_usage(cache_dir)
            n = len(index.summaries)
            per_project[root.name] = {"files": len(index.files), "summarised": n, "cold_s": cpu["cold"],
                                      "warm_s": cpu["warm"], "cache_files": files, "cache_bytes": size,
                                      "cache_allocated": allocated,
                                      "noise": {k: _half_range([c for c, _ in v]) for k, v in runs.items()}}
            rows.append([root.name, f"{len(index.files):,}", f"{n:,}", f"{cpu['cold']:.2f}",
                         f"{cpu['cold'] / n * 1000:.2f}" if n else "-", f"{cpu['warm']:.2f}", f"{files:,}",
                         _kb(size), _kb(allocated)])
            for key, value in (("files", len(index.files)), ("summarised", n), ("cold", cpu["cold"]),
                               ("warm", cpu["warm"]), ("entries", files), ("bytes", size),
                               ("allocated", allocated)):
                totals[key] += value
    per_1000 = totals["cold"] / totals["summarised"] * 1000 if totals["summarised"] else float("nan")
    per_1000_warm = totals["warm"] / totals["summarised"] * 1000 if totals["summarised"] else float("nan")
    rows.append(["TOTAL", f"{totals['files']:,}", f"{totals['summarised']:,}", f"{totals['cold']:.2f}",
                 f"{per_1000:.2f}", f"{totals['warm']:.2f}", f"{totals['entries']:,}", _kb(totals["bytes"]),
                 _kb(totals["allocated"])])
    res.data.update(build=per_project, build_totals=totals, per_1000=per_1000, per_1000_warm=per_1000_warm)
    res.notes.append("")
    res.notes.append(table(rows, ["project", ".py files", "summarised", "build s, no cache", "s per 1,000 summarised",
                                  "build s, warm cache", "cache files", "cache size", "on disk"]))
    res.notes.append("")
    res.notes.append(
        f"index build in process (`build_index(root, Settings(no_cache=True))`, CPU time, median of {repeats}, "
        f"alternating with a build from a warm cache): {per_1000:.2f} s per 1,000 summarised (Celery) modules "
        f"without a cache, {per_1000_warm:.2f} s with a warm one; every .py file of the root is read and "
        "prefiltered, only those that pass are parsed and summarised. The cache holds one entry per "
        "summary (a module summarised again with the project's own task decorators and Task bases has two) plus "
        "its `.gitignore` and `CACHEDIR.TAG`; `on disk` counts allocated blocks.")


def _timed_build(root: Path, settings, cache) -> tuple[float, object]:
    gc.collect()
    c0 = time.process_time()
    index = build_index(str(root), settings, cache)
    return time.process_time() - c0, index


def pylint_subset(root: Path, n_celery: int) -> list[Path]:
    """The first n modules of a project that import celery, plus as many that do not.

    The others are spread evenly over the project's sorted module list, so the subset is
    fixed for a given release of the project.
    """
    modules, _ = load_modules([root])
    celery_mods = [m.path for m in modules if imports_celery(m.tree)][:n_celery]
    others = [m.path for m in modules if not imports_celery(m.tree)]
    step = max(1, len(others) // max(1, len(celery_mods)))
    return sorted(celery_mods + others[::step][:len(celery_mods)])


def bench_pylint(plugin: Path, root: Path, files: list[Path], repeats: int) -> Result:
    rel = [str(f.relative_to(root)) for f in files]
    lines = sum(f.read_bytes().count(b"\n") for f in files)
    base = ["-m", "pylint", "--rcfile=/dev/null", "-j", "1", "--persistent=n", "--score=n"]
    without = [str(plugin), *base, *rel]
    with_ = [str(plugin), *base, "--load-plugins=pylint_celery", *rel]
    for cmd in (without, with_):
        r = run_measured(cmd, cwd=root)
        if r.returncode & 1 or r.returncode >= 32 or "Traceback" in r.stderr:
            raise SystemExit(f"pylint failed: {r.stderr[-2000:]}")
    log(f"pylint: {len(files)} modules of {root.name}, {lines} lines, {repeats} repeats each way ...")
    runs = alternate({"without": lambda: run_measured(without, cwd=root),
                      "with": lambda: run_measured(with_, cwd=root)}, repeats)
    res = _overhead_result("pylint", "pylint (default messages) -j 1", runs, TARGETS["pylint"],
                           f"{len(files)} modules of {root.name} ({lines} lines)")
    res.data["files"] = rel
    _add_share(res, plugin, ["pylint", *with_[3:]], root)
    return res


SHARE_RUNS = 3  # runs of plugin_share.py per tool: its ratio is steady, a few runs suffice


def _shares(plugin: Path, args: list[str], cwd: Path, before=None) -> list[dict]:
    """SHARE_RUNS runs of plugin_share.py (``before`` is called ahead of each, unmeasured)."""
    shares = []
    for _ in range(SHARE_RUNS):
        if before is not None:
            before()
        r = run_measured([str(plugin), str(HERE / "plugin_share.py"), *args], cwd=cwd)
        line = next((ln for ln in r.stderr.splitlines() if ln.startswith("plugin-share ")), None)
        if line is None:
            raise SystemExit(f"plugin_share.py {args[0]} failed: {r.stderr[-2000:]}")
        shares.append(json.loads(line.split(" ", 1)[1]))
    return shares


def _middle(shares: list[dict]) -> dict:
    return sorted(shares, key=lambda d: d["share"])[len(shares) // 2]


def _add_share(res: Result, plugin: Path, args: list[str], cwd: Path) -> None:
    """The plugin's own share of the tool's CPU time, timed inside one process (plugin_share.py)."""
    shares = _shares(plugin, args, cwd)
    mid = _middle(shares)
    res.data["share"] = mid["share"]
    res.data["shares"] = [d["share"] for d in shares]
    res.notes.append(
        f"inside the tool (benchmarks/plugin_share.py, median of {len(shares)} runs): celery-lint took "
        f"{mid['plugin']:.2f} s of the run's {mid['total']:.2f} s CPU = {mid['share'] * 100:.2f}% "
        f"(import {mid['import'] * 1000:.0f} ms, its checks {mid['calls']:.2f} s); the runs gave "
        + ", ".join(f"{d['share'] * 100:.2f}%" for d in shares))


def _overhead_result(name: str, what: str, runs: dict[str, list[Run]], target: float, subset: str) -> Result:
    cpu = {k: [r.cpu for r in v] for k, v in runs.items()}
    wall = {k: [r.wall for r in v] for k, v in runs.items()}
    rss = {k: max(r.maxrss_mb for r in v) for k, v in runs.items()}
    overhead = median(cpu["with"]) / median(cpu["without"]) - 1
    wall_overhead = median(wall["with"]) / median(wall["without"]) - 1
    res = Result(name, header=["variant", "CPU s (median)", "noise", "wall s (median)", "peak RSS MB"])
    for k in ("without", "with"):
        res.rows.append([f"{what}, {k} celery-lint", f"{median(cpu[k]):.2f}", spread(cpu[k]),
                         f"{median(wall[k]):.2f}", f"{rss[k]:.0f}"])
    res.data.update(overhead=overhead, wall_overhead=wall_overhead, target=target, subset=subset,
                    cpu=cpu, wall=wall, rss=rss, met=overhead <= target)
    res.notes.append(f"subset: {subset}; overhead {overhead * 100:+.2f}% CPU ({wall_overhead * 100:+.2f}% wall), "
                     f"peak RSS {rss['with'] - rss['without']:+.1f} MB")
    return res


# ---------------------------------------------------------------------------------------------
# The core in process
# ---------------------------------------------------------------------------------------------

def _floor(modules: list[Module]) -> None:
    visitor = ast.NodeVisitor()
    for m in modules:
        visitor.visit(m.tree)


def _core(modules: list[Module]) -> None:
    check = celery_lint.check
    for m in modules:
        check(m.tree, str(m.path), source=m.source)


def _prefilter(modules: list[Module]) -> None:
    search = celery_lint.prefilter(celery_lint.DEFAULT_SETTINGS).search
    for m in modules:
        search(m.source)


def _timed(func, modules) -> callable:
    def run() -> tuple[float, float]:
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        func(modules)
        return time.process_time() - c0, time.perf_counter() - w0

    return run


CELERY = "imports celery"
HIT = "no celery import, prefilter passes it"
MISS = "nothing Celery-related (prefilter skips it)"
NO_IMPORT = "all modules not importing celery"


def groups(modules: list[Module]) -> dict[str, list[Module]]:
    """Modules that import celery; those that do not but that the prefilter lets through (they
    call tasks, read CELERY_ settings, or merely mention a marker); and the rest."""
    prefilter = celery_lint.prefilter(celery_lint.DEFAULT_SETTINGS)
    out = {CELERY: [], HIT: [], MISS: []}
    for m in modules:
        if imports_celery(m.tree):
            out[CELERY].append(m)
        elif prefilter.search(m.source):
            out[HIT].append(m)
        else:
            out[MISS].append(m)
    return out


def _core_row(name: str, count: int, lines: int, cpu: dict[str, float]) -> list:
    return [name, count, lines, f"{cpu['floor'] * 1000:.0f}", f"{cpu['core'] * 1000:.0f}",
            f"{cpu['core'] / cpu['floor']:.3f}x", f"{cpu['prefilter'] * 1000:.1f}",
            f"{cpu['prefilter'] / cpu['floor']:.4f}x"]


def bench_core(modules: list[Module], repeats: int) -> Result:
    celery_lint.check(ast.parse("import celery"), "warm.py")  # build the engine once
    res = Result("core", header=["modules", "count", "lines", "floor ms", "core ms", "core/floor",
                                 "prefilter ms", "prefilter/floor"])
    for name, mods in groups(modules).items():
        if not mods:
            continue
        log(f"core: {name}: {len(mods)} modules, {repeats} repeats ...")
        runs = alternate({"floor": _timed(_floor, mods), "core": _timed(_core, mods),
                          "prefilter": _timed(_prefilter, mods)}, repeats)
        cpu = {k: median([c for c, _ in v]) for k, v in runs.items()}
        lines = sum(m.lines for m in mods)
        res.rows.append(_core_row(name, len(mods), lines, cpu))
        res.data[name] = {"modules": len(mods), "lines": lines, "ratio": cpu["core"] / cpu["floor"],
                          "prefilter_ratio": cpu["prefilter"] / cpu["floor"], "median": cpu,
                          "cpu": {k: [c for c, _ in v] for k, v in runs.items()}}
    parts = [res.data[k] for k in (HIT, MISS) if k in res.data]
    if parts:  # every module that does not import celery: the sums of the two groups' medians
        cpu = {k: sum(p["median"][k] for p in parts) for k in ("floor", "core", "prefilter")}
        res.rows.append(_core_row(NO_IMPORT, sum(p["modules"] for p in parts), sum(p["lines"] for p in parts), cpu))
        res.data[NO_IMPORT] = {"ratio": cpu["core"] / cpu["floor"], "median": cpu}
    return res


def bench_selection(modules: list[Module], repeats: int) -> Result:
    """What the engine saves by skipping checks whose codes are all off: the core over the
    modules that import celery with every rule on (the standalone command's --select=CEL, the
    corpus runs) against flake8's default selection (the opt-in rules off)."""
    celery_mods = groups(modules)[CELERY]
    everything = frozenset(celery_lint.RULES)
    default = frozenset(code for code, rule in celery_lint.RULES.items() if rule.default)
    engine = celery_lint.default_engine()

    def core_with(enabled):
        def run(mods):
            check = celery_lint.check
            for m in mods:
                check(m.tree, str(m.path), source=m.source, enabled=enabled)
        return run

    celery_lint.check(ast.parse("import celery"), "warm.py")
    log(f"selection: {len(celery_mods)} modules, {repeats} repeats ...")
    runs = alternate({"all": _timed(core_with(everything), celery_mods),
                      "default": _timed(core_with(default), celery_mods)}, repeats)
    cpu = {k: median([c for c, _ in v]) for k, v in runs.items()}
    saved = 1 - cpu["default"] / cpu["all"]
    res = Result("selection", header=["rules on", "checks run", "CPU ms (median)", "noise"])
    for key, enabled, label in (("all", everything, "every rule"), ("default", default, "flake8's default selection")):
        res.rows.append([f"{label} ({len(enabled)} codes)", f"{len(engine.plan(enabled))} of {len(engine.handlers)}",
                         f"{cpu[key] * 1000:.0f}", spread([c for c, _ in runs[key]])])
    res.data.update(saved=saved, cpu=cpu)
    res.notes.append(f"{len(celery_mods)} modules importing celery; skipping the checks of the opt-in rules "
                     f"saves {saved * 100:.1f}% of the core's CPU time on them")
    return res


def bench_memory(modules: list[Module]) -> Result:
    """tracemalloc peak of one check() of each Celery module (tree pre-parsed, so the core's own)."""
    celery_mods = groups(modules)[CELERY]
    worst = (0, None)
    tracemalloc.start()
    for m in celery_mods:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        celery_lint.check(m.tree, str(m.path), source=m.source)
        peak = tracemalloc.get_traced_memory()[1] - base
        if peak > worst[0]:
            worst = (peak, m)
    tracemalloc.stop()
    res = Result("memory", header=["what", "value"])
    if worst[1] is not None:
        m = worst[1]
        res.rows.append(["largest core peak (tracemalloc) over one Celery module",
                         f"{worst[0] / 2 ** 20:.1f} MB ({m.path.name}, {m.lines} lines)"])
        res.data = {"peak_mb": worst[0] / 2 ** 20, "module": str(m.path), "lines": m.lines}
    return res


# ---------------------------------------------------------------------------------------------
# Growth
# ---------------------------------------------------------------------------------------------

def replicate(source: str, times: int) -> str:
    """The module's text repeated; ``from __future__`` imports kept only in the first copy."""
    tree = ast.parse(source)
    future = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            future.update(range(node.lineno - 1, node.end_lineno))
    rest = "".join(line for i, line in enumerate(source.splitlines(keepends=True)) if i not in future)
    return source.rstrip("\n") + "\n" + "\n".join([rest.rstrip("\n")] * (times - 1)) + "\n"


def pick_growth_module(modules: list[Module]) -> Module:
    """The Celery module with the most tasks (ties: the larger)."""
    best = None
    for m in groups(modules)[CELERY]:
        if m.lines > 1500:
            continue
        key = (len(build(m.tree, str(m.path), celery_lint.DEFAULT_SETTINGS, frozenset()).tasks), m.lines)
        if best is None or key > best[0]:
            best = (key, m)
    if best is None:
        raise SystemExit("no Celery module in the corpus subset")
    return best[1]


def _per_call(func, budget: float = 0.3) -> float:
    """CPU seconds of one call: repeat until the budget is spent; the median of the calls."""
    times = []
    spent = 0.0
    while spent < budget or len(times) < 3:
        c0 = time.process_time()
        func()
        dt = time.process_time() - c0
        times.append(dt)
        spent += dt
    return median(times)


def bench_growth(modules: list[Module], repeats: int) -> Result:
    m = pick_growth_module(modules)
    one = ast.parse(m.source)
    ten = ast.parse(replicate(m.source, 10))
    visitor = ast.NodeVisitor()
    runs = alternate({
        "core 1x": lambda: _per_call(lambda: celery_lint.check(one, "m.py")),
        "core 10x": lambda: _per_call(lambda: celery_lint.check(ten, "m.py")),
        "floor 1x": lambda: _per_call(lambda: visitor.visit(one)),
        "floor 10x": lambda: _per_call(lambda: visitor.visit(ten)),
    }, repeats)
    med = {k: median(v) for k, v in runs.items()}
    core, floor = med["core 10x"] / med["core 1x"], med["floor 10x"] / med["floor 1x"]
    res = Result("growth", header=["what", "1x ms", "10x ms", "10x / 1x"])
    res.rows.append(["core", f"{med['core 1x'] * 1000:.2f}", f"{med['core 10x'] * 1000:.2f}", f"{core:.2f}x"])
    res.rows.append(["bare traversal", f"{med['floor 1x'] * 1000:.2f}", f"{med['floor 10x'] * 1000:.2f}",
                     f"{floor:.2f}x"])
    res.rows.append(["core growth / bare traversal growth", "", "", f"{core / floor:.2f}x"])
    res.notes.append(f"module: {m.path.name} of {m.project} ({m.lines} lines), replicated 10 times "
                     "(same names defined again in each copy)")
    res.data = {"ratio": core, "floor_ratio": floor, "module": str(m.path), "lines": m.lines}
    return res


# ---------------------------------------------------------------------------------------------
# Scaling: many task calls against much config, 1k -> 64k lines
# ---------------------------------------------------------------------------------------------

_MIXED_HEAD = """\
import logging
from celery import Celery, chain, group
from celery.utils.log import get_task_logger

app = Celery("proj", broker="redis://localhost:6379/0")
logger = get_task_logger(__name__)
"""
_MIXED_BLOCK = """\


@app.task(bind=True, max_retries=3, autoretry_for=(IOError,), retry_backoff=True)
def task_{i}(self, x, y=1):
    logger.info("x %s", x)
    try:
        return helper_{i}(x)
    except IOError as exc:
        raise self.retry(exc=exc, countdown=60)


app.conf.result_expires = 3600
app.conf.broker_transport_options = {{"visibility_timeout": 7200}}
task_{i}.apply_async((1,), countdown=10, serializer="json")
task_{i}.delay({{"a": 1}})
chain(task_{i}.s(1), task_{i}.s()).delay()
"""
SCALING_LINES = (1000, 4000, 16000, 64000)


def mixed_module(lines: int) -> str:
    """About ``lines`` lines of mixed Celery code: tasks, config items and task calls that grow
    together, so that any check pairing every call with every config item or task shows."""
    per_block = _MIXED_BLOCK.count("\n")
    blocks = max(1, (lines - _MIXED_HEAD.count("\n")) // per_block)
    return _MIXED_HEAD + "".join(_MIXED_BLOCK.format(i=i) for i in range(blocks))


_SCALING_CHILD = """
import ast, sys
sys.path.insert(0, {here!r})
from bench import mixed_module
import celery_lint
lines, what = int(sys.argv[1]), sys.argv[2]
tree = ast.parse(mixed_module(lines))
celery_lint.check(ast.parse("import celery"), "warm.py")
if what == "core":
    celery_lint.check(tree, "tasks.py")
"""


def bench_scaling(repeats: int, sizes: tuple[int, ...] = SCALING_LINES, count_instructions: bool = True,
                  budget: float = 0.5) -> Result:
    """Cost per line of mixed Celery code at each size; ``budget``: CPU seconds spent per measurement."""
    res = Result("scaling", header=["lines", "core CPU ms", "per 1k lines", "bare traversal ms", "per 1k lines",
                                    "ast.walk per 1k lines", "ast.parse per 1k lines", "core instructions per line"])
    visitor = ast.NodeVisitor()
    data: dict = {}
    for lines in sizes:
        source = mixed_module(lines)
        tree = ast.parse(source)
        log(f"scaling: {lines} lines ...")
        runs = alternate({"core": lambda: _per_call(lambda: celery_lint.check(tree, "tasks.py"), budget=budget),
                          "floor": lambda: _per_call(lambda: visitor.visit(tree), budget=budget),
                          "walk": lambda: _per_call(lambda: collections.deque(ast.walk(tree), maxlen=0), budget=budget),
                          "parse": lambda: _per_call(lambda: ast.parse(source), budget=budget)},
                         max(1, repeats // 2))
        data[lines] = {k: median(v) for k, v in runs.items()}
    if count_instructions and shutil.which("valgrind"):
        code = _SCALING_CHILD.format(here=str(HERE))
        for lines in (sizes[0], sizes[-1]):
            log(f"scaling: {lines} lines under valgrind ...")
            setup, core = (instructions([sys.executable, "-c", code, str(lines), what]) for what in ("setup", "core"))
            data[lines]["instructions"] = core - setup
    first, last = sizes[0], sizes[-1]
    for lines in sizes:
        d = data[lines]
        per_line = f"{d['instructions'] / lines:,.0f}" if "instructions" in d else "-"
        res.rows.append([f"{lines:,}", f"{d['core'] * 1000:.1f}", f"{d['core'] * 1e6 / lines:.1f}",
                         f"{d['floor'] * 1000:.1f}", f"{d['floor'] * 1e6 / lines:.1f}",
                         f"{d['walk'] * 1e6 / lines:.1f}", f"{d['parse'] * 1e6 / lines:.1f}", per_line])
    cpu = (data[last]["core"] / last) / (data[first]["core"] / first)
    floor = (data[last]["floor"] / last) / (data[first]["floor"] / first)
    walk = (data[last]["walk"] / last) / (data[first]["walk"] / first)
    parse = (data[last]["parse"] / last) / (data[first]["parse"] / first)
    res.data = {"cpu": cpu, "floor": floor, "walk": walk, "parse": parse,
                "sizes": {str(k): v for k, v in data.items()}}
    if "instructions" in data[last]:
        res.data["instructions"] = (data[last]["instructions"] / last) / (data[first]["instructions"] / first)
    res.notes.append(
        f"cost per line at {last:,} lines / at {first:,} lines: CPU {cpu:.2f}x (bare traversal {floor:.2f}x, "
        f"ast.walk alone {walk:.2f}x, ast.parse of the text {parse:.2f}x)"
        + (f", instructions {res.data['instructions']:.2f}x" if "instructions" in res.data else "")
        + ". The syntax tree of a module this large (about 300 bytes a node, 130 MB at 64k lines) no "
          "longer fits the processor's caches, so every pass over its nodes waits on memory (ast.walk alone "
          "grows too, and so does the host tool's own ast.parse, before any plugin runs), and the core walks "
          "the nodes several times (the model, the config, each check's nodes), which CPU time shows and "
          "instruction counts do not; the instructions say whether any check pairs every call with every "
          "config item or task (none does). A CPU growth of 1.1x or less is below what CPython's own parse "
          "and walks of the same tree reach on this machine.")
    return res


# ---------------------------------------------------------------------------------------------
# Instruction counts: deterministic, whatever else the machine is doing
# ---------------------------------------------------------------------------------------------

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")

#: A child that sets a module up (parse its text repeated k times, build the engine) and then,
#: unless ``what`` is "setup", runs the core or the bare traversal over it once.  Counting the
#: set-up alone too, and subtracting, leaves the instructions of the check itself.
_GROWTH_CHILD = """
import ast, sys
sys.path.insert(0, {here!r})
from bench import replicate
import celery_lint
path, k, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tree = ast.parse(replicate(open(path, encoding="utf-8").read(), k))
celery_lint.check(ast.parse("import celery"), "warm.py")
if what == "core":
    celery_lint.check(tree, "m.py")
elif what == "floor":
    ast.NodeVisitor().visit(tree)
"""


def instructions(cmd: list[str], cwd: Path | None = None) -> int:
    """Instructions a command executes, counted by valgrind (callgrind): the same count on every
    run of the same command, however busy the machine is."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                          cwd=cwd or neutral(), capture_output=True, text=True, env=env)
    found = _COLLECTED.findall(proc.stderr)
    if not found or "Traceback" in proc.stderr:
        raise SystemExit(f"valgrind {' '.join(cmd[:3])} ...: no instruction count\n{proc.stderr[-2000:]}")
    return int(found[-1])


def bench_instructions(plain: Path, plugin: Path, root: Path, step: int, module: Module) -> Result:
    res = Result("instructions", header=["what", "without / 1x", "with / 10x", "ratio"])
    files = python_files(root)[::step]
    lines = sum(f.read_bytes().count(b"\n") for f in files)
    cmd = ["-m", "flake8", "--isolated", "--select=E,F,W", "--jobs=1", *map(str, files)]
    log(f"instructions: flake8 on {len(files)} modules of {root.name} ({lines} lines) under valgrind ...")
    without, with_ = instructions([str(plain), *cmd]), instructions([str(plugin), *cmd])
    overhead = with_ / without - 1
    res.rows.append([f"flake8 --select=E,F,W, without / with celery-lint ({lines} lines)", f"{without:,}",
                     f"{with_:,}", f"{overhead * 100:+.2f}%"])
    log(f"instructions: growth of {module.path.name} under valgrind ...")
    code = _GROWTH_CHILD.format(here=str(HERE))
    count = {(k, what): instructions([sys.executable, "-c", code, str(module.path), str(k), what])
             for k in (1, 10) for what in ("setup", "core", "floor")}
    growth = {}
    for what, label in (("core", "core"), ("floor", "bare traversal")):
        one = count[1, what] - count[1, "setup"]
        ten = count[10, what] - count[10, "setup"]
        growth[what] = ten / one
        res.rows.append([f"{label}, module 1x / 10x", f"{one:,}", f"{ten:,}", f"{growth[what]:.2f}x"])
    sample = "every module" if step == 1 else f"every {step}th module (by path)"
    res.notes.append(f"flake8: {sample} of {root.name}, {len(files)} modules; growth: "
                     f"{module.path.name} of {module.project} ({module.lines} lines), as in the growth section. "
                     "valgrind counts instructions, not time: cache misses and a busy machine do not show in them.")
    res.data = {"flake8_overhead": overhead, "flake8": {"without": without, "with": with_, "lines": lines},
                "growth": growth["core"], "floor_growth": growth["floor"],
                "counts": {f"{k}x {w}": n for (k, w), n in count.items()}}
    return res


# ---------------------------------------------------------------------------------------------
# Import time
# ---------------------------------------------------------------------------------------------

_IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)\s*$")


IMPORT_REPEATS = 21  # each import is short: many runs let the best one miss the machine's busy spells


def import_ms(python: Path, pre: str, module: str, repeats: int) -> list[float]:
    """Cumulative import time of ``module`` (ms) after ``pre`` (the tool's own) is imported."""
    code = f"{pre}\nimport {module}" if pre else f"import {module}"
    out = []
    for _ in range(repeats):
        proc = subprocess.run([str(python), "-I", "-X", "importtime", "-c", code], capture_output=True,
                              text=True, check=True, cwd=neutral())
        total = None
        for line in proc.stderr.splitlines():
            m = _IMPORTTIME.match(line)
            if m and m.group(4) == module and len(m.group(3)) <= 1:
                total = int(m.group(2)) / 1000
        if total is None:
            raise SystemExit(f"no import time line for {module}:\n{proc.stderr[-2000:]}")
        out.append(total)
    return out


def bench_import(python: Path, repeats: int) -> Result:
    cases = [
        ("flake8_celery", "import flake8.main.application, flake8.checker, flake8.style_guide", "flake8_celery"),
        ("pylint_celery", "import pylint.lint, pylint.checkers", "pylint_celery"),
        ("celery_lint (core, bare interpreter)", "", "celery_lint"),
    ]
    res = Result("import", header=["module", "import ms (best)", "import ms (median)"])
    for label, pre, module in cases:
        ms = import_ms(python, pre, module, repeats)
        res.rows.append([label, f"{min(ms):.1f}", f"{median(ms):.1f}"])
        res.data[module] = min(ms)
        res.data[module + " median"] = median(ms)
    # First check() builds the engine (handler tables): a one-off cost per process.
    probe = subprocess.run([str(python), "-I", "-c", (
        "import ast, time, celery_lint; t = ast.parse('import celery'); c = time.perf_counter(); "
        "celery_lint.check(t, 'x.py'); print((time.perf_counter() - c) * 1000)")],
        capture_output=True, text=True, check=True, cwd=neutral())
    first = float(probe.stdout.strip())
    res.rows.append(["first check() in a process (engine set-up)", f"{first:.1f}", ""])
    res.data["first_check_ms"] = first
    res.notes.append("front-ends: -X importtime cumulative time of the plugin module after the tool's own "
                     "modules are imported (what the plugin adds to the tool's start-up); the best run is "
                     "judged, since other load on the machine only ever adds to it")
    return res


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def verdicts(results: dict[str, Result]) -> list[list[str]]:
    rows = []

    def add(name, measured, target, met):
        rows.append([name, measured, target, "met" if met else "MISSED"])

    instr = results["instructions"].data if "instructions" in results else {}
    for tool, goal in (("flake8", "<= 2%"), ("pylint", "<= 3%")):
        if tool in results:
            d = results[tool].data
            add(f"{tool} overhead, end to end (CPU, ratio of medians)", f"{d['overhead'] * 100:+.2f}%", goal,
                d["overhead"] <= TARGETS[tool])
            if "share" in d:
                add(f"{tool}: celery-lint's share of the run's CPU, timed inside the run", f"{d['share'] * 100:.2f}%",
                    goal, d["share"] <= TARGETS[tool])
        if tool == "flake8" and instr:
            o = instr["flake8_overhead"]
            add("flake8 overhead in instructions (valgrind)", f"{o * 100:+.2f}%", goal, o <= TARGETS["flake8"])
    if "project" in results:
        d = results["project"].data
        for k, goal in (("warm", "project_warm"), ("cold", "project_cold")):
            if k in d.get("overhead", {}):
                o = d["overhead"][k]
                add(f"project index, cache {k}: flake8 overhead, end to end (CPU, ratio of medians)",
                    f"{o * 100:+.2f}%", f"<= {TARGETS[goal] * 100:.0f}%", o <= TARGETS[goal])
                sh = d["share"][k]
                add(f"project index, cache {k}: celery-lint's share of flake8's CPU, timed inside the run",
                    f"{sh * 100:.2f}%", f"<= {TARGETS[goal] * 100:.0f}%", sh <= TARGETS[goal])
        if "per_1000" in d:
            t = d["build_totals"]
            rows.append(["(info) project index build without a cache, per 1,000 summarised modules",
                         f"{d['per_1000']:.2f} s CPU ({d['per_1000_warm']:.2f} s from a warm cache)", "-", "-"])
            rows.append([f"(info) project index cache on disk ({t['summarised']:,} summarised modules)",
                         f"{_kb(t['bytes'])} in {t['entries']:,} files ({_kb(t['allocated'])} allocated)", "-", "-"])
    if "core" in results:
        d = results["core"].data
        if CELERY in d:
            r = d[CELERY]["ratio"]
            add("core / bare traversal, modules importing celery", f"{r:.2f}x", "<= 2x", r <= TARGETS["core_celery"])
        if MISS in d:
            r = d[MISS]["ratio"]
            add("core / bare traversal, modules without anything Celery-related", f"{r:.3f}x", "<= 0.05x",
                r <= TARGETS["core_plain"])
        if NO_IMPORT in d:  # the prefilter's false hits cost a full check
            r = d[NO_IMPORT]["ratio"]
            rows.append(["(info) the same over all modules not importing celery", f"{r:.3f}x", "<= 0.05x",
                         "met" if r <= TARGETS["core_plain"] else "over"])
    if "import" in results:
        d = results["import"].data
        for module in ("flake8_celery", "pylint_celery"):
            add(f"import {module}", f"{d[module]:.1f} ms", "<= 30 ms", d[module] <= TARGETS["import_ms"])
    if "growth" in results:
        r = results["growth"].data["ratio"]
        add("growth 1x -> 10x module (CPU time)", f"{r:.2f}x", "<= 10.5x", r <= TARGETS["growth"])
    if instr:
        r = instr["growth"]
        add("growth 1x -> 10x module in instructions (valgrind)", f"{r:.2f}x", "<= 10.5x", r <= TARGETS["growth"])
    if "scaling" in results:
        d = results["scaling"].data
        if "instructions" in d:
            add("scaling 1k -> 64k lines of mixed code, cost per line in instructions (valgrind)",
                f"{d['instructions']:.2f}x", "<= 1.1x", d["instructions"] <= TARGETS["scaling"])
        rows.append(["(info) the same in CPU time", f"{d['cpu']:.2f}x (bare traversal {d['floor']:.2f}x)", "<= 1.1x",
                     "met" if d["cpu"] <= TARGETS["scaling"] else "over"])
    return rows


def explanations(results: dict[str, Result]) -> list[str]:
    """Why a target is missed, from the numbers of the same run (empty when all are met)."""
    out = []
    instr = results["instructions"].data if "instructions" in results else {}
    for tool in ("flake8", "pylint"):
        d = results[tool].data if tool in results else None
        if d is None or d["met"]:
            continue
        noise = max(_half_range(d["cpu"]["with"]), _half_range(d["cpu"]["without"]))
        text = (f"- {tool} end to end: missed by {(d['overhead'] - d['target']) * 100:.2f} points. The repeats of "
                f"one and the same command differ by up to ±{noise * 100:.1f}% here (half their range), more than "
                f"the {d['target'] * 100:.0f}% sought, so this difference of two medians cannot resolve it.")
        if "share" in d:
            text += (f" Timed inside the run, where the machine's speed affects the tool and the plugin alike, "
                     f"celery-lint took {d['share'] * 100:.2f}% of {tool}'s CPU time"
                     + (" (within the target)." if d["share"] <= d["target"] else " (also over the target)."))
        if tool == "flake8" and instr:
            text += (" Counted in instructions, which no load on the machine changes: "
                     f"{instr['flake8_overhead'] * 100:+.2f}%.")
        out.append(text)
    if "project" in results and "overhead" in results["project"].data:
        d = results["project"].data
        noise = max(_half_range(v) for v in d["cpu"].values())
        for k, goal in (("warm", "project_warm"), ("cold", "project_cold")):
            if d["overhead"][k] <= TARGETS[goal]:
                continue
            out.append(f"- flake8 with the project index, cache {k}: missed by "
                       f"{(d['overhead'][k] - TARGETS[goal]) * 100:.2f} points. The repeats of one command differ "
                       f"by up to ±{noise * 100:.1f}% here (half their range). Timed inside the run, celery-lint "
                       f"(the index build included) took {d['share'][k] * 100:.2f}% of flake8's CPU time"
                       + (" (within the target)." if d["share"][k] <= TARGETS[goal] else " (also over the target)."))
    if "growth" in results and results["growth"].data["ratio"] > TARGETS["growth"]:
        g = results["growth"].data
        text = (f"- growth in CPU time: {g['ratio']:.2f}x, while the bare traversal of the same two trees grows "
                f"{g['floor_ratio']:.2f}x: a tree ten times larger no longer fits the CPU caches, and every node "
                "costs more to reach, whoever walks it (plus the machine's noise on a measurement of milliseconds).")
        if instr:
            text += (f" In instructions, which count the work and not the cache misses, the core grows "
                     f"{instr['growth']:.2f}x and the traversal {instr['floor_growth']:.2f}x: no quadratic corner.")
        out.append(text)
    if "import" in results:
        d = results["import"].data
        for module in ("flake8_celery", "pylint_celery"):
            if d[module] > TARGETS["import_ms"]:
                out.append(f"- import {module}: the best of the runs is {d[module]:.1f} ms (median "
                           f"{d[module + ' median']:.1f} ms): no run fell in a quiet spell of the machine, or the "
                           "import itself grew -- compare the core's import in a bare interpreter with earlier runs.")
    if "core" in results:
        d = results["core"].data
        if CELERY in d and d[CELERY]["ratio"] > TARGETS["core_celery"]:
            out.append(f"- core on Celery modules: {d[CELERY]['ratio']:.2f}x one traversal; "
                       "`benchmarks/profile_core.py` shows where the time goes.")
        if MISS in d and d[MISS]["ratio"] > TARGETS["core_plain"]:
            out.append(f"- core on other modules: {d[MISS]['ratio']:.3f}x; the source prefilter should be the only "
                       "cost there.")
    return out


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "celery_lint", "flake8_celery",
                                "pylint_celery"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        return head + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


SECTIONS = {
    "flake8": "flake8 with and without celery-lint installed",
    "project": "The project index: flake8 with a warm and a cold cache, build time, cache size",
    "pylint": "pylint with and without `load-plugins=pylint_celery`",
    "core": "The core against one bare `ast.NodeVisitor` traversal (pre-parsed trees, CPU time)",
    "selection": "Checks skipped when their codes are off",
    "import": "Import time",
    "memory": "Memory",
    "growth": "Growth with module size",
    "scaling": "Scaling: 1k to 64k lines of mixed Celery code",
    "instructions": "Instruction counts (valgrind): the same comparisons without the machine's noise",
}


ORDER = ("flake8", "project", "pylint", "core", "selection", "growth", "scaling", "import", "memory", "instructions")
_WHY_HEADING = "### Why a target is missed"


def _row_part(label: str) -> str:
    """The part a row of the Targets table comes from (for keeping the rows of an earlier run)."""
    if "instructions (valgrind)" in label and not label.startswith("scaling"):
        return "instructions"
    for prefix, part in (("project index", "project"), ("(info) project index", "project"), ("flake8", "flake8"),
                         ("pylint", "pylint"), ("core", "core"), ("(info) the same over all modules", "core"),
                         ("import", "import"), ("growth", "growth"), ("scaling", "scaling"),
                         ("(info) the same in CPU time", "scaling")):
        if label.startswith(prefix):
            return part
    return "?"


def _why_part(line: str) -> str:
    for prefix, part in (("- flake8 with the project index", "project"), ("- flake8", "flake8"),
                         ("- pylint", "pylint"), ("- growth", "growth"), ("- import", "import"), ("- core", "core")):
        if line.startswith(prefix):
            return part
    return "?"


def _run_text(meta: dict, argv: list[str]) -> str:
    return (f"`{' '.join(['python', 'benchmarks/bench.py', *argv])}` ({meta['repeats']} repeats), "
            f"{meta['machine']['date']}, celery-lint {celery_lint.__version__} at {meta['commit']}, "
            f"{len(celery_lint.RULES)} rules, load average at start {meta['load']}")


_RUN_LINE = re.compile(r"^- Run ([A-Z])(?: \(sections: [^)]*\))?: (.*)$")
_RUN_MARK = re.compile(r"^_Run ([A-Z])\._$")
_WHY_MARK = re.compile(r" _\(run ([A-Z])\)_$")


def parse_page(text: str) -> dict:
    """What an earlier page of this script holds, per part: its section, its Targets rows, its
    explanations, and the run (command, date, commit) that measured it."""
    by_title = {title: key for key, title in SECTIONS.items()}
    runs: dict[str, str] = {}
    old = {}
    for line in text.splitlines():
        m = _RUN_LINE.match(line)
        if m:
            runs[m.group(1)] = m.group(2)
        for key in ("Command", "Date", "Load average at start"):
            if line.startswith(f"- {key}: "):
                old[key] = line.split(": ", 1)[1]
    if not runs and "Command" in old:  # a page of one run
        command, date = old["Command"], old.get("Date", "").replace("; ", ", ")
        load = old.get("Load average at start", "").split(" (", 1)[0]
        runs["A"] = f"{command}, {date}, load average at start {load}"
    page = {"runs": runs, "sections": {}, "targets": [], "why": []}
    current, body, where = None, [], None
    for line in [*text.splitlines(), "## (end)"]:
        if line.startswith("## ") or line == _WHY_HEADING:
            if current in SECTIONS:
                run = "A"
                while body and not body[0].strip():
                    body = body[1:]
                if body and _RUN_MARK.match(body[0]):
                    run = _RUN_MARK.match(body[0]).group(1)
                    body = body[1:]
                while body and not body[0].strip():
                    body = body[1:]
                page["sections"][current] = (run, "\n".join(body).strip("\n"))
            current = by_title.get(line[3:].strip()) if line.startswith("## ") else None
            where = "targets" if line == "## Targets" else "why" if line == _WHY_HEADING else None
            body = []
            continue
        if current is not None:
            body.append(line)
        elif where == "targets" and line.startswith("| ") and not line.startswith("| target ") \
                and not set(line) <= set("|- "):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            run = cells[4] if len(cells) > 4 else "A"
            page["targets"].append((_row_part(cells[0]), cells[:4], run))
        elif where == "why" and line.startswith("- "):
            m = _WHY_MARK.search(line)
            page["why"].append((_why_part(line), line[:m.start()] if m else line, m.group(1) if m else "A"))
    return page


def render(results: dict[str, Result], meta: dict, argv: list[str], previous: dict | None = None) -> str:
    """The page.  With ``previous`` (an earlier page, parsed), the parts this run did not measure
    keep their sections, rows and explanations from it, and the page says which run measured what."""
    m = meta["machine"]
    kept = {k: v for k, v in (previous or {}).get("sections", {}).items() if k not in results}
    run_of: dict[str, str] = {k: "now" for k in results}  # part -> run text
    old_runs = (previous or {}).get("runs", {})
    for k, (run, _) in kept.items():
        run_of[k] = old_runs.get(run, "an earlier run")
    texts = list(dict.fromkeys([*(["now"] if results else []), *(run_of[k] for k in ORDER if k in run_of)]))
    letter = {t: chr(ord("A") + i) for i, t in enumerate(texts)}
    several = len(texts) > 1
    parts = [k for k in ORDER if k in run_of]
    out = [
        "# Performance",
        "",
        "Measured by `benchmarks/bench.py` (this page is its output; do not edit it by hand).",
        "Reproduce from a clean checkout:",
        "",
        "```",
        "python benchmarks/get_corpus.py --extras /tmp/corpus",
        "python benchmarks/bench.py            # --quick for a short run, --repeats N, --only PARTS",
        "```",
        "",
    ]
    if several:
        out += [f"- Machine: {m['cpu']}, {m['cores']} cores, {m['python']}, {m['os']}",
                "- The sections come from more than one run (`--only` measured some parts again):"]
        for t in texts:
            secs = ", ".join(k for k in parts if run_of[k] == t)
            out.append(f"- Run {letter[t]} (sections: {secs}): {_run_text(meta, argv) if t == 'now' else t}")
        out += ["- Other work on the machine adds noise; CPU time is used for every ratio, wall time is shown "
                "alongside", ""]
    else:
        out += [
            f"- Command: `{' '.join(['python', 'benchmarks/bench.py', *argv])}` ({meta['repeats']} repeats)",
            f"- Machine: {m['cpu']}, {m['cores']} cores, {m['python']}, {m['os']}",
            f"- Date: {m['date']}; celery-lint {celery_lint.__version__} at {meta['commit']}, "
            f"{len(celery_lint.RULES)} rules",
            f"- Load average at start: {meta['load']} (other work on the machine adds noise; CPU time is used "
            "for every ratio, wall time is shown alongside)",
            "",
        ]
    rows = [(_row_part(r[0]), r, "now") for r in verdicts(results)]
    rows += [(part, r, old_runs.get(run, "an earlier run")) for part, r, run in (previous or {}).get("targets", [])
             if part in kept]
    rows.sort(key=lambda x: ORDER.index(x[0]) if x[0] in ORDER else len(ORDER))
    header = ["target", "measured", "goal", "verdict"] + (["run"] if several else [])
    out += ["## Targets", "", table([r + ([letter[t]] if several else []) for _, r, t in rows], header), ""]
    why = [(_why_part(w), w, "now") for w in explanations(results)]
    why += [(part, w, old_runs.get(run, "an earlier run")) for part, w, run in (previous or {}).get("why", [])
            if part in kept]
    if why:
        out += [_WHY_HEADING, "", *[w + (f" _(run {letter[t]})_" if several else "") for _, w, t in why], ""]
    for key in parts:
        out += [f"## {SECTIONS[key]}", ""]
        if several:
            out += [f"_Run {letter[run_of[key]]}._", ""]
        if key in results:
            res = results[key]
            out += [table(res.rows, res.header), ""]
            out += [f"{n}" for n in res.notes]
            if res.notes:
                out.append("")
        else:
            out += [kept[key][1], ""]
    out += [
        "## Method",
        "",
        "- Each comparison alternates its variants (A B B A ...) within one run and compares the medians of "
        "the repeats; `noise` is half the range of the repeats relative to their median.",
        "- flake8: two fresh virtual environments with the same flake8/pylint versions, one also with "
        "celery-lint installed (not editable) from the checkout. flake8 runs every installed plugin whatever "
        "`--select` says, so `--select=E,F,W` measures what installing celery-lint costs a user who runs "
        "flake8 without looking at CEL codes.",
        "- project index: the corpus projects are their own roots (a root marker in each project folder, see "
        "benchmarks/README.md), so the plugin builds each project's index as in a user's checkout. flake8 as "
        "above, three variants alternating: without celery-lint; with it, the index cache "
        "(`.celery_lint_cache/` in the project) warm from the runs before; with it, the cache removed before "
        "each run (outside the measured process), as in a fresh CI checkout. The index build is timed in this "
        "process: `build_index(root, Settings(no_cache=True))` per corpus project, alternating with a build "
        "from a warm cache in a temporary folder, whose size is then counted.",
        "- pylint: default messages, `-j 1`, `--rcfile=/dev/null`, the same fixed subset with and without "
        f"`--load-plugins=pylint_celery`: the first {PYLINT_CELERY_MODULES} modules (by path) of "
        f"{PYLINT_PROJECT} that import celery plus as many others spread evenly over the project.",
        "- core: `celery_lint.check(tree, path, source=text)` as the flake8 front-end calls it (prefilter "
        "first), against `ast.NodeVisitor().visit(tree)` over the same pre-parsed trees. Modules are grouped "
        "by whether they import celery; those that do not are split by whether the source prefilter lets "
        "them through: many do for good reasons (they call `.delay()` on tasks imported from elsewhere, "
        "read `CELERY_*` settings), some only mention a marker in an import path, string or comment, and "
        "each of those costs a full check.",
        "- growth: the corpus Celery module with the most tasks (at most 1500 lines), and the same text "
        "repeated 10 times.",
        "- inside the tool: `benchmarks/plugin_share.py` runs flake8 or pylint once in its own process with "
        "celery-lint's entry points wrapped in CPU timers (the front-end's import, flake8's calls to the "
        "checker, pylint's calls to the checker and to the message filters) and divides by the process's CPU "
        "time. A busy machine slows the tool and the plugin alike, so the share holds steady where the "
        "difference of two runs does not; it leaves out the tool's own cost of having one more plugin.",
        "- instructions: `valgrind --tool=callgrind` counts the instructions of whole runs (flake8 with and "
        "without celery-lint on a fixed sample of the flake8 project; a child that parses the growth module "
        "1x or 10x and then runs the core, the bare traversal, or nothing, so that subtracting leaves the "
        "check alone). The counts are the same on every run, whatever else the machine does.",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="default: %(default)s")
    parser.add_argument("--quick", action="store_true", help="small subsets and 3 repeats")
    parser.add_argument("--repeats", type=int, default=None, help="repeats of each variant (default 7, quick 3)")
    parser.add_argument("--only", type=lambda s: [p for p in s.split(",") if p], default=list(PARTS),
                        metavar="PARTS", help=f"comma-separated subset of {','.join(PARTS)}")
    parser.add_argument("--plain-venv", type=Path, default=Path("/tmp/bench-venv-plain"))
    parser.add_argument("--plugin-venv", type=Path, default=Path("/tmp/bench-venv-plugin"))
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "performance.md",
                        help="where to write the report (default: %(default)s)")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--json", type=Path, default=None, help="also dump raw numbers here")
    args = parser.parse_args(argv)
    unknown = set(args.only) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    repeats = args.repeats or (3 if args.quick else 7)
    meta = {"machine": machine(), "commit": git_commit(), "repeats": repeats,
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}

    results: dict[str, Result] = {}
    if "instructions" in args.only and not shutil.which("valgrind"):
        log("instructions: valgrind is not installed; skipped (Debian: apt-get install valgrind)")
        args.only.remove("instructions")
    if {"flake8", "project", "pylint", "import", "instructions"} & set(args.only):
        plugin = ensure_venv(args.plugin_venv, with_plugin=True)
    if {"flake8", "project", "instructions"} & set(args.only):
        plain = ensure_venv(args.plain_venv, with_plugin=False)
    if "flake8" in args.only:
        names = FLAKE8_PROJECTS_QUICK if args.quick else FLAKE8_PROJECTS
        results["flake8"] = bench_flake8(plain, plugin, projects(args.corpus, list(names)), repeats)
    if "project" in args.only:
        names = FLAKE8_PROJECTS_QUICK if args.quick else FLAKE8_PROJECTS
        results["project"] = bench_project(plain, plugin, projects(args.corpus, list(names)), repeats,
                                           projects(args.corpus, list(names) if args.quick else None))
    if "pylint" in args.only:
        root = projects(args.corpus, [PYLINT_PROJECT])[0]
        n = PYLINT_CELERY_MODULES_QUICK if args.quick else PYLINT_CELERY_MODULES
        results["pylint"] = bench_pylint(plugin, root, pylint_subset(root, n), repeats)
    if "scaling" in args.only and not {"core", "selection", "memory", "growth", "instructions"} & set(args.only):
        results["scaling"] = bench_scaling(repeats)
    if {"core", "selection", "memory", "growth", "instructions"} & set(args.only):
        roots = projects(args.corpus, list(FLAKE8_PROJECTS_QUICK) if args.quick else None)
        log(f"parsing {len(roots)} projects ...")
        modules, _ = load_modules(roots)
        if "core" in args.only:
            results["core"] = bench_core(modules, repeats)
            results["core"].notes.append(f"projects: {', '.join(r.name for r in roots)}")
        if "selection" in args.only:
            results["selection"] = bench_selection(modules, repeats)
        if "memory" in args.only:
            results["memory"] = bench_memory(modules)
        if "growth" in args.only:
            results["growth"] = bench_growth(modules, repeats)
        if "scaling" in args.only:
            results["scaling"] = bench_scaling(repeats)
        if "instructions" in args.only:
            root = projects(args.corpus, [(FLAKE8_PROJECTS_QUICK if args.quick else FLAKE8_PROJECTS)[0]])[0]
            step = 1 if args.quick else INSTRUCTIONS_SAMPLE_STEP
            results["instructions"] = bench_instructions(plain, plugin, root, step, pick_growth_module(modules))
    if "import" in args.only:
        results["import"] = bench_import(plugin, max(repeats, IMPORT_REPEATS))
    if "memory" in results:  # child peak RSS from the flake8/pylint runs, if measured
        for key in ("flake8", "pylint"):
            if key in results:
                rss = results[key].data["rss"]
                results["memory"].rows.append([f"{key} peak RSS without / with celery-lint",
                                               f"{rss['without']:.0f} / {rss['with']:.0f} MB"])

    results = {k: results[k] for k in ORDER if k in results}
    # A run of some parts keeps the other sections of the page (and says which run made which).
    previous = None
    if set(args.only) != set(PARTS) and not args.no_doc and args.doc.exists():
        previous = parse_page(args.doc.read_text(encoding="utf-8"))
    text = render(results, meta, argv, previous)
    print(text)
    if not args.no_doc:
        args.doc.parent.mkdir(parents=True, exist_ok=True)
        args.doc.write_text(text, encoding="utf-8")
        log(f"wrote {args.doc}")
    if args.json:
        args.json.write_text(json.dumps({k: r.data for k, r in results.items()} | {"meta": meta},
                                        indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
