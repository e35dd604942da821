"""The benchmark scripts' own logic, on a tiny corpus made here (no network, no real corpus)."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import _common  # noqa: E402
import bench  # noqa: E402
import corpus  # noqa: E402


def test_pins_are_well_formed():
    pins = _common.read_pins(extras=True)
    assert {p.group for p in pins} == {"main", "extra"}
    assert len({p.name for p in pins}) == len(pins)
    for pin in pins:
        assert "==" in pin.spec and len(pin.sha256) == 64 and int(pin.sha256, 16) >= 0
    assert all(p.group == "main" for p in _common.read_pins(extras=False))


def test_replicate_keeps_future_import_once():
    source = '"""doc"""\nfrom __future__ import annotations\nfrom celery import shared_task\n\n' \
             "@shared_task\ndef add(x):\n    return x\n"
    ten = bench.replicate(source, 10)
    tree = ast.parse(ten)  # a __future__ import after other code would be a SyntaxError
    assert sum(isinstance(n, ast.FunctionDef) for n in tree.body) == 10
    assert ten.count("__future__") == 1


@pytest.fixture
def tiny_corpus(tmp_path):
    project = tmp_path / "proj"
    (project / "proj").mkdir(parents=True)
    (project / ".complete").write_text("proj==1\n")
    (project / "proj" / "tasks.py").write_text(
        "from celery import shared_task\n\n@shared_task\ndef add(x):\n    return add.delay(x).get()\n")
    (project / "proj" / "plain.py").write_text("def f():\n    return 1\n")
    (project / "proj" / "broken.py").write_text("def (:\n")
    return tmp_path


def test_corpus_core_pass(tiny_corpus, tmp_path):
    out = tmp_path / "out"
    assert corpus.main(["--corpus", str(tiny_corpus), "--out", str(out)]) == 0
    summary = (out / "summary.json").read_text()
    assert '"proj"' in summary and "CEL201" in summary
    assert "CEL201" in (out / "findings.csv").read_text()
    assert (out / "crashes.txt").read_text() == ""


def test_groups_split_modules(tiny_corpus):
    modules, bad = _common.load_modules(_common.projects(tiny_corpus))
    assert [p.name for p in bad] == ["broken.py"]
    groups = bench.groups(modules)
    assert [m.path.name for m in groups[bench.CELERY]] == ["tasks.py"]
    assert [m.path.name for m in groups[bench.MISS]] == ["plain.py"]
