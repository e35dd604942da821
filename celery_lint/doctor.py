"""``celery-lint doctor``: is celery-lint installed whole?

The old, unmaintained ``pylint-celery`` distribution ships the import name ``pylint_celery`` too.
Installed beside celery-lint, one overwrites the other's ``pylint_celery/__init__.py``; uninstalled
after celery-lint, it deletes ours, and pylint then fails with "no attribute register".  This module
finds both cases without importing the front-ends (nor flake8 or pylint).
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os

LEGACY = "pylint-celery"
#: Each front-end package and the files it cannot work without.
FRONT_ENDS = {"flake8_celery": ("__init__.py",), "pylint_celery": ("__init__.py", "checker.py", "suppression.py")}


def legacy_version() -> str | None:
    """The version of the legacy ``pylint-celery`` distribution, when it is installed."""
    try:
        return importlib.metadata.version(LEGACY)
    except importlib.metadata.PackageNotFoundError:
        return None


def problems(owners: bool = True) -> list[str]:
    """What is wrong with the installation, one line each (empty when nothing is).
    ``owners``: also ask which distribution owns each front-end's ``__init__.py`` (reads every
    installed distribution's file list: for ``doctor``, too slow for ``--version``)."""
    found = []
    legacy = legacy_version()
    if legacy is not None:
        found.append(f"the legacy distribution {LEGACY} {legacy} is installed: it ships the same import name "
                     "pylint_celery, and uninstalling it deletes celery-lint's pylint_celery/__init__.py")
    for module, files in FRONT_ENDS.items():
        found.extend(_front_end_problems(module, files, owners))
    return found


def repair() -> str:
    """The commands that put celery-lint's files back."""
    again = "pip install --force-reinstall celery-lint"
    return f"pip uninstall -y {LEGACY} && {again}" if legacy_version() is not None else again


def _front_end_problems(module: str, files: tuple[str, ...], owners: bool) -> list[str]:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return [f"{module} is missing: celery-lint's front-end files are not installed"]
    if not spec.origin or not os.path.isfile(spec.origin):  # a folder without __init__.py
        where = ", ".join(spec.submodule_search_locations or ()) or "?"
        return [f"{module}/__init__.py is missing (in {where}): the front-end cannot load"]
    folder = os.path.dirname(spec.origin)
    out = []
    missing = [name for name in files if not os.path.isfile(os.path.join(folder, name))]
    if missing:
        out.append(f"{module} in {folder} lacks {', '.join(missing)}: it is not celery-lint's")
    owner = _owner(module, spec.origin) if owners else None
    if owner is not None and owner != "celery-lint":
        out.append(f"{spec.origin} belongs to the distribution {owner}, not to celery-lint")
    return out


def _owner(module: str, origin: str) -> str | None:
    """The installed distribution whose file list holds this ``__init__.py``, if one does."""
    wanted = f"{module}/__init__.py"
    for dist in importlib.metadata.distributions():
        for file in dist.files or ():
            if str(file).replace("\\", "/") == wanted and _same(dist.locate_file(file), origin):
                return (dist.metadata["Name"] or "?").lower().replace("_", "-")
    return None


def _same(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
