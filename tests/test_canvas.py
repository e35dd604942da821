"""Canvas and routing checks (CEL601-CEL605) and waiting for results (CEL201-CEL204): cases a
fixture shows poorly."""
from __future__ import annotations

from functools import partial

import pytest

import celery_lint
import checking
from celery_lint import Settings

RULE_MESSAGES = {code: rule.message for code, rule in celery_lint.RULES.items()}

MINE = ("CEL201", "CEL202", "CEL203", "CEL204", "CEL601", "CEL602", "CEL603", "CEL604", "CEL605")

# (line, code) and the codes of this family's rules, for a dedented source
found = partial(checking.found, select=MINE)
codes = partial(checking.codes, select=MINE)


TASKS = """\
from celery import shared_task, chain, chord, group

@shared_task
def fetch(url):
    return url

@shared_task
def two(a, b):
    return a, b
"""


@pytest.mark.parametrize("code", MINE)
def test_example_triggers_and_instead_does_not(code):
    rule = celery_lint.RULES[code]
    assert code in codes(rule.example)
    assert code not in codes(rule.instead)


@pytest.mark.parametrize("line, expected", [
    ("(fetch.s('u') | two.s(1, 2)).delay()", ["CEL603"]),
    ("(fetch.s('u') | two.s(1)).delay()", []),
    ("(fetch.s('u') | two.si(1, 2)).delay()", []),
    ("(fetch.s('u') | two.signature((1, 2), immutable=True)).delay()", []),
    ("(fetch.s('u') | two.signature((1, 2), immutable=flag)).delay()", []),
    ("(fetch.s('u') | two.signature(args)).delay()", []),
    ("(fetch.s('u') | two.signature((1, 2), **opts)).delay()", []),
    ("(fetch.s('u') | two.s(1, 2).set(immutable=True)).delay()", []),
    ("(fetch.s('u') | two.s(1, 2).set(countdown=3)).delay()", ["CEL603"]),
    ("(fetch.s('u') | two.s(1, 2).clone(args=(3,))).delay()", []),
    ("(fetch.s('u') | two.s(b=2)).delay()", []),
    ("(fetch.s('u') | two.s(a=2)).delay()", ["CEL603"]),
    ("(fetch.s('u') | two.s(*rest)).delay()", []),
    ("chain(fetch.s('u'), two.s(1, 2), fetch.s()).delay()", ["CEL603"]),
    ("chain(*steps, two.s(1, 2)).delay()", []),
    ("chain(fetch.s('u'), *steps, two.s(1, 2)).delay()", ["CEL603"]),
    ("chain(two.s(1, 2), fetch.s()).delay()", []),
    ("chord([fetch.s(1)], two.s(1, 2)).delay()", ["CEL603"]),
    ("chord([fetch.s(1)])(two.s(1))", []),
    ("(group(fetch.s(1), fetch.s(2)) | two.s(1, 2)).delay()", ["CEL603"]),
    ("(fetch.s(1) | group(two.s(1), two.s(1, 2))).delay()", ["CEL603"]),
    ("(fetch.s(1) | chain(two.s(1, 2), fetch.s())).delay()", ["CEL603"]),
    ("{1} | {2}", []),
    ("flags | two.s(1, 2)", []),
])
def test_chain_arity(line, expected):
    source = TASKS + "\n\ndef run(flag, args, opts, rest, steps, flags):\n    " + line + "\n"
    assert codes(source) == expected


def test_bound_positional_only_and_keyword_only_parameters():
    source = """\
    import celery as c
    from proj.celery import app

    @app.task(bind=True)
    def bound(self, result, key):
        return key

    @app.task
    def posonly(a, b, /, *, flag=False):
        return a

    @app.task
    def kwonly(result, *, flag):
        return flag

    def run():
        c.chain(bound.s(1), bound.s(2)).delay()
        c.chain(bound.s(1), bound.s(2, 3)).delay()
        c.chain(bound.s(1, 2), posonly.s(1)).delay()
        c.chain(bound.s(1, 2), posonly.s(1, 2)).delay()
        c.chain(bound.s(1, 2), kwonly.s(flag=True)).delay()
        c.chain(bound.s(1, 2), kwonly.s(1, flag=True)).delay()
    """
    assert found(source) == [(18, "CEL603"), (20, "CEL603"), (22, "CEL603")]


def test_class_based_task_does_not_count_self():
    source = """\
    from celery import Task, chain

    class Store(Task):
        def run(self, result):
            return result

    def run():
        chain(Store.s(1), Store.s()).delay()
        chain(Store.s(1), Store.s(2)).delay()
    """
    assert found(source) == [(9, "CEL603")]


def test_silent_when_the_task_is_wrapped_or_takes_unknown_options():
    source = """\
    import functools
    from celery import chain, shared_task

    def traced(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)
        return wrapper

    @shared_task
    @traced
    def wrapped(a):
        return a

    @shared_task(**OPTIONS)
    def configured(a):
        return a

    def run():
        chain(wrapped.s(1), wrapped.s(1)).delay()
        chain(wrapped.s(1), configured.s(1)).delay()
    """
    assert found(source) == []


