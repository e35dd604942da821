"""Broker and configuration: brokers, credentials, serializers, setting names (CEL001-CEL009)."""
from __future__ import annotations

import ast
import re
from typing import Iterator
from urllib.parse import SplitResult, urlsplit

from ..celery_data import OLD_TO_NEW, SETTINGS
from ..config import (CELERY_INIT_RENAMES, ConfigItem, ConfigSource, ConfigStyle, DjangoNamespace, app_config,
                      django_namespace_unknown, django_settings_read_plain, groups, is_django_settings_item,
                      is_partial, last, may_be_set_elsewhere, name_value, spell, spelled)
from ..engine import Context, on, on_module
from ..fixes import Fixers, Source, argument_spans, edit, fixer, inert, own_lines, remove_item, replace
from ..model import ModuleModel, TaskKind
from ..rule import Rule
from ..settings import is_celeryconfig_module, is_settings_module
from ..spelling import close_matches

_CONF_DOCS = "Celery user guide, Configuration and defaults (docs/userguide/configuration.rst)"
_REF_BROKERS = "Celery getting started, Backends and Brokers (docs/getting-started/backends-and-brokers/index.rst)"
_REF_SECURITY = "Celery user guide, Security: Serializers (docs/userguide/security.rst#serializers)"
_REF_NEW_NAMES = ("Celery user guide, Configuration and defaults: New lowercase settings "
                  "(docs/userguide/configuration.rst#new-lowercase-settings)")
_REF_DJANGO = ("Celery getting started, First steps with Django: Using Celery with Django "
               "(docs/django/first-steps-with-django.rst)")

CEL001 = Rule(
    code="CEL001",
    symbol="celery-sql-broker",
    msgid="W7801",
    message="{setting} uses the '{scheme}' transport: a relational database is no production broker "
            "(SQL brokers are unsupported since Celery 4.0); use RabbitMQ (amqp://) or Redis (redis://)",
    summary="Use RabbitMQ or Redis as broker, not a SQL database",
    what="Finds a literal broker URL (`broker_url`, `BROKER_URL`, `CELERY_BROKER_URL`, `Celery(broker=...)`, "
         "`conf.update(broker_url=...)`) whose scheme is `sqla+...`, `sqlalchemy+...`, `django://` or a "
         "bare SQL scheme (`postgresql`, `mysql`, `sqlite`, `oracle`, `mssql`).",
    why="Celery dropped support for SQL databases as brokers in 4.0: they poll, lose messages under load "
        "and lack the acknowledgement semantics Celery relies on. `pgmq://` (a real PostgreSQL queue) is "
        "fine, and `db+...` is fine as a result backend.",
    example="""\
from celery import Celery

app = Celery("proj", broker="sqla+postgresql://db.internal/proj")
""",
    instead="""\
import os

from celery import Celery

app = Celery("proj", broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"))
""",
    references=(_REF_BROKERS, f"{_CONF_DOCS}: broker_url"),
    options=("app_names",),
)


CEL002 = Rule(
    code="CEL002",
    symbol="celery-hardcoded-broker-credentials",
    msgid="W7802",
    message="the {setting} URL has a password written into the code; read the URL (or its password) "
            "from the environment (os.environ) or a secrets store instead",
    summary="Keep broker and result backend passwords out of the code",
    what="Finds a literal broker or result backend URL (`broker_url`, `result_backend`, `Celery(broker=..., "
         "backend=...)`, Django's `CELERY_BROKER_URL`) that carries a non-empty password, such as "
         "`amqp://user:s3cret@host//`. RabbitMQ's default `guest:guest` on `localhost`, templated "
         "passwords (`{password}`, `${RABBIT_PASSWORD}`) and test modules are not reported.",
    why="A password in the source ends up in version control, in every clone and in every image built from "
        "it, and cannot be rotated without a release. Whoever can write to the broker can make the "
        "workers run tasks.",
    example="""\
from celery import Celery

app = Celery("proj", broker="amqp://proj:s3cret@rabbit.internal:5672//")
""",
    instead="""\
import os

from celery import Celery

app = Celery("proj", broker=os.environ["CELERY_BROKER_URL"])
""",
    options=("app_names", "test_paths"),
    references=(f"{_CONF_DOCS}: broker_url", "Celery user guide, Security (docs/userguide/security.rst)"),
)


CEL003 = Rule(
    code="CEL003",
    symbol="celery-pickle-serializer",
    msgid="W7803",
    message="{setting} uses pickle, which lets anyone who can write to the broker run code in your "
            "workers; use 'json' (or 'msgpack') and pass plain data to tasks",
    summary="Do not accept or send pickle messages",
    what="Finds `'pickle'` (or `application/x-python-serialize`) in `task_serializer`, `result_serializer`, "
         "`event_serializer`, `accept_content`, `result_accept_content`, and in `serializer=` on a task or "
         "in `apply_async`. Test code (the `test-paths` setting, `tests/` folders) is left alone: without "
         "a real broker nobody else can send it messages.",
    why="Unpickling runs arbitrary code. A worker that accepts pickle runs whatever a message tells it "
        "to, so a leaked broker password becomes remote code execution on every worker.",
    example="""\
from celery import Celery

app = Celery("proj")
app.conf.update(task_serializer="pickle", accept_content=["pickle", "json"])
""",
    instead="""\
from celery import Celery

app = Celery("proj")
app.conf.update(task_serializer="json", accept_content=["json"])
""",
    options=("app_names", "test_paths"),
    references=(_REF_SECURITY, f"{_CONF_DOCS}: accept_content, task_serializer"),
)


