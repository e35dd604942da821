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
