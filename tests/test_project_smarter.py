"""What the project index gives the per-module rules (issue 15, item 4): Task bases of other
modules, a global time limit, tasks of other modules in calls and canvases, the project's own
task decorators -- through the standalone command, flake8 and pylint, against the core alone."""
from __future__ import annotations

import ast
import re
import textwrap

import celery_lint
from tools import flake8, pylint, run

_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):\d+: (?P<code>CEL\d{3}) (?P<msg>.*)$")


def project(tmp_path, files: dict[str, str]):
    """A project at ``tmp_path`` (its root marked by setup.cfg) with the given modules."""
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = proj\n")
    for rel, text in {"proj/__init__.py": "", **files}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def standalone(root, select="CEL"):
    """{(path relative to the root, line, code): message} of ``celery_lint check``."""
    proc = run(["celery_lint", "check", "--select", select, "--no-cache", "."], root)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "internal error" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    out = {}
    for line in proc.stdout.splitlines():
        m = _LINE.match(line)
        if m:
            out[(m["path"].removeprefix("./"), int(m["line"]), m["code"])] = m["msg"]
    return out


def alone(root, rel, codes):
    """(line, code) of the core on one module of the project, without the index (named by its
    path in the project: pytest's folders are named test_*, which makes any module test code)."""
    found = celery_lint.check(ast.parse((root / rel).read_text()), rel)
    return {(v.line, v.code) for v in found if v.code in codes}


def lines(found, rel, code):
    return sorted(line for (path, line, c) in found if path == rel and c == code)


# -- 1. Task bases of other modules ------------------------------------------------------------

BASES = {
    "proj/base.py": """\
        from celery import Task
        from vendor.tasks import VendorTask


        class ProjectTask(Task):
            autoretry_for = (ConnectionError,)
            retry_backoff = True
            time_limit = 60

            def after_return(self, status, retval, task_id, args, kwargs, einfo):
                close_db()


        class PlainTask(Task):
            acks_late = True


        class Level2(ProjectTask):
            pass


        class Vendored(VendorTask):
            pass
    """,
    "proj/tasks.py": """\
        from celery import shared_task
        from proj.base import PlainTask, ProjectTask, Vendored
        from .base import Level2


        @shared_task(base=ProjectTask, retry_backoff_max=600)
        def backoff_with_autoretry(x):
            return x


        @shared_task(base=PlainTask, retry_backoff=True)
        def backoff_without_autoretry(x):
            return x


        @shared_task(base=PlainTask, autoretry_for=(IOError,))
        def autoretry_without_backoff(x):
            return x


        @shared_task(base=Level2, autoretry_for=(IOError,))
        def autoretry_backoff_two_modules_up(x):
            return x


        @shared_task(base=Vendored, retry_backoff=True, autoretry_for=(IOError,))
        def vendored(x):
            return x


        class Audited(ProjectTask):
            def after_return(self, status, retval, task_id, args, kwargs, einfo):
                audit(task_id)


        class AuditedTwoUp(Level2):
            def after_return(self, status, retval, task_id, args, kwargs, einfo):
                audit(task_id)


        class AuditedWithSuper(ProjectTask):
            def after_return(self, *args):
                super().after_return(*args)


        class AuditedVendor(Vendored):
            def after_return(self, status, retval, task_id, args, kwargs, einfo):
                audit(task_id)
    """,
}


def test_bases_of_other_modules(tmp_path):
    root = project(tmp_path, BASES)
    found = standalone(root, "CEL,CEL510")
    # A base without autoretry_for: retry_backoff does nothing; autoretry without backoff.
    assert lines(found, "proj/tasks.py", "CEL407") == [11]
    assert lines(found, "proj/tasks.py", "CEL405") == [16]
    # after_return of a base defined in another module (also two modules up), not called.
    assert lines(found, "proj/tasks.py", "CEL506") == [32, 37]
    assert "'ProjectTask'" in found[("proj/tasks.py", 32, "CEL506")]
    # Time limits: ProjectTask's (also through Level2) count; PlainTask has none; a chain that
    # leaves the project (VendorTask) stays silent.
    assert lines(found, "proj/tasks.py", "CEL510") == [12, 17]
    # The core alone sees no base of another module: all of these are silent.
    assert alone(root, "proj/tasks.py", {"CEL405", "CEL407", "CEL506", "CEL510"}) == set()


