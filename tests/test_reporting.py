"""CEL701-CEL703: cases a fixture cannot show (passed-down loggers, helpers, odd input)."""
from __future__ import annotations

import textwrap
from functools import partial

import pytest

import checking
from celery_lint.rules import rules_of
from celery_lint.checks import reporting

CODES = tuple(rule.code for rule in rules_of(reporting))
HEADER = """\
import logging
from celery import shared_task
from celery.utils.log import get_task_logger
"""


# (line, code) of this family's rules, for a dedented source put after the HEADER
found = partial(checking.found, prefix=HEADER, select=CODES)


@pytest.mark.parametrize("rule", rules_of(reporting), ids=lambda r: r.code)
def test_example_triggers_and_instead_does_not(rule):
    assert rule.code in checking.codes(rule.example)
    assert rule.code not in checking.codes(rule.instead)


def test_opt_in_rules():
    assert [r.code for r in rules_of(reporting) if not r.default] == ["CEL702"]


# -- CEL701 ---------------------------------------------------------------------------------

def test_module_without_tasks_is_silent():
    source = """
    logger = logging.getLogger(__name__)

    def helper():
        logger.info("x")
        logging.info("y")
    """
    assert found(source) == []


def test_logger_passed_by_default_value():
    source = """
    logger = logging.getLogger(__name__)

    def store(rows, log=logger):
        log.info("stored %s", len(rows))

    @shared_task
    def work(rows):
        store(rows)
    """
    assert found(source) == [(5, "CEL701")]


def test_helper_called_with_a_task_logger_somewhere_is_silent():
    source = """
    logger = logging.getLogger(__name__)
    task_logger = get_task_logger(__name__)

    def store(rows, log):
        log.info("stored %s", len(rows))

    @shared_task
    def work(rows):
        store(rows, logger)

    def view(rows):
        store(rows, task_logger)
    """
    assert found(source) == []


def test_helper_not_called_from_a_task_is_silent():
    source = """
    logger = logging.getLogger(__name__)

    def store(rows, log):
        log.info("stored %s", len(rows))

    def view(rows):
        store(rows, logger)

    @shared_task
    def work(rows):
        return rows
    """
    assert found(source) == []


def test_recursive_helpers_terminate():
    source = """
    def a(log):
        log.info("a")
        b(log)

    def b(log):
        a(log)

    @shared_task
    def work():
        a(logging.getLogger("x"))
    """
    assert found(source) == []  # a cycle of helpers holds no logger we can be sure of


def test_root_logger_from_import_and_message():
    source = """
    from logging import warning

    @shared_task
    def work():
        warning("careful")
    """
    found_codes = found(source)
    assert found_codes == [(6, "CEL701")]
    (message,) = checking.messages(source, prefix=HEADER, select="CEL701")
    assert "root logger (logging.warning)" in message and "get_task_logger" in message


def test_message_names_the_line_of_getlogger():
    source = HEADER + "log = logging.getLogger(__name__)\n@shared_task\ndef work():\n    log.info('x')\n"
    (message,) = checking.messages(source, select="CEL701")
    assert "'log'" in message and "line 4" in message


@pytest.mark.parametrize("call", [
    'logger.info("[%s] executing %s", self.request.id, path)',
    'logger.info(f"{self.request.id}: executing {path}")',
    'logger.info("executing", extra={"task_id": self.request.id})',
    'logger.info("[%s] executing", current_task.request.id)',
    'logger.debug("acquired lock %s", lock_id)',
    'logger.debug("task %s", task_id)',
])
def test_log_calls_that_carry_the_task_id_are_silent(call):
    source = f"""
    from celery import current_task
    logger = logging.getLogger("proj.import")

    @shared_task(bind=True)
    def work(self, path):
        lock_id = f"import-{{self.request.id}}"
        task_id = None
        if path:
            task_id = self.request.id
        {call}
        logger.info("no id here")
    """
    assert found(source) == [(12, "CEL701")]


@pytest.mark.parametrize("made, reported", [
    ("logging.getLogger(__name__)", False),  # the logger get_task_logger(__name__) re-parents
    ("logging.getLogger(name=__name__)", False),
    ("logging.getLogger(name='celery.task.imports')", False),
    ("logging.getLogger('celery.task')", False),
    ("logging.getLogger('celery.worker')", True),  # a Celery logger, but no task logger
    ("logging.getLogger('celery.tasks')", True),
    ("logging.getLogger(__name__ + '.io')", True),
    ("logging.getLogger()", True),
])
def test_loggers_named_like_task_loggers(made, reported):
    source = f"""
    task_logger = get_task_logger(__name__)
    logger = {made}

    @shared_task
    def work():
        logger.info("x")
    """
    assert found(source) == ([(7, "CEL701")] if reported else [])


@pytest.mark.parametrize("decorator", ["from invoke import task", "from huey.contrib.djhuey import task",
                                       "from prefect import task"])
def test_other_libraries_tasks_are_no_celery_tasks(decorator):
    source = f"""
    {decorator}
    logger = logging.getLogger(__name__)

    @task
    def work(ctx):
        logger.info("x")
        logging.info("y")
        print("z")
    """
    assert found(source) == []


