"""The module model: names resolved through imports, apps, tasks, task classes, results."""
from __future__ import annotations

import ast
import textwrap

import pytest

from celery_lint import Settings
from celery_lint.config import ConfigStyle, collect_config
from celery_lint.model import BindingKind, TaskKind, build
from celery_lint.results import is_async_result


def model_of(source: str, settings: Settings | None = None, filename: str = "tasks.py"):
    return build(ast.parse(textwrap.dedent(source)), filename, settings or Settings(), frozenset())


def task_names(source: str, settings: Settings | None = None) -> list[str]:
    return [t.name for t in model_of(source, settings).tasks]


def first_call(model, name: str) -> ast.Call:
    for node in ast.walk(model.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
            func = node.func
            if (func.id if isinstance(func, ast.Name) else func.attr) == name:
                return node
    raise AssertionError(name)


@pytest.mark.parametrize("source", [
    "from celery import shared_task\n@shared_task\ndef t(): pass\n",
    "from celery import shared_task as st\n@st(bind=True)\ndef t(self): pass\n",
    "import celery as c\n@c.shared_task\ndef t(): pass\n",
    "import celery.app\n@celery.app.shared_task\ndef t(): pass\n",
    "from celery import Celery\napp = Celery('p')\n@app.task\ndef t(): pass\n",
    "from celery import Celery as C\nworker = C('p')\n@worker.task()\ndef t(): pass\n",
    "from proj.celery import app\n@app.task(bind=True)\ndef t(self): pass\n",
    "from proj import celery_app as capp\n@capp.task\ndef t(): pass\n",
    "from celery import current_app\n@current_app.task\ndef t(): pass\n",
    "from .celery import app\n@app.task\ndef t(): pass\n",
    "from flask_app import make_celery\ncelery = make_celery()\n@celery.task\ndef t(): pass\n",
    "from celery.task import task\n@task\ndef t(): pass\n",
    "import celery\n@celery.task\ndef t(): pass\n",
    "from celery import shared_task\nif True:\n    @shared_task\n    def t(): pass\n",
])
def test_tasks_are_found_through_every_import_form(source):
    assert task_names(source) == ["t"]


@pytest.mark.parametrize("source", [
    "from invoke import task\n@task\ndef t(c): pass\n",
    "from prefect import task\n@task\ndef t(): pass\n",
    "from airflow.decorators import task\n@task\ndef t(): pass\n@task.python\ndef u(): pass\n",
    "from huey import RedisHuey\nhuey = RedisHuey()\n@huey.task()\ndef t(): pass\n",
    "import dramatiq\n@dramatiq.actor\ndef t(): pass\n",
    "from flask import Flask\napp = Flask(__name__)\n@app.task\ndef t(): pass\n",
    "def setup(app):\n    @app.task\n    def t(): pass\n",
    "from celery import group, shared_task\ndef shared_task(f): return f\n@shared_task\ndef t(): pass\n",
    "@shared_task\ndef t(): pass\n",
])
def test_other_libraries_task_decorators_are_not_tasks(source):
    assert task_names(source) == []


def test_shadowing_only_when_unconditional():
    fallback = (
        "try:\n    from celery import shared_task\nexcept ImportError:\n"
        "    def shared_task(f): return f\n@shared_task\ndef t(): pass\n"
    )
    assert task_names(fallback) == ["t"]


def test_configured_decorators_and_app_names():
    source = "from proj.base import instrumented_task\n@instrumented_task(name='x')\ndef t(): pass\n"
    assert task_names(source) == []
    assert task_names(source, Settings(task_decorators=("proj.base.instrumented_task",))) == ["t"]
    assert task_names(source, Settings(task_decorators=("instrumented_task",))) == ["t"]
    assert task_names(source, Settings(task_decorators=("other.instrumented_task",))) == []
    source = "from proj.worker import broker\n@broker.task\ndef t(): pass\n"
    assert task_names(source) == []
    assert task_names(source, Settings(app_names=("broker",))) == ["t"]


def test_task_classes_and_their_run_methods():
    model = model_of("""
        from celery import Task as T
        from proj.base import ProjectTask
        from proj.celery import app

        class Base(T):
            max_retries = 3

        class Child(Base):
            def run(self, x):
                return x

        class Later(Earlier):
            def run(self):
                pass

        class Earlier(Base):
            pass

        class FromApp(app.Task):
            def run(self):
                pass

        class Project(ProjectTask):
            def run(self):
                pass

        class Task:
            def run(self):
                pass
    """)
    classes = {c.name: c.is_task_class for c in model.classes.values()}
    assert classes == {"Base": True, "Child": True, "Later": True, "Earlier": True, "FromApp": True,
                       "Project": False, "Task": False}
    child_run = next(t for t in model.tasks if t.cls and t.cls.name == "Child")
    assert child_run.kind is TaskKind.CLASS and child_run.bound
    assert child_run.option("max_retries", model).value == 3


def test_task_options_and_inherited_base_options():
    model = model_of("""
        from celery import Task, shared_task

        class Retrying(Task):
            autoretry_for = (IOError,)
            retry_backoff = True

        @shared_task(bind=True, base=Retrying, max_retries=5, **extra)
        def t(self):
            pass

        @shared_task(base=ImportedBase)
        def u():
            pass
    """)
    t, u = model.tasks
    assert t.bound and t.has_star_kwargs and set(t.options) == {"bind", "base", "max_retries"}
    assert t.option("retry_backoff", model).value is True
    assert not t.base_unresolved and u.base_unresolved


def test_async_results_are_tracked_through_local_names():
    model = model_of("""
        from celery import group, chord
        from celery.result import AsyncResult as AR
        from proj.celery import app

        def view(task_id):
            a = fetch.delay(1)
            b = AR(task_id)
            c = group(x)()
            d = chord(h)(body)
            e = app.AsyncResult(task_id)
            f = b
            g = {}
            h = requests.get("u")
            return a.get(), b.get(), c.join(), d.get(), e.get(), f.get(), g.get(), h.get()
    """)
    ret = next(n for n in ast.walk(model.tree) if isinstance(n, ast.Return))
    got = [is_async_result(model, call.func.value) for call in ret.value.elts]
    assert got == [True, True, True, True, True, True, False, False]


def test_enclosing_task_and_scopes():
    model = model_of("""
        from celery import shared_task

        @shared_task
        def outer():
            x = fetch.delay(1)

            def helper():
                return 1
            return x
    """)
    delay = first_call(model, "delay")
    assert model.enclosing_task(delay).name == "outer"
    helper = next(n for n in ast.walk(model.tree) if isinstance(n, ast.FunctionDef) and n.name == "helper")
    assert model.enclosing_task(helper.body[0]) is None


def test_config_items_in_every_form():
    model = model_of("""
        from celery import Celery
        from django.test import override_settings

        app = Celery("p", broker="redis://", task_always_eager=True)
        app.conf.task_serializer = "json"
        app.conf["result_backend"] = "redis://"
        app.conf.update(CELERY_ALWAYS_EAGER=True, worker_concurrency=2)

        class Config:
            task_acks_late = True

        app.config_from_object(Config)

        @override_settings(CELERY_TASK_ALWAYS_EAGER=True)
        def test_x():
            pass
    """)
    collect_config(model)  # the engine runs it after build()
    items = {(i.raw, i.key, i.old, i.style) for i in model.config}
    assert items == {
        ("broker", "broker_url", False, ConfigStyle.CELERY),
        ("task_always_eager", "task_always_eager", False, ConfigStyle.CELERY),
        ("task_serializer", "task_serializer", False, ConfigStyle.CELERY),
        ("result_backend", "result_backend", False, ConfigStyle.CELERY),
        ("CELERY_ALWAYS_EAGER", "task_always_eager", True, ConfigStyle.CELERY),
        ("worker_concurrency", "worker_concurrency", False, ConfigStyle.CELERY),
        ("task_acks_late", "task_acks_late", False, ConfigStyle.CELERY),
        ("CELERY_TASK_ALWAYS_EAGER", "task_always_eager", False, ConfigStyle.DJANGO),
    }


def test_decorators_and_defaults_are_looked_up_in_the_enclosing_scope():
    source = """
        def add_group_task(app):
            @app.task(name="x")
            def group(self):
                app = self.app
                return app
    """
    assert task_names(source) == []
    model = model_of("""
        from celery import shared_task

        @shared_task
        def outer(x=fetch.delay(1)):
            return x
    """)
    assert model.enclosing_task(first_call(model, "delay")) is None


def test_comprehension_targets_stay_in_the_comprehension():
    model = model_of("""
        def f(y):
            x = 1
            z = [x for x in y if (w := x)]
            return x, w
    """)
    ret = next(n for n in ast.walk(model.tree) if isinstance(n, ast.Return))
    x, w = ret.value.elts
    assert [b.kind for b in model.lookup("x", x)] == [BindingKind.ASSIGN]
    assert [b.kind for b in model.lookup("w", w)] == [BindingKind.ASSIGN]


def test_task_labels_definitions_and_origins():
    model = model_of("""
        from celery import Task, shared_task
        from proj.base import instrumented_task

        class Base(Task):
            pass

        class Add(Base):
            def run(self, x):
                return x

        @shared_task
        def plain():
            pass

        @instrumented_task
        def custom():
            pass
    """, Settings(task_decorators=("instrumented_task",)))
    add, plain, custom = sorted(model.tasks, key=lambda t: t.node.lineno)
    assert (add.label, add.definition.lineno) == ("Add", 8)
    assert (plain.label, plain.definition.lineno) == ("plain", 13)
    assert [t.by_project_decorator for t in (add, plain, custom)] == [False, False, True]
    assert model.class_chain_known(add.cls)


@pytest.mark.parametrize("source,own", [
    ("from celery import Celery\napp = Celery('p')\n", False),
    ("from celery import Celery\napp = Celery('p', task_cls='proj.base:Base')\n", True),
    ("from celery import Celery\napp = Celery('p', **options)\n", True),
    ("from celery import Celery\nclass MyCelery(Celery):\n    pass\napp = MyCelery('p')\n", True),
    ("from celery import Celery\napp = Celery('p')\napp.Task = Base\n", True),
])
def test_app_with_its_own_task_class(source, own):
    assert model_of(source).app_has_own_task_class is own


def test_first_iterable_of_a_comprehension_is_outside_it():
    model = model_of("""
        def f(rows):
            rows = [rows for rows in rows]
    """)
    comp = next(n for n in ast.walk(model.tree) if isinstance(n, ast.ListComp))
    outer_rows = comp.generators[0].iter
    assert [b.kind for b in model.lookup("rows", outer_rows)] == [BindingKind.PARAM, BindingKind.ASSIGN]
    assert [b.kind for b in model.lookup("rows", comp.elt)] == [BindingKind.FOR]


def test_send_task_results_and_result_sets():
    model = model_of("""
        from celery import current_app, shared_task
        from celery.result import ResultSet
        from proj.celery import app

        @shared_task(bind=True)
        def outer(self):
            a = self.app.send_task("x")
            b = app.send_task("y")
            c = current_app.send_task("z")
            d = client.send_task("w")
            e = ResultSet([a, b])
            return a.get(), b.get(), c.get(), d.get(), e.join()

        def view(self):
            f = self.app.send_task("v")
            return f.get()
    """)
    rets = [n for n in ast.walk(model.tree) if isinstance(n, ast.Return)]
    got = [is_async_result(model, call.func.value) for call in rets[0].value.elts]
    assert got == [True, True, True, False, True]
    assert is_async_result(model, rets[1].value.func.value) is False


def test_process_pools_apply_async_is_no_celery_result():
    model = model_of("""
        from multiprocessing import Pool
        from multiprocessing.pool import ThreadPool

        def work(x):
            return x

        def f(pool: Pool, xs, other):
            a = pool.apply_async(sum, (xs,))
            with ThreadPool(2) as tp:
                b = tp.apply_async(len, (xs,))
            c = other.apply_async(work, (xs,))
            d = other.apply_async(lambda: 1)
            e = other.apply_async((xs,), countdown=3)
            return a.get(), b.get(), c.get(), d.get(), e.get()
    """)
    ret = [n for n in ast.walk(model.tree) if isinstance(n, ast.Return) and isinstance(n.value, ast.Tuple)][0]
    assert [is_async_result(model, call.func.value) for call in ret.value.elts] == [False, False, False, False, True]


def test_check_pauses_the_garbage_collector_and_restores_it():
    """check() runs with the cyclic collector off (see engine.paused_gc) and leaves it as it was."""
    import gc

    import celery_lint
    from celery_lint import engine

    seen = []
    original = engine.Engine.run

    def run(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return original(self, *args, **kwargs)

    tree = ast.parse("from celery import shared_task\n\n@shared_task\ndef add(x):\n    return x\n")
    engine.Engine.run = run
    try:
        assert gc.isenabled()
        celery_lint.check(tree, "tasks.py")
        assert seen == [False] and gc.isenabled()
        gc.disable()
        try:
            celery_lint.check(tree, "tasks.py")
            assert not gc.isenabled()  # a caller that had it off keeps it off
        finally:
            gc.enable()
        engine.Engine.run = lambda self, *a, **k: 1 / 0
        (error,) = celery_lint.check(tree, "tasks.py")  # an internal error: one finding that says so
        assert error.code == "CEL000" and "celery-lint's engine" in error.message
        assert gc.isenabled()
    finally:
        engine.Engine.run = original


def test_check_hands_its_model_to_on_model():
    import celery_lint

    seen = []
    source = "from celery import shared_task\n\n@shared_task(bind=True)\ndef add(self, x):\n    return x\n"
    celery_lint.check(ast.parse(source), "tasks.py", source=source, on_model=seen.append)
    assert len(seen) == 1 and [t.name for t in seen[0].tasks] == ["add"] and seen[0].tasks[0].bound
    plain = "def f():\n    return 1\n"
    celery_lint.check(ast.parse(plain), "plain.py", source=plain, on_model=seen.append)
    assert len(seen) == 1  # skipped by the prefilter: no model is built


def test_package_imports_celery_and_django():
    """mentions_celery counts every import of celery; uses_django only imports that bind a name
    (a star import binds none the model can resolve)."""
    stars = model_of("from celery.task import *\nfrom django.db.models import *\n")
    assert stars.mentions_celery and not stars.uses_django
    named = model_of("import celery\nfrom django.db import transaction\n")
    assert named.mentions_celery and named.uses_django
    relative = model_of("from .celery import app\nfrom . import django\n")
    assert not relative.mentions_celery and not relative.uses_django
