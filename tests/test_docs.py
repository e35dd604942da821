"""The rule documentation: generated from the catalogue, complete, and its examples tell the truth."""
from __future__ import annotations

import ast
import importlib.util
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

import celery_lint
from celery_lint import docs
from celery_lint.rule import Rule
from checking import example_codes
from tools import run_process

ROOT = pathlib.Path(__file__).resolve().parent.parent
GEN_DOCS = ROOT / "tools" / "gen_docs.py"
RULES = list(celery_lint.RULES.values())
IDS = [rule.code for rule in RULES]
TEXT_FIELDS = ("summary", "message", "what", "why", "example", "instead")


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", GEN_DOCS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_gen(*args: str) -> subprocess.CompletedProcess:
    return run_process([sys.executable, GEN_DOCS, *args], GEN_DOCS.parent.parent, env=dict(os.environ))


def _copy_repo_docs(tmp_path: pathlib.Path) -> pathlib.Path:
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    if (ROOT / "docs" / "rules").is_dir():
        shutil.copytree(ROOT / "docs" / "rules", tmp_path / "docs" / "rules")
    return tmp_path


def _sections(page: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", page, flags=re.MULTILINE)
    return {title.strip(): body.strip() for title, body in zip(parts[1::2], parts[2::2])}


# --------------------------------------------------------------------------- generated files


def test_pages_and_table_are_up_to_date():
    plan = _gen_docs().plan(ROOT)
    stale = sorted(str(p.relative_to(ROOT)) for p in [*plan.writes, *plan.stale])
    assert not stale, f"run `python tools/gen_docs.py`; stale: {stale}"


def test_check_mode_reports_and_generation_fixes(tmp_path):
    root = _copy_repo_docs(tmp_path)
    rules_dir = root / "docs" / "rules"
    rules_dir.mkdir(parents=True, exist_ok=True)
    (rules_dir / "CEL299.md").write_text("# a code that no longer exists\n")
    (rules_dir / "notes.md").write_text("not a rule page\n")
    first = RULES[0].code
    (rules_dir / f"{first}.md").write_text("edited by hand\n")

    proc = _run_gen("--check", "--root", str(root))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{first}.md" in proc.stdout and "CEL299.md" in proc.stdout
    assert (rules_dir / "CEL299.md").exists(), "--check must change nothing"

    proc = _run_gen("--root", str(root))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (rules_dir / "CEL299.md").exists(), "the page of a removed code is removed"
    assert (rules_dir / "notes.md").exists(), "only CELnnn.md pages are the generator's"
    assert (rules_dir / f"{first}.md").read_text() == docs.rule_page(RULES[0])
    assert sorted(p.name for p in rules_dir.glob("CEL*.md")) == sorted(f"{c}.md" for c in IDS)
    assert _run_gen("--check", "--root", str(root)).returncode == 0


def test_readme_changes_only_between_the_markers(tmp_path):
    original = (ROOT / "README.md").read_text(encoding="utf-8")
    doctored = original.replace(docs.TABLE_END, "| stale row |\n" + docs.TABLE_END)
    (tmp_path / "README.md").write_text(doctored, encoding="utf-8")
    assert _run_gen("--root", str(tmp_path)).returncode == 0
    regenerated = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "stale row" not in regenerated
    before, after = original.split(docs.TABLE_START)[0], original.split(docs.TABLE_END)[1]
    assert regenerated.startswith(before + docs.TABLE_START)
    assert regenerated.endswith(docs.TABLE_END + after)


def test_readme_without_markers_is_an_error(tmp_path):
    (tmp_path / "README.md").write_text("# no table here\n")
    proc = _run_gen("--check", "--root", str(tmp_path))
    assert proc.returncode == 2 and "rules-table" in proc.stderr


def test_table_lists_every_rule_in_its_band_with_a_working_link():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split(docs.TABLE_START)[1].split(docs.TABLE_END)[0]
    band = None
    for line in table.splitlines():
        if line.startswith("### "):
            band = line
        match = re.match(r"^\| \[(CEL\d{3})\]\(([^)]+)\) \| `([^`]+)` \| (on|opt-in) \| (.+) \|$", line)
        if match:
            rule = celery_lint.RULES[match[1]]
            assert band == f"### {docs.band_title(docs.band_of(rule.code))}"
            assert (ROOT / match[2]).is_file(), match[2]
            assert (match[3], match[4]) == (rule.symbol, "on" if rule.default else "opt-in")
    for rule in RULES:
        assert f"[{rule.code}](docs/rules/{rule.code}.md)" in table


def test_every_band_has_a_title():
    assert set(docs.BANDS) == set(range(10))  # CEL9xx: the project-wide rules
    for rule in RULES:
        assert docs.band_of(rule.code) in docs.BANDS


# --------------------------------------------------------------------------- each rule's documentation


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_every_section_is_filled(rule):
    for name in TEXT_FIELDS:
        assert getattr(rule, name).strip(), f"{rule.code}: {name} is empty"
    assert rule.references and all(ref.strip() for ref in rule.references), f"{rule.code}: no references"
    page = docs.rule_page(rule)
    sections = _sections(page)
    titles = [title for title, _ in docs.SECTIONS]
    if rule.fix is not None:  # after "Use instead": what the fix does and whether it is safe
        titles.insert(titles.index("Use instead") + 1, "Fix")
    assert titles == list(sections), sections.keys()
    for title, body in sections.items():
        assert body, f"{rule.code}: section {title!r} is empty"
    for fact in (rule.code, rule.symbol, rule.msgid, f"extend-select = {rule.code}", f"enable = {rule.symbol}"):
        assert fact in page


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_options_name_real_settings(rule):
    assert not docs.unknown_options(rule), f"{rule.code}: unknown settings {docs.unknown_options(rule)}"
    for name in rule.options:
        assert f"`{name.replace('_', '-')}`" in docs.rule_page(rule)


def test_an_unknown_option_fails_the_generation(tmp_path):
    bogus = Rule(code="CEL200", symbol="celery-bogus", msgid="W7820", message="m", summary="s", what="w", why="y",
                 example="e", instead="i", options=("task_decorators", "no_such_setting"),
                 references=("r",))
    assert docs.unknown_options(bogus) == ["no_such_setting"]
    with pytest.raises(ValueError, match="no_such_setting"):
        docs.rule_page(bogus)
    (tmp_path / "README.md").write_text(f"{docs.TABLE_START}\n{docs.TABLE_END}\n")
    with pytest.raises(ValueError, match="no_such_setting"):
        _gen_docs().plan(tmp_path, {bogus.code: bogus})


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_example_triggers_the_rule(rule):
    ast.parse(rule.example)
    assert rule.code in example_codes(rule.example), f"{rule.code}: its Example does not trigger it"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_use_instead_does_not_trigger_the_rule(rule):
    ast.parse(rule.instead)
    assert rule.code not in example_codes(rule.instead), f"{rule.code}: its 'Use instead' still triggers it"


def test_example_headers_choose_file_name_and_settings():
    code = "# filename: proj/settings/test.py\n# settings: app-names=worker; visibility-timeout=60\nx = 1\n"
    filename, settings = docs.example_context(code)
    assert filename == "proj/settings/test.py"
    assert settings.app_names == ("worker",) and settings.visibility_timeout == 60
    assert docs.example_context("x = 1\n") == ("tasks.py", celery_lint.Settings())


def test_references_to_celery_docs_become_links():
    link = docs.reference_link("Celery user guide, Tasks: Retrying (docs/userguide/tasks.rst#retrying)")
    assert link == ("[Celery user guide, Tasks: Retrying]"
                    "(https://docs.celeryq.dev/en/stable/userguide/tasks.html#retrying)")
    assert docs.reference_link("Configuration (docs/userguide/configuration.rst): broker_url") == (
        "[Configuration](https://docs.celeryq.dev/en/stable/userguide/configuration.html): broker_url")
    assert docs.reference_link("Ignore results (docs/userguide/tasks.rst#task-ignore_results)") == (
        "[Ignore results](https://docs.celeryq.dev/en/stable/userguide/tasks.html#task-ignore-results)")
    assert docs.reference_link("https://example.org/x") == "<https://example.org/x>"
    assert docs.reference_link("Celery changelog 5.4") == "Celery changelog 5.4"
