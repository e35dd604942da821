"""Settings read with or without a namespace: what CEL004/CEL802 advise and what the CEL004 fix
renames must be what Celery reads (``celery.app.utils.detect_settings``).

* A class, dict or celeryconfig module read without ``namespace=``: ``CELERY_RESULT_BACKEND`` is
  the old name of ``result_backend`` there, so renaming only ``BROKER_URL`` would leave a mix of
  old and new names, which Celery refuses to load.
* Django settings that the app loads without ``namespace=``: Celery reads only the old names
  there, so renaming one (``CELERY_ALWAYS_EAGER`` -> ``CELERY_TASK_ALWAYS_EAGER``) silently turns
  it off: no fix, and the message says to add the namespace and rename together.
"""
from __future__ import annotations

import pathlib
import shutil

import pytest

from celery_lint import cli

PROJECT = pathlib.Path(__file__).parent / "projects" / "cel907_silent_old_names"


def _run(args, capsys) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "shop"
    shutil.copytree(PROJECT, root)
    monkeypatch.chdir(root)
    return root


def test_django_settings_read_without_namespace_are_not_renamed(project, capsys):
    settings = project / "proj" / "settings.py"
    before = settings.read_text(encoding="utf-8")
    code, out, err = _run(["check", "--no-cache", "--select", "CEL004", "proj/settings.py"], capsys)
    lines = [line for line in out.splitlines() if " CEL004 " in line]
    assert code == 1 and err == "" and len(lines) == 2, out
    for line in lines:
        assert "without namespace= (proj/celery.py:8)" in line, line
        assert "add namespace='CELERY' there and rename all the Celery settings together" in line, line
    assert "this one to CELERY_BROKER_URL" in lines[0] and "this one to CELERY_WORKER_PREFETCH_MULTIPLIER" in lines[1]

    code, out, _ = _run(["fix", "--no-cache", "--unsafe-fixes", "proj/settings.py"], capsys)
    assert out.startswith("fixed 0 findings"), out
    assert settings.read_text(encoding="utf-8") == before


def test_django_settings_read_with_namespace_are_renamed(project, capsys):
    app = project / "proj" / "celery.py"
    app.write_text(app.read_text(encoding="utf-8").replace(
        'config_from_object("django.conf:settings")', 'config_from_object("django.conf:settings", namespace="CELERY")'),
        encoding="utf-8")
    code, out, _ = _run(["check", "--no-cache", "--select", "CEL004", "proj/settings.py"], capsys)
    assert code == 1 and "without namespace=" not in out and "rename it to CELERY_BROKER_URL" in out, out

    _run(["fix", "--no-cache", "proj/settings.py"], capsys)
    text = (project / "proj" / "settings.py").read_text(encoding="utf-8")
    assert "CELERY_BROKER_URL = " in text and "CELERY_WORKER_PREFETCH_MULTIPLIER = 1" in text
    assert "\nBROKER_URL" not in text and "CELERYD_" not in text


def test_an_app_made_with_a_namespace_reads_the_new_names(project, capsys):
    app = project / "proj" / "celery.py"
    app.write_text(app.read_text(encoding="utf-8").replace('Celery("proj")', 'Celery("proj", namespace="CELERY")'),
                   encoding="utf-8")
    _, out, _ = _run(["check", "--no-cache", "--select", "CEL004", "proj/settings.py"], capsys)
    assert "rename it to CELERY_BROKER_URL" in out and "without namespace=" not in out, out