# Celery 5.7 when a config sets both names of a setting (celery/app/utils.py, utils/collections.py):
# detect_settings() raises ImproperlyConfigured for a mix of old and new names, but leaves out of the
# error "keys that the user didn't provide two keys for" -- both names set is no error. Reading a
# setting, ConfigurationView.__getitem__ tries in each mapping (changes, then the config object, then
# the defaults) the keys of _to_keys(new): the CELERY_-prefixed new name (with a namespace), the new
# name, then the old name (_new_key_to_old). So within one mapping the new name always wins and the
# old one is never read: removing it keeps behaviour. Options passed before the config is read
# (Celery(...) keywords, app.conf.X = / conf.update() of a pending config) are first copied with
# {convert.get(k, k): v}, where a later key overwrites an earlier one: there the old name may be
# removed only when it comes first. Removed too is the evaluation of its value: only where that
# reads nothing but constants and the environment (os.environ, int(), ast.literal_eval(), ...).
@fixer(safe=True, description=(
    "removes an old setting name whose config also sets the new one, where Celery reads only the new "
    "one (Celery 5's ConfigurationView tries the new name first; both set is no error): a module-level "
    "assignment with its own lines (and their comments), a keyword or a dict entry before the new name's; "
    "not where the module reads the old name or its value does more than read constants and the environment"))
def _fix_removed_name(node: ast.AST, model: ModuleModel):
    item = next((i for i in model.config if i.node is node and i.old and i.key is not None), None)
    kept = _kept_new(model, item) if item is not None else None
    if kept is None or not _reads_only(model, item.value):
        return None
    source: Source = model.source
    names = _Names(model)
    first = (node.lineno, node.col_offset) < (kept.node.lineno, kept.node.col_offset)
    parent = model.parent(node)
    if isinstance(node, ast.keyword) and isinstance(parent, ast.Call):
        if not first:
            return None
        spans = argument_spans(source, parent)
        index = next(i for i, (_, _, n) in enumerate(spans) if n is node)
        removed = remove_item(source, [s[:2] for s in spans], index)
        return [removed] if removed is not None else None
    if isinstance(parent, ast.Dict) and isinstance(node, ast.Constant):
        if not first or names.strings.get(item.raw, 0) != 1 or None in parent.keys:
            return None
        spans = [(source.start(k), source.end(v)) for k, v in zip(parent.keys, parent.values)]
        removed = remove_item(source, spans, next(i for i, k in enumerate(parent.keys) if k is node))
        return [removed] if removed is not None else None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        if names.strings.get(item.raw, 0) != 1:
            return None
    elif names.names.get(item.raw, 0) != 1:
        return None  # read elsewhere in the module: a helper, or read back through app.conf
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 or isinstance(parent, ast.AnnAssign)):
        return None
    if item.source is not ConfigSource.MODULE and not first:
        return None
    found = own_lines(source, parent)
    return None if found is None else [found]


def _kept_new(model: ModuleModel, item: ConfigItem) -> ConfigItem | None:
    """The item of the same config and block that sets the old name's setting with its new name."""
    for other in current_names(model).get((id(item.group), item.key), ()):
        if _block(model, other.node) == _block(model, item.node):
            return other
    return None


def _reads_only(model: ModuleModel, expr: ast.AST) -> bool:
    """An expression that reads constants, names and the environment and does nothing else (its
    only possible effect an exception): removing its evaluation keeps behaviour."""
    if inert(expr):
        return True
    if isinstance(expr, ast.Call):
        called = model.resolve(expr.func) or (expr.func.id if model.is_builtin(expr.func) else None)
        return called in _READERS and all(_reads_only(model, a) for a in (*expr.args, *expr.keywords))
    if isinstance(expr, ast.keyword):
        return _reads_only(model, expr.value)
    if isinstance(expr, ast.Subscript):
        return model.resolve(expr.value) == "os.environ" and _reads_only(model, expr.slice)
    if isinstance(expr, _COMBINERS):
        return all(_reads_only(model, child) for child in ast.iter_child_nodes(expr)
                   if not isinstance(child, (ast.boolop, ast.cmpop, ast.operator, ast.unaryop)))
    return False


_COMBINERS = (ast.BoolOp, ast.Compare, ast.BinOp, ast.UnaryOp, ast.IfExp, ast.JoinedStr, ast.FormattedValue)
_READERS = frozenset({"os.environ.get", "os.getenv", "ast.literal_eval", "int", "float", "str", "bool"})


@fixer(safe=True, description=(
    "renames the setting as `celery upgrade settings --django` does (in Django settings to its CELERY_ "
    "name); not where the config also sets the new name or the module reads the old one, not in Django "
    "settings the app is known to load without namespace= (only old names work there), and in a config "
    "read without namespace only when all its old names can be renamed (Celery refuses a mix)"))
