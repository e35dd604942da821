"""CEL101-CEL108 and CEL301-CEL304 beyond the fixtures: Celery facts, settings, config."""
from __future__ import annotations

import textwrap

import pytest

import celery_lint
from celery_lint.rules import rules_of
from celery_lint import Settings
from celery_lint.celery_data import EXECUTION_OPTIONS, TASK_OPTIONS
from celery_lint.checks import atomicity, calls
from checking import found, messages

CODES = [rule.code for module in (calls, atomicity) for rule in rules_of(module)]


def test_option_names_are_celerys():
    """The options the time checks read are apply_async()'s and the task decorator's."""
    assert set(calls.SECONDS_OPTIONS) <= EXECUTION_OPTIONS
    assert set(calls.DATETIME_OPTIONS) <= EXECUTION_OPTIONS
    assert {"expires", "time_limit", "soft_time_limit", calls.RETRY_DELAY} <= TASK_OPTIONS


@pytest.mark.parametrize("code", CODES)
def test_examples(code):
    rule = celery_lint.RULES[code]
    assert found(rule.example, select=code), "the example must trigger the rule"
    assert not found(rule.instead, select=code), "the fixed example must not trigger it"
    assert set(rule.options) <= set(Settings.__dataclass_fields__)


def test_cel102_uses_celerys_execution_options():
    source = """
    from .tasks import send
    def f():
        send.delay(1, {option}=2)
    """
    for option in sorted(EXECUTION_OPTIONS):
        assert found(source.format(option=option), select="CEL102") == [(4, "CEL102")], option
    assert not found(source.format(option="user_id"), select="CEL102")


@pytest.mark.parametrize("annotation, fires", [
    ("", True),
    (": HttpRequest", True),
    (": 'HttpRequest'", True),
    (": HttpRequest | None", True),
    (": WSGIRequest", True),
    (": Any", True),
    (": object", True),
    (": StarletteRequest", True),
    (": SyncRequest", False),
    (": 'SyncRequest'", False),
    (": Payload", False),
    (": Payload | None", False),
    (": dict", False),
    (": dict[str, int]", False),
    (": schemas.SyncRequest", False),
])
def test_cel101_request_parameter_trusts_its_annotation(annotation, fires):
    source = f"""
    from typing import Any
    from django.http import HttpRequest
    from django.core.handlers.wsgi import WSGIRequest
    from pydantic import BaseModel
    from starlette.requests import Request as StarletteRequest
    from . import schemas
    from .schemas import SyncRequest
    from .tasks import run

    class Payload(BaseModel):
        x: int

    def start(request{annotation}):
        run.delay(request)
    """
    assert bool(found(source, select="CEL101")) is fires


def test_cel102_names_the_kwargs_that_swallow_the_option():
    source = """
    from celery import shared_task

    @shared_task
    def send(url, **extra):
        ...

    def f():
        send.delay("u", countdown=5)
    """
    assert messages(source, select="CEL102") == [
        "'countdown=' given to delay() goes silently into the **extra of task 'send', not used as Celery's "
        "execution option; call apply_async((...), countdown=...) instead"]


VISIBILITY = """
from proj.tasks import remind
def f():
    remind.apply_async((1,), countdown=2000)
"""


def test_cel107_setting():
    assert not found(VISIBILITY, select="CEL107")
    assert found(VISIBILITY, select="CEL107", settings=Settings(visibility_timeout=1800)) == [(4, "CEL107")]
    settings = Settings.from_mapping({"visibility-timeout": "1800"})
    assert found(VISIBILITY, select="CEL107", settings=settings) == [(4, "CEL107")]


@pytest.mark.parametrize("config, fires", [
    ('app.conf.broker_transport_options = {"visibility_timeout": 7200}', False),
    ('app.conf.broker_transport_options = {"visibility_timeout": 1000}', True),
    ("app.conf.broker_transport_options = TRANSPORT_OPTIONS", False),
    ('app.conf.broker_transport_options = {"max_retries": 3}', True),
    ('app.conf.broker_url = "amqp://guest@localhost//"', False),
])
def test_cel107_module_config(config, fires):
    source = f"""
    from celery import Celery
    app = Celery("proj")
    {config}

    @app.task
    def remind(x):
        ...

    def f():
        remind.apply_async((1,), countdown=5000)
    """
    assert bool(found(source, select="CEL107")) is fires


