"""Projects that wrap Celery in their own app names, decorators and base classes, and the
settings that teach celery-lint about them (the patterns of real projects, distilled)."""
from __future__ import annotations

import textwrap

import pytest

from celery_lint import Settings
from checking import found
from tools import pylint, run

# An app created in another module under a project-specific name.
OTHER_APP_NAME = textwrap.dedent("""\
    from myproject.upload.celery_app import importer_app


    @importer_app.task(bind=True)
    def import_resource(self, resource_id):
        result = transform.delay(resource_id)
        return result.get()
""")

# A Celery subclass whose own method registers periodic tasks.
APP_METHOD_DECORATOR = textwrap.dedent("""\
    from celery.schedules import crontab

    from myproject.core.celery import celery


    @celery.periodic_task(name="refresh_avatars", run_every=crontab(minute="0", hour="0"))
    def refresh_avatars():
        job = fetch_avatars.delay()
        return job.get()
""")

# A class-based task deriving from the project's base class defined elsewhere.
PROJECT_BASE_CLASS = textwrap.dedent("""\
    from myproject.tasks.base import EventTask


    class SendReminders(EventTask):
        def run(self, event_id):
            pending = render_reminder.delay(event_id)
            return pending.get()
""")

CASES = [
    (OTHER_APP_NAME, {"app_names": ("app", "celery_app", "celery", "importer_app")}, 7),
    (APP_METHOD_DECORATOR, {"task_decorators": ("myproject.core.celery.celery.periodic_task",)}, 9),
    (APP_METHOD_DECORATOR, {"task_decorators": ("periodic_task",)}, 9),
    (PROJECT_BASE_CLASS, {"task_base_classes": ("myproject.tasks.base.EventTask",)}, 7),
]


@pytest.mark.parametrize("source,settings,line", CASES)
def test_settings_teach_the_wrapper(source, settings, line):
    assert found(source, settings=Settings(), select="CEL201") == []  # unknown wrapper: nothing is a task
    assert found(source, settings=Settings(**settings), select="CEL201") == [(line, "CEL201")]


@pytest.mark.parametrize("source,settings,line", CASES[:1] + CASES[2:])
def test_wrapper_settings_from_config_files(tmp_path, source, settings, line):
    (key, value), = settings.items()
    option = "celery-" + key.replace("_", "-")
    (tmp_path / "tasks.py").write_text(source)
    (tmp_path / "setup.cfg").write_text(f"[flake8]\nselect = CEL201\n{option} = {', '.join(value)}\n")
    proc = run(["flake8", "tasks.py"], tmp_path)
    assert proc.stdout.startswith(f"tasks.py:{line}:") and "CEL201" in proc.stdout, proc.stdout + proc.stderr
    (tmp_path / "pyproject.toml").write_text(f"[tool.pylint.main]\n{option} = {list(value)!r}\n".replace("'", '"'))
    _, found_pylint = pylint(["tasks.py"], tmp_path, rcfile=tmp_path / "pyproject.toml")
    assert [ln for _, ln, _, code, _ in found_pylint if code == "CEL201"] == [line]