def test_bases_of_other_modules_in_flake8_and_pylint(tmp_path):
    root = project(tmp_path, BASES)
    _, by_flake8 = flake8(["proj/tasks.py"], root, "--select=CEL405,CEL407,CEL506")
    assert sorted((line, code) for _, line, _, code, _ in by_flake8) == [
        (11, "CEL407"), (16, "CEL405"), (32, "CEL506"), (37, "CEL506")]
    _, by_pylint = pylint(["proj/tasks.py"], root)
    assert sorted((line, code) for _, line, _, code, _ in by_pylint if code in ("CEL405", "CEL407", "CEL506")) \
        == [(11, "CEL407"), (16, "CEL405"), (32, "CEL506"), (37, "CEL506")]


def test_base_of_another_module_sets_max_retries_bound(tmp_path):
    # CEL401: max_retries=None on a task whose every retry passes a limit, with automatic
    # retries off in its base of another module: no unbounded retry.
    root = project(tmp_path, {
        "proj/base.py": """\
            from celery import Task


            class NoAuto(Task):
                acks_late = True


            class Auto(Task):
                autoretry_for = (IOError,)
        """,
        "proj/tasks.py": """\
            from celery import shared_task
            from proj.base import Auto, NoAuto


            @shared_task(bind=True, base=NoAuto, max_retries=None)
            def bounded(self, x):
                raise self.retry(max_retries=3)


            @shared_task(bind=True, base=Auto, max_retries=None)
            def unbounded(self, x):
                raise self.retry(max_retries=3)
        """,
    })
    found = standalone(root)
    assert lines(found, "proj/tasks.py", "CEL401") == [10]
    assert alone(root, "proj/tasks.py", {"CEL401"}) == {(5, "CEL401"), (10, "CEL401")}


# -- 2. A global time limit ----------------------------------------------------------------------

def _limits(tmp_path, config: str):
    return project(tmp_path, {
        "proj/celery.py": f"""\
            from celery import Celery

            app = Celery("proj")
            {config}
        """,
        "proj/tasks.py": """\
            from celery import shared_task


            @shared_task
            def fetch(url):
                return url
        """,
    })


def test_global_time_limit_silences_cel510(tmp_path):
    root = _limits(tmp_path, "app.conf.task_time_limit = 300")
    assert lines(standalone(root, "CEL,CEL510"), "proj/tasks.py", "CEL510") == []
    assert alone(root, "proj/tasks.py", {"CEL510"}) == {(5, "CEL510")}
    _, by_flake8 = flake8(["proj/tasks.py"], root, "--select=CEL510")
    assert by_flake8 == []


def test_django_settings_time_limit_silences_cel510(tmp_path):
    root = _limits(tmp_path, "app.config_from_object('django.conf:settings', namespace='CELERY')")
    (root / "proj" / "settings.py").write_text("CELERY_TASK_SOFT_TIME_LIMIT = 60\nINSTALLED_APPS = []\n")
    assert lines(standalone(root, "CEL,CEL510"), "proj/tasks.py", "CEL510") == []


def test_annotations_with_a_limit_silence_cel510(tmp_path):
    root = _limits(tmp_path, "app.conf.task_annotations = {'*': {'soft_time_limit': 60}}")
    assert lines(standalone(root, "CEL,CEL510"), "proj/tasks.py", "CEL510") == []


def test_annotations_without_a_limit_keep_cel510(tmp_path):
    # apache-superset's config: a rate limit for one task says nothing of time limits.
    root = _limits(tmp_path, "app.conf.task_annotations = {'sql_lab.get_sql_results': {'rate_limit': '100/s'}}")
    assert lines(standalone(root, "CEL,CEL510"), "proj/tasks.py", "CEL510") == [5]


