"""CEL401-CEL410: cases a fixture cannot show (settings, app options, messages, odd input)."""
from __future__ import annotations

import ast
from functools import partial

import pytest

import checking
from celery_lint.rules import rules_of
import celery_lint
from celery_lint import Settings
from celery_lint.checks import retries

CODES = tuple(rule.code for rule in rules_of(retries))


# (line, code) of this family's rules, for a dedented source
found = partial(checking.found, select=CODES)


@pytest.mark.parametrize("rule", rules_of(retries), ids=lambda r: r.code)
def test_example_triggers_and_instead_does_not(rule):
    assert rule.code in {code for _, code in found(rule.example)}
    assert rule.code not in {code for _, code in found(rule.instead)}


def test_opt_in_rules():
    assert [r.code for r in rules_of(retries) if not r.default] == ["CEL409", "CEL410"]


def test_app_with_custom_task_class_may_set_any_option():
    source = """
    from celery import Celery

    app = Celery("proj", task_cls="proj.base:RetryingTask")

    @app.task(autoretry_for=(ConnectionError,))
    def a(x):
        return x

    @app.task(retry_backoff=True)
    def b(x):
        return x

    @app.task(max_retries=None)
    def c(x):
        return x
    """
    assert found(source) == [(14, "CEL401")]


def test_plain_app_gives_no_options():
    source = """
    from celery import Celery

    app = Celery("proj")

    @app.task(autoretry_for=(ConnectionError,))
    def a(x):
        return x

    class Base(app.Task):
        retry_backoff = True

    @app.task(base=Base, retry_jitter=True)
    def b(x):
        return x
    """
    assert found(source) == [(6, "CEL405"), (13, "CEL407")]


def test_project_task_decorator_may_set_any_option():
    source = """
    from proj.tasks import instrumented_task

    @instrumented_task(autoretry_for=(ConnectionError,), retry_jitter=False)
    def a(x):
        return x

    @instrumented_task(retry_backoff=True, max_retries=None)
    def b(x):
        return x

    @instrumented_task(queue="email", default_retry_delay=300, max_retries=None)
    def never_retries(x):  # Sentry's send_email: the decorator is taken at its word
        return x
    """
    settings = Settings(task_decorators=("proj.tasks.instrumented_task",))
    assert found(source, settings=settings) == [(4, "CEL406"), (8, "CEL401")]
    assert found(source) == []


def test_star_options_may_set_any_option():
    source = """
    from celery import shared_task

    OPTIONS = {"retry_backoff": True, "autoretry_for": (OSError,)}

    @shared_task(autoretry_for=(ConnectionError,), **OPTIONS)
    def a(x):
        return x

    @shared_task(retry_backoff_max=60, **OPTIONS)
    def b(x):
        return x
    """
    assert found(source) == []


def test_retry_kwargs_max_retries_none_keeps_the_default_limit():
    # Task.retry(max_retries=None) means "use the task's max_retries" (celery/app/task.py),
    # and autoretry passes retry_kwargs to Task.retry: the retries stay bounded.
    source = """
    from celery import shared_task

    @shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_kwargs={"max_retries": None})
    def a(x):
        return x

    @shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_kwargs=dict(max_retries=None))
    def b(x):
        return x
    """
    assert found(source) == []


def test_class_hierarchy_and_mixins():
    source = """
    from celery import Task

    class RetryMixin:
        autoretry_for = (OSError,)

    class BackoffMixin:
        retry_backoff = True

    class A(RetryMixin, BackoffMixin, Task):
        pass

    class NoBackoff:
        autoretry_for = (OSError,)

    class B(NoBackoff, Task):
        max_retries = None
    """
    assert found(source) == [(14, "CEL405"), (17, "CEL401")]


def test_static_methods_and_nested_functions_are_not_the_task():
    source = """
    from celery import Task, shared_task

    class Sync(Task):
        @staticmethod
        def helper(self):
            self.retry()

        def run(self, x):
            def inner(self):
                self.retry()
            self.retry()

    @shared_task(bind=True)
    def t(self, x):
        self = x
        self.retry()
    """
    assert found(source) == [(12, "CEL402")]  # no CEL409: a retry in plain control flow is a schedule


