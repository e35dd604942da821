"""Silence pylint's own false positives on ordinary Celery code, and only there.

pylint alone does not know what Celery's task decorator and Task class do, so it reports:

* ``no-value-for-parameter`` when a ``bind=True`` task is called directly (Celery binds ``self``);
* ``unused-argument`` for ``self`` in a bound task;
* ``abstract-method`` for ``run`` on a Task subclass meant as a base class;
* ``arguments-differ`` (and ``arguments-renamed``) on a Task subclass's ``run``.

Each of these messages is dropped when celery-lint's own model of the module that defines the
function or class says it is a Celery task (the same recognition the rules use: imports,
aliases, app objects, the configured decorators and base classes).  The same messages on
other code are untouched.  Nothing is imported or run: modules are parsed with ``ast``.
"""
from __future__ import annotations

import ast
from typing import Callable, NamedTuple

from astroid import nodes

from celery_lint.engine import paused_gc
from celery_lint.model import ModuleModel, TaskKind, build
from celery_lint.settings import Settings

_MARK = "_celery_lint_filtered"


class TaskFacts(NamedTuple):
    """What the filters need to know of one task (no tree: the index outlives the module)."""

    kind: TaskKind
    bound: bool
    first_param: str | None


class TaskIndex:
    """Per-module answers to "is this def / class a Celery task?".

    The checker records them from the model it builds anyway (``record``); a module it did
    not check (its messages disabled) is parsed on the first question.  Only small facts are
    kept, keyed by (line, name): holding on to trees would keep every checked module alive,
    and pylint pays for each object it holds at every full garbage collection.
    """

    def __init__(self, settings_getter: Callable[[], Settings]):
        self._settings = settings_getter
        self._cache: dict[str, tuple[dict, frozenset]] = {}

    def clear(self) -> None:
        self._cache.clear()

    def record(self, module: nodes.Module, model: ModuleModel | None) -> None:
        """The facts of a module the checker has checked (model None: nothing Celery-related)."""
        self._cache[module.file or module.name] = _facts(model)

    def _of(self, module: nodes.Module) -> tuple[dict, frozenset]:
        key = module.file or module.name
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._build(module)
        return found

    def _build(self, module: nodes.Module) -> tuple[dict, frozenset]:
        try:
            with paused_gc():
                with module.stream() as stream:
                    tree = ast.parse(stream.read())
                return _facts(build(tree, module.file or module.name, self._settings(), frozenset()))
        except Exception:  # noqa: BLE001 -- no answer means: leave pylint's message alone
            return {}, frozenset()

    def task(self, func) -> TaskFacts | None:
        if not isinstance(func, (nodes.FunctionDef, nodes.AsyncFunctionDef)):
            return None
        return self._of(func.root())[0].get((_def_line(func), func.name))

    def is_task_class(self, cls) -> bool:
        if not isinstance(cls, nodes.ClassDef):
            return False
        return (_def_line(cls), cls.name) in self._of(cls.root())[1]


def _facts(model: ModuleModel | None) -> tuple[dict, frozenset]:
    if model is None:
        return {}, frozenset()
    tasks = {}
    for t in model.tasks:
        params = t.params
        tasks[(t.node.lineno, t.node.name)] = TaskFacts(t.kind, t.bound, params[0].arg if params else None)
    classes = frozenset((c.node.lineno, c.name) for c in model.classes.values() if c.is_task_class)
    return tasks, classes


def _def_line(node) -> int:
    """The line of ``def`` / ``class`` (astroid's lineno is the first decorator's line)."""
    position = getattr(node, "position", None)
    return position.lineno if position is not None else node.lineno


def _callee(call: nodes.Call):
    try:
        inferred = call.func.inferred()
    except Exception:  # noqa: BLE001 -- astroid inference may fail in many ways
        return None
    return inferred[0] if len(inferred) == 1 else None


def _bound_task_called(index: TaskIndex, node, args) -> bool:
    if not isinstance(node, nodes.Call):
        return False
    task = index.task(_callee(node))
    return task is not None and task.kind is TaskKind.FUNCTION and task.bound


def _bound_task_self(index: TaskIndex, node, args) -> bool:
    func = getattr(getattr(node, "parent", None), "parent", None)
    task = index.task(func)
    if task is None or task.kind is not TaskKind.FUNCTION or not task.bound:
        return False
    return task.first_param is not None and getattr(node, "name", None) == task.first_param


def _task_run_abstract(index: TaskIndex, node, args) -> bool:
    return bool(args) and args[0] == "run" and index.is_task_class(node)


def _task_run_signature(index: TaskIndex, node, args) -> bool:
    # ``node`` may be an astroid proxy of the method (an UnboundMethod): no isinstance here.
    return getattr(node, "name", None) == "run" and index.is_task_class(getattr(node, "parent", None))


#: checker name -> {message symbol: test(index, node, args) -> drop the message?}
FILTERS = {
    "typecheck": {"no-value-for-parameter": _bound_task_called},
    "variables": {"unused-argument": _bound_task_self},
    "classes": {
        "abstract-method": _task_run_abstract,
        "arguments-differ": _task_run_signature,
        "arguments-renamed": _task_run_signature,
    },
}


def install(linter, index: TaskIndex) -> None:
    """Wrap ``add_message`` of the checkers that emit the messages above (once per checker)."""
    for checker in linter.get_checkers():
        tests = FILTERS.get(checker.name)
        if not tests or getattr(checker, _MARK, False):
            continue
        by_id = {}
        for symbol, test in tests.items():
            by_id[symbol] = test
            for definition in linter.msgs_store.get_message_definitions(symbol):
                by_id[definition.msgid] = test
        original = checker.add_message

        def add_message(msgid, line=None, node=None, args=None, *rest, _original=original, _by_id=by_id, **kw):
            test = _by_id.get(msgid)
            if test is not None and node is not None:
                try:
                    drop = test(index, node, args if isinstance(args, tuple) else (args,))
                except Exception:  # noqa: BLE001 -- keep pylint's message when in doubt
                    drop = False
                if drop:
                    return None
            return _original(msgid, line, node, args, *rest, **kw)

        checker.add_message = add_message
        setattr(checker, _MARK, True)