def test_no_global_time_limit_keeps_cel510(tmp_path):
    # Near-misses: another setting, and a limit set only in a test module's config.
    root = _limits(tmp_path, "app.conf.task_acks_late = True")
    (root / "tests").mkdir()
    (root / "tests" / "test_fetch.py").write_text(
        "from proj.celery import app\n\napp.conf.task_time_limit = 5\n")
    assert lines(standalone(root, "CEL,CEL510"), "proj/tasks.py", "CEL510") == [5]
    _, by_flake8 = flake8(["proj/tasks.py"], root, "--select=CEL510")
    assert [(line, code) for _, line, _, code, _ in by_flake8] == [(5, "CEL510")]


# -- 3. Tasks of other modules in calls and canvases ----------------------------------------------

CALLS = {
    "proj/tasks.py": """\
        from celery import shared_task


        @shared_task(bind=True, max_retries=1)
        def retry_once(self, *args, expires=None, countdown=0.1):
            return 1


        @shared_task
        def swallow(x, **kwargs):
            return x


        @shared_task
        def plain(x):
            return x


        @shared_task(ignore_result=True)
        def resize(image_id):
            return image_id


        @shared_task
        def keep(image_id):
            return image_id


        @shared_task
        def notify(results):
            return results


        @shared_task
        def send_report(email, subject):
            return email
    """,
    "proj/calls.py": """\
        from celery import chain, chord

        from proj.tasks import keep, notify, plain, resize, retry_once, send_report, swallow


        def run(ids, url, email):
            retry_once.delay(expires=60)
            swallow.delay(1, countdown=5)
            plain.delay(1, countdown=5)
            chord([resize.s(i) for i in ids])(notify.s())
            chord([keep.s(i) for i in ids])(notify.s())
            chain(plain.s(url), send_report.s(email, "Done")).delay()
            chain(plain.s(url), send_report.si(email, "Done")).delay()
            chain(plain.s(url), send_report.s("Done")).delay()
    """,
}


def test_calls_of_tasks_of_other_modules(tmp_path):
    root = project(tmp_path, CALLS)
    found = standalone(root)
    # retry_once takes expires= itself: no CEL102 (celery's t/integration/test_tasks.py:616).
    assert lines(found, "proj/calls.py", "CEL102") == [8, 9]
    assert "goes into the **kwargs of task 'swallow' (proj/tasks.py:10)" in found[("proj/calls.py", 8, "CEL102")]
    assert "is passed to the task as an argument" in found[("proj/calls.py", 9, "CEL102")]
    assert lines(found, "proj/calls.py", "CEL602") == [10]
    assert "'resize'" in found[("proj/calls.py", 10, "CEL602")]
    assert lines(found, "proj/calls.py", "CEL603") == [12]
    # CEL902: plain() takes no countdown; the chain's send_report.s(...) is CEL603's alone.
    assert lines(found, "proj/calls.py", "CEL902") == [9]
    assert alone(root, "proj/calls.py", {"CEL102", "CEL602", "CEL603"}) == {
        (7, "CEL102"), (8, "CEL102"), (9, "CEL102")}


def test_calls_of_tasks_of_other_modules_in_pylint(tmp_path):
    root = project(tmp_path, CALLS)
    _, by_pylint = pylint(["proj/calls.py"], root)
    assert sorted((line, code) for _, line, _, code, _ in by_pylint if code in ("CEL102", "CEL602", "CEL603")) \
        == [(8, "CEL102"), (9, "CEL102"), (10, "CEL602"), (12, "CEL603")]


# -- 4. The project's own task decorators ---------------------------------------------------------

