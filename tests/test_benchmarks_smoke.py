"""The benchmark scripts' own logic, on a tiny corpus made here (no network, no real corpus)."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from tools import run_process

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


@pytest.mark.parametrize("tool, args", [
    ("flake8", ["--isolated", "--select=E,F,W", "--jobs=1"]),
    ("pylint", ["--rcfile=/dev/null", "-j", "1", "--persistent=n", "--load-plugins=pylint_celery"]),
])
def test_plugin_share_times_the_plugin_inside_the_real_tool(tiny_corpus, tool, args):
    """plugin_share.py must time celery-lint's real entry points: a check that flake8 or pylint
    never called through the patched names would give a share of zero and look like a success."""
    import json

    pytest.importorskip(tool)
    target = tiny_corpus / "proj" / "proj" / "tasks.py"
    proc = run_process([sys.executable, BENCH / "plugin_share.py", tool, *args, target], tiny_corpus)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("plugin-share ")]
    assert line, proc.stderr[-2000:]
    data = json.loads(line[-1].split(" ", 1)[1])
    assert data["calls"] > 0 and data["import"] > 0
    assert 0 < data["share"] < 1 and data["plugin"] <= data["total"]


def _result(name, **data):
    return bench.Result(name, data=data)


def test_explanations_say_why_a_target_is_missed():
    results = {
        "flake8": _result("flake8", overhead=0.08, target=0.02, met=False, share=0.015,
                          cpu={"with": [10.0, 12.0, 14.0], "without": [10.0, 11.0, 12.0]}),
        "growth": _result("growth", ratio=11.8, floor_ratio=10.9),
        "instructions": _result("instructions", flake8_overhead=0.012, growth=9.9, floor_growth=9.95),
    }
    rows = {r[0]: r[3] for r in bench.verdicts(results)}
    assert rows["flake8 overhead, end to end (CPU, ratio of medians)"] == "MISSED"
    assert rows["flake8: celery-lint's share of the run's CPU, timed inside the run"] == "met"
    assert rows["flake8 overhead in instructions (valgrind)"] == "met"
    assert rows["growth 1x -> 10x module in instructions (valgrind)"] == "met"
    why = "\n".join(bench.explanations(results))
    assert "missed by 6.00 points" in why and "±16.7%" in why and "1.50%" in why and "+1.20%" in why
    assert "the core grows 9.90x and the traversal 9.95x: no quadratic corner" in why
    results["flake8"].data.update(overhead=0.01, met=True)
    results["growth"].data["ratio"] = 10.2
    assert bench.explanations(results) == []


def test_mixed_module_grows_with_the_lines_asked_for():
    small, large = bench.mixed_module(1000), bench.mixed_module(4000)
    assert abs(small.count("\n") - 1000) < 30 and abs(large.count("\n") - 4000) < 30
    tree = ast.parse(large)
    assert sum(isinstance(n, ast.FunctionDef) for n in tree.body) > 3 * sum(
        isinstance(n, ast.FunctionDef) for n in ast.parse(small).body)


def test_bench_scaling_reports_cost_per_line():
    res = bench.bench_scaling(1, sizes=(200, 400), count_instructions=False, budget=0.05)
    assert [row[0] for row in res.rows] == ["200", "400"]
    assert res.data["cpu"] > 0 and res.data["floor"] > 0 and res.data["walk"] > 0 and res.data["parse"] > 0
    assert "instructions" not in res.data and len(res.rows[0]) == len(res.header)


def test_project_mutations_inject_bugs_the_project_rules_find(tmp_path):
    """benchmarks/project_mutations.py on a fixture project: every injected misspelt name and bad
    call is found, and the clean project has no false report."""
    import shutil  # noqa: PLC0415

    import project_mutations  # noqa: PLC0415

    root = tmp_path / "proj-copy"
    shutil.copytree(Path(__file__).parent / "projects" / "cel902_silent_calls", root)
    found = project_mutations.mutate_project(root)
    assert found["calls"] > 0 and found["calls_found"] == found["calls"], found["missed"]
    assert found["clean_false"] == 0
    root2 = tmp_path / "proj-names"
    shutil.copytree(Path(__file__).parent / "projects" / "cel901_silent_django_generated", root2)
    named = project_mutations.mutate_project(root2)
    assert named["names"] > 0 and named["names_found"] == named["names"], named["missed"]


def test_mark_root_makes_each_project_its_own_root(tiny_corpus):
    project = tiny_corpus / "proj"
    assert not _common.is_own_root(project)
    assert _common.mark_root(project) is True
    assert (project / "pyproject.toml").read_text() == "" and _common.is_own_root(project)
    assert _common.mark_root(project) is False  # idempotent


def test_bench_project_builds_the_index_and_measures_its_cache(tiny_corpus):
    project = tiny_corpus / "proj"
    with pytest.raises(SystemExit, match="not their own roots"):
        bench.bench_project(None, None, [], 1, [project], build_repeats=1)
    _common.mark_root(project)
    res = bench.bench_project(None, None, [], 1, [project], build_repeats=1)
    build = res.data["build"]["proj"]
    assert build["summarised"] == 1 and build["files"] == 3
    assert build["cache_files"] == 3 and build["cache_bytes"] > 0  # one entry, .gitignore, CACHEDIR.TAG
    assert res.data["per_1000"] > 0
    assert not (project / ".celery_lint_cache").exists()  # the in-process builds cache elsewhere
    rows = {r[0]: r for r in bench.verdicts({"project": res})}
    assert any(label.startswith("(info) project index build") for label in rows)


def test_corpus_reports_project_rules_with_each_project_as_its_root(tmp_path_factory):
    import shutil

    # not under tmp_path: its name holds the test's, and project rules are silent in test code
    tmp_path = tmp_path_factory.mktemp("bench")
    corpus_dir = tmp_path / "corpus"
    src = Path(__file__).resolve().parent / "projects" / "cel901_send_task_unknown"
    shutil.copytree(src, corpus_dir / "p901")
    (corpus_dir / "p901" / ".complete").write_text("p901\n")
    out = tmp_path / "out"
    import json

    def codes():
        return {f["code"] for f in json.loads((out / "findings.json").read_text())}

    assert corpus.main(["--corpus", str(corpus_dir), "--out", str(out)]) == 0
    assert "CEL901" in codes()
    assert corpus.main(["--corpus", str(corpus_dir), "--out", str(out), "--no-index"]) == 0
    assert "CEL901" not in codes()


def test_a_run_of_some_parts_keeps_the_other_sections_of_the_page():
    meta = {"machine": {"cpu": "cpu", "cores": "2", "python": "py", "os": "os", "date": "D1"}, "commit": "c1",
            "repeats": 7, "load": "0.1"}
    growth = bench.Result("growth", rows=[["core", "1", "10", "10x"]], header=["what", "1x", "10x", "ratio"],
                          notes=["growth note"], data={"ratio": 12.0, "floor_ratio": 11.0})
    first = bench.render({"growth": growth}, meta, [])
    scaling = bench.Result("scaling", rows=[["1,000", "1"]], header=["lines", "ms"], notes=["scaling note"],
                           data={"cpu": 1.0, "floor": 1.0})
    second = bench.render({"scaling": scaling}, dict(meta, commit="c2"), ["--only", "scaling"],
                          bench.parse_page(first))
    assert "growth note" in second and "scaling note" in second
    assert "- Run A (sections: scaling): `python benchmarks/bench.py --only scaling`" in second
    assert "- Run B (sections: growth): `python benchmarks/bench.py` (7 repeats), D1, celery-lint" in second
    assert "| growth 1x -> 10x module (CPU time) | 12.00x" in second.replace("  ", " ").replace("  ", " ")
    assert "_(run B)_" in second  # the growth explanation keeps its run
    third = bench.render({"growth": growth}, meta, ["--only", "growth"], bench.parse_page(second))
    assert "scaling note" in third and "Run A (sections: growth)" in third and "Run B (sections: scaling)" in third
    assert "--only scaling" in third.split("Run B (sections: scaling)")[1].splitlines()[0]
    assert bench.render({}, meta, [], bench.parse_page(second)).count("- Run ") == 2  # a re-render keeps both runs
