"""celery_lint/celery_data.py is generated from the installed Celery and says what Celery says."""
from __future__ import annotations

import importlib.util
import inspect
import pathlib

import pytest

from celery_lint import celery_data

celery = pytest.importorskip("celery")

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("gen_celery_data", ROOT / "tools" / "gen_celery_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_data_matches_installed_celery():
    """Regenerate with `python tools/gen_celery_data.py` when this fails after a Celery upgrade."""
    committed = (ROOT / "celery_lint" / "celery_data.py").read_text(encoding="utf-8")
    assert _generator().render() == committed


def test_version_is_the_installed_one():
    assert celery_data.CELERY_VERSION == celery.__version__


def test_old_to_new_names():
    from celery.app import defaults

    assert celery_data.OLD_TO_NEW["CELERYD_CONCURRENCY"] == "worker_concurrency"
    assert celery_data.OLD_TO_NEW["CELERY_ALWAYS_EAGER"] == "task_always_eager"
    assert celery_data.OLD_TO_NEW["BROKER_URL"] == "broker_url"
    assert celery_data.OLD_TO_NEW == defaults._TO_NEW_KEY
    assert set(celery_data.OLD_TO_NEW.values()) <= celery_data.SETTINGS


def test_settings():
    from celery.app import defaults

    assert {"broker_url", "result_backend", "task_always_eager", "task_eager_propagates",
            "worker_prefetch_multiplier", "result_expires", "beat_schedule"} <= celery_data.SETTINGS
    assert celery_data.SETTINGS == set(defaults.DEFAULTS)


def test_task_options():
    assert {"bind", "name", "base", "max_retries", "autoretry_for", "retry_backoff", "acks_late",
            "serializer", "time_limit", "queue"} <= celery_data.TASK_OPTIONS
    assert {"countdown", "eta", "expires", "queue"} <= celery_data.EXECUTION_OPTIONS


def test_handler_signatures():
    from celery.app.task import Task

    for name, params in celery_data.HANDLER_SIGNATURES.items():
        assert params == tuple(inspect.signature(getattr(Task, name)).parameters)


def test_beat_entry_keys():
    from celery.beat import ScheduleEntry

    params = set(inspect.signature(ScheduleEntry.__init__).parameters)
    assert celery_data.BEAT_ENTRY_KEYS <= params
    assert celery_data.BEAT_ENTRY_KEYS == {"task", "schedule", "args", "kwargs", "options", "relative"}