def _fix_old_name(node: ast.AST, model: ModuleModel):
    item = next((i for i in model.config if i.node is node and i.old and i.key is not None), None)
    if item is None:
        return None
    if is_django_settings_item(item, model.filename) and (
            django_settings_read_plain(model) is not None or django_namespace_unknown(model)):
        return None  # only the old names work there, or it is not known: the namespace must come with the renames
    # All or nothing: Celery refuses a config (read without namespace) that mixes old and new names.
    reads = Reads(model)
    names = _Names(model)
    # A namespaced Django config reads the new names only: there, each name is renamed on its own.
    namespaced = spell(item.key, item.style, model.filename) != item.key
    same = [i for i in model.config if i is item or not namespaced and _same_config(i, item)]
    wanted = None
    for other in same:
        if not other.old or other.key is None or is_helper(other, reads):
            continue
        if sum(1 for i in model.config if i.key == other.key and _same_config(i, other)) > 1:
            return None  # the new name, or another old name of the setting, is set too
        found = _rename_edit(model.source, other, spell(other.key, other.style, model.filename), names)
        if found is None:
            return None
        if other is item:
            wanted = found
    return [wanted] if wanted is not None else None


def _same_config(a: ConfigItem, b: ConfigItem) -> bool:
    if a.source is ConfigSource.MODULE or b.source is ConfigSource.MODULE:
        return a.source is b.source
    return a.app is b.app if a.app is not None and b.app is not None else a.group is b.group


class _Names:
    """How often a module names each name (as a name or an attribute) and each string: a name it
    reads too would be left behind by a rename."""

    def __init__(self, model: ModuleModel):
        self.names: dict[str, int] = {}
        self.strings: dict[str, int] = {}
        for n in ast.walk(model.tree):
            key = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else None
            if key is not None:
                self.names[key] = self.names.get(key, 0) + 1
            elif isinstance(n, ast.Constant) and isinstance(n.value, str):
                self.strings[n.value] = self.strings.get(n.value, 0) + 1


def _rename_edit(source: Source, item: ConfigItem, new: str, names: _Names):
    node, raw = item.node, item.raw
    if isinstance(node, ast.keyword):
        start = source.start(node)
        return edit(start, (start[0], start[1] + len(raw)), new) if source.segment(node).startswith(raw) else None
    if isinstance(node, ast.Subscript):
        node = node.slice
    if isinstance(node, ast.Constant):
        text = source.segment(node)
        quote = text[:1]
        if quote not in ("'", '"') or text != f"{quote}{raw}{quote}" or names.strings.get(raw, 0) > 1:
            return None  # a prefixed, implicitly joined or read string: not a plain key
        return replace(source, node, f"{quote}{new}{quote}")
    if names.names.get(raw, 0) != 1:
        return None
    if isinstance(node, ast.Name):
        return replace(source, node, new)
    if isinstance(node, ast.Attribute):
        end = source.end(node)
        return edit((end[0], end[1] - len(raw)), end, new)
    return None


CEL004 = Rule(
    code="CEL004",
    symbol="celery-old-setting-name",
    msgid="W7804",
    message="'{old}' is a pre-4.0 Celery setting name, which Celery 6 is announced to stop reading; {fix}",
    summary="Use the current (lower-case, or CELERY_-namespaced) setting names",
    what="Finds settings written with a name from Celery's old-to-new table (`celery/app/defaults.py`): "
         "`CELERY_ALWAYS_EAGER`, `CELERYD_CONCURRENCY`, `CELERY_DEFAULT_QUEUE`, `BROKER_URL`, ... Names "
         "that are also valid under Django's `CELERY_` namespace (`CELERY_RESULT_BACKEND`, "
         "`CELERY_TIMEZONE`) are reported only in configs read without a namespace (a celeryconfig "
         "module, a class or dict given to `config_from_object` without `namespace=`), where Celery "
         "takes them for old names. The message names the new name: namespaced in Django "
         "settings (`CELERY_WORKER_CONCURRENCY`, which Celery reads when the app loads the settings with "
         "`namespace='CELERY'`), and says to remove the old name when the same config also sets the new "
         "one. Where the project's app is known to load the Django settings without `namespace=`, "
         "only the old names work: the message says to add the namespace and rename all the settings "
         "together, and there is no fix. Where no app of the project shows how it loads them (a "
         "reusable Django app, whose host project makes the app), the message names both cases and "
         "there is no fix either. In a project without Django whose apps load their config from a module "
         "without a namespace (`config_from_envvar` takes none), a config module is read as a "
         "celeryconfig module is: the new names are the lower-case ones (`BROKER_URL` becomes "
         "`broker_url`), renamed all together. A project that declares a Celery older than 4.0 "
         "(`celery>=3.1,<4.0` in its setup.py, setup.cfg, pyproject.toml or requirements files) is left "
         "alone: Celery 3 reads only the old names.",
    why="Celery 5 still reads the old names (also under Django's `CELERY_` namespace), with a "
        "deprecation warning, and Celery announces their removal for Celery 6. Mixing old and new "
        "names in a config without "
        "a namespace makes Celery refuse to start, and when a config sets both names of one setting "
        "only one of them counts, so the other is dead code with a value nobody checks.",
    example="""\
from celery import Celery

app = Celery("proj")
app.conf.update(CELERYD_CONCURRENCY=8)
""",
    instead="""\
from celery import Celery

app = Celery("proj")
app.conf.update(worker_concurrency=8)
""",
    references=(_REF_NEW_NAMES, _REF_DJANGO),
    options=("app_names",),
    fix=Fixers((_fix_removed_name, _fix_old_name)),
)


