"""The configuration model (celery_lint.config) and the rules built on it."""
from __future__ import annotations

import ast
import inspect
import textwrap

import pytest

import celery_lint
from celery_lint import Settings
from celery_lint.config import (
    CELERY_INIT_PARAMS,
    CELERY_INIT_RENAMES,
    UNSEEN,
    ConfigStyle,
    app_config,
    collect_config,
    groups,
    is_partial,
    may_be_set_elsewhere,
    setting_key,
)
from celery_lint.checks.configuration import Names, edit_distance, typo_of
from celery_lint.checks.testing import is_dev_settings
from celery_lint.engine import Engine
from celery_lint.model import build
from celery_lint.settings import is_celeryconfig_module, is_settings_module
from checking import codes, example_codes, found, violations


def model_of(source: str, filename: str = "proj/celery.py", settings: Settings | None = None):
    tree = ast.parse(textwrap.dedent(source))
    model = build(tree, filename, settings or Settings(), Engine(()).wanted)
    collect_config(model)
    return model


def items(source: str, filename: str = "proj/celery.py"):
    return [(i.raw, i.key, i.style.value, i.source.value) for i in model_of(source, filename).config]


# -- facts about Celery that config.py keeps ----------------------------------------

def test_celery_init_params_match_celery():
    celery = pytest.importorskip("celery")
    params = inspect.signature(celery.Celery.__init__).parameters
    named = {p for p, v in params.items() if p != "self" and v.kind is not inspect.Parameter.VAR_KEYWORD}
    assert CELERY_INIT_PARAMS == named


def test_celery_init_renames_match_celery():
    celery = pytest.importorskip("celery")
    source = textwrap.dedent(inspect.getsource(celery.Celery.__init__))
    autoset = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr.endswith("__autoset") and isinstance(node.args[0], ast.Constant):
            autoset[node.args[1].id] = node.args[0].value
    assert autoset == CELERY_INIT_RENAMES


# -- setting names ----------------------------------------------------------------

@pytest.mark.parametrize("raw, style, expected", [
    ("broker_url", "celery", ("broker_url", False)),
    ("BROKER_URL", "celery", ("broker_url", True)),
    ("BROKER_URL", "django", ("broker_url", True)),
    ("CELERY_BROKER_URL", "django", ("broker_url", False)),
    ("CELERY_BROKER_URL", "celery", ("broker_url", False)),
    ("CELERY_RESULT_BACKEND", "django", ("result_backend", False)),
    ("CELERY_ALWAYS_EAGER", "django", ("task_always_eager", True)),
    ("CELERYD_CONCURRENCY", "django", ("worker_concurrency", True)),
    ("CELERY_TASK_ALWAYS_EAGER", "django", ("task_always_eager", False)),
    ("broker", "celery", (None, False)),
    ("CELERY_EMAIL_TASK_CONFIG", "django", (None, False)),
])
def test_setting_key(raw, style, expected):
    assert setting_key(raw, ConfigStyle(style)) == expected


def test_module_names():
    assert is_celeryconfig_module("proj/celeryconfig.py")
    assert is_celeryconfig_module("celery_config.py")
    assert not is_celeryconfig_module("proj/celery.py")
    assert is_settings_module("proj/settings.py")
    assert is_settings_module("proj/settings/test.py")
    assert is_settings_module("test_settings.py")
    assert not is_settings_module("proj/tasks.py")
    assert is_dev_settings("proj/settings/dev.py")
    assert is_dev_settings("proj/local.py")
    assert is_dev_settings("proj/settings/development.py")
    assert is_dev_settings("proj/settings/staging_dev.py")
    assert not is_dev_settings("proj/settings/production.py")
    assert not is_dev_settings("proj/devices.py")
    assert is_dev_settings("worker/configuration/test.py")  # edx-ecommerce-worker's test config
    assert is_dev_settings("proj/config/testing.py")
    assert not is_dev_settings("proj/testdata.py")
    assert is_dev_settings("defender/ci_settings.py")  # tox runs the tests --settings=defender.ci_settings
    assert is_dev_settings("proj/settings_ci.py")
    assert is_dev_settings("proj/settings/ci_postgres.py")
    assert not is_dev_settings("proj/settings/circuit.py")


def test_eager_mode_in_a_test_config_module_is_deliberate():
    source = "CELERY_ALWAYS_EAGER = True\nCELERY_EAGER_PROPAGATES_EXCEPTIONS = True\n"
    assert found(source, select="CEL801", filename="worker/configuration/test.py") == []
    assert found(source, select="CEL801", filename="worker/configuration/production.py") == [(1, "CEL801")]


