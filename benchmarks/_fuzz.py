"""Generated programs for the fuzz pass of ``corpus.py``.

Two sources: hypothesmith (arbitrary valid Python from the grammar and from libcst nodes),
and a Celery-shaped generator that assembles apps, task decorators with odd option values,
task classes, results, canvases and configuration -- the shapes the model and the checks
actually look into, which random grammar programs almost never reach.
"""
from __future__ import annotations

import textwrap

from hypothesis import strategies as st

from celery_lint import celery_data

IMPORTS = (
    "from celery import shared_task, Celery, Task, group, chain, chord, signature",
    "import celery",
    "import celery as c",
    "from celery import shared_task as st",
    "from celery.result import AsyncResult, allow_join_result, GroupResult",
    "from celery.schedules import crontab",
    "from proj.celery import app",
    "from django.db import transaction",
    "from celery import *",
    "from . import tasks",
    "from .tasks import add",
)

VALUES = (
    "None", "True", "False", "0", "-1", "3", "1.5", "'x'", "''", "b'x'", "(ValueError,)", "[Exception]",
    "{}", "{'a': 1}", "x", "f()", "lambda: 0", "(1, 2)", "...", "app", "self", "add", "add.s(1)",
    "celery.current_app", "settings.X", "not x", "x if y else z", "[*a]", "{**k}", "f'{x}'", "await x",
    # numbers past float's range and past the integer digit limit, and expressions too long to quote
    "9" * 400, "-" + "9" * 400, "9" * 400 + ".5", "1e400", "-1e400", "0x" + "f" * 4400, "10 ** 400",
    "float('inf')", "float('nan')", "(" + "+".join(["x"] * 300) + ")", "'" + "s" * 5000 + "'",
    "[" + ", ".join(["[1]"] * 50) + "]", "timedelta(days=" + "9" * 400 + ")",
    "datetime.now() + timedelta(seconds=" + "9" * 400 + ")",
)

DECORATORS = (
    "@shared_task", "@shared_task()", "@app.task", "@app.task()", "@c.shared_task", "@st",
    "@celery.shared_task", "@celery.task", "@celery.Celery().task", "@other.task", "@task",
    "@transaction.atomic", "@staticmethod",
)

BODIES = (
    "return {v}",
    "r = add.delay({v})\nreturn r.get({kw})",
    "add.apply_async(({v},), {kw})",
    "res = AsyncResult({v})\nres.wait()",
    "raise self.retry(exc={v}, {kw})",
    "self.retry({kw})",
    "try:\n    pass\nexcept {v} as e:\n    raise self.retry(exc=e)",
    "group(add.s(i) for i in {v})().get()",
    "chord([add.s({v})], add.s())({kw})",
    "chain(add.s({v}), add.s()).apply_async({kw})",
    "with allow_join_result():\n    add.delay().get()",
    "for i in {v}:\n    add.delay(i).get()",
    "with transaction.atomic():\n    add.delay({v})",
    "transaction.on_commit(lambda: add.delay({v}))",
    "time.sleep({v})",
    "requests.get({v}, {kw})",
    "self.update_state(state={v})",
    "return add({v})",
    "add.delay(*{v}, **{v})",
    "logger.info({v})",
    "print({v})",
    "yield {v}",
    "nonlocal x",
    "global x",
    "del x",
    "x: int = {v}",
    "async with x as y:\n    await y",
)

CONFIG = (
    "app = Celery({v}, {kw})",
    "app = c.Celery({v})",
    "app.conf.update({kw})",
    "app.conf.{setting} = {v}",
    "app.conf[{v}] = {v}",
    "app.config_from_object({v}, {kw})",
    "CELERY_{old} = {v}",
    "{setting} = {v}",
    "app.conf.beat_schedule = {{'x': {{'task': {v}, 'schedule': crontab({kw})}}}}",
    "app.autodiscover_tasks({v})",
    "add.delay({v})",
    "result = add.delay({v})\nresult.get({kw})",
    # every field of a beat entry, every limit and the visibility timeout, with odd values
    "app.conf.beat_schedule = {{{v}: {{'task': {v}, 'schedule': {v}, 'args': {v}, 'kwargs': {v}, "
    "'options': {{'expires': {v}, 'queue': {v}}}, 'relative': {v}, {v}: {v}}}}}",
    "app.add_periodic_task({v}, add.s({v}), name={v}, expires={v}, {kw})",
    "app.conf.broker_transport_options = {{'visibility_timeout': {v}}}",
    "app.conf.task_soft_time_limit = {v}\napp.conf.task_time_limit = {v}",
    "app.conf.update({setting}={v}, {setting2}={v})",
    "add.apply_async(({v},), countdown={v}, eta={v}, expires={v}, {kw})",
    "logger = logging.getLogger({v})",
)