def test_settings_module_that_loads_itself_without_namespace(tmp_path, monkeypatch, capsys):
    """edx-enterprise's test settings: the module makes the app and sets the old eager names."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    path = tmp_path / "settings" / "test.py"
    path.parent.mkdir()
    text = ('from celery import Celery\n\napp = Celery("proj")\n'
            'app.config_from_object("django.conf:settings")\nCELERY_ALWAYS_EAGER = True\n')
    path.write_text(text, encoding="utf-8")
    code, out, _ = _run(["check", "--no-cache", "--select", "CEL004,CEL802", "settings/test.py"], capsys)
    assert "CEL802" in out and "set CELERY_EAGER_PROPAGATES_EXCEPTIONS = True" in out, out
    assert "CELERY_TASK_EAGER_PROPAGATES" not in out
    assert "without namespace= (line 4)" in out
    _run(["fix", "--no-cache", "settings/test.py"], capsys)
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("loader", ["app.config_from_object(Config)", "app.config_from_object(Config, silent=True)"])
def test_class_read_without_namespace_is_renamed_whole(loader, tmp_path, monkeypatch, capsys):
    """tenant-schemas-celery's test app: BROKER_URL beside CELERY_RESULT_BACKEND in a class."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "app.py"
    path.write_text('from celery import Celery\n\napp = Celery("proj")\n\n\nclass Config:\n'
                    '    BROKER_URL = "amqp://"\n    CELERY_RESULT_BACKEND = "rpc://"\n'
                    '    CELERY_RESULT_PERSISTENT = True\n'
                    f'\n\n{loader}\n', encoding="utf-8")
    code, out, _ = _run(["check", "--isolated", "--no-cache", "--select", "CEL004", "app.py"], capsys)
    assert out.count(" CEL004 ") == 3, out
    _run(["fix", "--isolated", "--no-cache", "app.py"], capsys)
    text = path.read_text(encoding="utf-8")
    assert "broker_url = " in text and "result_backend = " in text and "result_persistent = True" in text, text
    assert "CELERY_" not in text and "BROKER_URL" not in text

    # What Celery itself reads from the fixed class (it refused the half-renamed mix before).
    celery = pytest.importorskip("celery")
    namespace: dict = {}
    code_object = compile(text.replace("app = Celery", "app = celery.Celery"), "app.py", "exec")
    exec(code_object, {"celery": celery}, namespace)
    conf = namespace["app"].conf
    assert (conf.broker_url, conf.result_backend, conf.result_persistent) == ("amqp://", "rpc://", True)