def test_typos():
    assert edit_distance("worker_concurency", "worker_concurrency") == 1
    assert edit_distance("task_acsk_late", "task_acks_late") == 1
    names = Names(["task_serializer", "result_serializer", "redis_host", "broker_url"])
    assert typo_of("task_serialiser", names) == "task_serializer"
    assert typo_of("redbeat_redis_url", names) is None
    assert names.by_namespace["task"] == ("task_serializer",)


# -- the forms of configuration ---------------------------------------------------

def test_celery_keywords():
    found = items("""
        from celery import Celery
        app = Celery("proj", broker="redis://", backend="redis://", include=["a"], set_as_current=False,
                     task_acks_late=True, changes={"worker_concurrency": 2})
    """)
    assert found == [
        ("broker", "broker_url", "celery", "celery"),
        ("backend", "result_backend", "celery", "celery"),
        ("include", "include", "celery", "celery"),
        ("task_acks_late", "task_acks_late", "celery", "celery"),
        ("worker_concurrency", "worker_concurrency", "celery", "celery"),
    ]


def test_conf_forms_and_groups():
    model = model_of("""
        from celery import Celery
        app = Celery("proj")
        app.conf.task_always_eager = True
        app.conf["task_eager_propagates"] = True
        app.autodiscover_tasks()
        app.conf.timezone = "UTC"
        app.conf.update({"result_expires": 60}, task_acks_late=True)
        EXTRA = {"worker_concurrency": 2}
        app.conf.update(**EXTRA)
        app.conf.update(**get_extra())
    """)
    found = [(i.raw, i.source.value) for i in model.config]
    assert found == [
        ("result_expires", "update"), ("task_acks_late", "update"),
        ("worker_concurrency", "update"), (UNSEEN, "update"),
        ("task_always_eager", "conf"), ("task_eager_propagates", "conf"), ("timezone", "conf"),
    ]
    sizes = sorted(len(g) for g in groups(model.config))
    assert sizes == [1, 1, 1, 2, 2]
    creation = model.tree.body[1]
    assert all(item.app is creation for item in model.config)  # one app: its configs are tied
    assert len(app_config(model, groups(model.config)[0])) == len(model.config)


def test_configs_of_apps_made_elsewhere_are_partial():
    model = model_of("""
        from celery import Celery, current_app
        from proj.celery import app
        app.conf.task_always_eager = True
        current_app.conf.update(task_acks_late=True)
        local = Celery("local")
        local.conf.task_acks_late = True
        other = Celery("other")
        other.config_from_object("proj.celeryconfig")
        other.conf.task_acks_late = True
    """)
    found = [(i.raw, i.source.value, i.app is not None, is_partial(model, [i])) for i in model.config]
    assert found == [
        ("task_acks_late", "update", False, True),
        ("task_always_eager", "conf", False, True),
        ("task_acks_late", "conf", True, False),
        ("task_acks_late", "conf", True, True),
    ]
    fine = lambda value: True  # noqa: E731
    local, other = model.config[2:]
    assert not may_be_set_elsewhere(model, [local], "worker_prefetch_multiplier", fine)
    assert may_be_set_elsewhere(model, [other], "worker_prefetch_multiplier", fine)


def test_settings_changed_in_tests_are_partial():
    model = model_of("""
        from django.test import override_settings

        @override_settings(CELERY_TASK_ALWAYS_EAGER=True)
        def test_a(settings):
            settings.CELERY_TASK_ALWAYS_EAGER = True
    """, "tests/test_a.py")
    assert [is_partial(model, items) for items in groups(model.config)] == [True, True]


def test_mutated_dict_is_not_followed():
    found = items("""
        from celery import Celery
        app = Celery("proj")
        conf = {"task_always_eager": True}
        conf["task_eager_propagates"] = True
        app.conf.update(conf)
    """)
    assert found == [(UNSEEN, None, "celery", "update")]


def test_config_from_object_class_and_dict():
    found = items("""
        from celery import Celery
        class Base:
            broker_url = "redis://"
        class Config(Base):
            CELERY_TASK_ACKS_LATE = True
            _private = 1
        app = Celery("proj")
        app.config_from_object(Config, namespace="CELERY")
        app.config_from_object({"timezone": "UTC"})
        app.config_from_object("django.conf:settings", namespace="CELERY")
    """)
    assert found == [
        ("CELERY_TASK_ACKS_LATE", "task_acks_late", "django", "object"),
        ("broker_url", "broker_url", "django", "object"),
        ("timezone", "timezone", "celery", "object"),
    ]