def test_shadowed_logging_name_is_not_the_module():
    source = """
    @shared_task
    def work(logging):
        logging.info("not the logging module")
    """
    assert found(source) == []


# -- CEL702 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("filename, reported", [
    ("tasks.py", True), ("tests/test_tasks.py", False), ("proj/testing/tasks.py", False),
])
def test_print_in_tasks_of_test_code_is_silent(filename, reported):
    source = HEADER + "@shared_task\ndef work():\n    print('x')\n"
    assert ("CEL702" in checking.codes(source, filename=filename)) is reported


def test_print_shadowed_by_assignment_is_silent():
    source = """
    print = get_task_logger(__name__).info

    @shared_task
    def work():
        print("logged")
    """
    assert found(source) == []


# -- CEL703 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("handler, body, reported", [
    ("except Exception:", "pass", True),
    ("except Exception as exc:", "return str(exc)", True),
    ("except Exception as exc:", "print(exc)", True),
    ("except Exception as exc:", "log.error('failed: %s', exc)", True),
    ("except Exception as exc:", "log.error('failed', exc_info=None)", True),
    ("except Exception as exc:", "log.error('failed', exc_info=exc)", False),
    ("except Exception as exc:", "log.error('failed', exc_info=1)", False),
    ("except Exception as exc:", "failures = [exc]", False),
    ("except Exception as exc:", "return exc", False),
    ("except Exception as exc:", "if isinstance(exc, KeyError):\n            raise", False),
    ("except Exception:", "handle(*sys.exc_info())", False),
    ("except Exception:", "traceback.print_exc()", False),
    ("except Exception:", "sentry_sdk.capture_message('failed')", False),
    ("except Exception:", "hub.capture_exception()", False),
    ("except ValueError:", "pass", False),
    ("except (KeyError, ValueError):", "pass", False),
    ("except builtins.Exception:", "pass", True),
])
def test_what_counts_as_reporting(handler, body, reported):
    source = f"""
    import builtins, sys, traceback
    import sentry_sdk
    log = get_task_logger(__name__)

    @shared_task
    def work():
        try:
            run()
        {handler}
            {body}
    """
    assert [f for f in found(source) if f[1] == "CEL703"] == ([(10, "CEL703")] if reported else [])


def test_shadowed_exception_class_is_not_broad():
    source = """
    from shop.errors import Exception

    @shared_task
    def work():
        try:
            run()
        except Exception:
            pass
    """
    assert found(source) == []


def test_class_defined_in_a_task_is_not_the_task():
    source = """
    @shared_task
    def work():
        class Handler:
            def handle(self):
                try:
                    run()
                except Exception:
                    pass
        return Handler
    """
    assert found(source) == []


@pytest.mark.skipif(not hasattr(__import__("ast"), "TryStar"), reason="except* needs Python 3.11")
def test_except_star():
    source = """
    @shared_task
    def work():
        try:
            run()
        except* Exception:
            pass
    """
    assert found(source) == [(6, "CEL703")]


@pytest.mark.parametrize("after, expected", [
    ("raise", []),                                           # straight on to the re-raise
    ("log.error('x')\n            raise", []),              # after more statements
    ("raise RuntimeError('x') from exc", []),
    ("with lock:\n                pass\n            raise", []),
    ("return None", [(6, "CEL703"), (9, "CEL703")]),         # the task ends well: swallowed
    ("if quiet:\n                return\n            raise", [(9, "CEL703")]),  # may leave first
    ("for x in y:\n                pass", [(6, "CEL703"), (9, "CEL703")]),
])
def test_best_effort_try_inside_a_handler_that_re_raises(after, expected):
    source = f"""
    @shared_task
    def work(quiet):
        try:
            run()
        except Exception as exc:
            try:
                cleanup()
            except Exception:
                pass
            {after}
    """
    assert found(source) == expected


@pytest.mark.skipif(not hasattr(__import__("ast"), "TryStar"), reason="except* needs Python 3.11")
def test_best_effort_try_star_inside_a_re_raising_handler():
    source = """
    @shared_task
    def work():
        try:
            run()
        except Exception:
            try:
                cleanup()
            except* Exception:
                pass
            raise
    """
    assert found(source) == []


def test_a_return_in_finally_drops_the_re_raise():
    source = """
    @shared_task
    def work():
        try:
            run()
        except Exception:
            try:
                try:
                    cleanup()
                except Exception:
                    pass
            finally:
                return None
            raise
    """
    assert found(source) == [(10, "CEL703")]