CEL005 = Rule(
    code="CEL005",
    symbol="celery-db-result-backend",
    msgid="W7805",
    message="{setting} stores task results in the main database ('{scheme}'), adding load to it; "
            "prefer Redis as result backend, or ignore results you never read (task_ignore_result)",
    summary="Keep task results out of the main database",
    default=False,
    what="Finds a literal `result_backend` that is `db+...` (SQLAlchemy) or `django-db` "
         "(django-celery-results). Test code (the `test-paths` setting, `tests/` folders) is left "
         "alone: a test of the database backend loads no production database.",
    why="Every task writes its state and result: a busy queue turns into a steady stream of writes, "
        "locks and table bloat on the database the application needs. Redis handles it easily, and "
        "most results are never read at all.",
    example="""\
from celery import Celery

app = Celery("proj", backend="db+postgresql://db.internal/results")
""",
    instead="""\
import os

from celery import Celery

app = Celery("proj", backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/1"))
""",
    references=(f"{_CONF_DOCS}: result_backend",
                "Celery user guide, Tasks: Result Backends (docs/userguide/tasks.rst#result-backends)"),
    options=("app_names", "test_paths"),
)


CEL006 = Rule(
    code="CEL006",
    symbol="celery-unknown-setting",
    msgid="W7806",
    message="'{name}' is not a Celery setting, so Celery ignores it and the default applies; {hint}",
    summary="Use only setting names Celery knows",
    what="Finds config keys that are neither a current nor an old Celery setting: `app.conf.broker = ...`, "
         "`conf.update(result_backend_url=...)`, a lower-case name in a `celeryconfig` module. In Django "
         "settings only `CELERY_*` names a typo away from a real setting are reported, or a real setting "
         "with a group prefix added or left out (`CELERY_WORKER_TASK_SOFT_TIME_LIMIT`, "
         "`CELERY_TASK_WORKER_CONCURRENCY`, `CELERY_SOFT_TIME_LIMIT`). Old names written in lower case "
         "(`celeryd_concurrency`, `celery_accept_content`) are unknown too: Celery's old names are "
         "upper-case only; the message names the new setting.",
    why="Celery keeps unknown keys without a word, so a misspelt setting silently leaves the default in "
        "place: the broker stays `amqp://localhost`, the time limit never applies.",
    example="""\
from celery import Celery

app = Celery("proj")
app.conf.update(result_backend_url="redis://localhost:6379/1")
""",
    instead="""\
from celery import Celery

app = Celery("proj")
app.conf.update(result_backend="redis://localhost:6379/1")
""",
    references=(_CONF_DOCS,),
    options=("app_names",),
)


CEL007 = Rule(
    code="CEL007",
    symbol="celery-serializer-not-accepted",
    msgid="W7807",
    message="{setting} is '{serializer}' but {accept} in the same config does not list it, so workers "
            "reject these messages (ContentDisallowed); {fix}",
    summary="Accept the serializer you send with",
    what="In one config, finds `task_serializer` / `result_serializer` set to a serializer missing from "
         "the `accept_content` / `result_accept_content` set next to it.",
    why="Workers only decode content types listed in `accept_content`: a task serialized with anything "
        "else is rejected with `ContentDisallowed`, so the app cannot run its own tasks.",
    example="""\
from celery import Celery

app = Celery("proj")
app.conf.update(task_serializer="msgpack", accept_content=["json"])
""",
    instead="""\
from celery import Celery

app = Celery("proj")
app.conf.update(task_serializer="msgpack", accept_content=["msgpack", "json"])
""",
    references=(f"{_CONF_DOCS}: accept_content, result_accept_content",),
    options=("app_names",),
)


CEL008 = Rule(
    code="CEL008",
    symbol="celery-acks-late-without-prefetch-one",
    msgid="W7808",
    message="{setting} is on but {prefetch} is not 1 in this config, so a crashed worker redelivers its "
            "whole prefetched batch; set {prefetch} = 1 next to it",
    summary="With late acknowledgement, prefetch one task at a time",
    default=False,
    what="Finds `task_acks_late = True` in a config that does not set `worker_prefetch_multiplier = 1`, "
         "nor does another call on the same app in the module. A config that may set it where the module "
         "cannot see (an app made elsewhere, `config_from_object`, `**options`) is reported only when it "
         "sets another multiplier itself.",
    why="With late acks a worker holds unacknowledged messages for every prefetched task. The default "
        "multiplier (4 per process) means a crash or a long task delays, then redelivers, a whole batch; "
        "Celery's optimizing guide recommends a multiplier of 1 with `acks_late`.",
    example="""\
from celery import Celery

app = Celery("proj")
app.conf.update(task_acks_late=True)
""",
    instead="""\
from celery import Celery

app = Celery("proj")
app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1)
""",
    references=("Celery user guide, Optimizing: Prefetch Limits (docs/userguide/optimizing.rst#prefetch-limits)",
                f"{_CONF_DOCS}: task_acks_late, worker_prefetch_multiplier"),
    options=("app_names",),
)


CEL009 = Rule(
    code="CEL009",
    symbol="celery-results-never-expire",
    msgid="W7809",
    message="{setting} = {value} means task results never expire and pile up in the result backend; "
            "set {name} to a positive number of seconds or a timedelta",
    summary="Let task results expire",
    what="Finds `result_expires` (any spelling: `CELERY_RESULT_EXPIRES`, `CELERY_TASK_RESULT_EXPIRES`) "
         "set to `None` or `0`. Not when the same config (or the app's other config in the module) "
         "chooses a result backend class of the project itself (`result_backend = "
         "\"proj.backends.RecordBackend\"` in `proj/settings.py`, a class the module defines or imports "
         "from the project): such a backend keeps results as the application's own records, and keeping "
         "them is its design. Celery's own backends (`redis://`, `db+...`, `rpc://`, `django-db`, "
         "`celery.backends...`) are reported.",
    why="Without an expiry every result stays in the backend for ever: Redis runs out of memory, the "
        "database table grows without bound. A backend class of the project decides itself what it "
        "keeps and for how long (Celery's `backend_cleanup` task only calls its `cleanup()`), so there "
        "`None` is a choice, not a leak.",
    example="""\
from celery import Celery

app = Celery("proj")
app.conf.result_expires = None
""",
    instead="""\
from datetime import timedelta

from celery import Celery

app = Celery("proj")
app.conf.result_expires = timedelta(hours=12)
""",
    references=(f"{_CONF_DOCS}: result_expires",),
    options=("app_names",),
)

