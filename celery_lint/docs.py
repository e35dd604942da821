"""The rule documentation, rendered from the catalogue: one page per rule, the index, the README table.

``tools/gen_docs.py`` writes these texts to ``docs/rules/`` and the README, and
``celery-lint explain CODE`` prints a page; both use the functions here, so a rule's
documentation is written once, next to its definition, and rendered the same everywhere.
"""
from __future__ import annotations

import re
from dataclasses import fields
from typing import Callable, Iterable, Mapping

from .rule import Rule
from .settings import Settings

#: The concern of each hundred of codes, in code order.
BANDS = {
    0: "broker and configuration",
    1: "task arguments and calls",
    2: "waiting for tasks",
    3: "atomicity",
    4: "retries",
    5: "defining tasks",
    6: "routing and canvas",
    7: "logging and error reporting",
    8: "testing",
    9: "the project as a whole",
}

#: The fixed sections of a rule page, in order, with the Rule field each one comes from.
SECTIONS = (
    ("What it does", "what"),
    ("Why is this bad?", "why"),
    ("Example", "example"),
    ("Use instead", "instead"),
    ("Options", "options"),
    ("References", "references"),
)

TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"

CELERY_DOCS = "https://docs.celeryq.dev/en/stable/"
_DOCS_REF = re.compile(r"^(?P<text>.*?)\s*\((?P<path>docs/[^()\s]+?)\.rst(?P<anchor>#[\w.-]+)?\)(?P<rest>.*)$")
_HEADER = re.compile(r"^#\s*(filename|settings):\s*(.+?)\s*$")


def band_of(code: str) -> int:
    """The hundreds of a code: 2 for CEL201."""
    return int(code[3:]) // 100


def band_title(band: int) -> str:
    return f"CEL{band}xx — {BANDS.get(band, 'other')}"


def setting_names() -> frozenset[str]:
    return frozenset(f.name for f in fields(Settings))


def unknown_options(rule: Rule) -> list[str]:
    """The names in ``rule.options`` that are not fields of :class:`Settings`."""
    known = setting_names()
    return [name for name in rule.options if name not in known]


def example_context(code: str) -> tuple[str, Settings]:
    """The file name and Settings an example is checked under.

    ``tasks.py`` and the default Settings, unless the example starts with the same
    headers as a test fixture: ``# filename: proj/settings/test.py`` and
    ``# settings: task-decorators=proj.task; app-names=worker``.
    """
    filename, mapping = "tasks.py", {}
    for line in code.splitlines()[:5]:
        header = _HEADER.match(line)
        if header and header.group(1) == "filename":
            filename = header.group(2)
        elif header:
            for part in header.group(2).split(";"):
                key, _, value = part.partition("=")
                mapping[key.strip()] = value.strip()
    return filename, Settings.from_mapping(mapping)


_FILE = re.compile(r"^# file: (\S+)[ \t]*$", re.MULTILINE)


def example_files(code: str) -> list[tuple[str, str]] | None:
    """The files of a project rule's example (CEL9xx), or None for a one-module example.

    A project example is several files, each after a ``# file: proj/tasks.py`` line; a file that
    is not Python (``# file: Procfile``) is written as comment lines, whose ``# `` is taken off."""
    parts = _FILE.split(code)
    if len(parts) < 3:
        return None
    files = []
    for path, body in zip(parts[1::2], parts[2::2]):
        if not path.endswith(".py"):
            body = "".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                           for line in body.splitlines(keepends=True))
        files.append((path, body.strip("\n") + "\n"))
    return files


# --------------------------------------------------------------------------- one rule


def rule_page(rule: Rule) -> str:
    """The Markdown page of one rule (``docs/rules/CELnnn.md``, ``celery-lint explain``)."""
    bad = unknown_options(rule)
    if bad:
        raise ValueError(f"{rule.code}: options name unknown settings {bad}; "
                         f"known: {sorted(setting_names())}")
    out = [
        f"# {rule.code}: {rule.symbol}",
        "",
        f"**{_sentence(rule.summary)}**",
        "",
        "| | |",
        "|---|---|",
        f"| flake8 code | `{rule.code}` |",
        f"| pylint symbol | `{rule.symbol}` (`{rule.msgid}`) |",
        f"| default | {'on' if rule.default else 'opt-in'} |",
        f"| message | {_cell(_code_span(rule.message))} |",
        f"| checked in | {checked_in(rule.code)} |",
        "",
        _enabling(rule),
    ]
    for title, field_name in SECTIONS:
        out += ["", f"## {title}", "", _section(rule, field_name)]
        if field_name == "instead" and rule.fix is not None:
            out += ["", "## Fix", "", fix_section(rule)]
    out += ["", "[All rules](index.md)", ""]
    return "\n".join(out)


def checked_in(code: str) -> str:
    """Where a rule's check lives: ``celery_lint/checks/waiting.py`` (``blocking_result``)."""
    from . import default_engine  # noqa: PLC0415 -- the package imports the checks; docs are read rarely

    by_module: dict[str, list[str]] = {}
    for handler in default_engine().reporting(code):
        by_module.setdefault(handler.func.__module__, []).append(handler.func.__name__)
    return ", ".join(
        f"`{module.replace('.', '/')}.py` ({', '.join(f'`{name}`' for name in names)})"
        for module, names in by_module.items()
    ) or "nowhere (no check reports it)"


