"""The project index: what the modules of a project say together (stdlib only).

``index_for(filename, settings)`` gives the index of the project a checked file belongs to, built
once per process and root (see :mod:`celery_lint.project.index`); the CEL9xx checks read it as
``ctx.project``, and every front-end checks a module with the index's settings (the user's, with
the project's own task decorators and Task bases).
"""
from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from ..settings import Settings

if TYPE_CHECKING:
    from .index import ProjectIndex

__all__ = ["index_for", "forget"]

log = logging.getLogger("celery_lint")
_INDEXES: dict[tuple[str, Settings], "ProjectIndex | None"] = {}


def index_for(filename: str, settings: Settings) -> "ProjectIndex | None":
    """The index of the project ``filename`` belongs to (None if it could not be built: then the
    project rules stay silent and the module is checked on its own)."""
    from .index import build_index, find_root  # noqa: PLC0415 -- the checks import this package

    try:
        root = find_root(filename, settings)
    except (OSError, ValueError):
        return None
    key = (root, settings)
    if key in _INDEXES:
        return _INDEXES[key]
    index = None
    try:
        index = build_index(root, settings, _cache(root, settings))
    except Exception:  # noqa: BLE001 -- without an index every per-module rule still runs
        log.debug("celery-lint: building the project index of %s failed", root, exc_info=True)
    _INDEXES[key] = index
    return index


def _cache(root: str, settings: Settings):
    """The summaries' cache of a project: ``cache-dir``, else ``.celery_lint_cache`` at the root;
    none with ``no-cache``.  Its entries are keyed by celery-lint's version (with each file's
    content, path and the settings)."""
    from .. import __version__  # noqa: PLC0415
    from .cache import Cache, default_cache_dir  # noqa: PLC0415

    if settings.no_cache:
        return Cache(None, __version__)
    directory = os.path.abspath(settings.cache_dir) if settings.cache_dir else default_cache_dir(root)
    return Cache(directory, __version__)


def forget() -> None:
    """Drop the indexes built so far (a long-running host checking changed files, tests)."""
    _INDEXES.clear()