# Settings whose value is a broker URL, and those that hold any URL with credentials.
BROKER_URL_KEYS = frozenset({"broker_url", "broker_read_url", "broker_write_url"})
CREDENTIAL_URL_KEYS = BROKER_URL_KEYS | {"result_backend", "database_url"}
SERIALIZER_KEYS = frozenset({"task_serializer", "result_serializer", "event_serializer"})
ACCEPT_KEYS = frozenset({"accept_content", "result_accept_content"})
PICKLE = frozenset({"pickle", "application/x-python-serialize"})
# Bare SQL URL schemes (also with an SQLAlchemy driver: mysql+pymysql).
SQL_SCHEMES = frozenset({"postgresql", "postgres", "mysql", "sqlite", "oracle", "mssql"})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Stands for a {placeholder} of an f-string, so that its literal parts can be parsed.
HOLE = "\ufffd"
# Characters of a templated password rather than a real one.
_TEMPLATE_MARKS = (HOLE, "{", "}", "$", "%(", "<", ">")


# -- values ------------------------------------------------------------------------

def literal_strings(model: ModuleModel, expr: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """The literal strings a setting value is made of, with the node each comes from.

    A string, an f-string (its placeholders become :data:`HOLE`), the elements of a list or
    tuple, and a name bound once to one of those.  Anything else (``os.environ[...]``, calls,
    ``+``, ``%``) yields nothing.
    """
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        yield expr.value, expr
    elif isinstance(expr, ast.JoinedStr):
        yield "".join(v.value if isinstance(v, ast.Constant) else HOLE for v in expr.values), expr
    elif isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        for elt in expr.elts:
            yield from literal_strings(model, elt)
    elif isinstance(expr, ast.Name):
        value = name_value(model, expr)
        if value is not None and not isinstance(value, ast.Name):
            yield from literal_strings(model, value)


def split_url(url: str) -> SplitResult | None:
    """The parts of a URL (urllib.parse), or None when it is no URL."""
    if "://" not in url:
        return None
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def broker_urls(model: ModuleModel, item: ConfigItem) -> Iterator[tuple[SplitResult, ast.AST]]:
    """Each URL of a setting value; ``broker_url`` may list fail-over URLs with ``;``."""
    for text, node in literal_strings(model, item.value):
        for url in text.split(";"):
            parts = split_url(url)
            if parts is not None:
                yield parts, node


def _setting_label(item: ConfigItem) -> str:
    if item.source is ConfigSource.CELERY and item.raw != item.key and isinstance(item.node, ast.keyword):
        return f"Celery({item.raw}=...)"
    return item.raw


class Reads:
    """Names the module reads (used to tell helper constants from settings): ``all`` of them,
    and those that ``feed`` a setting written with its current name (``CELERY_BROKER_URL =
    BROKER_URL``)."""

    def __init__(self, model: ModuleModel):
        self.all = _loads(model.tree)
        self.feed = frozenset().union(*(
            _loads(item.value) for item in model.config
            if item.source is ConfigSource.MODULE and item.key is not None and not item.old
        ))
        self.settings_module = is_settings_module(model.filename) or is_celeryconfig_module(model.filename)


def _loads(tree: ast.AST) -> frozenset[str]:
    return frozenset(
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    )


def is_helper(item: ConfigItem, reads: Reads | None) -> bool:
    """A module-level name the module itself reads: a helper constant, maybe no setting at all.

    An old setting name in a settings module is config even when the module reads it too
    (``for q in CELERY_QUEUES:``); it is a helper only when it feeds a setting written with its
    current name (``CELERY_BROKER_URL = BROKER_URL``).
    """
    if reads is None or item.source is not ConfigSource.MODULE or item.raw not in reads.all:
        return False
    if item.old and item.key is not None and reads.settings_module:
        return item.raw in reads.feed
    return True


# -- checks ------------------------------------------------------------------------

class _Once:
    """A Context that reports each (node, code) once: several settings may share one literal
    (``BROKER = "..."`` read by ``CELERY_BROKER_URL = BROKER``)."""

    def __init__(self, ctx: Context):
        self.model = ctx.model
        self.project = ctx.project
        self.filename = ctx.filename
        self._ctx = ctx
        self._seen: set[tuple[int, str]] = set()
        self.facts = ctx.facts

    def report(self, node: ast.AST, rule: Rule, **fmt) -> None:
        if (id(node), rule.code) not in self._seen:
            self._seen.add((id(node), rule.code))
            self._ctx.report(node, rule, **fmt)


@on_module(reports=(CEL001, CEL002, CEL003, CEL004, CEL005, CEL006, CEL007, CEL008, CEL009))
def check_config(ctx: Context) -> None:
    model = ctx.model
    if not model.config:
        return
    # Fake credentials of tests are no secret, and pickle is no risk without a real broker.
    test_module = model.is_test_code()
    ctx = _Once(ctx)
    reads = current = None
    lookups = _MAX_TYPO_LOOKUPS
    for item in model.config:
        if item.unseen:
            continue
        key = item.key
        if key in BROKER_URL_KEYS:
            _sql_broker(ctx, item)
        if key in CREDENTIAL_URL_KEYS and not test_module:
            _credentials(ctx, item)
        if (key in SERIALIZER_KEYS or key in ACCEPT_KEYS) and not test_module:
            _pickle_setting(ctx, item)
        if key == "result_backend" and not test_module:
            _db_backend(ctx, item)
        if key == "result_expires":
            _never_expire(ctx, item)
        if key is None or item.old:
            if item.source is ConfigSource.MODULE and reads is None:
                reads = Reads(model)
            if is_helper(item, reads):
                continue
            if key is not None:
                if model.project is None or not model.project.celery_below_4:  # Celery 3 reads only old names
                    ctx.report(item.node, CEL004, old=item.raw, fix=_rename(ctx, item))
            else:
                if current is None:
                    current = current_names(model)
                _unknown_setting(ctx, item, current, lookups > 0)
                lookups -= 1
    for items in groups(model.config):
        _serializers_accepted(ctx, items)
        _acks_late_prefetch(ctx, items)


def _rename(ctx: Context, item: ConfigItem) -> str:
    """How to replace an old setting name: rename it, or drop it when its config sets the new name."""
    other = _kept_new(ctx.model, item)
    if other is not None:
        return f"remove it and keep {other.raw}, which this config also sets (Celery reads only one of them)"
    django = is_django_settings_item(item, ctx.filename)
    plain = ctx.facts(DjangoNamespace).plain if django else None
    if django and plain is None and ctx.facts(DjangoNamespace).unknown:
        return f"where the app loads the Django settings with namespace='CELERY', rename it to " \
               f"{spell(item.key, item.style, ctx.filename)}; an app that loads them without one reads " \
               f"only the old names (no app of this project shows which)"
    if plain is not None:
        return f"but the app loads the Django settings without namespace= ({plain}), where only the old " \
               f"names work: add namespace='CELERY' there and rename all the Celery settings together " \
               f"(this one to {spell(item.key, item.style, ctx.filename)})"
    new = spelled(ctx, item, item.key)
    if new == item.key:
        return f"rename it to {new}"
    return f"rename it to {new}, and load the settings with config_from_object(..., namespace='CELERY') " \
           "if the app does not already"


def current_names(model: ModuleModel) -> dict[tuple[int, str], list[ConfigItem]]:
    """The items written with a current name, by config and setting."""
    out: dict[tuple[int, str], list[ConfigItem]] = {}
    for item in model.config:
        if item.key is not None and not item.old:
            out.setdefault((id(item.group), item.key), []).append(item)
    return out


def _block(model: ModuleModel, node: ast.AST) -> tuple[int, str]:
    """The statement list a node's statement is in (the same branch of an if, say)."""
    stmt = node
    while stmt is not None and not isinstance(stmt, ast.stmt):
        stmt = model.parent(stmt)
    parent = model.parent(stmt) if stmt is not None else None
    for field in ("body", "orelse", "finalbody"):
        if any(s is stmt for s in getattr(parent, field, ())):
            return id(parent), field
    return id(parent), ""


def _sql_broker(ctx: Context, item: ConfigItem) -> None:
    for parts, node in broker_urls(ctx.model, item):
        scheme = parts.scheme
        if HOLE in scheme:
            continue
        if (
            scheme.startswith(("sqla+", "sqlalchemy+"))
            or scheme == "django"
            or scheme.split("+", 1)[0] in SQL_SCHEMES
        ):
            ctx.report(node, CEL001, setting=_setting_label(item), scheme=scheme)
            return


def _credentials(ctx: Context, item: ConfigItem) -> None:
    for parts, node in broker_urls(ctx.model, item):
        try:
            password, user, host = parts.password, parts.username, parts.hostname
        except ValueError:
            continue
        if not password or any(c in password for c in _TEMPLATE_MARKS):
            continue  # none, or a placeholder: {password}, ${RABBIT_PASSWORD}, %(password)s, <password>
        if user == "guest" and password == "guest" and (host in LOCAL_HOSTS or host is None or HOLE in host):
            continue
        ctx.report(node, CEL002, setting=_setting_label(item))
        return


def _pickle_setting(ctx: Context, item: ConfigItem) -> None:
    value = item.value
    if item.key in ACCEPT_KEYS and not isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Name)):
        return
    for text, node in literal_strings(ctx.model, value):
        if text.strip().lower() in PICKLE:
            ctx.report(node, CEL003, setting=item.raw)


