"""Where a project starts and ends: the root of a checked file, the folders its index reads, and
the bounds that keep a folder of many projects (a home folder, /tmp) from being read whole."""
from __future__ import annotations

import os

import pytest

from celery_lint import Settings
from celery_lint.project import index as project_index
from celery_lint.project.index import build_index, find_root, module_name

TASK = "from celery import shared_task\n\n\n@shared_task\ndef {name}(x):\n    return x\n"


def write(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """The current folder is one the checked files are not in."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


@pytest.mark.parametrize("marker", ["pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".flake8", ".git"])
def test_the_nearest_marker_is_the_root(tmp_path, elsewhere, marker):
    write(tmp_path, {f"proj/{marker}": "", "proj/pkg/__init__.py": "", "proj/pkg/tasks.py": TASK.format(name="a")})
    assert find_root(str(tmp_path / "proj/pkg/tasks.py"), Settings()) == str(tmp_path / "proj")


def test_a_setup_module_of_a_package_is_no_marker(tmp_path, elsewhere):
    write(tmp_path, {"proj/pyproject.toml": "", "proj/app/__init__.py": "", "proj/app/cli/__init__.py": "",
                     "proj/app/cli/setup.py": "def main(): ...\n", "proj/app/cli/run.py": ""})
    assert find_root(str(tmp_path / "proj/app/cli/run.py"), Settings()) == str(tmp_path / "proj")


def test_the_setting_wins(tmp_path, elsewhere):
    write(tmp_path, {"a/pyproject.toml": "", "a/b/tasks.py": ""})
    assert find_root(str(tmp_path / "a/b/tasks.py"), Settings(project_root=str(tmp_path))) == str(tmp_path)


def test_without_a_marker_the_current_folder_if_the_file_is_in_it(tmp_path, monkeypatch):
    write(tmp_path, {"work/pkg/tasks.py": ""})
    monkeypatch.chdir(tmp_path / "work")
    assert find_root(str(tmp_path / "work/pkg/tasks.py"), Settings()) == str(tmp_path / "work")


def test_without_a_marker_a_file_outside_the_current_folder_is_a_project_of_its_folder(tmp_path, elsewhere):
    write(tmp_path, {"scripts/job.py": ""})
    assert find_root(str(tmp_path / "scripts/job.py"), Settings()) == str(tmp_path / "scripts")


def test_a_sub_project_with_its_own_marker_is_not_read(tmp_path):
    write(tmp_path, {
        "pyproject.toml": "",
        "proj/__init__.py": "", "proj/tasks.py": TASK.format(name="a"),
        "examples/demo/setup.py": "", "examples/demo/proj/__init__.py": "",
        "examples/demo/proj/tasks.py": TASK.format(name="b"),
    })
    index = build_index(str(tmp_path), Settings(no_cache=True))
    assert set(index.summaries) == {"proj.tasks"}
    assert index.complete  # the example's proj.tasks is another project's, no clash of module names


def test_module_names_follow_packages(tmp_path):
    write(tmp_path, {"src/shop/__init__.py": "", "src/shop/orders/__init__.py": "", "src/shop/orders/tasks.py": "",
                     "manage.py": "", "app/tasks.py": ""})
    assert module_name(str(tmp_path / "src/shop/orders/tasks.py")) == ("shop.orders.tasks", False)
    assert module_name(str(tmp_path / "src/shop/orders/__init__.py")) == ("shop.orders", True)
    assert module_name(str(tmp_path / "app/tasks.py")) == ("tasks", False)


def test_a_folder_of_too_many_modules_gets_no_index(tmp_path, monkeypatch):
    """A root no marker shows holds few modules, or it is no project: beyond the bound, nothing is
    read and the project rules stay silent (the index is empty and incomplete)."""
    monkeypatch.setattr(project_index, "MAX_FILES_UNMARKED", 5)
    write(tmp_path, {f"m{i}.py": TASK.format(name=f"t{i}") for i in range(8)})
    index = build_index(str(tmp_path), Settings(no_cache=True))
    assert not index.complete and not index.summaries
    (tmp_path / "setup.cfg").write_text("")  # a marked root may hold more
    index = build_index(str(tmp_path), Settings(no_cache=True))
    assert index.complete and len(index.summaries) == 8


def test_the_root_of_a_folder_is_asked_once(tmp_path, elsewhere, monkeypatch):
    write(tmp_path, {"proj/setup.cfg": "", "proj/a/b/c.py": "", "proj/a/b/d.py": ""})
    find_root(str(tmp_path / "proj/a/b/c.py"), Settings())
    calls = []
    real = os.path.exists
    monkeypatch.setattr(project_index.os.path, "exists", lambda p: calls.append(p) or real(p))
    assert find_root(str(tmp_path / "proj/a/b/d.py"), Settings()) == str(tmp_path / "proj")
    assert calls == []