def test_retry_of_another_task_is_not_checked():
    source = """
    from celery import shared_task

    @shared_task
    def other(x):
        return x

    @shared_task
    def t(x):
        other.retry(countdown=5)
    """
    assert found(source) == []


def test_except_star_and_names_bound_to_broad_tuples():
    source = """
    from celery import shared_task

    BROAD = (KeyError, Exception)

    @shared_task(bind=True)
    def t(self, x):
        try:
            raise self.retry(countdown=2 ** self.request.retries)
        except* BROAD:
            pass

    @shared_task(bind=True)
    def u(self, x, errors):
        try:
            raise self.retry(countdown=2 ** self.request.retries)
        except errors:
            pass
    """
    assert found(source) == [(9, "CEL404")]


def test_retries_through_an_outer_try():
    source = """
    from celery import shared_task

    @shared_task(bind=True)
    def t(self, x):
        try:
            try:
                raise self.retry(countdown=2 ** self.request.retries)
            except Exception:
                raise
        except KeyError:
            pass
        except Exception:
            return None
    """
    assert found(source) == [(8, "CEL404")]


def test_messages_name_the_place_and_the_fix():
    source = """
    from celery import shared_task

    @shared_task(bind=True)
    def t(self, x):
        try:
            x()
        except OSError as err:
            try:
                self.retry(countdown=7)
            except Exception:
                pass
    """
    messages = {v.code: v.message for v in checking.violations(source)}
    assert "write 'raise self.retry(..., exc=err) from err'" in messages["CEL402"]
    assert "write 'raise self.retry(..., exc=err) from err'" in messages["CEL403"]
    assert "'except Exception' handler on line 11" in messages["CEL404"]
    assert "countdown=7" in messages["CEL409"]


@pytest.mark.parametrize("body,advice", [
    ("self.retry()", "raise self.retry(...)"),  # no exception to chain
    ("try:\n        x()\n    except OSError as exc:\n        self.retry()", "raise self.retry(exc=exc) from exc"),
    ("try:\n        x()\n    except OSError as exc:\n        self.retry(exc=exc, countdown=5)",
     "raise self.retry(...) from exc"),
    ("try:\n        x()\n    except OSError:\n        self.retry(countdown=5)", "raise self.retry(...)"),
])
def test_bare_retry_advice_chains_the_error_inside_except_as(body, advice):
    """CEL402 inside ``except ... as exc`` advises what flake8-bugbear's B904 asks too."""
    source = f"from celery import shared_task\n@shared_task(bind=True)\ndef t(self, x):\n    {body}\n"
    (message,) = [v.message for v in checking.violations(source) if v.code == "CEL402"]
    assert f"write '{advice}' so that" in message


@pytest.mark.parametrize("source", [
    "from celery import shared_task\nA = B\nB = A\n@shared_task(autoretry_for=A)\ndef t(): pass\n",
    "from celery import Task\nclass A(B, Task): pass\nclass B(A): autoretry_for = A\n",
    "from celery import shared_task\n@shared_task(bind=True)\ndef t(): self.retry()\n",
    "from celery import shared_task\n@shared_task(bind=True)\ndef t(*, self): raise self.retry(1, 2, 3, 4, 5, 6)\n",
    "from celery import shared_task\nE = (E,)\n@shared_task(bind=True)\ndef t(self):\n"
    "    try:\n        raise self.retry()\n    except E:\n        pass\n",
])
def test_odd_input_does_not_raise(source):
    found(source)


def test_exact_delays_are_left_to_test_modules():
    source = """
    from celery import Task, shared_task

    class ExactBackoffTask(Task):
        autoretry_for = (ZeroDivisionError,)
        retry_backoff = True
        retry_jitter = False

        def run(self, x, y):
            return x / y

    @shared_task(bind=True)
    def flaky(self):
        try:
            return 1 / 0
        except ZeroDivisionError as exc:
            raise self.retry(exc=exc, countdown=0)
    """
    in_tasks = [(line, code) for line, code in found(source) if code in ("CEL406", "CEL409")]
    assert in_tasks == [(7, "CEL406"), (17, "CEL409")]
    assert checking.violations(source, filename="proj/tests/test_tasks.py", select=("CEL406", "CEL409")) == []


@pytest.mark.parametrize("run_body", ["pass", "...", "raise NotImplementedError", "raise NotImplementedError()",
                                      '"""Subclasses do the work."""\n        raise NotImplementedError'])
