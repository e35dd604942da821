"""``celery-lint check --format sarif``: the findings as a SARIF 2.1.0 log, for code-scanning dashboards.

One run: the tool with every rule of the catalogue (and the reserved CEL099 when a file could
not be checked), one result per finding with its fix when it has one, and one invocation whose
notifications are the internal errors (CEL000: a failure of celery-lint, not of the code).
Columns count Unicode code points (``columnKind``), 1-based as SARIF wants them.
"""
from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path, PurePosixPath
from typing import Iterable
from urllib.parse import quote

from . import __version__
from .docs import rule_page
from .engine import INTERNAL_ERROR
from .frontend import NOT_CHECKED, NOT_CHECKED_SUMMARY, NOT_CHECKED_SYMBOL
from .rule import Edit, Fix, Rule, Violation
from .rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
#: SARIF's level for pylint's category letter of a rule's message id.
LEVELS = {"E": "error", "W": "warning", "C": "note", "R": "note"}
#: The labels of ``[project.urls]`` that name the repository holding ``docs/rules/``.
_REPOSITORY_LABELS = ("repository", "source", "source code", "homepage")


def repository_url() -> str | None:
    """The project's repository, from the installed distribution's ``[project.urls]``; None without one."""
    try:
        entries = importlib.metadata.metadata("celery-lint").get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip().rstrip("/")
    return next((urls[label] for label in _REPOSITORY_LABELS if urls.get(label)), None)


def rule_descriptor(rule: Rule, repository: str | None) -> dict:
    descriptor = {
        "id": rule.code,
        "name": rule.symbol,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what or rule.summary},
        "help": {"text": rule.why or rule.summary, "markdown": rule_page(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.kind], "enabled": rule.default},
        "properties": {"pylintMessageId": rule.msgid, "tags": ["celery"]},
    }
    if repository:
        descriptor["helpUri"] = f"{repository}/blob/main/docs/rules/{rule.code}.md"
    return descriptor


#: The descriptors of the codes that are no rule.
NOT_CHECKED_DESCRIPTOR = {
    "id": NOT_CHECKED, "name": NOT_CHECKED_SYMBOL, "shortDescription": {"text": NOT_CHECKED_SUMMARY},
    "defaultConfiguration": {"level": "error"},
}
INTERNAL_ERROR_DESCRIPTOR = {
    "id": INTERNAL_ERROR.code, "name": INTERNAL_ERROR.symbol, "shortDescription": {"text": INTERNAL_ERROR.summary},
    "defaultConfiguration": {"level": "error"},
}


def artifact_location(path: str, cwd: str) -> dict:
    """A file as SARIF names it: relative to ``%SRCROOT%`` (the current folder) when it lies
    under it, else an absolute ``file:`` URI.  A relative path is relative to ``cwd``."""
    absolute = os.path.abspath(os.path.join(cwd, path))
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive
        relative = os.pardir
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return {"uri": Path(absolute).as_uri()}
    return {"uri": quote(PurePosixPath(*Path(relative).parts).as_posix()), "uriBaseId": SRCROOT}


def region(line: int, col: int, end_line: int | None = None, end_col: int | None = None) -> dict:
    out = {"startLine": max(line, 1), "startColumn": max(col, 0) + 1}
    if end_line is not None and end_col is not None:
        out.update(endLine=max(end_line, 1), endColumn=max(end_col, 0) + 1)
    return out


def fix_object(fix: Fix, location: dict) -> dict:
    def replacement(edit: Edit) -> dict:
        return {"deletedRegion": region(edit.line, edit.col, edit.end_line, edit.end_col),
                "insertedContent": {"text": edit.text}}

    return {
        "description": {"text": fix.description},
        "artifactChanges": [{"artifactLocation": location, "replacements": [replacement(e) for e in fix.edits]}],
        "properties": {"safe": fix.safe},
    }


def sarif_log(found: Iterable[tuple[str, Violation]], cwd: str | None = None) -> dict:
    """The SARIF log of the findings, each with the path it was reported under."""
    cwd = os.path.abspath(cwd or os.getcwd())
    repository = repository_url()
    rules = [rule_descriptor(rule, repository) for rule in RULES.values()]
    index = {rule.code: i for i, rule in enumerate(RULES.values())}
    results, notifications = [], []
    for path, v in found:
        location = artifact_location(path, cwd)
        physical = {"artifactLocation": location, "region": region(v.line, v.col)}
        if v.code == INTERNAL_ERROR.code:
            notifications.append({"level": "error", "message": {"text": v.message},
                                  "locations": [{"physicalLocation": physical}],
                                  "descriptor": {"id": v.code, "index": 0}})
            continue
        if v.code not in index:  # CEL099, the only other code that is no rule
            index[v.code] = len(rules)
            rules.append(NOT_CHECKED_DESCRIPTOR)
        result = {"ruleId": v.code, "ruleIndex": index[v.code],
                  "level": LEVELS[RULES[v.code].kind] if v.code in RULES else "error",
                  "message": {"text": v.message}, "locations": [{"physicalLocation": physical}]}
        if v.fix is not None:
            result["fixes"] = [fix_object(v.fix, location)]
        results.append(result)
    driver = {"name": "celery-lint", "version": __version__, "semanticVersion": __version__, "rules": rules}
    if repository:
        driver["informationUri"] = repository
    if notifications:
        driver["notifications"] = [INTERNAL_ERROR_DESCRIPTOR]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
            "originalUriBaseIds": {SRCROOT: {"uri": Path(cwd).as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