DECORATORS = {
    "proj/celery.py": """\
        from celery import Celery

        app = Celery("proj")
    """,
    "proj/utils.py": """\
        from proj.celery import app


        def instrumented_task(**options):
            return app.task(**options)
    """,
    # Nothing here names Celery: only the index's settings let the module through the prefilter.
    "proj/jobs.py": """\
        import functools

        from proj.utils import instrumented_task


        @functools.lru_cache(maxsize=None)
        @instrumented_task(name="proj.crawl")
        def crawl(url):
            return url


        def make():
            @instrumented_task(name="proj.inner")
            def inner():
                return 1
            return inner


        @functools.lru_cache(maxsize=None)
        def not_a_task(url):
            return url
    """,
}


def test_project_decorator_in_every_front_end(tmp_path):
    root = project(tmp_path, DECORATORS)
    expected = [(7, "CEL502"), (14, "CEL503")]
    codes = {code for _, code in expected}  # (the module is in no include=: CEL904 is not looked at here)
    found = standalone(root)
    assert sorted((line, code) for (path, line, code) in found if path == "proj/jobs.py" and code in codes) == expected
    _, by_flake8 = flake8(["proj/jobs.py"], root)
    assert sorted((line, code) for _, line, _, code, _ in by_flake8 if code in codes) == expected
    _, by_pylint = pylint(["proj/jobs.py"], root)
    assert sorted((line, code) for _, line, _, code, _ in by_pylint if code in codes) == expected
    assert alone(root, "proj/jobs.py", {"CEL502", "CEL503"}) == set()


# -- 5. Aliases of Celery's decorator in another module ------------------------------------------

ALIASES = {
    "proj/celery.py": """\
        from celery import Celery, shared_task

        app = Celery("proj", include=["proj.jobs", "proj.other"])
        nautobot_task = shared_task  # an alias: exactly Celery's decorator
        periodic = app.task
    """,
    "proj/jobs.py": """\
        from proj.celery import nautobot_task, periodic


        @nautobot_task
        def fetch(url):
            return url


        @periodic(bind=True)
        def poll(self):
            fetch.delay(1, 2)
            return self.request.id
    """,
    "proj/other.py": """\
        from proj import celery as c

        c.app.send_task("proj.jobs.fecth")
    """,
}


def test_an_alias_of_celerys_decorator_makes_tasks_everywhere(tmp_path):
    """``nautobot_task = shared_task`` in one module: ``@nautobot_task`` functions of every module
    are Celery tasks with Celery's names and signatures (CEL901 and CEL902 see them), unlike a
    project decorator whose options and names are its own."""
    root = project(tmp_path, ALIASES)
    found = standalone(root, select="CEL9")
    assert lines(found, "proj/other.py", "CEL901") == [3]
    assert "did you mean 'proj.jobs.fetch'" in found[("proj/other.py", 3, "CEL901")]
    assert lines(found, "proj/jobs.py", "CEL902") == []  # the same module: not the project rule's
    from celery_lint.project.index import build_index  # noqa: PLC0415

    index = build_index(str(root), celery_lint.Settings(no_cache=True))
    assert index.decorator_aliases == {"proj.celery.nautobot_task": "celery.shared_task",
                                       "proj.celery.periodic": "<app>.task"}
    names = sorted(t["name"] for t in index.summaries["proj.jobs"]["tasks"])
    assert names == ["proj.jobs.fetch", "proj.jobs.poll"]
    assert all(t["sig"] is not None for t in index.summaries["proj.jobs"]["tasks"])


REEXPORT = {
    "proj/compat/__init__.py": "from proj.compat.base import shared_task\n\n__all__ = ('shared_task',)\n",
    "proj/compat/base.py": """\
        def dummy(*args, **kwargs):
            return args[0] if args and callable(args[0]) else (lambda f: f)


        try:
            from celery import shared_task
        except ImportError:
            shared_task = dummy
    """,
    "proj/jobs.py": """\
        from celery import shared_task as celery_shared_task

        from proj.compat import shared_task


        @shared_task(autoretry_for=Exception)
        def fetch(url):
            return url


        @celery_shared_task
        def plain(url):
            return url
    """,
}


