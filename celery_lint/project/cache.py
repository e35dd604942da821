"""Summaries on disk: one JSON file per entry, keyed by a file's content, its path and a salt
(the celery-lint version and the settings), written atomically.

A cache must never break a run.  Every failure - a folder that cannot be created or written,
a full disk, an entry that is truncated, foreign, of the wrong shape or not a file - is a miss
(``get`` returns None) or a write that did not happen (``put`` returns quietly).  Several
processes (flake8 ``--jobs``, pylint ``-j``) may write the same entry at once: each writes a
temporary file of its own in the entry's folder and renames it over the entry, so a reader
sees either no entry or a complete one.

Layout::

    .celery_lint_cache/
        .gitignore      "*": the folder never shows in ``git status`` (as ruff and mypy do)
        CACHEDIR.TAG    the standard signature: backup tools skip the folder
        v1/ab/<key>.json  {"key": <key>, "value": {...}}; a new format takes a new folder
"""
from __future__ import annotations

import hashlib
import json
import os
import re

from ..fixes import write_atomically

CACHE_DIR_NAME = ".celery_lint_cache"

#: The folder of the entries in this format: a future format is a clean miss.
FORMAT_DIR = "v1"

GITIGNORE = "# Created by celery-lint.\n*\n"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by celery-lint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)

_KEY = re.compile(r"[0-9a-f]{16,128}")
#: An entry larger than this is not read (a summary is a few kilobytes).
_MAX_ENTRY = 32 * 1024 * 1024
#: What reading or writing an entry may raise; all of it means "no cache".
_FAILURES = (OSError, ValueError, TypeError, RecursionError, MemoryError)


def default_cache_dir(root: str) -> str:
    """The cache folder of the project at ``root``."""
    return os.path.join(root, CACHE_DIR_NAME)


class Cache:
    """The entries under ``directory`` (None: no cache, every ``get`` misses)."""

    def __init__(self, directory: str | None, salt: str) -> None:
        self.directory = directory
        self.salt = salt
        self._ready = False  # the folder and its markers were made (or found) by this object

    def key(self, content: bytes, relpath: str) -> str:
        """The key of a file with ``content`` at ``relpath`` (relative to the root)."""
        digest = hashlib.blake2b(digest_size=20)
        for part in (self.salt.encode("utf-8", "surrogatepass"),
                     relpath.encode("utf-8", "surrogatepass"), content):
            digest.update(len(part).to_bytes(8, "little"))  # no two splits give the same stream
            digest.update(part)
        return digest.hexdigest()

    def _path(self, key: str) -> str | None:
        if self.directory is None or not isinstance(key, str) or not _KEY.fullmatch(key):
            return None
        return os.path.join(self.directory, FORMAT_DIR, key[:2], key + ".json")

    def get(self, key: str) -> dict | None:
        """The value stored under ``key``, or None."""
        path = self._path(key)
        if path is None:
            return None
        try:
            with open(path, "rb") as stream:
                data = stream.read(_MAX_ENTRY + 1)
            if len(data) > _MAX_ENTRY:
                return None
            entry = json.loads(data.decode("utf-8"))
        except _FAILURES:
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        value = entry.get("value")
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict) -> None:
        """Store ``value`` (a JSON object) under ``key``, or do nothing if that fails."""
        path = self._path(key)
        if path is None or not isinstance(value, dict):
            return
        try:
            data = json.dumps({"key": key, "value": value}, separators=(",", ":"),
                              ensure_ascii=False, allow_nan=False).encode("utf-8", "surrogatepass")
            self._prepare()
            folder = os.path.dirname(path)
            os.makedirs(folder, exist_ok=True)
            write_atomically(path, data)
        except _FAILURES:
            return

    def _prepare(self) -> None:
        """Make the cache folder; mark it when it is new (or empty): a folder of the user's
        that already holds other files never gets a ``.gitignore`` of ``*`` from us."""
        if self._ready:
            return
        assert self.directory is not None
        parent = os.path.dirname(os.path.abspath(self.directory))
        os.makedirs(parent, exist_ok=True)
        try:
            os.mkdir(self.directory)
            new = True
        except FileExistsError:
            new = os.path.isdir(self.directory) and not os.listdir(self.directory)
        if new:
            for name, text in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
                marker = os.path.join(self.directory, name)
                if not os.path.exists(marker):
                    write_atomically(marker, text.encode("ascii"))
        self._ready = True
