"""CEL501-CEL504, CEL509, CEL511-CEL516: cases a fixture cannot show (file names, settings,
messages, option suggestions)."""
from __future__ import annotations

from functools import partial

import pytest

import celery_lint
import checking
from celery_lint.rules import rules_of
from celery_lint.checks import definitions, limits, removed
from checking import messages

MODULES = (definitions, limits, removed)
RULES = [rule for module in MODULES for rule in rules_of(module)]
CODES = frozenset(rule.code for rule in RULES)
DEFAULT_CODES = frozenset(rule.code for rule in RULES if rule.default)


# The findings of this family's rules: those on by default, unless told otherwise (select=).
found = partial(checking.found, select=DEFAULT_CODES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_example_triggers_and_instead_does_not(rule):
    assert rule.code in {code for _, code in found(rule.example, select=CODES)}
    assert rule.code not in {code for _, code in found(rule.instead, select=CODES)}


def test_codes_and_opt_in():
    assert sorted(CODES) == ["CEL501", "CEL502", "CEL503", "CEL504", "CEL509", "CEL511", "CEL512",
                             "CEL513", "CEL514", "CEL515", "CEL516", "CEL517"]
    assert sorted(r.code for r in RULES if not r.default) == ["CEL515", "CEL516"]


# -- CEL501 ---------------------------------------------------------------------------------

def test_bind_from_project_decorator_only_when_explicitly_false():
    source = """
    from proj.decorators import instrumented_task

    @instrumented_task
    def a(self):
        return self.request.id

    @instrumented_task(bind=False)
    def b(self):
        return self.request.id
    """
    settings = celery_lint.Settings(task_decorators=("proj.decorators.instrumented_task",))
    assert found(source, settings=settings) == [(9, "CEL501")]


def test_bind_truthy_literal_counts_as_bound():
    assert found("""
    from celery import shared_task

    @shared_task(bind=1)
    def a(self):
        return self.request.id
    """) == []


# -- CEL503 ---------------------------------------------------------------------------------

NESTED = """
from proj.celery import app

def test_task_runs():
    @app.task
    def mul(x, y):
        return x * y
    assert mul.delay(2, 3).get() == 6
"""


def test_nested_task_in_test_module_is_the_documented_pattern():
    assert found(NESTED, filename="tests/test_tasks.py") == []
    assert found(NESTED, filename="proj/tasks.py") == [(6, "CEL503")]


# -- CEL504 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, meant", [
    ("max_retry", "max_retries"),
    ("retry_limit", "max_retries"),
    ("task_time_limit", "time_limit"),
    ("task_acks_late", "acks_late"),
    ("CELERY_TASK_SOFT_TIME_LIMIT", "soft_time_limit"),
    ("task_default_rate_limit", "rate_limit"),
    ("ignore_results", "ignore_result"),
    ("autoretry", "autoretry_for"),
    ("lock_timeout", None),
])
def test_option_suggestions(wrong, meant):
    source = f"from celery import Celery\napp = Celery('proj')\n\n@app.task({wrong}=1)\ndef t():\n    pass\n"
    found = [v.message for v in celery_lint.check_source(source, "tasks.py", strict=True) if v.code == "CEL504"]
    advice = f"did you mean '{meant}'?" if meant else "remove it, or make it an attribute"
    assert len(found) == 1 and advice in found[0]


def test_unknown_option_silent_when_app_has_its_own_task_class():
    assert found("""
    from celery import Celery

    app = Celery("proj", task_cls="proj.base:AuditedTask")

    @app.task(audit_channel="billing")
    def a():
        return 1
    """) == []


def test_unknown_option_message_names_the_option_and_the_fix():
    [message] = messages("""
    from celery import shared_task

    @shared_task(retry_limit=3)
    def a():
        return 1
    """, select="CEL504")
    assert "'retry_limit'" in message and "'max_retries'" in message


# -- CEL513 ---------------------------------------------------------------------------------

def test_removed_control_functions_point_to_app_control_once_per_import():
    [message] = messages("from celery.task.control import broadcast, revoke, Inspect\n", select="CEL513")
    assert message.startswith("celery.task.control (broadcast, revoke, Inspect) no longer exists")
    assert "app.control.broadcast; app.control.revoke; app.control for Inspect" in message


def test_removed_names_of_one_import_each_name_their_replacement():
    [message] = messages("from celery.task import PeriodicTask, task\n", select="CEL513")
    assert "app.add_periodic_task() for PeriodicTask; celery.shared_task (or @app.task) for task" in message


# -- CEL511 / CEL512 ------------------------------------------------------------------------