def test_celerys_decorator_re_exported_by_a_module_of_the_project(tmp_path):
    """django-ca: ``try: from celery import shared_task`` in one module, re-exported by its package,
    imported from there: its functions are Celery tasks (CEL408 sees them); a module that uses the
    decorator it imports re-exports nothing (proj.jobs.celery_shared_task is no alias)."""
    root = project(tmp_path, REEXPORT)
    assert lines(standalone(root), "proj/jobs.py", "CEL408") == [6]
    from celery_lint.project.index import build_index  # noqa: PLC0415

    index = build_index(str(root), celery_lint.Settings(no_cache=True))
    assert index.decorator_aliases == {"proj.compat.base.shared_task": "celery.shared_task",
                                       "proj.compat.shared_task": "celery.shared_task"}


def test_an_alias_in_its_own_module_is_celerys_decorator(tmp_path):
    found = celery_lint.check(ast.parse(textwrap.dedent("""\
        from celery import shared_task

        task = shared_task


        @task
        def fetch(url):
            return url


        @task
        def crawl(url):
            return fetch.delay(url).get()
    """)), "tasks.py")
    assert [(v.line, v.code) for v in found if v.code == "CEL201"] == [(13, "CEL201")]  # waits inside a task


# -- 6. An app of another module, whatever its name ----------------------------------------------

APP_OBJECTS = {
    "proj/ext.py": """\
        from celery import Celery


        class FlaskCelery(Celery):
            pass


        cel = FlaskCelery("proj", include=["proj.jobs", "proj.more"])
        not_an_app = dict(name="proj")
    """,
    "proj/jobs.py": """\
        from celery import chain

        from proj.ext import cel


        @cel.task()
        def step():
            return 1


        @cel.task()
        def launcher():
            result = chain(step.si(), step.si()).apply_async()
            result.get()
    """,
    "proj/more.py": """\
        from proj import ext
        from proj.ext import not_an_app
        from proj.jobs import step


        @ext.cel.task
        def waits():
            return step.delay().get()


        @not_an_app.task
        def plain():
            return step.delay().get()


        ext.cel.send_task("proj.jobs.stpe")
    """,
    "proj/util.py": "def cancel(order):\n    return order.cancel()\n",
}


def test_an_app_of_another_module_whatever_its_name(tmp_path):
    """``cel = FlaskCelery(...)`` in one module, ``from proj.ext import cel`` in another: ``@cel.task``
    makes tasks there (CEL201 inside them, not CEL203), and the index knows their names (CEL901),
    in every front-end; a name that is no app (``not_an_app``) stays no app."""
    root = project(tmp_path, APP_OBJECTS)
    expected = [("proj/jobs.py", 14, "CEL201"), ("proj/more.py", 8, "CEL201"), ("proj/more.py", 13, "CEL203"),
                ("proj/more.py", 16, "CEL901")]
    codes = {"CEL201", "CEL203", "CEL901"}
    found = standalone(root, select="CEL2,CEL901")
    assert sorted(k for k in found if k[2] in codes) == expected
    assert "did you mean 'proj.jobs.step'" in found[("proj/more.py", 16, "CEL901")]
    _, by_flake8 = flake8(["proj/jobs.py", "proj/more.py"], root)
    assert sorted((path, line, code) for path, line, _, code, _ in by_flake8 if code in codes) == expected
    _, by_pylint = pylint(["proj/jobs.py", "proj/more.py"], root)
    assert sorted((path, line, code) for path, line, _, code, _ in by_pylint if code in codes) == expected
    # On its own (no index), a module cannot know that ``cel`` is an app: the wait looks like a script's.
    assert alone(root, "proj/jobs.py", codes) == {(14, "CEL203")}
    from celery_lint.project.index import build_index  # noqa: PLC0415

    index = build_index(str(root), celery_lint.Settings(no_cache=True))
    assert index.app_objects == {"proj.ext.cel"}
    # Modules that are no Celery modules are not read again for the app's name (cost: sentry's
    # index summarised 1,560 modules instead of 216 when they were).
    assert "proj.util" not in index.summaries
    assert sorted(t["name"] for t in index.summaries["proj.jobs"]["tasks"]) == ["proj.jobs.launcher", "proj.jobs.step"]


