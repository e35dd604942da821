"""CEL505-CEL508, CEL510: cases a fixture cannot show (module config, messages, odd input)."""
from __future__ import annotations

from functools import partial

import pytest

import celery_lint
import checking
from celery_lint.rules import rules_of
from celery_lint.checks import task_classes
from checking import messages

CODES = tuple(rule.code for rule in rules_of(task_classes))


# (line, code) of this family's rules, for a dedented source
found = partial(checking.found, select=CODES)


@pytest.mark.parametrize("rule", rules_of(task_classes), ids=lambda r: r.code)
def test_example_triggers_and_instead_does_not(rule):
    assert rule.code in {code for _, code in found(rule.example)}
    assert rule.code not in {code for _, code in found(rule.instead)}


def test_opt_in_rules():
    assert [r.code for r in rules_of(task_classes) if not r.default] == ["CEL507", "CEL508", "CEL510"]


# -- CEL505 ---------------------------------------------------------------------------------

HANDLERS = """
from celery import Task

class Base(Task):
    {handler}
        pass
"""


@pytest.mark.parametrize("handler", [
    "def on_failure(self, exc, task_id, args, kwargs, einfo):",
    "def on_failure(self, *args, **kwargs):",
    "def on_failure(self, exc, *rest):",
    "def on_failure(self, exc, task_id, args, kwargs, einfo, extra=None, *, flag=False):",
    "def on_failure(self, exc, task_id, args, kwargs, einfo, **kwargs2):",
    "async def on_success(self, retval, task_id, args, kwargs):",
    "def before_start(self, task_id, args, kwargs=None, more=None):",
    "@staticmethod\n    def on_success(retval):",
    "def on_timeout(self, soft):",  # not a handler Celery calls with a fixed signature
])
def test_callable_handlers_are_silent(handler):
    assert found(HANDLERS.format(handler=handler)) == []


@pytest.mark.parametrize("handler", [
    "def on_failure(self, exc, task_id, args, kwargs):",
    "def on_failure(self, exc, **kwargs):",
    "def on_failure(self, exc, task_id, args, kwargs, einfo, extra):",
    "def on_failure(self, exc, task_id, args, kwargs, einfo, *, extra):",
    "def on_retry():",
])
def test_uncallable_handlers_are_reported(handler):
    assert found(HANDLERS.format(handler=handler)) == [(5, "CEL505")]


def test_handler_message_shows_the_signature_from_celery():
    source = HANDLERS.format(handler="def after_return(self, status):\n        super().after_return(status)\n")
    (message,) = messages(source, select="CEL505")
    assert "after_return(status, retval, task_id, args, kwargs, einfo)" in message
    assert "'Base'" in message


# -- CEL506 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body, expected", [
    ("super().after_return(*args, **kwargs)", []),
    ("super(Child, self).after_return(*args, **kwargs)", []),
    ("Base.after_return(self, *args, **kwargs)", []),
    ("if args:\n            super().after_return(*args, **kwargs)", []),
    ("self.after_return(*args, **kwargs)", [(10, "CEL506")]),
    ("cleanup(*args)", [(10, "CEL506")]),
])
def test_after_return_super(body, expected):
    source = f"""
    from celery import Task

    class Base(Task):
        abstract = True
        def after_return(self, *args, **kwargs):
            release(*args)

    class Child(Base):
        def after_return(self, *args, **kwargs):
            {body}
    """
    assert found(source) == expected


@pytest.mark.parametrize("bases", ["Task", "app.Task", "ProjectTask", "Plain", "Task, ProjectMixin"])
def test_after_return_of_a_base_that_shows_none_is_silent(bases):
    source = f"""
    from celery import Celery, Task
    from proj.base import ProjectMixin, ProjectTask

    app = Celery("proj")

    class Plain:
        def run(self):
            pass

    class Child({bases}):
        def after_return(self, *args, **kwargs):
            cleanup(*args)
    """
    assert found(source) == []


def test_after_return_of_a_mixin_of_the_module_counts():
    source = """
    from celery import Task

    class ClosingMixin:
        def after_return(self, *args, **kwargs):
            close_connections()

    class Child(ClosingMixin, Task):
        def after_return(self, *args, **kwargs):
            cleanup(*args)
    """
    assert found(source) == [(9, "CEL506")]
    (message,) = messages(source, select="CEL506")
    assert "'Child'" in message and "'ClosingMixin'" in message


# -- CEL507 ---------------------------------------------------------------------------------

def test_instance_state_in_nested_functions_is_not_the_run_method():
    source = """
    from celery import Task

    class Crawl(Task):
        time_limit = 10

        def run(self, url):
            def parse(self, page):
                self.page = page
            page = fetch(url)
            parse(self, page)
            if self._session is None:
                self._session = make_session()
            self.stats: dict = {}
    """
    assert found(source) == [(14, "CEL507")]


# -- CEL508 ---------------------------------------------------------------------------------