def test_soft_limit_in_django_settings():
    source = """
    CELERY_TASK_SOFT_TIME_LIMIT = 600
    CELERY_TASK_TIME_LIMIT = 600
    """
    assert found(source, filename="proj/settings.py") == [(2, "CEL511")]
    assert "CELERY_TASK_SOFT_TIME_LIMIT=600" in messages(source, select="CEL511", filename="proj/settings.py")[0]


def test_soft_limit_inherited_from_base_class_is_reported_once():
    assert found("""
    from celery import Task

    class Slow(Task):
        soft_time_limit = 90
        time_limit = 60

    class Slower(Slow):
        def run(self):
            return 1
    """) == [(5, "CEL511")]


# -- CEL513 ---------------------------------------------------------------------------------

def test_uses_of_a_reported_import_are_not_reported_again():
    assert found("""
    import celery.task

    class Legacy(celery.task.Task):
        def run(self):
            return celery.task.control.inspect()
    """) == [(2, "CEL513")]


def test_execute_send_task_still_exists():
    assert found("""
    import celery
    from celery.execute import send_task
    from celery import execute

    send_task("a")
    execute.send_task("b")
    celery.execute.send_task("c")
    """) == []


def test_amqp_backend_in_django_settings_without_leaking_credentials():
    source = """
    CELERY_RESULT_BACKEND = "amqp://user:s3cret@rabbit//"
    CELERY_BROKER_URL = "amqp://user:s3cret@rabbit//"
    """
    assert found(source, filename="proj/settings.py") == [(2, "CEL513")]
    [message] = messages(source, select="CEL513", filename="proj/settings.py")
    assert "s3cret" not in message and "rpc://" in message


def test_relative_import_of_a_project_module_named_task():
    assert found("""
    from .celery import app
    from . import task
    from .task import periodic_task
    """, filename="proj/tasks.py") == []


# -- corpus review: patterns distilled from real projects ----------------------------------

def test_duplicate_name_message_follows_how_each_kind_registers():
    functions = messages("""
    from celery import shared_task

    @shared_task(name="a")
    def one():
        return 1

    @shared_task(name="a")
    def two():
        return 2
    """, select="CEL509")
    classes = messages("""
    from celery import Celery, Task

    app = Celery("proj")

    class One(Task):
        name = "a"

        def run(self):
            return 1

    class Two(Task):
        name = "a"

        def run(self):
            return 2

    app.register_task(One)
    app.register_task(Two())
    """, select="CEL509")
    assert len(functions) == 1 and "does not register the later one" in functions[0]
    assert len(classes) == 1 and "replaces" in classes[0] and "'Two'" in classes[0]


def test_implicit_names_are_not_checked_in_test_modules():
    source = """
    from celery import shared_task

    @shared_task
    def ping():
        return "pong"
    """
    assert found(source, filename="tests/test_ping.py", select="CEL515") == []
    assert found(source, filename="proj/tasks.py", select="CEL515") == [(5, "CEL515")]


def test_option_of_an_app_subclass_made_here_is_not_reported():
    assert found("""
    from celery import Celery

    class FlaskCelery(Celery):
        pass

    app = FlaskCelery("proj")

    @app.task(request_context=True)
    def a():
        return 1
    """) == []


def test_soft_limit_message_says_the_task_carries_on():
    [message] = messages("""
    from celery import shared_task

    @shared_task(soft_time_limit=10)
    def a(items):
        for item in items:
            try:
                item.save()
            except Exception:
                pass
    """, select="CEL512")
    assert "carry on" in message and "SoftTimeLimitExceeded" in message


def test_cel517_message_names_the_method_and_what_to_do():
    from checking import messages  # noqa: PLC0415

    found = messages("""\
        from celery import shared_task

        @shared_task(bind=True, retry=True, request=None)
        def sync(self, account_id):
            return account_id
    """, select="CEL517")
    assert found == [
        "retry=True makes the task's retry True instead of Celery's retry method, because the task decorator "
        "turns every keyword into a class attribute; remove it (for automatic retries, give autoretry_for=(...))",
        "request=None makes the task's request None instead of Celery's request property, because the task "
        "decorator turns every keyword into a class attribute; remove it",
    ]


def test_the_methods_cel517_knows_are_celerys():
    """TASK_METHODS is generated from Celery's Task class: each is a method or property there."""
    task = pytest.importorskip("celery.app.task").Task
    from celery_lint.celery_data import HANDLER_SIGNATURES, TASK_METHODS, TASK_OPTIONS  # noqa: PLC0415

    assert {"retry", "delay", "apply_async", "s", "request"} <= TASK_METHODS
    assert all(callable(getattr(task, name, None)) or isinstance(getattr(task, name, None), property)
               for name in TASK_METHODS)
    assert not TASK_METHODS & (TASK_OPTIONS | set(HANDLER_SIGNATURES))