# -- 7. Logging set up by the project (CEL701) ---------------------------------------------------

LOGGING = {
    "proj/celery.py": """\
        import logging.config

        from celery import Celery
        from celery.signals import setup_logging

        app = Celery("proj", include=["proj.jobs"])


        @setup_logging.connect
        def configure_logging(**kwargs):
            logging.config.dictConfig({"version": 1})
    """,
    "proj/jobs.py": """\
        import logging

        from proj.celery import app

        logger = logging.getLogger(__name__)


        @app.task
        def work():
            logger.info("working")
    """,
}


def test_logging_set_up_by_another_module_silences_cel701(tmp_path):
    """A receiver of celery.signals.setup_logging anywhere in the project: the worker sets up no
    task logger, so CEL701's advice (get_task_logger) would add no task id; silent in every
    front-end, while the module alone (no index) still reports."""
    root = project(tmp_path, LOGGING)
    assert alone(root, "proj/jobs.py", {"CEL701"}) == {(10, "CEL701")}
    assert lines(standalone(root), "proj/jobs.py", "CEL701") == []
    _, by_flake8 = flake8(["proj/jobs.py"], root)
    assert [f for f in by_flake8 if f[3] == "CEL701"] == []
    _, by_pylint = pylint(["proj/jobs.py"], root)
    assert [f for f in by_pylint if f[3] == "CEL701"] == []
    (root / "proj/celery.py").write_text('from celery import Celery\n\napp = Celery("proj", include=["proj.jobs"])\n')
    assert lines(standalone(root), "proj/jobs.py", "CEL701") == [10]


ROUTED = {
    "site/proj/settings.py": """\
        INSTALLED_APPS = ["remapp"]
        LOGGING = {
            "version": 1,
            "handlers": {"file": {"class": "logging.FileHandler", "filename": "remapp.log"}},
            "loggers": {"remapp": {"handlers": ["file"], "level": "INFO"}},
        }
    """,
    "site/remapp/__init__.py": "",
    "site/remapp/exports.py": """\
        import logging

        from celery import shared_task

        logger = logging.getLogger(__name__)
        audit = logging.getLogger("audit")


        @shared_task
        def export(pk):
            logger.info("exporting %s", pk)
            audit.info("exported %s", pk)
    """,
}


def test_a_logger_routed_by_the_project_settings_gets_the_formatter_advice(tmp_path):
    """Django's LOGGING in the settings routes ``remapp`` to a file: get_task_logger would re-parent
    ``remapp.exports`` under ``celery.task`` and take its records out of that file, so CEL701 advises
    a TaskFormatter on those handlers instead, and is silent once a formatter of the settings writes
    the task id; the unrouted ``audit`` logger keeps the get_task_logger advice."""
    root = project(tmp_path, ROUTED)
    assert alone(root, "site/remapp/exports.py", {"CEL701"}) == {(11, "CEL701"), (12, "CEL701")}
    found = standalone(root)
    assert lines(found, "site/remapp/exports.py", "CEL701") == [11, 12]
    assert "the handlers of 'remapp': give those a celery.app.log.TaskFormatter" in \
        found[("site/remapp/exports.py", 11, "CEL701")]
    assert "get_task_logger(__name__) instead" in found[("site/remapp/exports.py", 12, "CEL701")]
    settings = root / "site/proj/settings.py"
    settings.write_text(settings.read_text().replace(
        '"loggers":', '"formatters": {"task": {"format": "%(task_name)s[%(task_id)s] %(message)s"}},\n    "loggers":'))
    assert lines(standalone(root), "site/remapp/exports.py", "CEL701") == [12]
    _, by_flake8 = flake8(["site/remapp/exports.py"], root)
    assert [f[1] for f in by_flake8 if f[3] == "CEL701"] == [12]