@pytest.mark.parametrize("connect", [
    "@setup_logging.connect\ndef configure(**kwargs):\n    logging.config.dictConfig({})\n",
    "@signals.setup_logging.connect(weak=False)\ndef configure(**kwargs):\n    pass\n",
    "def configure(**kwargs):\n    pass\n\n\nsetup_logging.connect(configure)\n",
    "import pyramid_celery  # it connects its own receiver when imported\n",
    "@signals.after_setup_logger.connect\ndef restyle(logger=None, **kwargs):\n"
    "    for handler in logger.handlers:\n        handler.setFormatter(JsonFormatter())\n",
    "def restyle(logger=None, **kwargs):\n    logger.addHandler(JsonHandler())\n\n\n"
    "signals.after_setup_logger.connect(restyle)\n",
    "@signals.after_setup_logger.connect\ndef restyle(*args, **kwargs):\n    configure_logger()  # imported\n",
])
def test_a_module_that_sets_up_logging_itself_is_silent(connect):
    """With a receiver of celery.signals.setup_logging the worker sets up no task logger
    (celery/app/log.py), so get_task_logger would add no task id: CEL701 has no advice to give.
    One of after_setup_logger styles the root logger's handlers, which the worker's task logger
    (``celery.task``, not propagating) never reaches: the advice would undo the project's styling."""
    task = """\
        import logging
        import logging.config

        from celery import shared_task, signals
        from celery.signals import setup_logging

        logger = logging.getLogger(__name__)


        @shared_task
        def work():
            logger.info("working")
    """
    assert found(task, select="CEL701") == [(12, "CEL701")]
    assert found(task + textwrap.indent("\n\n" + connect, " " * 8), select="CEL701") == []
    # another signal's receiver is no logging setup
    other = task + textwrap.indent("\n\n@signals.task_prerun.connect\ndef more(**kwargs):\n    pass\n", " " * 8)
    assert found(other, select="CEL701") == [(12, "CEL701")]
    # nor is a receiver of after_setup_logger that leaves the handlers alone (it logs, adds methods)
    checks = ("\n\n@signals.after_setup_logger.connect\ndef checks(logger=None, **kwargs):\n    logger.warning('x')\n"
              "    logger.success = add_success_logger()\n")
    assert found(task + textwrap.indent(checks, " " * 8), select="CEL701") == [(12, "CEL701")]


def test_a_logger_the_logging_configuration_routes_gets_the_formatter_advice():
    """get_task_logger re-parents a logger under ``celery.task`` (celery/utils/log.py), so the
    records of one the logging configuration sets up, or of a child of one, would leave its
    handlers: for such loggers the advice is a TaskFormatter on those handlers; once a formatter
    of the configuration writes the task id, they are left alone.  Other loggers keep the
    get_task_logger advice."""
    source = """\
        import logging
        import logging.config

        from celery import shared_task

        logger = logging.getLogger(__name__)
        qrscu = logging.getLogger("remapp.netdicom.qrscu")
        child = logging.getLogger("remapp").getChild("exports")
        other = logging.getLogger("elsewhere")

        LOGGING = {
            "version": 1,
            "formatters": {"plain": {"format": "%(asctime)s %(message)s"}},
            "loggers": {"remapp": {"handlers": ["file"], "level": "INFO"}, "root": {"level": "INFO"}},
        }
        LOGGING["loggers"]["tasks"] = {"handlers": ["file"]}
        logging.config.dictConfig(LOGGING)


        @shared_task
        def export(pk):
            logger.info("exporting %s", pk)
            qrscu.info("querying")
            child.info("exporting")
            other.info("elsewhere")
            logging.info("the root logger")
    """
    found_ = checking.violations(source, select="CEL701", filename="tasks.py")
    assert [v.line for v in found_] == [22, 23, 24, 25, 26]
    advice = {v.line: v.message.split("; ", 1)[1] for v in found_}
    assert advice[22].startswith("the logging configuration sends them to the handlers of 'tasks': give those a "
                                 "celery.app.log.TaskFormatter")
    assert "handlers of 'remapp'" in advice[23] and "handlers of 'remapp'" in advice[24]
    assert advice[25].startswith("make it with celery.utils.log.get_task_logger(__name__)")
    # a formatter that writes the task id: the routed loggers' records carry it already
    for formatter in ('"%(asctime)s %(task_name)s[%(task_id)s] %(message)s"',):
        formatted = source.replace('"%(asctime)s %(message)s"', formatter)
        assert found(formatted, select="CEL701", filename="tasks.py", prefix="") == [(25, "CEL701"), (26, "CEL701")]
    task_formatter = source.replace('{"format": "%(asctime)s %(message)s"}', '{"()": "celery.app.log.TaskFormatter"}')
    assert found(task_formatter, select="CEL701", filename="tasks.py", prefix="") == [(25, "CEL701"), (26, "CEL701")]


@pytest.mark.parametrize("handler, reported", [
    ("logger.error('could not delete %s', path)", False),  # best-effort cleanup: the work's outcome stands
    ("return None", True),  # leaves the finally: the work's exception is dropped too
])
def test_cleanup_inside_finally(handler, reported):
    source = f"""\
        import os
        import tempfile

        logger = get_task_logger(__name__)


        @shared_task
        def import_upload(data):
            path = None
            try:
                fd, path = tempfile.mkstemp()
                return path
            finally:
                try:
                    os.remove(path)
                except Exception:
                    {handler}
    """
    assert found(source, select="CEL703") == ([(16, "CEL703")] if reported else [])