def test_a_class_with_a_placeholder_run_is_a_base(run_body):
    source = f"""
    from celery import Task

    class Base(Task):
        retry_backoff = True

        def run(self, *args):
            {run_body}
    """
    assert found(source) == []


def test_a_limit_on_every_retry_call_bounds_the_task():
    source = """
    from celery import shared_task

    @shared_task(bind=True, max_retries=None)
    def positional(self, x):
        raise self.retry(None, None, None, True, None, 5, 3)

    @shared_task(bind=True, max_retries=None)
    def none_limit(self, x):
        raise self.retry(countdown=5, max_retries=None)

    @shared_task(bind=True, max_retries=None)
    def opaque(self, x, **options):
        raise self.retry(countdown=5, **options)
    """
    assert [f for f in found(source) if f[1] == "CEL401"] == [(8, "CEL401")]


def test_retry_kwargs_with_a_countdown_is_a_chosen_delay():
    source = """
    from celery import shared_task

    @shared_task(autoretry_for=(OSError,), retry_kwargs=dict(countdown=60))
    def a(x):
        return x

    @shared_task(autoretry_for=(OSError,), retry_kwargs=dict(max_retries=3))
    def b(x):
        return x

    @shared_task(autoretry_for=(OSError,), retry_kwargs={"eta": None, **EXTRA})
    def c(x):
        return x

    @shared_task(autoretry_for=(OSError,), retry_kwargs=make_kwargs())
    def d(x):
        return x
    """
    assert found(source) == [(8, "CEL405")]


_TEMPLATE = """
from celery import Task

class SyncTask(Task):
    {base_options}
    def run(self, *args):
        return self.sync(*args)

    def sync(self, *args):
        raise NotImplementedError

class PartnerSync(SyncTask):
    name = "partner.sync"
    {child_options}
    def sync(self, partner_id):
        return partner_id
"""


@pytest.mark.parametrize(("base_options", "child_options", "expected"), [
    # the base leaves sync() to subclasses, here and in other modules: they may add autoretry_for
    ("retry_backoff = True\n    retry_backoff_max = 600\n", "", []),
    # a subclass that fills in the template is a task of its own
    ("", "retry_backoff = True\n", [(14, "CEL407")]),
])
def test_template_bases_and_the_tasks_that_fill_them_in(base_options, child_options, expected):
    source = _TEMPLATE.format(base_options=base_options, child_options=child_options)
    assert found(source) == expected


def test_max_retries_none_under_a_plain_wrapper_is_inert():
    """A second decorator that only wraps the function (no .retry, no current_task) cannot retry
    the task for it: max_retries=None stays inert (sentry's track_group_async_operation); a wrapper
    that reaches the task (current_task.retry, args[0].retry) or one the module cannot see may."""
    source = """
    from celery import current_task, shared_task
    from vendor import unknown_wrapper

    def track(function):
        def wrapper(*args, **kwargs):
            return function(*args, **kwargs)
        return wrapper

    def retrying(function):
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except OSError as exc:
                raise current_task.retry(exc=exc)
        return wrapper

    def bound_retrying(function):
        def wrapper(task, *args):
            try:
                return function(task, *args)
            except OSError as exc:
                raise task.retry(exc=exc)
        return wrapper

    @shared_task(max_retries=None)
    @track
    def merge(x):
        return x

    @shared_task(max_retries=None)
    @retrying
    def fetch(x):
        return x

    @shared_task(bind=True, max_retries=None)
    @bound_retrying
    def push(self, x):
        return x

    @shared_task(max_retries=None)
    @unknown_wrapper
    def pull(x):
        return x
    """
    assert [line for line, code in found(source) if code == "CEL401"] == [31, 36, 41]  # not merge (26)


