"""Profile the core (cProfile) over the corpus modules that it checks in full.

    python benchmarks/profile_core.py                   # modules that import celery
    python benchmarks/profile_core.py --group hits      # every module the prefilter passes
    python benchmarks/profile_core.py --top 40 --dump /tmp/core.prof   # for snakeviz & co.
    python benchmarks/profile_core.py --phases          # timers instead of cProfile

Trees are parsed before profiling starts, so only the core is measured.  cProfile prints
the functions with the most own time, then those with the most cumulative time; it
inflates small, often-called functions several times over, so ``--phases`` measures
without it: the model build's phases and each check module's handlers, wrapped in timers.
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import functools
import pstats
import sys
import time
from pathlib import Path

from _common import DEFAULT_CORPUS, imports_celery, load_modules, projects

import celery_lint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="default: %(default)s")
    parser.add_argument("--projects", type=lambda s: [n for n in s.split(",") if n], metavar="A,B")
    parser.add_argument("--group", choices=("celery", "hits"), default="celery",
                        help="celery: modules importing celery; hits: all that pass the prefilter")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the modules")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", type=Path, help="write the raw profile here")
    parser.add_argument("--phases", action="store_true", help="time phases and check modules, no cProfile")
    args = parser.parse_args(argv)

    modules, _ = load_modules(projects(args.corpus, args.projects))
    prefilter = celery_lint.prefilter(celery_lint.DEFAULT_SETTINGS)
    if args.group == "celery":
        chosen = [m for m in modules if imports_celery(m.tree)]
    else:
        chosen = [m for m in modules if prefilter.search(m.source)]
    print(f"{len(chosen)} modules, {sum(m.lines for m in chosen)} lines, {args.rounds} rounds", file=sys.stderr)
    check = celery_lint.check
    for m in chosen[:5]:  # warm up: engine, caches
        check(m.tree, str(m.path))

    if args.phases:
        return phases(chosen, args.rounds, args.top)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.rounds):
        for m in chosen:
            check(m.tree, str(m.path))
    profile.disable()

    if args.dump:
        profile.dump_stats(str(args.dump))
    stats = pstats.Stats(profile)
    total = stats.total_tt
    print(f"total {total:.2f} s in the core")
    for label, func_name in (("model build", "build"), ("engine run", "run")):
        for key, value in stats.stats.items():
            if key[2] == func_name and key[0].endswith(("model.py", "engine.py")):
                print(f"  {label:12} {value[3]:.2f} s cumulative ({value[3] / total * 100:.0f}%)")
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


def _timer(acc: collections.Counter, key: str, func):
    @functools.wraps(func)
    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return func(*a, **k)
        finally:
            acc[key] += time.perf_counter() - t0

    return timed


def phases(chosen, rounds: int, top: int) -> int:
    """Wall time of the model build's phases, of collecting the config and of each check
    module's handlers."""
    from celery_lint import config, model  # noqa: PLC0415

    acc: collections.Counter = collections.Counter()
    per_func: collections.Counter = collections.Counter()
    model.build = _timer(acc, "model: build (total)", model.build)
    for name in ("_collect_bindings", "_collect_classes", "_collect_tasks"):
        if hasattr(model, name):
            setattr(model, name, _timer(acc, f"model: {name}", getattr(model, name)))
    import celery_lint.engine as engine_module  # noqa: PLC0415

    engine_module.collect_config = _timer(acc, "config: collect_config", config.collect_config)
    engine_module.build = model.build
    engine = celery_lint.default_engine()

    def wrap(func):
        short = func.__module__.rsplit(".", 1)[-1]
        return _timer(per_func, f"{short}.{func.__name__}", _timer(acc, f"checks: {short}", func))

    engine.handlers = {t: tuple(wrap(f) for f in fs) for t, fs in engine.handlers.items()}
    engine.module_handlers = tuple(wrap(f) for f in engine.module_handlers)
    t0 = time.perf_counter()
    for _ in range(rounds):
        for m in chosen:
            celery_lint.check(m.tree, str(m.path))
    total = time.perf_counter() - t0
    inner = sum(v for k, v in acc.items() if k.startswith("model: ") and k != "model: build (total)")
    acc["model: the walk and the rest of build"] = acc["model: build (total)"] - inner
    print(f"total {total:.2f} s over {rounds} rounds (timers add a little)")
    for key, value in sorted(acc.items(), key=lambda kv: -kv[1]):
        print(f"  {value:7.2f} s {value / total * 100:5.1f}%  {key}")
    print("slowest check functions:")
    for key, value in per_func.most_common(top):
        print(f"  {value:7.2f} s {value / total * 100:5.1f}%  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
