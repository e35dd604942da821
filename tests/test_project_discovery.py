"""How workers find the project's tasks: the summary facts (apps, discovery, Django settings, class
tasks, periodic handlers) and CEL904, CEL906-CEL909 on tiny projects, each with near-misses."""
from __future__ import annotations

import ast
import os
import sys
import textwrap

import pytest

import celery_lint
from celery_lint import Settings
from celery_lint.project.discovery import discovery
from celery_lint.project.index import build_index, plain_imports
from tools import run_process

CODES = ("CEL904", "CEL906", "CEL907", "CEL908", "CEL909")


def write(root, files: dict[str, str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "setup.cfg").write_text("")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def index_of(root, files):
    write(root, files)
    return build_index(str(root), Settings(project_root=str(root), no_cache=True))


def findings(root, files) -> list[tuple[str, int, str]]:
    """(path, line, code) of every CEL904/906-909 finding of the project, checked in process."""
    index = index_of(root, files)
    out = []
    for module, rel in index.paths.items():
        source = (root / rel).read_text()
        for v in celery_lint.check(ast.parse(source), str(root / rel), source=source, project=index, strict=True):
            if v.code in CODES:
                out.append((rel, v.line, v.code))
    return sorted(out)


# The Django layout of Celery's own guide.
DJANGO = {
    "proj/__init__.py": "from .celery import app as celery_app\n\n__all__ = ('celery_app',)\n",
    "proj/celery.py": """\
        import os

        from celery import Celery

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
        app = Celery("proj")
        app.config_from_object("django.conf:settings", namespace="CELERY")
        app.autodiscover_tasks()
        """,
    "proj/settings.py": """\
        INSTALLED_APPS = ["django.contrib.admin", "shop.apps.ShopConfig"]
        CELERY_BROKER_URL = "redis://redis:6379/0"
        """,
    "manage.py": "import os\n",
    "shop/__init__.py": "",
    "shop/apps.py": "from django.apps import AppConfig\n\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n",
    "shop/tasks.py": """\
        from celery import shared_task


        @shared_task
        def charge(order_id):
            return order_id
        """,
}

SHARED = textwrap.dedent("""\
    from celery import shared_task


    @shared_task
    def {name}():
        return 1
    """)


# -- summary facts -------------------------------------------------------------------------

def test_summary_apps_discovery_and_config_sources(tmp_path):
    index = index_of(tmp_path, {**DJANGO, "proj/celery.py": """\
        from celery import Celery

        app = Celery("proj", include=["proj.jobs"])
        app.config_from_object("proj.celeryconfig")
        app.autodiscover_tasks(["a", "b"], related_name="jobs", force=True)
        app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)
        app.autodiscover_tasks(PACKAGES)
        """})
    summary = index.summaries["proj.celery"]
    assert summary["apps"] == [{"line": 3, "col": 6, "namespace": False}]
    assert summary["settings"]["include"] == ["proj.jobs"]
    assert summary["config_sources"] == [{"line": 4, "target": "proj.celeryconfig", "namespace": None}]
    first, second, third = summary["discovery"]
    assert (first["packages"], first["related"], first["force"]) == (["a", "b"], "jobs", True)
    assert second["packages"] == "django"
    assert third["packages"] is None  # a name the module does not define: unknown


def test_summary_django_settings(tmp_path):
    index = index_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/settings.py": """\
            from .base import *
            LOCAL_APPS = ["shop", "blog.apps.BlogConfig"]
            INSTALLED_APPS = ["django.contrib.admin"] + LOCAL_APPS
            if DEBUG:
                INSTALLED_APPS += ["debug_toolbar"]
            INSTALLED_APPS.append("extra")
            ROOT_URLCONF = "proj.urls"
            CELERY_BROKER_URL = "redis://"
            CELERY_RESULT_BACKEND = "redis://"
            """,
        "proj/plugins.py": "INSTALLED_APPS = []\nINSTALLED_APPS.extend(load_plugins())\nCELERY_X = 1\n",
    })
    django = index.summaries["proj.settings"]["django"]
    assert django["installed_apps"] == ["django.contrib.admin", "shop", "blog.apps.BlogConfig",
                                        "debug_toolbar", "extra"]
    assert django["celery_names"] == ["CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"]
    assert django["new_names"] == ["CELERY_BROKER_URL"]  # CELERY_RESULT_BACKEND is also an old name
    assert (django["root_urlconf"], django["star"]) == ("proj.urls", True)
    assert index.summaries["proj.plugins"]["django"]["installed_apps"] is None  # built at run time


def test_summary_class_tasks_and_periodic_handlers(tmp_path):
    index = index_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/tasks.py": """\
            from celery import Task
            from proj.celery import app


            class Rebuild(Task):
                def run(self):
                    return 1


            @app.on_after_configure.connect
            def setup(sender, **kwargs):
                sender.add_periodic_task(10.0, ping.s())


            @app.on_after_configure.connect
            def other(sender, **kwargs):
                return sender


            app.register_task(Rebuild())
            Rebuild().delay()
            """,
        "proj/views.py": "from proj.tasks import Rebuild\n\nRebuild.apply_async()\napp.register_task(make())\n",
    })
    tasks, views = index.summaries["proj.tasks"], index.summaries["proj.views"]
    assert tasks["periodic_handlers"] == [{"line": 10, "col": 1, "name": "setup"}]
    assert tasks["registers"] == ["proj.tasks.Rebuild"] and not tasks["registers_unknown"]
    assert {"target": "proj.tasks.Rebuild", "line": 21} in tasks["class_calls"]
    assert views["class_calls"] == [{"target": "proj.tasks.Rebuild", "line": 3}]
    assert views["registers_unknown"]


def test_plain_imports_of_modules_without_celery():
    found = plain_imports("from . import (tasks,\n    views as v)\nimport a.b as c, d\n"
                          "def f():\n    from ..x import y\n", "proj.shop.models", False)
    assert found == ["a.b", "d", "proj.shop", "proj.shop.tasks", "proj.shop.views", "proj.x", "proj.x.y"]
    assert "*" in plain_imports("importlib.import_module(name)\n", "m", False)


def test_discovery_of_the_django_layout(tmp_path):
    index = index_of(tmp_path, {**DJANGO, "shop/models.py": "from .signals import x\n",
                                "shop/signals.py": "x = 1\n"})
    found = discovery(index)
    assert found.app_module == "proj.celery" and found.django
    assert {"proj", "proj.celery", "shop.tasks", "shop.apps", "shop.models", "shop.signals"} <= found.reached
    assert "shop.tasks" not in found.eager and "proj.celery" in found.eager


def test_discovery_is_blind_with_two_apps_or_unknown_arguments(tmp_path):
    two_apps = {**DJANGO, "other.py": "from celery import Celery\nx = Celery()\n"}
    assert discovery(index_of(tmp_path / "a", two_apps)) is None
    unknown = "from celery import Celery\napp = Celery('p')\napp.autodiscover_tasks(find())\n"
    assert discovery(index_of(tmp_path / "b", {"p/__init__.py": "", "p/celery.py": unknown})) is None
    envvar = "from celery import Celery\napp = Celery('p')\napp.config_from_envvar('CFG')\n"
    assert discovery(index_of(tmp_path / "c", {"p/__init__.py": "", "p/celery.py": envvar})) is None


# -- CEL904 --------------------------------------------------------------------------------

def test_cel904_module_outside_include(tmp_path):
    files = {
        "proj/__init__.py": "",
        "proj/celery.py": "from celery import Celery\n\napp = Celery('proj', include=['proj.tasks'])\n",
        "proj/tasks.py": SHARED.format(name="a"),
        "proj/jobs.py": "import os\n" + SHARED.format(name="b"),
    }
    assert findings(tmp_path, files) == [("proj/jobs.py", 6, "CEL904")]


def test_cel904_django_app_missing_from_installed_apps(tmp_path):
    files = {**DJANGO, "blog/__init__.py": "", "blog/tasks.py": SHARED.format(name="post")}
    assert findings(tmp_path, files) == [("blog/tasks.py", 5, "CEL904")]


def test_cel904_submodule_of_a_tasks_package(tmp_path):
    files = {**DJANGO, "shop/tasks.py": None, "shop/tasks/__init__.py": "from .mail import *\n",
             "shop/tasks/mail.py": SHARED.format(name="mail"), "shop/tasks/pdf.py": SHARED.format(name="pdf")}
    del files["shop/tasks.py"]
    assert findings(tmp_path, files) == [("shop/tasks/pdf.py", 5, "CEL904")]


def test_cel904_jobs_module_beside_tasks(tmp_path):
    # the project the near-misses below change
    assert findings(tmp_path, {**DJANGO, "shop/jobs.py": SHARED.format(name="later")}) == [
        ("shop/jobs.py", 5, "CEL904")]


@pytest.mark.parametrize("extra", [
    {"shop/views.py": "from shop.jobs import later\n"},  # Django imports views (URL checks)
    {"shop/models.py": "def f():\n    from .jobs import later\n"},  # imported when a model method runs
    {"proj/celery.py": DJANGO["proj/celery.py"] + "app.conf.imports = ['shop.jobs']\n"},
    {"proj/settings.py": DJANGO["proj/settings.py"] + "CELERY_IMPORTS = ['shop.jobs']\n"},
    {"proj/settings.py": "INSTALLED_APPS = load_apps()\n"},  # built at run time: blind
    {"shop/urls.py": "import importlib\nimportlib.import_module(name)\n"},  # computed import: blind
    {"scripts/__init__.py": "", "scripts/jobs.py": SHARED.format(name="later")},  # a scripts folder
    {"tests/test_jobs.py": SHARED.format(name="later")},  # test code
])
def test_cel904_silent(tmp_path, extra):
    files = {**DJANGO, "shop/jobs.py": SHARED.format(name="later"), **extra}
    if "scripts/jobs.py" in extra or "tests/test_jobs.py" in extra:
        del files["shop/jobs.py"]
    assert [f for f in findings(tmp_path, files) if f[2] == "CEL904"] == []


TASK = "from proj.utils.celery_app import app\n\n\n@app.task\ndef {name}(url):\n    return url\n"


def test_cel904_silent_when_the_app_finds_no_task_module_at_all(tmp_path):
    """backflow: an app with no include/imports/autodiscover_tasks that reaches no task module
    could never run a task, so its workers are started another way (``celery -A proj.jobs.tasks``,
    whose import registers the tasks, or ``--include``): nothing to say about one module."""
    files = {
        "proj/__init__.py": "",
        "proj/utils/__init__.py": "",
        "proj/utils/celery_app.py": "from celery import Celery\n\napp = Celery('proj')\n",
        "proj/jobs/__init__.py": "",
        "proj/jobs/tasks.py": TASK.format(name="crawl"),
    }
    assert findings(tmp_path / "none", files) == []
    # Once the app finds one task module, a module it misses is reported.
    files["proj/utils/celery_app.py"] = ("from celery import Celery\n\n"
                                         "app = Celery('proj', include=['proj.jobs.tasks'])\n")
    files["proj/jobs/more.py"] = TASK.format(name="fetch")
    assert findings(tmp_path / "some", files) == [("proj/jobs/more.py", 5, "CEL904")]


def test_cel904_silent_without_an_app(tmp_path):
    assert findings(tmp_path, {"lib/__init__.py": "", "lib/jobs.py": SHARED.format(name="x")}) == []


# -- CEL906 --------------------------------------------------------------------------------

def test_cel906_init_without_the_app(tmp_path):
    files = {**DJANGO, "proj/__init__.py": "\"\"\"The project.\"\"\"\n"}
    assert findings(tmp_path, files) == [("proj/celery.py", 6, "CEL906")]


@pytest.mark.parametrize("extra", [
    {"proj/__init__.py": "from . import celery\n"},
    {"proj/__init__.py": "from proj.celery import app\n"},
    {"proj/settings.py": None},  # no Django settings
    {"shop/tasks.py": "from proj.celery import app\n\n\n@app.task\ndef charge():\n    return 1\n"},  # no shared_task
    {"proj/wsgi.py": "import proj.celery\n"},
])
def test_cel906_silent(tmp_path, extra):
    files = {**DJANGO, "proj/__init__.py": "", **extra}
    files = {k: v for k, v in files.items() if v is not None}
    assert [f for f in findings(tmp_path, files) if f[2] == "CEL906"] == []


# -- CEL907 --------------------------------------------------------------------------------

NO_NAMESPACE = DJANGO["proj/celery.py"].replace(', namespace="CELERY"', "")


def test_cel907_new_names_without_namespace(tmp_path):
    files = {**DJANGO, "proj/celery.py": NO_NAMESPACE}
    assert findings(tmp_path, files) == [("proj/celery.py", 7, "CEL907")]
    index = index_of(tmp_path, files)
    source = (tmp_path / "proj/celery.py").read_text()
    [v] = [v for v in celery_lint.check(ast.parse(source), str(tmp_path / "proj/celery.py"), project=index)
           if v.code == "CEL907"]
    assert "CELERY_BROKER_URL" in v.message and "proj/settings.py" in v.message


@pytest.mark.parametrize("files", [
    {},  # namespace given
    {"proj/celery.py": NO_NAMESPACE, "proj/settings.py": "INSTALLED_APPS = []\nCELERY_RESULT_BACKEND = 'x'\n"},
    {"proj/celery.py": NO_NAMESPACE.replace('Celery("proj")', 'Celery("proj", namespace="CELERY")')},
    {"proj/celery.py": NO_NAMESPACE.replace('Celery("proj")', 'Celery("proj", broker=settings.CELERY_BROKER_URL)')},
    {"proj/celery.py": NO_NAMESPACE.replace('"django.conf:settings"', '"proj.celeryconfig"')},
])
def test_cel907_silent(tmp_path, files):
    assert [f for f in findings(tmp_path, {**DJANGO, **files}) if f[2] == "CEL907"] == []


# -- CEL908 --------------------------------------------------------------------------------

HANDLER = """\
    from proj.celery import app


    @app.on_after_configure.connect
    def setup_periodic_tasks(sender, **kwargs):
        sender.add_periodic_task(60.0, ping.s())


    @app.task
    def ping():
        return 1
    """


def test_cel908_handler_in_an_autodiscovered_module(tmp_path):
    assert findings(tmp_path, {**DJANGO, "shop/tasks.py": HANDLER}) == [("shop/tasks.py", 4, "CEL908")]


def test_cel908_handler_in_an_included_module(tmp_path):
    files = {"proj/__init__.py": "", "proj/tasks.py": HANDLER,
             "proj/celery.py": "from celery import Celery\n\napp = Celery('proj', include=['proj.tasks'])\n"}
    assert findings(tmp_path, files) == [("proj/tasks.py", 4, "CEL908")]


@pytest.mark.parametrize("files", [
    # imported by the app's module when it is imported
    {"proj/__init__.py": "", "proj/tasks.py": HANDLER,
     "proj/celery.py": "from celery import Celery\n\napp = Celery('proj')\nimport proj.tasks\n"},
    # discovered with force=True: imported at the call
    {"proj/__init__.py": "", "proj/tasks.py": HANDLER,
     "proj/celery.py": ("from celery import Celery\n\napp = Celery('proj')\n"
                        "app.autodiscover_tasks(['proj'], force=True)\n")},
    # on_after_finalize
    {"proj/__init__.py": "", "proj/tasks.py": HANDLER.replace("on_after_configure", "on_after_finalize"),
     "proj/celery.py": "from celery import Celery\n\napp = Celery('proj', include=['proj.tasks'])\n"},
    # the app's module calls django.setup(): Django's modules come before the config
    {**DJANGO, "shop/tasks.py": HANDLER,
     "proj/celery.py": DJANGO["proj/celery.py"] + "import django\ndjango.setup()\n"},
])
def test_cel908_silent(tmp_path, files):
    assert [f for f in findings(tmp_path, files) if f[2] == "CEL908"] == []


# -- CEL909 --------------------------------------------------------------------------------

CLASS_TASK = """\
    from celery import Task


    class Rebuild(Task):
        def run(self, name):
            return name
    """


def test_cel909_class_task_sent_but_not_registered(tmp_path):
    files = {"proj/__init__.py": "", "proj/jobs.py": CLASS_TASK,
             "proj/views.py": "from proj.jobs import Rebuild\n\nRebuild().delay('x')\n"}
    assert findings(tmp_path, files) == [("proj/jobs.py", 4, "CEL909")]


@pytest.mark.parametrize("views", [
    "from proj.jobs import Rebuild\nfrom proj.celery import app\n\n"
    "app.register_task(Rebuild())\nRebuild().delay('x')\n",
    "from proj.jobs import Rebuild\nfrom proj.celery import app\n\n"
    "app.tasks.register(Rebuild)\nRebuild().delay('x')\n",
    "from proj.jobs import Rebuild\n\nfor t in TASKS:\n    app.register_task(t)\nRebuild().delay('x')\n",
    "from proj.jobs import Rebuild\nfrom celery import shared_task\n\n\n"
    "@shared_task(base=Rebuild)\ndef f():\n    pass\n",
])
def test_cel909_silent(tmp_path, views):
    files = {"proj/__init__.py": "", "proj/jobs.py": CLASS_TASK, "proj/views.py": views}
    assert findings(tmp_path, files) == []


def test_cel909_silent_on_a_class_that_registers_itself(tmp_path):
    jobs = CLASS_TASK.replace("class Rebuild(Task):", "class Base(Task):\n    def __init_subclass__(cls):\n"
                              "        register(cls)\n\n\nclass Rebuild(Base):")
    files = {"proj/__init__.py": "", "proj/jobs.py": jobs,
             "proj/views.py": "from proj.jobs import Rebuild\n\nRebuild().delay('x')\n"}
    assert findings(tmp_path, files) == []


# -- the standalone command ----------------------------------------------------------------

def test_standalone_command_reports_the_project_rules(tmp_path):
    write(tmp_path, {**DJANGO, "proj/__init__.py": "", "proj/celery.py": NO_NAMESPACE,
                     "shop/jobs.py": SHARED.format(name="later")})
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    done = run_process([sys.executable, "-m", "celery_lint", "check", "--select", "CEL", "--no-cache", tmp_path],
                       cwd=tmp_path, env=env)
    lines = sorted(line.replace(str(tmp_path) + os.sep, "").split(" ")[0:2] for line in done.stdout.splitlines()
                   if " CEL90" in line)
    assert lines == [["proj/celery.py:6:7:", "CEL906"], ["proj/celery.py:7:1:", "CEL907"],
                     ["shop/jobs.py:5:1:", "CEL904"]]