@on(ast.Call, reports=(CEL003,))
def pickle_call(node: ast.Call, ctx: Context) -> None:
    """``serializer='pickle'`` in ``apply_async`` / ``app.send_task``."""
    func = node.func
    if not isinstance(func, ast.Attribute):
        return
    if func.attr == "send_task" and not ctx.model.is_app(func.value):
        return
    if func.attr not in ("apply_async", "send_task") or ctx.model.is_test_code():
        return
    _pickle_keyword(ctx, node.keywords, f"{func.attr}(serializer=...)")


def _pickle_keyword(ctx: Context, keywords: list, label: str) -> None:
    for kw in keywords:
        if kw.arg == "serializer" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str) \
                and kw.value.value.strip().lower() in PICKLE:
            ctx.report(kw, CEL003, setting=label)


@on_module(reports=(CEL003,))
def pickle_tasks(ctx: Context) -> None:
    """``serializer='pickle'`` on a task decorator or as a Task class attribute."""
    model = ctx.model
    if model.is_test_code():
        return
    for task in model.tasks:
        if task.kind is TaskKind.FUNCTION:
            _pickle_keyword(ctx, list(task.options.values()), f"task '{task.label}' serializer")
    for info in model.classes.values():
        value = info.attrs.get("serializer")
        if info.is_task_class and isinstance(value, ast.Constant) and isinstance(value.value, str) \
                and value.value.strip().lower() in PICKLE:
            ctx.report(info.attr_nodes["serializer"], CEL003, setting=f"{info.name}.serializer")