def test_plain_wrapper_of_another_module_of_the_project(tmp_path):
    from celery_lint.project.index import build_index  # noqa: PLC0415

    (tmp_path / "setup.cfg").write_text("[metadata]\nname = proj\n")
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj/__init__.py").write_text("")
    (tmp_path / "proj/base.py").write_text(
        "import functools\n\nimport celery\n\n\n"
        "def track(function):\n    @functools.wraps(function)\n    def wrapper(*args, **kwargs):\n"
        "        return function(*args, **kwargs)\n    return wrapper\n\n\n"
        "def retrying(function):\n    def wrapper(*args, **kwargs):\n"
        "        return celery.current_task.retry()\n    return wrapper\n")
    tasks = (
        "from celery import shared_task\n\nfrom proj.base import retrying, track\n\n\n"
        "@shared_task(max_retries=None)\n@track\ndef merge(x):\n    return x\n\n\n"
        "@shared_task(max_retries=None)\n@retrying\ndef fetch(x):\n    return x\n")
    (tmp_path / "proj/tasks.py").write_text(tasks)
    index = build_index(str(tmp_path), Settings(no_cache=True))
    assert index.summaries["proj.base"]["plain_wrappers"] == ["track"]
    path = str(tmp_path / "proj/tasks.py")
    with_index = celery_lint.check(ast.parse(tasks), path, project=index)
    assert [(v.line, v.code) for v in with_index if v.code == "CEL401"] == [(12, "CEL401")]
    alone = celery_lint.check(ast.parse(tasks), path)
    assert [(v.line, v.code) for v in alone if v.code == "CEL401"] == [(6, "CEL401"), (12, "CEL401")]


@pytest.mark.parametrize("base, imported", [
    ("QueueOnce", "from celery_once import QueueOnce"),
    ("Singleton", "from celery_singleton import Singleton"),
    ("QueueOnce", "from allianceauth.services.tasks import QueueOnce"),
])
def test_a_library_base_that_sets_no_retry_option(base, imported):
    """celery_once's QueueOnce and celery_singleton's Singleton set no retry option: a task on
    one whose every retry passes its own limit keeps max_retries=None inert (aa-killtracker), as
    on celery.Task; an unknown base may set autoretry_for, so there it is still reported."""
    source = f"""
    from celery import shared_task
    from vendor import UnknownBase
    {imported}

    @shared_task(bind=True, base={base}, max_retries=None)
    def generate(self, x):
        try:
            return x
        except OSError as exc:
            raise self.retry(max_retries=3, exc=exc)

    @shared_task(bind=True, base=UnknownBase, max_retries=None)
    def other(self, x):
        try:
            return x
        except OSError as exc:
            raise self.retry(max_retries=3, exc=exc)
    """
    assert [line for line, code in found(source) if code == "CEL401"] == [13]


def test_cel411_messages_and_retry_parameters():
    """The advice names the keyword meant, or says where a task option belongs; the parameters
    the rule knows are Task.retry's own (Celery's signature)."""
    from checking import messages  # noqa: PLC0415

    found = messages("""
    from celery import shared_task

    @shared_task(bind=True)
    def sync(self, account_id):
        raise self.retry(ex=ValueError(), retry_backoff=60, countdwn=1)
    """, select="CEL411")
    assert found == [
        "self.retry() takes no ex=: it goes on to apply_async() as a message option that Celery ignores; "
        "did you mean exc=?",
        "self.retry() takes no retry_backoff=: it goes on to apply_async() as a message option that Celery "
        "ignores; retry_backoff is a task option: set it on the task, or compute countdown= here",
        "self.retry() takes no countdwn=: it goes on to apply_async() as a message option that Celery ignores; "
        "did you mean countdown=?",
    ]
    inspect = pytest.importorskip("inspect")
    task = pytest.importorskip("celery.app.task").Task
    params = inspect.signature(task.retry).parameters
    assert retries.RETRY_PARAMETERS == {p for p, v in params.items()
                                        if p != "self" and v.kind is not inspect.Parameter.VAR_KEYWORD}


@pytest.mark.parametrize("options, delay", [
    ("", "Celery's fixed default_retry_delay of 180 seconds"),  # Task.default_retry_delay = 3 * 60
    ("default_retry_delay=300, ", "the task's fixed default_retry_delay=300"),
    ("base=ProjectTask, ", "the task's fixed default_retry_delay"),  # the base may set its own
])
def test_a_retry_without_countdown_names_the_delay_that_applies(options, delay):
    source = f"""
    from celery import shared_task
    from proj.base import ProjectTask

    @shared_task({options}bind=True, max_retries=3)
    def push(self, item_id):
        try:
            return send(item_id)
        except ConnectionError as exc:
            raise self.retry(exc=exc)
    """
    [message] = checking.messages(source, select="CEL409")
    assert message.startswith(f"self.retry() retries after {delay};"), message