SAGA = {
    "saga/__init__.py": "from .step import saga_step, timed  # re-exported, as celery-saga does\n",
    "saga/step.py": """\
        def saga_step(compensate=None):
            def decorator(fn):
                setattr(fn, "_saga_step", compensate)
                return fn

            return decorator


        def timed(fn):
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs)

            return wrapper
    """,
    "saga/tasks.py": """\
        from celery import shared_task

        from saga import saga_step, timed


        @saga_step(compensate="saga.refund")
        @shared_task(name="saga.charge")
        def charge(order_id):
            return order_id


        @timed
        @shared_task(name="saga.ship")
        def ship(order_id):
            return order_id
    """,
}


def test_a_decorator_of_another_module_that_hands_the_task_back_may_sit_above_it(tmp_path):
    """``saga_step`` (another module of the project) sets metadata on what it decorates and returns
    it: above ``@shared_task`` it keeps the task, so CEL502 leaves it alone; ``timed`` wraps it and
    is reported.  The module alone cannot see either and reports both."""
    root = project(tmp_path, SAGA)
    assert alone(root, "saga/tasks.py", {"CEL502"}) == {(7, "CEL502"), (13, "CEL502")}
    assert lines(standalone(root), "saga/tasks.py", "CEL502") == [13]


# -- 8. Receivers connected by another module (CEL304) -------------------------------------------

RECEIVERS = {
    "proj/apps.py": """\
        from django.apps import AppConfig
        from django.db.models.signals import post_save, pre_save


        class ShopConfig(AppConfig):
            name = "proj"

            def ready(self):
                from . import receivers
                from .receivers import audit, before

                post_save.connect(receivers.reindex, sender="proj.Order")
                post_save.connect(audit)
                pre_save.connect(before)
                user_registered.connect(receivers.welcome)
    """,
    "proj/receivers.py": """\
        from proj.tasks import index_order


        def reindex(sender, instance, **kwargs):
            index_order.delay(instance.pk)


        def audit(sender, instance, **kwargs):
            index_order.apply_async((instance.pk,))


        def before(sender, instance, **kwargs):
            index_order.delay(instance.pk)


        def welcome(sender, user, **kwargs):
            index_order.delay(user.pk)


        def unconnected(sender, instance, **kwargs):
            index_order.delay(instance.pk)
    """,
    "proj/tasks.py": """\
        from celery import shared_task


        @shared_task
        def index_order(pk):
            return pk
    """,
}


def test_receivers_connected_by_another_module(tmp_path):
    """``post_save.connect(receivers.reindex)`` in an ``AppConfig.ready()`` (a module that never
    mentions Celery): the receiver's send is CEL304 in every front-end; a pre_save receiver, a
    receiver of another signal and an unconnected function stay silent, as does the module alone."""
    root = project(tmp_path, RECEIVERS)
    expected = [5, 9]
    assert lines(standalone(root, select="CEL304"), "proj/receivers.py", "CEL304") == expected
    _, by_flake8 = flake8(["proj/receivers.py"], root)
    assert sorted(line for _, line, _, code, _ in by_flake8 if code == "CEL304") == expected
    _, by_pylint = pylint(["proj/receivers.py"], root)
    assert sorted(line for _, line, _, code, _ in by_pylint if code == "CEL304") == expected
    assert alone(root, "proj/receivers.py", {"CEL304"}) == set()


# -- Classes of project modules named ``models`` that are no Django models (CEL101) ---------

PLAIN_MODELS = {
    "proj/eventstore/__init__.py": "",
    "proj/eventstore/models.py": """\
        import abc

        from django.conf import settings


        class BaseEvent(metaclass=abc.ABCMeta):
            def __init__(self, event_id):
                self.event_id = event_id


        class Event(BaseEvent):
            pass


        class Snapshot(abc.ABC):
            pass
        """,
    "proj/orders/__init__.py": "",
    "proj/orders/models.py": """\
        from django.db import models

        from proj.db import BaseModel


        class Order(models.Model):
            pass


        class Refund(BaseModel):
            pass
        """,
    "proj/db.py": "from django.db import models\n\n\nclass BaseModel(models.Model):\n    pass\n",
    "proj/tasks.py": """\
        from celery import shared_task
        from django.urls import reverse

        from proj.eventstore.models import Event, Snapshot
        from proj.orders.models import Order, Refund


        @shared_task
        def send_event(event: Event):
            return event


        @shared_task
        def send_snapshot(snapshot: Snapshot):
            return snapshot


        @shared_task
        def send_order(order: Order):
            return order


        @shared_task
        def send_refund(refund: Refund):
            return refund
        """,
}