def test_custom_task_decorator_and_module_level_signature():
    source = """\
    from celery import chain, signature
    from proj.decorators import instrumented_task

    @instrumented_task
    def two(a, b):
        return a

    def run():
        chain(two.s(1, 2), signature(two, args=(1, 2))).delay()
        chain(two.s(1, 2), signature(two, args=(1,))).delay()
    """
    settings = Settings(task_decorators=("proj.decorators.instrumented_task",))
    assert found(source, settings=settings) == [(9, "CEL603")]
    assert found(source) == []


def test_signature_bound_to_a_name_is_reported_where_it_is_made():
    source = TASKS + """
def run():
    step = two.s(1, 2)
    chain(fetch.s(1), step).delay()
    other = two.s(1, 2)
    other = two.s(1)
    chain(fetch.s(1), other).delay()
"""
    assert found(source) == [(12, "CEL603")]


def test_chord_header_through_names_groups_and_chains():
    source = """\
    from celery import Task, chain, chord, group, shared_task, signature

    class Quiet(Task):
        ignore_result = True

    @shared_task(ignore_result=True)
    def ping(host):
        return host

    @shared_task(base=Quiet)
    def probe(host):
        return host

    @shared_task
    def total(results):
        return len(results)

    class Probe(Quiet):
        def run(self, host):
            return host

    def run(hosts):
        jobs = group(ping.s(h) for h in hosts)
        (jobs | total.s()).delay()
        chord(group([probe.s(1), probe.s(2)]), total.s()).delay()
        chord([Probe.s(1)])(total.s())
        chain(total.s([]), group(ping.si(1)) | total.s()).delay()
        chord([signature(ping, args=(1,))])(total.s())
        chord([ping.signature((1,), ignore_result=False)])(total.s())
        chord([ping.signature((1,), options={"ignore_result": False})])(total.s())
        chord([ping.s(1).set(**opts)])(total.s())
        group(ping.s(h) for h in hosts).delay()
        chain(group(ping.s(h) for h in hosts)).delay()
    """
    assert found(source) == [
        (23, "CEL602"), (25, "CEL602"), (25, "CEL602"), (26, "CEL602"), (27, "CEL602"), (28, "CEL602"),
    ]


@pytest.mark.parametrize("call, expected", [
    ("crontab(hour=7)", ["CEL604"]),
    ("crontab(hour=7, minute=0)", []),
    ("crontab(0, 7)", []),
    ("crontab(**fields)", []),
    ("crontab(hour='*')", []),
    ("crontab()", []),
    ("schedules.crontab(day_of_week='sun')", ["CEL604"]),
    ("cs.crontab(month_of_year='1')", ["CEL604"]),
    ("cron(day_of_month='1')", ["CEL604"]),
    ("other_crontab(hour=7)", []),
])
def test_crontab(call, expected):
    source = (
        "import celery.schedules as cs\n"
        "from celery import schedules\n"
        "from celery.schedules import crontab, crontab as cron\n"
        "from croniter import crontab as other_crontab\n"
        f"fields = {{}}\nS = {call}\n"
    )
    assert codes(source) == expected


def test_crontab_message_names_the_fields():
    source = "from celery.schedules import crontab\nS = crontab(hour=7, day_of_week='mon')\n"
    [message] = checking.messages(source, filename="beat.py", select="CEL604")
    assert "hour=..., day_of_week=..." in message and "minute" in message


def test_delay_in_loop():
    source = """\
    from celery import shared_task
    from proj.mail import send
    from proj.billing_tasks import charge

    @shared_task
    def index(doc_id):
        return doc_id

    for doc_id in range(3):
        index.delay(doc_id)

    def run(ids, accounts):
        for account in accounts:
            charge.apply_async((account,))
            send.delay(account)
        while ids:
            index.s(ids.pop()).apply_async()
        for doc_id in ids:
            def later(d=doc_id):
                return index.delay(d)
        for result in [index.delay(1)]:
            result.forget()
        return {i: index.delay(i) for i in ids}
    """
    assert found(source) == [(10, "CEL605"), (14, "CEL605"), (17, "CEL605"), (23, "CEL605")]


def test_queue_only_when_written_in_the_code():
    source = """\
    from celery import Celery, shared_task

    app = Celery("proj")
    app.conf.task_routes = {"proj.tasks.*": {"queue": "default"}}
    app.conf.task_default_queue = "default"
    LOW = "low"

    @shared_task(queue=LOW)
    def cleanup():
        pass

    def run(queue, sig):
        cleanup.apply_async(queue=queue)
        cleanup.apply_async(queue="high")
        app.send_task("proj.tasks.cleanup", queue="high")
        sig.set(queue="high")
        cleanup.s().set(queue="high")
    """
    assert found(source) == [(8, "CEL601"), (14, "CEL601"), (15, "CEL601"), (17, "CEL601")]