def test_tests_forms():
    found = items("""
        import pytest
        from django.test import override_settings

        @pytest.fixture
        def celery_config():
            return {"task_always_eager": True}

        @override_settings(CELERY_TASK_ALWAYS_EAGER=True, DEBUG=True)
        def test_a(settings):
            settings.CELERY_TASK_EAGER_PROPAGATES = True
            settings.DEBUG = True

        class T:
            def test_b(self):
                with self.settings(CELERY_ALWAYS_EAGER=True):
                    pass
    """, "tests/test_a.py")
    assert found == [
        ("CELERY_TASK_ALWAYS_EAGER", "task_always_eager", "django", "override"),
        ("CELERY_ALWAYS_EAGER", "task_always_eager", "django", "override"),
        ("CELERY_TASK_EAGER_PROPAGATES", "task_eager_propagates", "django", "fixture"),
        ("task_always_eager", "task_always_eager", "celery", "pytest"),
    ]


def test_module_level_settings():
    source = """
        from .base import *
        DEBUG = True
        CELERY_BROKER_URL = "redis://"
        BROKER_URL = "redis://"
        S3_BUCKET = "media"
        if DEBUG:
            CELERY_TASK_ALWAYS_EAGER = True
    """
    assert items(source, "proj/settings/dev.py") == [
        ("CELERY_BROKER_URL", "broker_url", "django", "module"),
        ("BROKER_URL", "broker_url", "django", "module"),
        ("CELERY_TASK_ALWAYS_EAGER", "task_always_eager", "django", "module"),
        (UNSEEN, None, "django", "module"),
    ]


def test_celeryconfig_module():
    assert items("""
        import os
        broker_url = os.environ["BROKER"]
        _helper = 1
        CELERYD_CONCURRENCY = 2
        S3_BUCKET = "x"
    """, "proj/celeryconfig.py") == [
        ("broker_url", "broker_url", "celery", "module"),
        ("CELERYD_CONCURRENCY", "worker_concurrency", "django", "module"),
        ("S3_BUCKET", "s3_bucket", "django", "module"),
    ]


def test_constants_of_an_app_module_are_no_settings():
    assert items("""
        import os
        from celery import Celery
        BROKER_URL = os.environ.get("BROKER_URL", "redis://localhost")
        app = Celery("proj", broker=BROKER_URL)
    """) == [("broker", "broker_url", "celery", "celery")]
    assert items("""
        CELERY_QUEUE = "default"
    """, "tests/test_tasks.py") == []


# -- rules that need more than a fixture ---------------------------------------------

SECRETS = ["s3cret", "p%40ss", "hunter2", "x" * 40]


@pytest.mark.parametrize("password", SECRETS)
@pytest.mark.parametrize("template", [
    'app = Celery("proj", broker="amqp://proj:{pw}@rabbit.internal//")',
    'app.conf.result_backend = "db+postgresql://proj:{pw}@db.internal/results"',
    'app.conf.broker_url = "sqla+postgresql://proj:{pw}@db.internal/proj"',
    'app.conf.broker_url = f"redis://:{pw}@{{HOST}}:6379/0"',
    'app.conf.result_backend = "redis://:{pw}@cache.internal:6379/1"',
])
def test_messages_never_show_the_password(template, password):
    source = "from celery import Celery\napp = Celery('proj')\nHOST = 'h'\n" + template.format(pw=password) + "\n"
    reported = violations(source, filename="proj/celery.py")
    assert "CEL002" in {v.code for v in reported}
    for v in reported:
        assert password not in v.message


def test_django_settings_message_names_the_namespaced_setting():
    reported = violations("CELERYD_CONCURRENCY = 4\n", filename="proj/settings.py")
    assert [v.code for v in reported] == ["CEL004"]
    assert "CELERY_WORKER_CONCURRENCY" in reported[0].message
    assert "namespace='CELERY'" in reported[0].message  # the name the app reads only under the namespace
    reported = violations("CELERYD_CONCURRENCY = 4\n", filename="proj/celeryconfig.py")
    assert reported[0].message.endswith("rename it to worker_concurrency")