def _tree(root: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    """A project of its own at ``root`` (each variant its own root: a process keeps its index)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "setup.cfg").write_text("[metadata]\nname = x\n", encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


_WORKER = {
    "worker/__init__.py": "",
    "worker/celery_app.py": 'from celery import Celery\n\napp = Celery("worker")\n'
                            'app.config_from_envvar("WORKER_CONFIGURATION_MODULE")\n',
    "worker/configuration/__init__.py": "",
    "worker/configuration/base.py": 'BROKER_URL = "redis://broker:6379/0"\nCELERY_DEFAULT_QUEUE = "worker"\n',
}


def test_config_module_of_a_project_without_django_is_read_without_namespace(tmp_path, monkeypatch, capsys):
    """edx-ecommerce-worker: a config module with Celery 3 names, loaded by config_from_envvar (which
    takes no namespace), in a project without Django. The new names are the lower-case ones, all
    renamed together; CELERY_BROKER_URL would be ignored (broker_url None, the default queue back)."""
    root = _tree(tmp_path / "plain", _WORKER)
    monkeypatch.chdir(root)
    code, out, _ = _run(["check", "--no-cache", "--select", "CEL004", "worker"], capsys)
    assert "rename it to broker_url" in out and "rename it to task_default_queue" in out, out
    assert "CELERY_BROKER_URL" not in out and "namespace=" not in out, out
    _run(["fix", "--no-cache", "worker"], capsys)
    assert (root / "worker/configuration/base.py").read_text(encoding="utf-8") == \
        'broker_url = "redis://broker:6379/0"\ntask_default_queue = "worker"\n'


def test_config_module_of_a_django_project_keeps_the_namespaced_names(tmp_path, monkeypatch, capsys):
    root = _tree(tmp_path / "django", {
        **_WORKER,
        "worker/settings.py": 'INSTALLED_APPS = ["django.contrib.auth"]\n',
        "worker/celery_app.py": 'from celery import Celery\n\napp = Celery("worker")\n'
                                'app.config_from_object("django.conf:settings", namespace="CELERY")\n',
    })
    monkeypatch.chdir(root)
    code, out, _ = _run(["check", "--no-cache", "--select", "CEL004", "worker"], capsys)
    assert "rename it to CELERY_BROKER_URL" in out, out


_PLUGIN_TEST = ("from django.test import TestCase, override_settings\n\n\n"
                "@override_settings(CELERY_ALWAYS_EAGER=True)\nclass Tests(TestCase):\n    pass\n")
_PLUGIN = {
    "plugin/__init__.py": "",
    "plugin/tasks.py": "from celery import shared_task\n\n\n@shared_task\ndef work():\n    return 1\n",
    "plugin/tests/__init__.py": "",
    "plugin/tests/test_tasks.py": _PLUGIN_TEST,
}


def test_a_reusable_app_cannot_know_its_hosts_namespace(tmp_path, monkeypatch, capsys):
    """A reusable Django app (no Celery app of its own; Alliance Auth's plugins): its tests'
    override_settings(CELERY_ALWAYS_EAGER=True) is read by a host that may load the settings
    without a namespace, where only the old names work: the advice says both, and no fix renames it."""
    root = _tree(tmp_path / "reusable", _PLUGIN)
    monkeypatch.chdir(root)
    code, out, _ = _run(["check", "--no-cache", "--select", "CEL004", "plugin"], capsys)
    assert "where the app loads the Django settings with namespace='CELERY', rename it to " \
           "CELERY_TASK_ALWAYS_EAGER; an app that loads them without one reads only the old names" in out, out
    _run(["fix", "--no-cache", "--unsafe-fixes", "plugin"], capsys)
    assert (root / "plugin/tests/test_tasks.py").read_text(encoding="utf-8") == _PLUGIN_TEST


def test_an_app_that_shows_its_namespace_gets_the_plain_advice(tmp_path, monkeypatch, capsys):
    root = _tree(tmp_path / "with-app", {
        **_PLUGIN,
        "plugin/celery.py": 'from celery import Celery\n\napp = Celery("plugin")\n'
                            'app.config_from_object("django.conf:settings", namespace="CELERY")\n',
    })
    monkeypatch.chdir(root)
    code, out, _ = _run(["check", "--no-cache", "--select", "CEL004", "plugin"], capsys)
    assert "rename it to CELERY_TASK_ALWAYS_EAGER, and load the settings" in out, out


def test_the_test_projects_own_app_says_how_test_settings_are_read(tmp_path, monkeypatch, capsys):
    """A reusable app whose test project (``testauth/``: test code) has its own Celery app loading
    the settings without a namespace: for test code that app shows how the settings are read, so
    the advice is the plain one, naming it, not "no app of this project shows which"; the module
    of the app itself (not test code) keeps the conditional advice."""
    root = _tree(tmp_path / "with-test-app", {
        **_PLUGIN,
        "testauth/__init__.py": "",
        "testauth/celery.py": 'from celery import Celery\n\napp = Celery("testauth")\n'
                              'app.config_from_object("django.conf:settings")\n',
        "testauth/settings.py": 'INSTALLED_APPS = ["plugin"]\nCELERY_ALWAYS_EAGER = True\n',
    })
    monkeypatch.chdir(root)
    _, out, _ = _run(["check", "--no-cache", "--select", "CEL004", "."], capsys)
    findings = dict(line.split(" CEL004 ", 1) for line in out.splitlines() if " CEL004 " in line)
    for where in ("plugin/tests/test_tasks.py:4:20:", "testauth/settings.py:2:1:"):
        [message] = [m for k, m in findings.items() if k.endswith(where)]
        assert "the app loads the Django settings without namespace= (testauth/celery.py:4)" in message, message
        assert "no app of this project shows which" not in message


@pytest.mark.parametrize("declared, reported", [
    ("install_requires=['celery>=3.1.15,<4.0']", False),
    ("install_requires=['celery==3.1.26']", False),
    ("install_requires=['celery>=5.3']", True),
    ("install_requires=['django-celery-beat<2']", True),
    ("install_requires=['celery>=5.3'], extras_require={'legacy': ['celery<4']}", True),
])
def test_a_project_on_celery_3_keeps_the_old_names(declared, reported, tmp_path, monkeypatch, capsys):
    """A project that declares Celery below 4.0 (django-celery pins celery>=3.1.15,<4.0): Celery 3
    reads only the old names, so CEL004 has no rename to advise."""
    root = _tree(tmp_path / "legacy", {
        "setup.py": f"from setuptools import setup\n\nsetup(name='legacy', {declared})\n",
        "legacy/__init__.py": "",
        "legacy/celeryconfig.py": "CELERY_ALWAYS_EAGER = True\n",
    })
    monkeypatch.chdir(root)
    _, out, _ = _run(["check", "--no-cache", "--select", "CEL004", "."], capsys)
    assert ("CEL004" in out) is reported, out
