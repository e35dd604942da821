"""Numbers and expressions too large to convert or to print never cost a finding.

Each module below once ended in an internal error (float() overflow, the integer digit limit
of ``ast.dump``/``ast.unparse``, the recursion of ``ast.unparse`` on a long expression): now
every check runs to the end (strict mode re-raises any failure) and messages quote a
shortened, safely computed form.
"""
from __future__ import annotations

import ast

import pytest

import celery_lint
from celery_lint.text import SNIPPET_LIMIT, as_float, node_key, number, snippet

BIG = "9" * 400  # past float's range
HEX = "0x" + "f" * 4400  # past the 4300-digit limit of int -> str
DEEP = "DEEP_EXPRESSION"  # replaced, in the tree, by x + x + ... nested past what ast.unparse can take


def _deep(at: ast.AST | None = None, terms: int = 5000) -> ast.expr:
    """``x + x + ... + x``, built as a tree (the parser itself refuses to nest this deep), at
    the position of ``at``."""
    where = {k: getattr(at, k, 1) for k in ("lineno", "col_offset", "end_lineno", "end_col_offset")}
    expr: ast.expr = ast.Name("x", ast.Load(), **where)
    for _ in range(terms):
        expr = ast.BinOp(expr, ast.Add(), ast.Name("x", ast.Load(), **where), **where)
    return expr


def _tree(source: str) -> ast.Module:
    tree = ast.parse(source)
    for node in list(ast.walk(tree)):
        for field, value in ast.iter_fields(node):
            if isinstance(value, ast.Name) and value.id == DEEP:
                setattr(node, field, _deep(value))
            elif isinstance(value, list):
                value[:] = [_deep(v) if isinstance(v, ast.Name) and v.id == DEEP else v for v in value]
    return tree


MODULES = {
    "countdown": f"from celery import shared_task\n@shared_task\ndef t(x):\n    pass\n"
    f"t.apply_async((1,), countdown={BIG})\n",
    "soft_time_limit": f"from celery import shared_task\n@shared_task(soft_time_limit={BIG}, time_limit=5)\n"
    f"def t(x):\n    pass\n",
    "visibility_timeout": f"from celery import Celery\n"
    f"app = Celery(broker_transport_options={{'visibility_timeout': {BIG}}})\n"
    f"@app.task\ndef t(x):\n    pass\nt.apply_async((1,), countdown=5000)\n",
    "retry_delay": f"from celery import shared_task\n"
    f"@shared_task(bind=True, max_retries={BIG}, default_retry_delay={BIG})\n"
                   f"def t(self, x):\n    raise self.retry(countdown={BIG})\n",
    "hex_options": f"from celery import shared_task\n@shared_task(max_retries={HEX}, rate_limit={HEX})\ndef t(x):\n"
    f"    pass\n",
    "hex_beat": f"from celery import Celery\napp = Celery()\n"
    f"app.conf.beat_schedule = {{{HEX}: {{'task': 't', 'schedule': {HEX}, 'args': {HEX}}}}}\n",
    "hex_logger": f"from celery import shared_task\nimport logging\nlog = logging.getLogger({HEX})\n@shared_task\n"
    f"def t(x):\n    log.info(x)\n",
    "hex_task_class": f"from celery import Task\nclass T(Task):\n    max_retries = {HEX}\n"
    f"    soft_time_limit = {HEX}\n    time_limit = 1\n"
                      f"    autoretry_for = ({HEX},)\n    def run(self):\n        pass\n",
    "hex_retry_kwargs": f"from celery import shared_task\n"
    f"@shared_task(autoretry_for=(Exception,), retry_kwargs={{'max_retries': {HEX}}}, "
                        f"retry_backoff={HEX})\ndef t(x):\n    pass\n",
    "timedelta": f"from celery import shared_task\nfrom datetime import datetime, timedelta\n@shared_task\ndef t(x):\n"
    f"    pass\n"
                 f"t.apply_async((1,), eta=datetime.now() + timedelta(days={BIG}))\n"
                 f"t.apply_async((1,), countdown=timedelta(seconds={BIG}))\n",
    "config_limits": f"from celery import Celery\napp = Celery()\napp.conf.result_expires = {HEX}\n"
    f"app.conf.task_soft_time_limit = {BIG}\n"
                     "app.conf.task_time_limit = 1\n",
    "repeated_options": "from celery import shared_task\n" + "".join(
        f"@shared_task(acks_late=True, max_retries={HEX})\ndef t{i}(x):\n    pass\n" for i in range(4)),
    "deep_argument": f"from celery import shared_task\n@shared_task\ndef t(x):\n    pass\nt.delay({{{DEEP}}})\n",
    "deep_beat_key": f"from celery import Celery\napp = Celery()\n"
    f"app.conf.beat_schedule = {{{DEEP}: {{'task': 't', 'schedule': 5, 'bogus': 1}}}}\n",
    "deep_except": f"from celery import shared_task\n@shared_task\ndef t(x):\n    try:\n        pass\n"
    f"    except ({DEEP}):\n        pass\n",
}


def _findings(source: str, code: str) -> list:
    return [v for v in celery_lint.check(ast.parse(source), "tasks.py", source=source, strict=True) if v.code == code]


@pytest.mark.parametrize("name", MODULES)
def test_no_check_fails_and_messages_stay_short(name):
    source = MODULES[name]
    found = celery_lint.check(_tree(source), "tasks.py", source=source, strict=True)
    assert found, "each module has findings"
    for v in found:
        assert len(v.message) < 500, v


def test_huge_numbers_are_compared_exactly_and_shown_by_size():
    source = MODULES["soft_time_limit"]
    (v,) = _findings(source, "CEL511")
    assert "soft_time_limit=about 1e+400 is not below time_limit=5" in v.message
    source = MODULES["countdown"]
    (v,) = _findings(source, "CEL107")
    assert "more than 1e+308 seconds" in v.message


def test_a_long_expression_is_quoted_shortened():
    source = MODULES["deep_beat_key"]
    found = celery_lint.check(_tree(source), "tasks.py", source=source, strict=True)
    assert any(v.code == "CEL606" and "'a very large expression'" in v.message for v in found), found
    long = "{" + "+".join(["x"] * 100) + "}"
    source = f"from celery import shared_task\n@shared_task\ndef t(x):\n    pass\nt.delay({long})\n"
    (v,) = _findings(source, "CEL108")
    assert "'{x + x + x + x + x + x + x + x + x + ...' (a set)" in v.message  # 40 characters: an argument


def test_helpers():
    assert snippet(ast.parse("x", mode="eval").body) == "x"
    assert len(snippet(ast.parse("+".join(["abc"] * 100), mode="eval").body)) == SNIPPET_LIMIT
    assert snippet(_deep()) == "a very large expression"
    assert snippet(ast.parse(HEX, mode="eval").body) == "a very large number"
    one, two = ast.parse(HEX, mode="eval").body, ast.parse(HEX, mode="eval").body
    assert node_key(one) != node_key(two)  # too large to compare: never taken as equal
    assert node_key(ast.parse("a.b", mode="eval").body) == node_key(ast.parse("a.b", mode="eval").body)
    assert as_float(10 ** 400) == float("inf") and as_float(-10 ** 400) == float("-inf") and as_float(3) == 3.0
    assert [number(v) for v in (300, 300.0, 0.5, 10 ** 400, -10 ** 20, float("inf"), 1e20)] == [
        "300", "300", "0.5", "about 1e+400", "about -1e+20", "more than 1e+308", "1e+20"]
