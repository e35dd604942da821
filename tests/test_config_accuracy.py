"""Configuration rules on real-code patterns (issue 13): names read by settings modules, typos
across the CELERY namespace, results kept by design, eager mode in tests."""
from __future__ import annotations

from checking import found, messages


def test_old_name_read_by_a_settings_module_is_reported():
    source = """
        CELERYD_CONCURRENCY = 4
        DB_POOL_SIZE = CELERYD_CONCURRENCY * 2
    """
    assert found(source, filename="proj/settings.py") == [(2, "CEL004")]
    assert found(source, filename="proj/celeryconfig.py") == [(2, "CEL004")]


def test_old_name_read_by_another_module_stays_a_helper():
    # A constants module is no settings module: a name it reads may be its own constant.
    source = """
        CELERY_DEFAULT_QUEUE = "default"
        QUEUES = [CELERY_DEFAULT_QUEUE, "reports"]
    """
    assert found(source, filename="proj/constants.py") == []


def test_old_name_feeding_its_new_name_stays_a_helper():
    source = """
        import os
        CELERY_DEFAULT_QUEUE = os.environ.get("QUEUE", "default")
        CELERY_TASK_DEFAULT_QUEUE = CELERY_DEFAULT_QUEUE
    """
    assert found(source, filename="proj/settings.py") == []


def test_regrouped_name_in_a_constants_module_is_no_setting():
    # Outside settings modules a CELERY_ name may be the project's own constant.
    source = """
        CELERY_SOFT_TIME_LIMIT = 300
        CELERY_WORKER_TASK_SOFT_TIME_LIMIT = 300
    """
    assert found(source, filename="proj/constants.py") == []
    assert found(source, filename="proj/settings.py") == [(2, "CEL006"), (3, "CEL006")]


def test_regrouped_name_message_gives_the_namespaced_name():
    (message,) = messages("CELERY_TASK_WORKER_CONCURRENCY = 8\n", filename="proj/settings.py")
    assert "did you mean 'CELERY_WORKER_CONCURRENCY'?" in message


def test_regrouped_key_in_conf_update():
    source = """
        from celery import Celery
        app = Celery("proj")
        app.conf.update(worker_task_soft_time_limit=60, soft_time_limit=60, task_time_limit=90)
    """
    assert [m.split(";")[-1] for m in messages(source, filename="proj/celery.py")] == [
        " did you mean 'task_soft_time_limit'?", " did you mean 'task_soft_time_limit'?"]


def test_lower_case_old_name_suggests_the_new_name():
    source = """
        from celery import Celery
        app = Celery("proj")
        app.conf.update(celeryd_concurrency=4)
    """
    (message,) = messages(source, filename="proj/celery.py")
    assert message.startswith("'celeryd_concurrency' is not a Celery setting")
    assert "old setting names are upper-case only; did you mean 'worker_concurrency'?" in message


def test_project_backend_outside_the_project_folders_is_reported():
    # "proj.backends..." is the project's own only when proj is a folder of the checked module.
    source = """
        CELERY_RESULT_BACKEND = "proj.backends.ApplicationRecordBackend"
        CELERY_RESULT_EXPIRES = None
    """
    assert found(source, filename="proj/settings.py") == []
    assert found(source, filename="other/settings.py") == [(3, "CEL009")]


def test_project_backend_through_a_name_and_another_call_on_the_app():
    source = """
        from celery import Celery
        BACKEND = "proj.backends.ApplicationRecordBackend"
        app = Celery("proj", backend=BACKEND)
        app.conf.update(result_expires=None)
        other = Celery("other", backend="redis://")
        other.conf.update(result_expires=None)
    """
    assert found(source, filename="proj/celery.py") == [(7, "CEL009")]


EAGER_TEST = """
    def test_close(celery_app):
        celery_app.conf.task_always_eager = True
"""


def test_eager_on_a_fixture_app_is_reported_in_test_modules_only():
    assert found(EAGER_TEST, filename="proj/tests/test_orders.py") == [(3, "CEL802")]
    # Outside test modules a parameter named app is no known app.
    assert found(EAGER_TEST, filename="proj/orders/helpers.py") == []


def test_eager_in_a_helper_of_a_test_module_is_silent():
    source = """
        from proj.celery import app

        def make_eager():
            app.conf.task_always_eager = True
    """
    assert found(source, filename="proj/tests/test_orders.py") == []


def test_eager_in_a_test_class_marked_for_celery_is_silent():
    source = """
        import pytest

        @pytest.mark.celery(task_eager_propagates=True)
        class TestOrders:
            def test_close(self, celery_app):
                celery_app.conf.task_always_eager = True
    """
    assert found(source, filename="proj/tests/test_orders.py") == []


def test_database_backend_in_test_code_is_no_load():
    source = """
        def test_backend(celery_app):
            celery_app.conf.update(result_backend="db+sqlite:///results.db")
    """
    assert found(source, filename="proj/tests/test_backend.py", select="CEL005") == []
    assert found(source, filename="proj/backend_check.py", select="CEL005") == []  # no app there
    source = 'from celery import Celery\napp = Celery("p", backend="db+sqlite:///r.db")\n'
    assert found(source, filename="proj/celery.py", select="CEL005") == [(2, "CEL005")]
    assert found(source, filename="proj/tests/test_celery.py", select="CEL005") == []
