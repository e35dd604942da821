"""Bad input never raises out of the core or the plugins."""
from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

import celery_lint
from tools import flake8, pylint

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import _fuzz  # noqa: E402 -- the corpus script's Celery-shaped program generator

PRELUDE = "from celery import shared_task, group, chain, Task\nfrom proj.celery import app\n"


def _generated_module(n_tasks: int) -> str:
    parts = [PRELUDE, "import logging\nlogger = logging.getLogger(__name__)\n"]
    for i in range(n_tasks):
        parts.append(textwrap.dedent(f"""
            @app.task(bind=True, max_retries=3, autoretry_for=(IOError,), retry_backoff=True)
            def task_{i}(self, x, y=None):
                try:
                    value = task_{max(i - 1, 0)}.delay(x).id
                except IOError as exc:
                    raise self.retry(exc=exc)
                if x > {i}:
                    return [value, x * {i}]
                return None
            """))
    return "".join(parts)


BIG = _generated_module(1000)  # about 10,000 lines


@pytest.mark.parametrize("source", [
    "",
    "\n\n\n",
    "# only a comment about celery\n",
    "from celery import shared_task\n",
    "from celery import *\n@task\ndef f(): pass\n",
    "import celery\n@celery.task\ndef f(self): self.retry()\n",
    "from celery import shared_task\n@shared_task()\nasync def f():\n    await g()\n",
    "from celery import shared_task\n@shared_task(**opts)\ndef f(*a, **k): return f.delay(*a, **k).get()\n",
    "from celery import shared_task\nclass A:\n    @shared_task\n    def m(self): pass\n",
    "from celery import Task\nclass T(Task):\n    def run(): pass\n",
    "from celery import Celery\napp = Celery()\napp.conf[1] = 2\napp.conf.update(*a, **b)\n",
    "from celery import shared_task\nlambda: shared_task(lambda: 0)\n",
    "from celery import shared_task\n@shared_task\ndef f():\n    global x\n    x: int\n    del x\n",
    "from . import app\n@app.task\ndef f(): [t.delay(i) async for i in aiter()]\n",
], ids=lambda s: s[:40])
def test_odd_modules(source):
    celery_lint.check(ast.parse(source), "m.py", source=source, strict=True)
    celery_lint.check(ast.parse(source), "m.py", strict=True)  # without the prefilter


@pytest.mark.parametrize("source", ["def f(:\n", "x = 'unterminated\n", "\x00", "from celery import (\n"])
def test_syntax_errors_give_no_findings(source):
    assert celery_lint.check_source(source, "bad.py", strict=True) == []


def test_big_module_is_checked():
    assert BIG.count("\n") >= 10_000
    found = celery_lint.check(ast.parse(BIG), "big.py", source=BIG, strict=True)
    assert [v.code for v in found if celery_lint.RULES[v.code].default] == []


def _nested_module(depth: int) -> str:
    lines = [PRELUDE, "@shared_task\n", "def deep(x):\n"]
    for i in range(depth):
        lines.append("    " * (i + 1) + f"if x > {i}:\n")
    lines.append("    " * (depth + 1) + "return deep.delay(x).get()\n")
    return "".join(lines)


def test_deep_nesting():
    source = _nested_module(90)
    found = celery_lint.check(ast.parse(source), "deep.py", source=source, strict=True)
    assert [v.code for v in found if v.code.startswith("CEL2")] == ["CEL201"]
    expr = PRELUDE + "x = " + "(" * 150 + "1" + ")" * 150 + "\n" + "y = " + "+".join(["x"] * 900) + "\n"
    celery_lint.check(ast.parse(expr), "expr.py", source=expr, strict=True)


def test_monstrous_nesting_never_raises(monkeypatch):
    """A RecursionError deep inside becomes one internal-error finding, not a traceback."""
    import celery_lint.engine as engine

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(engine, "build", explode)
    source = _nested_module(3)
    (error,) = celery_lint.check(ast.parse(source), "deep.py", source=source)
    assert error.code == "CEL000" and "nested too deeply" in error.message and "no rule could check" in error.message
    with pytest.raises(RecursionError):
        celery_lint.check(ast.parse(source), "deep.py", source=source, strict=True)


def test_prefilter_skips_modules_without_celery(monkeypatch):
    import celery_lint.engine as engine

    def fail(*args, **kwargs):
        raise AssertionError("the model was built for a module without Celery")

    monkeypatch.setattr(engine, "build", fail)
    source = "import os\n\ndef handler(event):\n    return os.environ.get(event['key'])\n"
    assert celery_lint.check(ast.parse(source), "lambda.py", source=source, strict=True) == []


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_generated_programs_never_raise(code):
    for source in (code, PRELUDE + code):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        celery_lint.check(tree, "gen.py", source=source, strict=True)


def test_plugins_survive_bad_files(tmp_path):
    files = {
        "syntax.py": "from celery import shared_task\n@shared_task\ndef f(:\n",
        "empty.py": "",
        "latin1.py": None,
        "big.py": BIG,
        "deep.py": _nested_module(60),
        "nul.py": "from celery import shared_task\nx = 1\x00\n",
    }
    for name, text in files.items():
        if text is not None:
            (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "latin1.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nfrom celery import shared_task\n\n\n"
        b"@shared_task\ndef caf\xe9(x):\n    return caf\xe9.delay(x).get()  # \xe9\n"
    )
    names = sorted(files)
    expected = {("latin1.py", "CEL201"), ("deep.py", "CEL201")}
    _, found = flake8(names, tmp_path)
    assert {(p, code) for p, _, _, code, _ in found if code == "CEL201"} == expected
    _, found = pylint(names, tmp_path)
    assert {(p, code) for p, _, _, code, _ in found if code == "CEL201"} == expected


def test_prefilter_lets_celeryconfig_modules_through():
    source = "broker_url = 'redis://localhost'\nresult_backend = 'amqp'\n"
    found = celery_lint.check(ast.parse(source), "proj/celeryconfig.py", source=source, strict=True)
    assert [v.code for v in found] == ["CEL513"]
    assert celery_lint.check_source(source, "proj/celeryconfig.py") == found
    assert celery_lint.check(ast.parse(source), "proj/other.py", source=source) == []


def test_prefilter_skips_tasks_module_paths():
    source = "from superset.commands.tasks.cancel import CancelTask\n\nCancelTask().run()\n"
    prefilter = celery_lint.prefilter(celery_lint.DEFAULT_SETTINGS)
    assert not prefilter.search(source, "views.py")
    assert prefilter.search("@app.task\ndef f(): pass\n") and prefilter.search("x = app.task(f)\n")


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(_fuzz.celery_programs())
def test_celery_shaped_programs_with_odd_values_never_raise(code):
    """Every task option, call option, setting and beat field, with odd values (huge numbers,
    hex past the digit limit, expressions too long to quote): no check fails (strict mode)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    celery_lint.check(tree, "tasks.py", source=code, strict=True)