def _enabling(rule: Rule) -> str:
    lines = [
        "**Default:** on. Where a configuration selects only some codes, enable it with:" if rule.default
        else "**Default:** opt-in (off until you enable it). Enable it with:",
        "",
        f"- flake8: `extend-select = {rule.code}`",
        f"- pylint: `enable = {rule.symbol}`",
        f"- celery-lint: `--extend-select {rule.code}` (or `extend-select` under `[tool.celery-lint]`)",
    ]
    if rule.default:
        lines += ["", f"Turn it off with flake8 `extend-ignore = {rule.code}`, pylint `disable = {rule.symbol}` "
                      f"or `celery-lint check --ignore {rule.code}`."]
    return "\n".join(lines)


def _section(rule: Rule, field_name: str) -> str:
    value = getattr(rule, field_name)
    if field_name in ("example", "instead"):
        return f"```python\n{value.rstrip()}\n```" if value.strip() else ""
    if field_name == "options":
        if not value:
            return "No setting changes this rule."
        return "\n".join(_option_line(name) for name in value)
    if field_name == "references":
        return "\n".join(f"- {reference_link(ref)}" for ref in value if ref.strip())
    return value.strip()


def fix_kind(rule: Rule) -> str:
    """``safe``, ``unsafe``, or empty when the rule has no fix."""
    if rule.fix is None:
        return ""
    kinds = {part.safe for part in getattr(rule.fix, "parts", (rule.fix,))}
    return "mixed" if len(kinds) > 1 else "safe" if rule.fix.safe else "unsafe"


def fix_section(rule: Rule) -> str:
    """What the rule's fix (or each of its fixes) does, and when ``celery-lint fix`` applies it."""
    parts = []
    for fix in getattr(rule.fix, "parts", (rule.fix,)):
        when = ("It is safe: `celery-lint fix` (or `check --fix`) applies it." if fix.safe else
                "It is unsafe (it changes what runs): `celery-lint fix` applies it only with `--unsafe-fixes`.")
        parts.append(f"{_sentence(fix.description[:1].upper() + fix.description[1:])} {when}")
    return " ".join(parts) + " `celery-lint check --diff` shows it first."


def _option_line(name: str) -> str:
    field = next(f for f in fields(Settings) if f.name == name)
    dashed = name.replace("_", "-")
    default = field.default
    shown = ", ".join(default) if isinstance(default, tuple) else str(default)
    return (f"- `{dashed}` (flake8 `--celery-{dashed}`, pylint `celery-{dashed}`, "
            f"`celery-lint check --{dashed}` or `{dashed}` under `[tool.celery-lint]`): "
            f"{field.metadata['help']} Default: {'`' + shown + '`' if shown else 'none'}.")


def reference_link(reference: str) -> str:
    """A reference as Markdown: ``Title (docs/userguide/tasks.rst#retrying)`` links to the Celery docs.

    Text after the parenthesis stays after the link (``...configuration.rst): broker_url``).
    """
    match = _DOCS_REF.match(reference)
    if match:
        url = CELERY_DOCS + match["path"][len("docs/"):] + ".html" + _html_anchor(match["anchor"])
        return f"[{match['text'] or match['path']}]({url}){match['rest'].rstrip()}"
    if reference.startswith(("http://", "https://")):
        return f"<{reference}>"
    return reference.strip()


def _html_anchor(anchor: str | None) -> str:
    """The HTML id Sphinx gives a label or section: docutils' make_id, ``a_b`` -> ``a-b``."""
    if not anchor:
        return ""
    return "#" + re.sub(r"[^a-z0-9]+", "-", anchor[1:].lower()).strip("-")


# --------------------------------------------------------------------------- all rules


def rules_table(rules: Iterable[Rule], link: Callable[[str], str]) -> str:
    """The rules grouped by concern band, one table per band; ``link(code)`` is a page's URL."""
    by_band: dict[int, list[Rule]] = {}
    for rule in sorted(rules, key=lambda r: r.code):
        by_band.setdefault(band_of(rule.code), []).append(rule)
    out = []
    for band, members in sorted(by_band.items()):
        out += [f"### {band_title(band)}", "",
                "| code | pylint symbol | default | fix | best practice |",
                "|---|---|---|---|---|"]
        for rule in members:
            out.append(f"| [{rule.code}]({link(rule.code)}) | `{rule.symbol}` | "
                       f"{'on' if rule.default else 'opt-in'} | {fix_kind(rule)} | {_cell(rule.summary)} |")
        out.append("")
    return "\n".join(out).rstrip("\n")


def index_page(rules: Mapping[str, Rule]) -> str:
    return "\n".join([
        "# celery-lint rules",
        "",
        "Every rule enforces one of Celery's best practices. Opt-in rules are off until you select",
        "them: flake8 `extend-select = CELnnn`, pylint `enable = <symbol>`,",
        "`celery-lint check --extend-select CELnnn`; each page says how.",
        "",
        "These pages are generated from the rule catalogue by `tools/gen_docs.py`; do not edit them.",
        "",
        rules_table(rules.values(), lambda code: f"{code}.md"),
        "",
    ])


def readme_table(rules: Mapping[str, Rule]) -> str:
    """The README's rule table, as the text between its markers (markers excluded)."""
    return "\n".join([
        "",
        "Generated from the rule catalogue by `tools/gen_docs.py`; each code links to its page.",
        "",
        rules_table(rules.values(), lambda code: f"docs/rules/{code}.md"),
        "",
    ])


def replace_table(readme: str, table: str) -> str:
    """``readme`` with the text between the rules-table markers replaced by ``table``."""
    start = readme.find(TABLE_START)
    end = readme.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"README has no {TABLE_START} ... {TABLE_END} markers")
    return readme[:start + len(TABLE_START)] + "\n\n" + table.strip("\n") + "\n\n" + readme[end:]


# --------------------------------------------------------------------------- helpers


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _code_span(text: str) -> str:
    """Markdown inline code holding ``text``, whatever backticks it contains."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