def _tasks(*option_sets: str) -> str:
    lines = ["from celery import shared_task", ""]
    for i, options in enumerate(option_sets):
        lines += [f"@shared_task({options})", f"def t{i}():", "    return 1", ""]
    return "\n".join(lines)


def test_two_repeats_are_fine():
    assert [c for _, c in found(_tasks("acks_late=True, max_retries=3", "acks_late=True, max_retries=3"))
            if c == "CEL508"] == []


def test_a_single_repeated_option_is_fine():
    assert [c for _, c in found(_tasks("acks_late=True", "acks_late=True", "acks_late=True"))
            if c == "CEL508"] == []


def test_other_options_do_not_split_a_repeated_policy():
    source = _tasks("name='a', acks_late=True, max_retries=3",
                    "max_retries=3, acks_late=True, queue='b'",
                    "acks_late=True, max_retries=3, ignore_result=True")
    assert [line for line, c in found(source) if c == "CEL508"] == [3, 7, 11]
    message = messages(source, select="CEL508")[0]
    assert "acks_late=True, max_retries=3" in message and "2 other tasks" in message


def test_different_values_are_different_policies():
    source = _tasks("acks_late=True, max_retries=3", "acks_late=True, max_retries=4",
                    "acks_late=False, max_retries=3")
    assert [c for _, c in found(source) if c == "CEL508"] == []


# -- CEL510 ---------------------------------------------------------------------------------

TASK = """
@shared_task
def work():
    return 1
"""


@pytest.mark.parametrize("config", [
    "app = Celery('proj', task_time_limit=300)",
    "app = Celery('proj')\napp.conf.task_soft_time_limit = 60",
    "app = Celery('proj')\napp.conf.update(task_time_limit=300)",
    "app = Celery('proj')\napp.conf['task_time_limit'] = 300",
    "app = Celery('proj')\napp.conf.task_annotations = {'*': {'time_limit': 30}}",
    "app = Celery('proj', task_cls='proj.base:LimitedTask')",
    "app = Celery('proj')\napp.config_from_object({'task_time_limit': 300})",
    # config the module does not show may set limits
    "app = Celery('proj', **options)",
    "app = Celery('proj')\napp.conf.update(**options)",
    "app = Celery('proj')\napp.config_from_object('django.conf:settings', namespace='CELERY')",
    "app = Celery('proj')\napp.config_from_object(celeryconfig)",
    "app = Celery('proj')\napp.config_from_envvar('CELERY_CONFIG_MODULE')",
    "class Proj(Celery):\n    pass\napp = Proj('proj')",
    "app = Celery('proj', config_source=celeryconfig)",
    "def make():\n    return Celery('proj', config_source=celeryconfig)\napp = make()",
])
def test_limits_in_the_module_config_are_honoured(config):
    source = f"from celery import Celery, shared_task\nimport celeryconfig\n{config}\n{TASK}"
    assert found(source) == []


def test_limits_in_django_settings_are_honoured():
    source = f"from celery import shared_task\nCELERY_TASK_TIME_LIMIT = 300\n{TASK}"
    assert found(source, filename="proj/settings.py") == []
    source = f"from celery import shared_task\nCELERYD_TASK_TIME_LIMIT = 300\n{TASK}"
    assert "CEL510" not in {c for _, c in found(source, filename="proj/settings.py")}


@pytest.mark.parametrize("filename", ["tests/test_tasks.py", "proj/testing/tasks.py", "conftest.py"])
def test_tasks_of_test_code_need_no_limit(filename):
    assert found(f"from celery import shared_task\n{TASK}", filename=filename) == []


def test_tasks_of_project_decorators_may_get_limits_there():
    source = "from proj.tasks import instrumented_task\n@instrumented_task\ndef work():\n    return 1\n"
    source = "# settings: none\n" + source
    settings = celery_lint.Settings(task_decorators=("proj.tasks.instrumented_task",))
    assert checking.violations(source, settings=settings, select="CEL510") == []


def test_unrelated_config_does_not_count():
    source = f"from celery import Celery, shared_task\napp = Celery('proj', broker_url='redis://')\n{TASK}"
    assert found(source) == [(5, "CEL510")]


def test_class_task_is_named_by_its_class():
    source = """
    from celery import Task

    class Refresh(Task):
        def run(self):
            return 1
    """
    assert messages(source, select="CEL510") and "'Refresh'" in messages(source, select="CEL510")[0]


@pytest.mark.parametrize("source", [
    "from celery import Task\nclass A(Task):\n    def on_failure():\n        pass\n",
    "from celery import Task\nclass A(Task):\n    def run():\n        self.x = 1\n",
    "from celery import Task\nclass A(B, Task):\n    pass\nclass B(A):\n    def after_return(self):\n        pass\n",
    "from celery import shared_task\n@shared_task(**{})\ndef f():\n    pass\n",
])
def test_odd_input_does_not_raise(source):
    checking.violations(source)