TASK_OPTIONS = tuple(sorted(celery_data.TASK_OPTIONS)) + ("bogus", "typing")
CALL_OPTIONS = tuple(sorted(celery_data.EXECUTION_OPTIONS)) + ("timeout", "propagate", "disable_sync_subtasks")
SETTINGS = tuple(sorted(celery_data.SETTINGS))
OLD = tuple(sorted(celery_data.OLD_TO_NEW))
HANDLERS = tuple(sorted(celery_data.HANDLER_SIGNATURES)) + ("run", "__call__", "apply_async")


def _keywords(draw, names) -> str:
    n = draw(st.integers(0, 4))
    parts = [f"{draw(st.sampled_from(names))}={draw(st.sampled_from(VALUES))}" for _ in range(n)]
    if draw(st.integers(0, 9)) == 0:
        parts.append("**opts")
    if draw(st.integers(0, 9)) == 0:
        parts.insert(0, draw(st.sampled_from(VALUES)))
    return ", ".join(parts)


def _fill(draw, template: str) -> str:
    return template.format(
        v=draw(st.sampled_from(VALUES)),
        kw=_keywords(draw, CALL_OPTIONS),
        setting=draw(st.sampled_from(SETTINGS)),
        setting2=draw(st.sampled_from(SETTINGS)),
        old=draw(st.sampled_from(OLD)).removeprefix("CELERY_"),
    )


def _params(draw) -> str:
    order = ("self", "x", "/", "y", "z=1", "*args", "task_id=None", "**kwargs")
    picked = draw(st.lists(st.booleans(), min_size=len(order), max_size=len(order)))
    names = [name for name, keep in zip(order, picked) if keep]
    if names[:1] == ["/"]:
        names = names[1:]
    return ", ".join(names)


@st.composite
def _task(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        dec = draw(st.sampled_from(DECORATORS))
        if dec.endswith("()"):
            dec = dec[:-1] + _keywords(draw, TASK_OPTIONS) + ")"
        lines.append(dec)
    kind = draw(st.sampled_from(("def", "async def")))
    body = "\n".join(_fill(draw, draw(st.sampled_from(BODIES))) for _ in range(draw(st.integers(1, 4))))
    lines.append(f"{kind} {draw(st.sampled_from(('add', 'run', 'task', 'f')))}({_params(draw)}):")
    lines.append(textwrap.indent(body, "    "))
    return "\n".join(lines)


@st.composite
def _task_class(draw) -> str:
    base = draw(st.sampled_from(("Task", "celery.Task", "app.Task", "c.Task", "Base", "object", "Task, Mixin")))
    lines = [f"class {draw(st.sampled_from(('Base', 'MyTask', 'T')))}({base}):"]
    for _ in range(draw(st.integers(0, 3))):
        lines.append(f"    {draw(st.sampled_from(TASK_OPTIONS))} = {draw(st.sampled_from(VALUES))}")
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.sampled_from(HANDLERS))
        body = _fill(draw, draw(st.sampled_from(BODIES)))
        lines.append(f"    def {name}({_params(draw)}):")
        lines.append(textwrap.indent(body, "        "))
    if len(lines) == 1:
        lines.append("    pass")
    return "\n".join(lines)


@st.composite
def _nested(draw, inner) -> str:
    """Put a piece inside a function, a class, an if or a loop."""
    head = draw(st.sampled_from(("def outer():", "class Outer:", "if x:", "for i in y:", "with x:",
                                 "try:", "while x:")))
    text = head + "\n" + textwrap.indent(inner, "    ")
    if head == "try:":
        text += "\nexcept Exception:\n    pass"
    return text


@st.composite
def celery_programs(draw) -> str:
    """A module made of Celery-shaped pieces (it parses in the common case, not always)."""
    pieces = list(draw(st.lists(st.sampled_from(IMPORTS), max_size=4)))
    part = st.one_of(
        _task(),
        _task_class(),
        st.sampled_from(CONFIG).map(lambda t: t),
    )
    for _ in range(draw(st.integers(1, 6))):
        piece = draw(part)
        if piece in CONFIG:
            piece = _fill(draw, piece)
        if draw(st.integers(0, 4)) == 0:
            piece = draw(_nested(piece))
        pieces.append(piece)
    return "\n".join(pieces) + "\n"


def grammar_programs():
    """hypothesmith's programs, half of them behind a Celery preamble."""
    import hypothesmith  # noqa: PLC0415 -- slow to import, only the fuzz pass needs it

    preamble = st.sampled_from(("", "from celery import shared_task, Celery\napp = Celery()\n"))
    program = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())
    return st.tuples(preamble, program).map("".join)