def test_cel108_pickle_config_silences():
    source = """
    from celery import Celery
    app = Celery("proj")
    {config}

    @app.task
    def collect(ids):
        return set(ids)

    def f():
        collect.delay({{1, 2}})
    """
    assert len(found(source.format(config=""), select="CEL108")) == 2
    assert found(source.format(config='app.conf.task_serializer = "pickle"'), select="CEL108") == [(8, "CEL108")]
    assert found(source.format(config='app.conf.result_serializer = "pickle"'), select="CEL108") == [(11, "CEL108")]


def test_other_libraries_are_not_tasks():
    source = """
    from multiprocessing.pool import ThreadPool
    from rq_scheduler import scheduler
    from datetime import datetime, timedelta
    from proj.pools import worker_pool

    def f(pool: ThreadPool, job):
        pool.apply_async(print, (1,), {}, None)
        worker_pool.apply_async(print, (1, 2), {}, None)
        worker_pool.apply_async(print, [1])
        scheduler.delay(5, countdown=3)
        job.apply_async(args=(1), eta=datetime.now(), countdown=timedelta(1))
    """
    assert not found(source, filename="jobs.py", select=CODES)


def test_messages_name_the_argument_not_secrets():
    source = """
    from .tasks import send
    def view(request):
        send.delay(request.user)
    """
    (message,) = messages(source, filename="views.py", select="CEL101")
    assert "request.user" in message and "primary key" in message


def test_cel301_cel304_only_for_celery_sends():
    source = """
    from django.db import transaction
    from django.db.models.signals import post_save
    from django.dispatch import receiver
    from .animations import fade

    @receiver(post_save)
    def saved(sender, instance, **kwargs):
        fade.delay(1)
        with transaction.atomic():
            fade.apply_async((1,))
    """
    assert not found(source, filename="signals.py", select=("CEL301", "CEL304"))


@pytest.mark.parametrize("definition, fires", [
    ('app = Celery("proj")\n@app.task\ndef sync(pk):\n    ...', True),
    ('app = Celery("proj", task_cls="proj.tasks:OnCommitTask")\n@app.task\ndef sync(pk):\n    ...', False),
    ('app = Celery("proj")\n@app.task(base=OnCommitTask)\ndef sync(pk):\n    ...', False),
    ('app = Celery("proj")\n@on_commit_task\ndef sync(pk):\n    ...', False),
])
def test_cel301_leaves_tasks_whose_class_may_defer(definition, fires):
    """A Task class or decorator the module cannot see may send after the commit itself."""
    source = f"""
    from celery import Celery
    from django.db import transaction
    from proj.bases import OnCommitTask, on_commit_task

    {textwrap.indent(definition, "    ").strip()}

    def save(pk):
        with transaction.atomic():
            sync.delay(pk)
    """
    settings = Settings(task_decorators=("proj.bases.on_commit_task",))
    assert bool(found(source, select="CEL301", settings=settings)) is fires


def test_jobs_of_other_queues_made_by_calling_their_decorator_and_self_to_a_pickling_task():
    """django-imagekit: ``job("default")(generate)`` is django_rq's job (its .delay is RQ's), and
    ``self`` given to a task that pickles on purpose is no stale row (CEL003 reports the pickle)."""
    source = """\
        from celery import shared_task
        from django_rq import job


        def _generate(backend, name):
            backend.generate(name)


        _rq_job = job("default", result_ttl=0)(_generate)
        _pickling = shared_task(ignore_result=True, serializer="pickle")(_generate)
        _json = shared_task(ignore_result=True)(_generate)


        class Backends:
            def schedule(self, name):
                _rq_job.delay(self, name)
                _pickling.delay(self, name)
                _json.delay(self, name)
    """
    assert [(line, code) for line, code in found(source) if code == "CEL101"] == [(18, "CEL101")]
