"""Run flake8 or pylint once, in this process, with celery-lint's entry points timed.

    python benchmarks/plugin_share.py flake8 --select=E,F,W --jobs=1 PATHS...
    python benchmarks/plugin_share.py pylint -j 1 --load-plugins=pylint_celery PATHS...

Prints one line to stderr: ``plugin-share {json}`` with the process's CPU seconds and the CPU
seconds spent in celery-lint (importing the front-end, and every call flake8 or pylint makes
into it).  Both come from the same run, so a slow or busy machine slows both alike: their
ratio is far steadier than the difference of two separate runs.  What it cannot see is the
tool's own bookkeeping for one more plugin (loading the entry point, dispatching to it),
which the end-to-end comparison in bench.py includes.

bench.py runs this in the plugin virtual environment; it needs no corpus of its own.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import resource
import sys
import time

_spent = {"import": 0.0, "calls": 0.0}
_depth = [0]


def _timed(func, consume: bool = False):
    """Add the CPU time of each call (outermost only) to the total; ``consume`` lists a generator."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _depth[0] += 1
        t0 = time.process_time()
        try:
            result = func(*args, **kwargs)
            return iter(list(result)) if consume else result
        finally:
            _depth[0] -= 1
            if not _depth[0]:
                _spent["calls"] += time.process_time() - t0

    return wrapper


def _import(module: str):
    t0 = time.process_time()
    mod = __import__(module, fromlist=["_"])
    _spent["import"] += time.process_time() - t0
    return mod


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def flake8(args: list[str]) -> None:
    import flake8.checker  # noqa: F401 -- the tool's own modules first, as flake8 loads them
    import flake8.main.application  # noqa: F401
    from flake8.main.cli import main

    front = _import("flake8_celery")
    cls = front.CeleryChecker
    cls.run = _timed(cls.run, consume=True)
    for name in ("add_options", "parse_options"):
        setattr(cls, name, classmethod(_timed(getattr(cls, name).__func__)))
    with contextlib.suppress(SystemExit):
        main(args)


def pylint(args: list[str]) -> None:
    import pylint.checkers  # noqa: F401
    from pylint.lint import Run

    front = _import("pylint_celery")
    suppression = _import("pylint_celery.suppression")
    checker = front.CeleryLintChecker
    for name in ("open", "process_module"):
        setattr(checker, name, _timed(getattr(checker, name)))
    for tests in suppression.FILTERS.values():
        for symbol, test in list(tests.items()):
            tests[symbol] = _timed(test)
    front.register = _timed(front.register)
    front.load_configuration = _timed(front.load_configuration)
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull), contextlib.suppress(SystemExit):
        Run(args)


def main() -> int:
    tool, args = sys.argv[1], sys.argv[2:]
    {"flake8": flake8, "pylint": pylint}[tool](args)
    total = _cpu()
    plugin = _spent["import"] + _spent["calls"]
    print("plugin-share " + json.dumps({"total": total, "plugin": plugin, "import": _spent["import"],
                                        "calls": _spent["calls"], "share": plugin / total}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