def _db_backend(ctx: Context, item: ConfigItem) -> None:
    for text, node in literal_strings(ctx.model, item.value):
        text = text.strip()
        if text.lower().startswith("db+"):
            parts = split_url(text)
            scheme = parts.scheme if parts is not None else "db+"
            ctx.report(node, CEL005, setting=_setting_label(item), scheme=scheme)
        elif text == "django-db":
            ctx.report(node, CEL005, setting=_setting_label(item), scheme=text)


def _never_expire(ctx: Context, item: ConfigItem) -> None:
    """result_expires None or 0, unless the results are kept by design (a backend class of the
    project's own)."""
    value = item.value
    if isinstance(value, ast.Constant) and (
        value.value is None or (type(value.value) in (int, float) and value.value == 0)
    ) and not _project_backend(ctx, item):
        ctx.report(item.node, CEL009, setting=item.raw, value=repr(value.value),
                   name=spelled(ctx, item, "result_expires"))


# A dotted class path as Celery's result_backend takes it (celery.app.backends.by_name).
_CLASS_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*[.:][A-Za-z_]\w*")
# Packages whose backend classes are Celery's own (their results do pile up).
_CELERY_PACKAGES = frozenset({"celery", "kombu"})


def _project_backend(ctx: Context, item: ConfigItem) -> bool:
    """Does the item's config (or the rest of its app's config in the module) choose a result
    backend class of the project (``"proj.backends.RecordBackend"`` in ``proj/settings.py``, a
    class the module defines or imports from the project)?  Such a backend keeps results as the
    application's own records, and never expiring them is its design."""
    model = ctx.model
    backend = last(app_config(model, [i for i in model.config if i.group is item.group]), "result_backend")
    if backend is None:
        return False
    value = backend.value
    if model.local_class(value) is not None:
        return True
    path = model.resolve(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
    if path is None:
        strings = list(literal_strings(model, value))
        if len(strings) != 1 or not _CLASS_PATH.fullmatch(strings[0][0].strip()):
            return False
        path = strings[0][0].strip()
    if path.startswith("."):
        return True  # from .backends import RecordBackend
    root = path.split(":", 1)[0].split(".", 1)[0]
    if root in _CELERY_PACKAGES:
        return False
    # The project's own package: a folder of the checked module's path (proj/settings.py).
    return root in ctx.filename.replace("\\", "/").split("/")[:-1]


# -- CEL006: unknown settings ------------------------------------------------------

_DJANGO_NAMES = {"CELERY_" + name.upper(): name for name in SETTINGS}
_DJANGO_NAMES.update({old: new for old, new in OLD_TO_NEW.items() if old.startswith("CELERY_")})


class Names:
    """A fixed set of real names, indexed for typo look-ups (by length and by namespace)."""

    def __init__(self, names):
        self.by_length: dict[int, tuple[str, ...]] = {}
        self.by_namespace: dict[str, tuple[str, ...]] = {}
        for name in sorted(names):
            self.by_length[len(name)] = (*self.by_length.get(len(name), ()), name)
            prefix = name.split("_", 1)[0]
            self.by_namespace[prefix] = (*self.by_namespace.get(prefix, ()), name)

    def near(self, name: str, edits: int) -> list[str]:
        """The names whose length is within ``edits`` of the name's."""
        return [n for size in range(len(name) - edits, len(name) + edits + 1) for n in self.by_length.get(size, ())]


_SETTING_NAMES = Names(SETTINGS)
# Typo searches per module: keeps the cost linear on modules with hundreds of unknown keys.
_MAX_TYPO_LOOKUPS = 200
_DJANGO_SETTING_NAMES = Names(_DJANGO_NAMES)


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, transpositions."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                d = min(d, prev2[j - 2] + 1)
            cur.append(d)
        prev2, prev = prev, cur
    return prev[-1]


def typo_of(name: str, names: Names) -> str | None:
    """The real name ``name`` is a typo of: a close match (difflib) at most two edits away."""
    limit = 1 if len(name) < 8 else 2
    for match in close_matches(name, names.near(name, limit), n=3, cutoff=0.8):
        if edit_distance(name, match) <= limit:
            return match
    return None


def _unknown_setting(ctx: Context, item: ConfigItem, current: dict, look_up: bool = True) -> None:
    """CEL006; ``look_up=False`` skips the typo search (a module with hundreds of unknown keys);
    ``current``: :func:`current_names`, so as not to suggest a setting the config already sets."""
    raw = item.raw
    old_case = False
    if item.style is ConfigStyle.DJANGO:
        if not raw.startswith("CELERY_"):
            return
        key = regrouped(raw[len("CELERY_"):].lower()) if _settings_config(ctx, item) else None
        if key is None:
            match = typo_of(raw, _DJANGO_SETTING_NAMES) if look_up else None
            if match is None:
                return
            key = _DJANGO_NAMES[match]
        suggestion = spelled(ctx, item, key)
    else:
        lower = raw.lower()
        suggestion = CELERY_INIT_RENAMES.get(raw) if item.source is not ConfigSource.CELERY else None
        if suggestion is None and raw.islower() and raw.upper() in OLD_TO_NEW:
            suggestion, old_case = OLD_TO_NEW[raw.upper()], True  # celeryd_concurrency
        if suggestion is None:
            suggestion = regrouped(lower)
        if suggestion is None and look_up:
            suggestion = typo_of(lower, _SETTING_NAMES)
        if suggestion is None:
            namespace = _SETTING_NAMES.by_namespace.get(lower.split("_", 1)[0])
            if namespace is None or not raw.islower():
                return  # another library's key (redbeat_*, ONCE), or a name nobody would mistake
            close = close_matches(lower, namespace, n=1, cutoff=0.75) if look_up else ()
            suggestion = close[0] if close else None
        key = suggestion
    if suggestion is None:
        hint = "check the name in Celery's configuration reference"
    elif (id(item.group), key) in current:
        hint = f"the setting it resembles, '{suggestion}', is set in this config too: remove it, or check the " \
               "name in Celery's configuration reference"
    else:
        hint = f"did you mean '{suggestion}'?"
    if old_case:
        hint = f"Celery's old setting names are upper-case only; {hint}"
    ctx.report(item.node, CEL006, name=raw, hint=hint)


def _settings_config(ctx: Context, item: ConfigItem) -> bool:
    """A config that holds Celery settings only: not the module-level names of a module that is
    no settings module (a constants module may name its own values CELERY_SOFT_TIME_LIMIT)."""
    return item.source is not ConfigSource.MODULE or is_settings_module(ctx.filename) \
        or is_celeryconfig_module(ctx.filename)


# Setting groups whose prefix gets written before another setting by mistake
# (CELERY_WORKER_TASK_SOFT_TIME_LIMIT), and those whose prefix gets left out (CELERY_SOFT_TIME_LIMIT:
# the task and worker options people also meet without a prefix, on tasks and on the command line).
_GROUPS = ("task", "worker", "broker", "result", "beat", "event", "control")
_LEFT_OUT_GROUPS = ("task", "worker")


def regrouped(key: str) -> str | None:
    """The setting ``key`` names with a group prefix dropped (``worker_task_soft_time_limit``,
    ``task_worker_concurrency``) or added (``soft_time_limit``), when exactly one fits.  A key of
    one word gets no prefix added: ``url`` may be anything."""
    head, _, rest = key.partition("_")
    if head in _GROUPS and rest in SETTINGS:
        return rest
    if not rest:
        return None
    found = [f"{group}_{key}" for group in _LEFT_OUT_GROUPS if f"{group}_{key}" in SETTINGS]
    return found[0] if len(found) == 1 else None


# -- settings that must agree within one config ----------------------------------------

def _names(model: ModuleModel, item: ConfigItem) -> set[str] | None:
    """The literal names of an accept list, or None when not all of it is visible."""
    value = item.value
    if isinstance(value, ast.Name):
        value = name_value(model, value)
    if not isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return None
    names = set()
    for elt in value.elts:
        if not (isinstance(elt, ast.Constant) and isinstance(elt.value, str)):
            return None
        names.add(elt.value.strip().lower())
    return names


def _serializers_accepted(ctx: Context, items: list[ConfigItem]) -> None:
    accept = last(items, "accept_content")
    result_accept = last(items, "result_accept_content")
    checks = (("task_serializer", accept),
              ("result_serializer", result_accept or (accept if not is_partial(ctx.model, items) else None)))
    for key, accepting in checks:
        serializer = last(items, key)
        if serializer is None or accepting is None:
            continue
        value = serializer.value
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            continue
        name = value.value.strip().lower()
        names = _names(ctx.model, accepting)
        # Content types (application/json) need kombu's registry to compare: stay silent.
        if names is None or "/" in name or any("/" in n for n in names) or name in names:
            continue
        # Never advise accepting pickle: CEL003 reports sending with it on the same line.
        fix = (f"send with a serializer that {accepting.raw} lists, such as 'json', instead of pickle"
               if name == "pickle" else f"add '{value.value}' to {accepting.raw}")
        ctx.report(serializer.node, CEL007, setting=serializer.raw, serializer=value.value, accept=accepting.raw,
                   fix=fix)


def _acks_late_prefetch(ctx: Context, items: list[ConfigItem]) -> None:
    acks = last(items, "task_acks_late")
    if acks is None or not (isinstance(acks.value, ast.Constant) and acks.value.value is True):
        return
    prefetch = last(items, "worker_prefetch_multiplier")
    if prefetch is None:
        if may_be_set_elsewhere(ctx.model, items, "worker_prefetch_multiplier", _prefetch_one):
            return
    elif _prefetch_one(prefetch.value):
        return
    ctx.report(acks.node, CEL008, setting=acks.raw,
               prefetch=prefetch.raw if prefetch is not None else spelled(ctx, acks, "worker_prefetch_multiplier"))


def _prefetch_one(value: ast.AST) -> bool:
    """A prefetch multiplier of one, or a value the module does not show."""
    return not isinstance(value, ast.Constant) or value.value == 1