def test_classes_of_a_models_module_that_derive_from_no_model_are_plain_data(tmp_path):
    """Sentry's ``eventstore.models.Event``: the module is called ``models`` but its class chain
    ends in ``abc``; a Django model (directly, or through a base of another module) still counts."""
    root = project(tmp_path, PLAIN_MODELS)
    found = standalone(root, select="CEL101")
    assert lines(found, "proj/tasks.py", "CEL101") == [19, 24], found
    # Alone, the core cannot read the other module: it goes by the module's name, as before.
    assert {line for line, _ in alone(root, "proj/tasks.py", {"CEL101"})} == {9, 14, 19, 24}
    _, via_flake8 = flake8(["proj/tasks.py"], root)
    assert sorted(line for _, line, _, code, _ in via_flake8 if code == "CEL101") == [19, 24], via_flake8


# -- Beat entries read by the project's own or a configured scheduler (CEL606) --------------

_BEAT_APP = """\
    from celery import Celery

    app = Celery("proj")
    app.conf.beat_schedule = {
        "per-tenant": {"task": "proj.tasks.report", "schedule": 60.0, "tenant_schemas": ["t1"]},
    }
    """


def test_extra_entry_fields_of_a_scheduler_of_another_module(tmp_path):
    """tenant-schemas-celery: the project's scheduler (another module) reads the extra field."""
    root = project(tmp_path, {
        "proj/celery.py": _BEAT_APP,
        "proj/scheduler.py": """\
            from celery import beat


            class TenantAwareScheduler(beat.PersistentScheduler):
                pass
            """,
    })
    assert lines(standalone(root, select="CEL606"), "proj/celery.py", "CEL606") == []
    assert alone(root, "proj/celery.py", {"CEL606"}) == {(5, "CEL606")}


def test_extra_entry_fields_with_django_celery_beat_installed(tmp_path):
    """A Django project whose settings install django_celery_beat: its DatabaseScheduler takes
    extra entry fields as PeriodicTask fields."""
    root = project(tmp_path, {
        "proj/celery.py": _BEAT_APP,
        "proj/settings.py": ('INSTALLED_APPS = ["django_celery_beat"]\n'
                             'CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"\n'),
    })
    assert lines(standalone(root, select="CEL606"), "proj/celery.py", "CEL606") == []
    (root / "proj" / "settings.py").write_text('INSTALLED_APPS = ["orders"]\n')
    assert lines(standalone(root, select="CEL606"), "proj/celery.py", "CEL606") == [5]


def test_a_misspelt_task_routes_key_is_a_dead_route_not_a_dropped_message(tmp_path):
    """superdesk's task_routes key naming no task: the task meant runs on the default queue."""
    root = project(tmp_path, {
        "proj/celery_app.py": """\
            from celery import Celery

            app = Celery("proj", include=["proj.tasks"])
            app.conf.task_routes = {"proj.tasks.sned_mail": {"queue": "mail"}}
            app.conf.beat_schedule = {"mail": {"task": "proj.tasks.sned_mail", "schedule": 60.0}}
            """,
        "proj/tasks.py": """\
            from proj.celery_app import app


            @app.task
            def send_mail(to):
                return to
            """,
    })
    found = standalone(root, select="CEL901")
    route, beat = found[("proj/celery_app.py", 4, "CEL901")], found[("proj/celery_app.py", 5, "CEL901")]
    assert "the route matches no task, so the task meant runs on the default queue" in route, route
    assert "drop the message" not in route and "proj.tasks.send_mail" in route
    assert "workers drop the message" in beat and "beat sends it again on every tick" in beat, beat