def test_old_name_next_to_its_new_name_is_to_be_removed():
    source = textwrap.dedent("""
        import os
        CELERY_ALWAYS_EAGER = True
        CELERY_TASK_ALWAYS_EAGER = True
        CELERY_TASK_EAGER_PROPAGATES = True
        if os.environ.get("CI"):
            CELERY_ACKS_LATE = False
        else:
            CELERY_TASK_ACKS_LATE = True
    """)
    reported = violations(source, filename="proj/settings/test.py", select="CEL004")
    assert [v.line for v in reported] == [3, 7]
    assert "remove it and keep CELERY_TASK_ALWAYS_EAGER" in reported[0].message
    assert "rename it to CELERY_TASK_ACKS_LATE" in reported[1].message  # another branch: a rename
    reported = violations(
        "from celery import Celery\napp = Celery('p')\napp.conf.update(CELERYD_CONCURRENCY=8, worker_concurrency=4)\n",
        filename="proj/celery.py")
    assert [v.code for v in reported] == ["CEL004"]
    assert "remove it and keep worker_concurrency" in reported[0].message


def test_helper_constant_read_by_settings_is_not_reported():
    source = """
        import os
        BROKER_URL = os.environ["BROKER_URL"]
        CELERY_BROKER_URL = BROKER_URL
    """
    assert found(source, filename="proj/settings.py") == []


def test_test_paths_setting_silences_cel801():
    source = "from celery import Celery\napp = Celery('p', task_always_eager=True, task_eager_propagates=True)\n"
    assert codes(source, filename="qa/checks.py") == ["CEL801"]
    settings = Settings(test_paths=("qa/*",))
    assert violations(source, filename="qa/checks.py", settings=settings) == []
    assert violations(source, filename="proj/tests/test_x.py") == []
    assert violations(source, filename="proj/settings/dev.py") == []


@pytest.mark.parametrize("code", ["CEL001", "CEL002", "CEL003", "CEL004", "CEL005", "CEL006", "CEL007",
                                  "CEL008", "CEL009", "CEL606", "CEL608", "CEL801", "CEL802"])
def test_examples_trigger_and_instead_does_not(code):
    rule = celery_lint.RULES[code]
    for source, fires in ((rule.example, True), (rule.instead, False)):
        assert (code in example_codes(source)) is fires


def test_never_raises_on_odd_config():
    source = """
        from celery import Celery
        app = Celery("proj", **{})
        app.conf.update(1, *args, **{"a": 1}, **{1: 2})
        app.conf[key] = 1
        app.conf.broker_url = "amqp://[::1"
        app.conf.broker_url = "amqp://u:p@[bad/"
        app.conf.broker_url = 42
        app.conf.beat_schedule = {"x": None, 1: {}, **other, "y": {1: 2, **z}}
        app.conf.accept_content = "pickle"
        app.conf.task_serializer = None
        app.add_periodic_task()
        app.config_from_object()
        app.config_from_object(Unknown)
    """
    violations(source, filename="proj/celery.py")


def test_flask_celery_mapping():
    assert items("""
        from flask import Flask
        app = Flask(__name__)
        app.config.from_mapping(DEBUG=True, CELERY=dict(broker_url="redis://", task_ignore_result=True))
        app.config["CELERY"] = {"result_backend": "redis://"}
        app.config["OTHER"] = {"result_backend": "redis://"}
    """, "proj/app.py") == [
        ("broker_url", "broker_url", "celery", "flask"),
        ("task_ignore_result", "task_ignore_result", "celery", "flask"),
        ("result_backend", "result_backend", "celery", "flask"),
    ]


def test_custom_scheduler_keeps_extra_entry_fields():
    source = """
        from celery import Celery
        app = Celery("proj")
        app.conf.beat_scheduler = "{scheduler}"
        app.conf.beat_schedule = {{"a": {{"task": "t", "schedule": 5.0, "enabled": False, "args": "x"}}}}
    """
    default = source.format(scheduler="celery.beat:PersistentScheduler")
    assert found(default, filename="proj/celery.py", select="CEL606") == [(5, "CEL606"), (5, "CEL606")]
    custom = source.format(scheduler="django_celery_beat.schedulers:DatabaseScheduler")
    assert found(custom, filename="proj/celery.py", select="CEL606") == [(5, "CEL606")]  # args is still no tuple


def test_celery_config_classes():
    assert items("""
        from django.apps import AppConfig

        class CeleryConfig:
            broker_url = "redis://"
            task_acks_late = True

        class CeleryAppConfig(AppConfig):
            name = "proj.celery"
            default_auto_field = "django.db.models.BigAutoField"

        class DatabaseConfig:
            broker_url = "x"
            result_backend = "y"
    """, "proj/config.py") == [
        ("broker_url", "broker_url", "celery", "object"),
        ("task_acks_late", "task_acks_late", "celery", "object"),
    ]


