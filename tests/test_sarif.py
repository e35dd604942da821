"""``celery-lint check --format sarif``: a SARIF 2.1.0 log, valid against the official schema.

The schema is ``tests/data/sarif-schema-2.1.0.json`` (see ``tests/data/README.md`` for where it comes from).
"""
from __future__ import annotations

import json
import os
import pathlib

import pytest

import celery_lint
import celery_lint.checks.waiting as waiting
from celery_lint import Violation, cli, sarif
from celery_lint.rule import Edit, Fix
from test_cli import CEL201_LINES, NO_CELERY, TASKS, run, write

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = json.loads((pathlib.Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def valid(log: dict) -> dict:
    """The log's only run, after validating the whole log against the schema (formats too)."""
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert log["version"] == "2.1.0"
    (only,) = log["runs"]
    return only


def sarif_run(args, cwd):
    proc = run(["check", "--isolated", "--format", "sarif", *args], cwd)
    return proc, valid(json.loads(proc.stdout))


def test_findings(tmp_path):
    write(tmp_path, {"sub dir/tasks.py": TASKS})
    proc, log = sarif_run(["--select", "CEL201", "."], tmp_path)
    assert proc.returncode == 1
    driver = log["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("celery-lint", celery_lint.__version__)
    assert [r["id"] for r in driver["rules"]] == list(celery_lint.RULES)  # the whole catalogue
    rule = driver["rules"][list(celery_lint.RULES).index("CEL201")]
    assert rule["name"] == "celery-blocking-result"
    assert rule["shortDescription"]["text"] == celery_lint.RULES["CEL201"].summary
    assert rule["defaultConfiguration"] == {"level": "warning", "enabled": True}
    assert rule["help"]["markdown"] == celery_lint.docs.rule_page(celery_lint.RULES["CEL201"])
    got = []
    for result in log["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"] == "CEL201"
        assert result["level"] == "warning" and "get() waits" in result["message"]["text"]
        assert "fixes" not in result  # no rule has a fix (yet), and none was asked for
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "sub%20dir/tasks.py", "uriBaseId": "%SRCROOT%"}
        got.append((physical["region"]["startLine"], physical["region"]["startColumn"]))
    assert got == CEL201_LINES  # the columns of the text format: 1-based, in characters
    assert log["columnKind"] == "unicodeCodePoints"
    assert log["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert log["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_no_findings(tmp_path):
    write(tmp_path, {"x.py": NO_CELERY})
    proc, log = sarif_run(["."], tmp_path)
    assert (proc.returncode, log["results"]) == (0, [])
    assert len(log["tool"]["driver"]["rules"]) == len(celery_lint.RULES)


def test_a_file_not_checked_is_a_result_of_its_reserved_code(tmp_path):
    write(tmp_path, {"broken.py": "from celery import shared_task\ndef (:\n"})
    proc, log = sarif_run(["."], tmp_path)
    assert proc.returncode == 1
    (result,) = log["results"]
    rules = log["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "CEL099"
    assert rules[-1]["name"] == "celery-lint-file-not-checked"
    assert result["level"] == "error" and result["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def _broken(*args, **kwargs):
    raise ZeroDivisionError("injected failure")


def test_an_internal_error_is_a_tool_notification(tmp_path, monkeypatch, capsys):
    """CEL000 is a failure of celery-lint, not a finding in the code: the invocation did not
    succeed, and the error is its notification (the other findings of the file stay)."""
    write(tmp_path, {"tasks.py": TASKS})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(waiting, "ignored_result_task", _broken)
    assert cli.main(["check", "--isolated", "--select=CEL201,CEL204", "--format", "sarif", "tasks.py"]) == 2
    out, err = capsys.readouterr()
    log = valid(json.loads(out))
    assert "injected failure" in err  # on stderr too, as in every format
    (invocation,) = log["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["descriptor"] == {"id": "CEL000", "index": 0} and "injected failure" in note["message"]["text"]
    assert log["tool"]["driver"]["notifications"][0]["name"] == "celery-lint-internal-error"
    assert {r["ruleId"] for r in log["results"]} == {"CEL201"}


def test_fixes(tmp_path):
    """A finding that carries a fix (none does yet: made by hand) has it as artifact changes."""
    fix = Fix((Edit(3, 14, 3, 18, "(x,)"), Edit(5, 0, 5, 0, "import os\n")), True, "replace args=(x) by args=(x,)")
    found = [("pkg/tasks.py", Violation(3, 9, "CEL103", "message", fix)),
             ("pkg/tasks.py", Violation(7, 0, "CEL201", "other"))]
    log = valid(sarif.sarif_log(found, str(tmp_path)))
    with_fix, without = log["results"]
    assert "fixes" not in without
    (change,) = with_fix["fixes"][0]["artifactChanges"]
    assert with_fix["fixes"][0]["description"] == {"text": "replace args=(x) by args=(x,)"}
    assert with_fix["fixes"][0]["properties"] == {"safe": True}
    assert change["artifactLocation"] == {"uri": "pkg/tasks.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {"deletedRegion": {"startLine": 3, "startColumn": 15, "endLine": 3, "endColumn": 19},
         "insertedContent": {"text": "(x,)"}},
        {"deletedRegion": {"startLine": 5, "startColumn": 1, "endLine": 5, "endColumn": 1},  # an insertion
         "insertedContent": {"text": "import os\n"}},
    ]


def test_a_path_outside_the_folder_is_an_absolute_uri(tmp_path):
    outside = tmp_path / "elsewhere" / "a,b.py"
    assert sarif.artifact_location(str(outside), str(tmp_path / "here")) == {"uri": outside.as_uri()}
    assert sarif.artifact_location("./a/b.py", str(tmp_path)) == {"uri": "a/b.py", "uriBaseId": "%SRCROOT%"}
    assert sarif.artifact_location(str(tmp_path / "b.py"), str(tmp_path))["uri"] == "b.py"


@pytest.mark.parametrize("urls,expected", [
    ([], None),
    (["Repository, https://example.org/celery-lint/"], "https://example.org/celery-lint"),
    (["Changelog, https://example.org/c", "Homepage, https://example.org/h"], "https://example.org/h"),
])
def test_rule_pages_link_to_the_repository_when_the_project_names_one(monkeypatch, urls, expected):
    class Metadata:
        def get_all(self, name):
            return urls if name == "Project-URL" else None

    monkeypatch.setattr(sarif.importlib.metadata, "metadata", lambda name: Metadata())
    assert sarif.repository_url() == expected
    log = valid(sarif.sarif_log([], os.getcwd()))
    rule = log["tool"]["driver"]["rules"][0]
    if expected:
        assert log["tool"]["driver"]["informationUri"] == expected
        assert rule["helpUri"] == f"{expected}/blob/main/docs/rules/{rule['id']}.md"
    else:
        assert "helpUri" not in rule and "informationUri" not in log["tool"]["driver"]


def test_a_finding_with_a_fix_carries_it_through_the_command(tmp_path):
    """``check --format sarif`` asks the core for fixes: a real CEL103 finding has its edit."""
    (tmp_path / "tasks.py").write_text(
        "from celery import shared_task\n\n\n@shared_task\ndef add(x):\n    return x\n\n\nadd.apply_async(args=(1))\n",
        encoding="utf-8")
    _, run_log = sarif_run(["tasks.py"], tmp_path)
    (result,) = run_log["results"]
    assert result["ruleId"] == "CEL103"
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    inserted = [r["insertedContent"]["text"] for r in change["replacements"]]
    assert inserted and any("," in text for text in inserted), inserted
