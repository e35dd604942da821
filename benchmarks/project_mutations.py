"""Recall of the project rules on bugs injected into real code.

    python benchmarks/project_mutations.py [--corpus /tmp/corpus] [--projects a,b]

Released projects hold few cross-module bugs, so a clean corpus run says little about whether
CEL901 and CEL902 would catch one.  This script injects them, one at a time, where the rules look:

* CEL901: every task name written as a string (beat entries, ``send_task``, ``signature``,
  ``app.tasks[...]``, ``task_routes`` keys) that the project defines is misspelt (two letters of
  its function part swapped) -- the rule must report it;
* CEL902: every call of a task of another module whose arguments the index can check gets an
  unknown keyword (``celery_lint_unknown=1``, unless the task takes ``**kwargs``), and, when it
  passes a positional argument, loses its last one when that one is required -- the rule must
  report each.

Each mutant is checked as the front-ends check it (the project index of the unchanged project;
the mutated module alone re-checked), so the numbers are the rules' recall on those bugs.  Also
counts false reports on the unmutated modules (must be 0).
"""
from __future__ import annotations

import argparse
import ast
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import celery_lint  # noqa: E402
from celery_lint.checks import project as rules  # noqa: E402
from celery_lint.project.index import build_index  # noqa: E402


class _Ctx:
    """What the rules' helpers ask of a check context."""

    def __init__(self, model, index):
        self.model, self.project, self.filename = model, index, model.filename

    def resolve(self, expr):
        return self.model.resolve(expr)


def _model(tree, rel, index):
    from celery_lint.config import collect_config  # noqa: PLC0415
    from celery_lint.model import build  # noqa: PLC0415

    model = build(tree, rel, index.settings, celery_lint.default_engine().wanted, index)
    collect_config(model)
    return model


def _codes(source: str, rel: str, index, code: str) -> list[int]:
    tree = ast.parse(source)
    return [v.line for v in celery_lint.check(tree, rel, project=index) if v.code == code]


def _replace(source: str, node: ast.AST, text: str) -> str:
    lines = source.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: node.lineno - 1]) + len(
        lines[node.lineno - 1].encode()[: node.col_offset].decode())
    end = sum(len(line) for line in lines[: node.end_lineno - 1]) + len(
        lines[node.end_lineno - 1].encode()[: node.end_col_offset].decode())
    return source[:start] + text + source[end:]


def _misspelt(name: str) -> str | None:
    head, _, func = name.rpartition(".")
    for i in range(len(func) - 1):
        if func[i] != func[i + 1] and func[i].isalpha() and func[i + 1].isalpha():
            swapped = func[:i] + func[i + 1] + func[i] + func[i + 2:]
            return f"{head}.{swapped}" if head else swapped
    return None


def mutate_project(root: Path) -> dict:
    index = build_index(str(root), celery_lint.Settings(no_cache=True))
    out = {"names": 0, "names_found": 0, "calls": 0, "calls_found": 0, "clean_false": 0, "missed": []}
    for module, rel in sorted(index.paths.items()):
        path = root / rel
        try:
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        model = _model(tree, rel, index)
        if model.is_test_code():
            continue
        out["clean_false"] += len(_codes(source, rel, index, "CEL901")) + len(_codes(source, rel, index, "CEL902"))
        if index.names_known:
            for node, name, _ in rules._named_tasks(model):
                if name.startswith("celery.") or not rules._defined_elsewhere(index, name):
                    continue
                wrong = _misspelt(name)
                if wrong is None or wrong in index.tasks_by_name:
                    continue
                out["names"] += 1
                if node.lineno in _codes(_replace(source, node, repr(wrong)), rel, index, "CEL901"):
                    out["names_found"] += 1
                else:
                    out["missed"].append(f"CEL901 {rel}:{node.lineno} {wrong}")
        ctx = _Ctx(model, index)
        for call in model.nodes.get(ast.Call, ()):
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr in rules._CALL_METHODS
                    and isinstance(func.value, (ast.Name, ast.Attribute))):
                continue
            found = rules._imported_task(ctx, func.value)
            if found is None or rules._given(call, func.attr) is None:
                continue
            sig = found[1]["sig"]
            mutants = []
            if not sig["varkw"] and func.attr in rules._STAR:
                extra = ast.keyword("celery_lint_unknown", ast.Constant(1))
                mutants.append(ast.Call(call.func, call.args, [*call.keywords, extra]))
            if call.args and func.attr in ("delay", "delay_on_commit") and len(call.args) <= sig["req"] \
                    and not sig["var"]:
                mutants.append(ast.Call(call.func, call.args[:-1], call.keywords))
            for mutant in mutants:
                out["calls"] += 1
                text = _replace(source, call, ast.unparse(mutant))
                if call.lineno in _codes(text, rel, index, "CEL902"):
                    out["calls_found"] += 1
                else:
                    out["missed"].append(f"CEL902 {rel}:{call.lineno} {ast.unparse(mutant)[:80]}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("CELERY_LINT_CORPUS", "/tmp/corpus"))
    parser.add_argument("--projects", help="comma-separated project folders (default: all)")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    names = args.projects.split(",") if args.projects else sorted(p.name for p in corpus.iterdir() if p.is_dir())
    total = {"names": 0, "names_found": 0, "calls": 0, "calls_found": 0, "clean_false": 0}
    print(f"{'project':26s} {'CEL901 found/injected':>22s} {'CEL902 found/injected':>22s} {'false on clean':>15s}")
    for name in names:
        res = mutate_project(corpus / name)
        for key in total:
            total[key] += res[key]
        print(f"{name:26s} {res['names_found']:>10d}/{res['names']:<11d} {res['calls_found']:>10d}/{res['calls']:<11d}"
              f" {res['clean_false']:>15d}")
        for line in res["missed"][:5]:
            print("    missed:", line)
    print(f"{'total':26s} {total['names_found']:>10d}/{total['names']:<11d} "
          f"{total['calls_found']:>10d}/{total['calls']:<11d} {total['clean_false']:>15d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