def test_ignored_result_read():
    source = """\
    from celery import shared_task

    @shared_task(ignore_result=True)
    def render(report_id):
        return report_id

    @shared_task(bind=True)
    def outer(self, report_id):
        return render.delay(report_id).get()

    def view(report_id, other):
        res = render.delay(report_id)
        alias = res
        print(alias.state, res.id, other.state)
        res.state = "X"
        for res2 in [render.delay(1)]:
            print(res2.state)
        return render.apply_async((report_id,), **options).state
    """
    assert found(source) == [(9, "CEL201"), (9, "CEL204"), (14, "CEL204")]


def test_long_chains_and_odd_code_do_not_raise():
    steps = " | ".join("fetch.s()" for _ in range(400))
    source = TASKS + f"\nflow = {steps}\nchain()\nchord()\nchord()()\ngroup()\n(lambda: 1) | 2\n"
    assert codes(source) == []


TEST_CODE = """\
from celery import shared_task
from celery.result import allow_join_result
from celery.schedules import crontab

@shared_task
def fetch(url):
    return url

def check_fetch(urls):
    with allow_join_result():
        fetch.apply_async(("u",), queue="test").get(timeout=5, disable_sync_subtasks=False)
    for url in urls:
        fetch.delay(url)
    return crontab(hour=7)
"""


@pytest.mark.parametrize("filename, settings, silent", [
    ("proj/tests/test_fetch.py", None, True),
    ("proj/conftest.py", None, True),
    ("proj/checks/fetch.py", None, False),
    ("proj/checks/fetch.py", Settings(test_paths=("checks/*",)), True),
    ("proj/tests/test_fetch.py", Settings(test_paths=("e2e/*",)), False),
])
def test_test_modules_follow_the_test_paths_setting(filename, settings, silent):
    expected = [] if silent else [
        (10, "CEL202"), (11, "CEL202"), (11, "CEL203"), (11, "CEL601"), (13, "CEL605"), (14, "CEL604"),
    ]
    assert sorted(found(TEST_CODE, settings=settings, filename=filename)) == expected


@pytest.mark.parametrize("filename, reported", [
    ("shop/management/commands/run_benchmark.py", False),  # a shell command waits on purpose
    ("shop/views.py", True),
    ("shop/management/helpers.py", True),
])
def test_management_commands_may_wait_for_their_tasks(filename, reported):
    source = """\
    from celery.result import AsyncResult


    def summary(task_id):
        return AsyncResult(task_id).get(timeout=600)
    """
    assert found(source, filename=filename) == ([(5, "CEL203")] if reported else [])


def test_waiting_messages_name_the_task_and_the_switch():
    source = """\
    from celery import Celery, Task

    app = Celery("proj")

    class Crawl(Task):
        def run(self, url):
            return self.app.send_task("fetch", (url,)).get()

    @app.task
    def total(ids):
        options = {"disable_sync_subtasks": False}
        options["disable_sync_subtasks"] = False
        return app.AsyncResult(ids[0]).get(**options)
    """
    assert [(v.line, v.code, v.message) for v in checking.violations(source, select=MINE)] == [
        (7, "CEL201", RULE_MESSAGES["CEL201"].format(method="get", task="Crawl")),
        (11, "CEL202", RULE_MESSAGES["CEL202"].format(what="'disable_sync_subtasks': False")),
        (12, "CEL202", RULE_MESSAGES["CEL202"].format(what='options[\'disable_sync_subtasks\'] = False')),
        (13, "CEL201", RULE_MESSAGES["CEL201"].format(method="get", task="total")),
    ]


def test_send_task_results_only_of_celery_apps():
    source = """\
    from celery import current_app, shared_task
    from kombu import Connection

    @shared_task(bind=True)
    def relay(self, url):
        current_app.send_task("fetch", (url,)).get()
        sent = self.app.send_task("fetch", (url,))
        sent.join()
        return url

    @shared_task
    def unbound(url, self):
        return self.app.send_task("fetch", (url,)).get()

    def publish(conn: Connection, url):
        return conn.send_task("fetch", (url,)).get()
    """
    assert found(source) == [(6, "CEL201"), (8, "CEL201")]


@pytest.mark.parametrize("send, canvas", [
    ("resize.delay(image_id)", "group(...) or resize.chunks(...)"),
    ("resize.apply_async((image_id,))", "group(...) or resize.chunks(...)"),
    ("resize.apply_async((image_id,), countdown=i)", "group(...)"),  # per-item options: chunks cannot carry them
    ("locked.delay(image_id)", "group(...)"),  # a base= may send its own way (celery_once takes a lock there)
])
def test_delay_in_loop_offers_chunks_only_where_they_fit(send, canvas):
    source = f"""
    from celery import shared_task
    from celery_once import QueueOnce


    @shared_task
    def resize(image_id):
        return image_id


    @shared_task(base=QueueOnce)
    def locked(image_id):
        return image_id


    def resize_all(image_ids):
        for i, image_id in enumerate(image_ids):
            {send}
    """
    [message] = checking.messages(source, select="CEL605")
    assert message.endswith(f"send the fan-out as one canvas with {canvas} instead"), message