def test_test_code():
    assert model_of("x = 1", "proj/tests/test_a.py").is_test_code()
    assert model_of("x = 1", "proj/testutils/settings.py").is_test_code()
    assert model_of("x = 1", "conftest.py").is_test_code()
    assert not model_of("x = 1", "proj/settings/production.py").is_test_code()
    assert not model_of("x = 1", "proj/contest/views.py").is_test_code()


def test_unknown_setting_does_not_suggest_a_setting_already_set():
    source = textwrap.dedent("""
        from celery import Celery
        app = Celery("proj")
        app.conf.worker_heartbeat = None
        app.conf.broker_heartbeat = 0
        other = Celery("other")
        other.conf.worker_heartbeat = None
    """)
    reported = violations(source, filename="proj/celery.py", select="CEL006")
    assert [v.line for v in reported] == [4, 7]
    assert "did you mean" not in reported[0].message
    assert "'broker_heartbeat', is set in this config" in reported[0].message
    assert reported[1].message.endswith("did you mean 'broker_heartbeat'?")


def test_cel007_never_advises_accepting_pickle():
    """Where CEL003 reports sending with pickle, CEL007 does not ask to accept it."""
    source = 'from celery import Celery\napp = Celery("p", task_serializer="pickle", accept_content=["json"])\n'
    found = {v.code: v.message for v in violations(source)}
    assert set(found) >= {"CEL003", "CEL007"}
    assert "add 'pickle'" not in found["CEL007"]
    assert "send with a serializer that accept_content lists, such as 'json', instead of pickle" in found["CEL007"]
    source = 'from celery import Celery\napp = Celery("p", task_serializer="msgpack", accept_content=["json"])\n'
    (message,) = [v.message for v in violations(source) if v.code == "CEL007"]
    assert message.endswith("add 'msgpack' to accept_content")


def test_cel004_says_celery_6_is_announced():
    source = "from celery import Celery\napp = Celery('p')\napp.conf.CELERY_ALWAYS_EAGER = True\n"
    (message,) = [v.message for v in violations(source) if v.code == "CEL004"]
    assert "Celery 6 is announced to stop reading" in message and "no longer reads" not in message


def test_a_computed_entry_name_is_quoted_as_written():
    """A beat entry named by an f-string is quoted without its own quotes (``'periodic-{name}'``,
    not ``'f'periodic-{name}''``); another computed name as written."""
    from checking import messages  # noqa: PLC0415

    found = messages("""\
        from celery import Celery

        app = Celery("proj")


        def register(name, schedule):
            app.conf.beat_schedule.update({f"periodic-{name}": {"task": "proj.run", "schedule": schedule}})
            app.conf.beat_schedule[name.upper()] = {"task": "proj.run", "schedule": schedule}
    """, select="CEL608", filename="proj/celery.py")
    assert [m.split(" has no expires")[0] for m in found] == [
        "periodic task 'periodic-{name}'", "periodic task 'name.upper()'"]


def test_add_defaults_is_config():
    """``app.add_defaults(d)``: the lowest layer of the app's config, in effect unless something
    overrides it -- its values are checked as ``conf.update``'s are (CEL009); a callable (a
    promise Celery evaluates later) or another object's ``add_defaults`` is nothing to check."""
    source = """\
        from celery import Celery

        DEFAULTS = dict(result_expires=None)

        app = Celery("proj")
        app.add_defaults(DEFAULTS)
        app.add_defaults({"result_expires": None})
        app.add_defaults(lambda: {"result_expires": None})
        app.add_defaults(load_defaults)
        app.add_defaults()
        registry.add_defaults({"result_expires": None})
    """
    assert found(source, select="CEL009") == [(3, "CEL009"), (7, "CEL009")]


def test_a_reusable_apps_own_settings_module_is_no_celery_config():
    """``myapp/settings.py`` of a reusable app reads Django's settings (``getattr(settings, ...)``):
    Django builds that object from the real settings module, which never imports it, so the app's
    module-level CELERY_* names are its own (openwisp-utils), not Celery settings to check."""
    source = textwrap.dedent("""\
        from django.conf import settings

        CELERY_SOFT_TIME_LIMIT = getattr(settings, "MYAPP_CELERY_SOFT_TIME_LIMIT", 30)
        CELERY_ALWAYS_EAGER = True
    """)
    found = [(v.line, v.code) for v in celery_lint.check_source(source, "myapp/settings.py")]
    assert found == []
    # the project's real settings module (no import of django.conf.settings) is read as config
    real = source.replace("from django.conf import settings\n", "settings = object()\n")
    assert {code for _, code in ((v.line, v.code) for v in celery_lint.check_source(real, "myapp/settings.py"))} \
        >= {"CEL004", "CEL006"}
