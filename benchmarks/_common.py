"""Shared helpers of the benchmark scripts: the corpus pins, reading modules, the machine."""
from __future__ import annotations

import ast
import datetime
import io
import os
import platform
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PINS_FILE = HERE / "corpus_pins.txt"
#: Where the corpus is unless ``--corpus`` or $CELERY_LINT_CORPUS says otherwise.
DEFAULT_CORPUS = Path(os.environ.get("CELERY_LINT_CORPUS", "/tmp/corpus"))

if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))


@dataclass(frozen=True)
class Pin:
    """One pinned release of the corpus."""

    name: str
    spec: str
    kind: str  # wheel or sdist
    sha256: str
    group: str  # main or extra


def read_pins(extras: bool = True) -> list[Pin]:
    """The pins of ``corpus_pins.txt``; the ``extra`` group only when ``extras``."""
    pins = []
    for raw in PINS_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, spec, kind, sha, group = line.split()
        if kind not in ("wheel", "sdist") or group not in ("main", "extra") or len(sha) != 64:
            raise ValueError(f"{PINS_FILE.name}: bad line {raw!r}")
        if group == "main" or extras:
            pins.append(Pin(name, spec, kind, sha, group))
    return pins


#: Written (empty) into each corpus project that has no root marker of its own: the corpus holds only
#: ``.py`` files, and without a marker flake8 and pylint would put every project under the folder
#: they run in, where the project index (CEL9xx) could not see it.  An empty ``pyproject.toml`` is
#: read by nobody: flake8 never reads one, pylint and the standalone command only read their
#: own tables (``[tool.pylint]``, ``[tool.celery-lint]``), and they look in the folder they run in.
ROOT_MARKER = "pyproject.toml"


def is_own_root(project: Path) -> bool:
    """Does the project folder hold a marker that makes it its own root for celery-lint?"""
    from celery_lint.project.index import ROOT_MARKERS  # noqa: PLC0415

    return any((project / marker).exists() for marker in ROOT_MARKERS)


def mark_root(project: Path) -> bool:
    """Make the project folder its own root (an empty ``pyproject.toml``) unless it already is;
    True when a marker was written."""
    if is_own_root(project):
        return False
    (project / ROOT_MARKER).write_text("", encoding="utf-8")
    return True


def projects(corpus: Path, names: list[str] | None = None) -> list[Path]:
    """The unpacked projects of a corpus folder (those with a ``.complete`` marker)."""
    if not corpus.is_dir():
        raise SystemExit(f"no corpus at {corpus}: run benchmarks/get_corpus.py {corpus} first")
    found = sorted(p for p in corpus.iterdir() if (p / ".complete").is_file())
    if names:
        by_name = {p.name: p for p in found}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise SystemExit(f"not in {corpus}: {', '.join(missing)}")
        found = [by_name[n] for n in names]
    if not found:
        raise SystemExit(f"no complete project in {corpus}: run benchmarks/get_corpus.py {corpus}")
    return found


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


def read_source(path: Path) -> str | None:
    """The text of a module decoded as Python does (PEP 263), or None if it cannot be."""
    data = path.read_bytes()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


@dataclass
class Module:
    path: Path
    project: str
    source: str
    tree: ast.Module

    @property
    def lines(self) -> int:
        return self.source.count("\n") + 1


def load_modules(roots: list[Path], project_of=None) -> tuple[list[Module], list[Path]]:
    """Parse every module under the roots; returns (modules, paths that did not parse)."""
    modules, bad = [], []
    for root in roots:
        for path in python_files(root):
            source = read_source(path)
            tree = None
            if source is not None:
                try:
                    tree = ast.parse(source, str(path))
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    tree = None
            if tree is None:
                bad.append(path)
                continue
            project = project_of(path) if project_of else root.name
            modules.append(Module(path, project, source, tree))
    return modules, bad


def imports_celery(tree: ast.Module) -> bool:
    """Does the module import celery (any form, anywhere)?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(a.name.split(".")[0] == "celery" for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom) and not node.level:
            if (node.module or "").split(".")[0] == "celery":
                return True
    return False


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, str]:
    """What a benchmark ran on."""
    return {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(terse=True),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def table(rows: list[list[str]], header: list[str]) -> str:
    """A Markdown table (also readable on a terminal)."""
    cells = [header, *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def fmt(r):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"

    sep = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([fmt(header), sep, *[fmt(r) for r in cells[1:]]])
