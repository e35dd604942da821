"""Worker command lines of a project: which queues its workers consume (for CEL905).

Read from the files that start workers - ``Procfile*``, ``docker-compose*.yml`` /
``compose*.yml``, Kubernetes and Helm manifests (``*.yaml`` / ``*.yml`` that mention
``celery``), ``*.service`` (systemd), supervisor ``*.conf``, ``Makefile`` / ``*.mk``, shell
scripts and ``Dockerfile*`` (``CMD`` / ``ENTRYPOINT``) - as text: no YAML library, nothing run.

How Celery 5.7 reads a worker's queues (``celery/bin/worker.py``, ``celery/apps/multi.py``):

- ``-Q`` / ``--queues`` is a plain click option: given twice, the last one wins (no merging);
  the value is split on ``,`` and nothing is stripped (``"a, b"`` consumes ``a`` and `` b``).
- click reads options from the environment too (``auto_envvar_prefix="CELERY"``): without
  ``-Q``, ``CELERY_WORKER_QUEUES=a,b`` sets the queues and ``CELERY_WORKER_EXCLUDE_QUEUES``
  takes some away.  A file that sets either makes its workers' queues unknown.
- ``celery multi start`` parses its own options: ``-Q:w1 a`` (or ``-Q:1-3``, ``-Q:1,2``) is
  the queue list of one node, ``-Q b`` the default of the others; a short option takes the
  next argument unless it starts with ``-``, a long one only its ``=value``.
- ``-X`` / ``--exclude-queues`` takes queues away from what is consumed: unknown here.

A worker whose queue list cannot be read (variables ``$Q``, ``${Q}``, ``{{ }}``, ``%(ENV_Q)s``;
an option list from a variable such as ``$CELERYD_OPTS``; ``-X``; a subcommand or node list
from a variable) is a ``Worker`` with ``unknown=True`` and ``queues=None``: the project rule
stays silent rather than guess.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Iterator, NamedTuple


@dataclass(frozen=True)
class Worker:
    """One worker command line."""

    path: str  #: the file, relative to the root, ``/`` separators
    line: int  #: 1-based line where the command starts (its ``celery`` word)
    #: the ``-Q`` / ``--queues`` list; None when the command gives none (the worker consumes
    #: the app's ``task_queues``, or the default queue) or when ``unknown``
    queues: tuple[str, ...] | None
    unknown: bool = False  #: the queue list cannot be read


#: At most this much of a file is read.
MAX_FILE_SIZE = 1024 * 1024
#: Folders never walked.
SKIPPED_DIRS = frozenset({"node_modules", "site-packages", "__pycache__", "build", "dist",
                          "venv", ".tox"})

# -- tokens -------------------------------------------------------------------------------------

WORD, OP, REDIRECT = "word", "op", "redirect"


class Token(NamedTuple):
    text: str
    line: int
    kind: str = WORD


def shell_words(text: str, line: int = 1, newline_ends: bool = True) -> list[Token]:
    """The words of ``text`` as a POSIX shell splits them (quotes, backslashes, ``#``
    comments, ``\\``-newline continuations), with operators (``;`` ``&&`` ``|`` ``&``, a
    newline unless ``newline_ends`` is false) and redirections as tokens of their own.
    Nothing is expanded: ``$Q`` stays ``$Q``.  Unclosed quotes run to the end.  Never raises."""
    out: list[Token] = []
    word: list[str] = []
    started = False  # a word is open (it may be empty: '' is a word)
    start = line
    depth = 0  # open parentheses of $( ... ) or %( ... ) inside the word
    i, n = 0, len(text)

    def finish() -> None:
        nonlocal started, depth
        if started:
            out.append(Token("".join(word), start))
        word.clear()
        started = False
        depth = 0

    def begin() -> None:
        nonlocal started, start
        if not started:
            started, start = True, line

    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] == "\n":
            i, line = i + 2, line + 1
            continue
        if c == "\n":
            finish()
            if newline_ends:
                out.append(Token("\n", line, OP))
            i, line = i + 1, line + 1
            continue
        if c in " \t\r\f\v" and not depth:
            finish()
            i += 1
            continue
        if c == "#" and not started:
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c == "\\":
            begin()
            if i + 1 < n:
                word.append(text[i + 1])
            i += 2
            continue
        if c == "'":
            begin()
            end = text.find("'", i + 1)
            end = n if end < 0 else end
            word.append(text[i + 1:end])
            line += text.count("\n", i, end)
            i = end + 1
            continue
        if c == '"':
            begin()
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    if text[i + 1] == "\n":
                        line += 1
                    elif text[i + 1] in '"\\$`':
                        word.append(text[i + 1])
                    else:
                        word.append(text[i:i + 2])
                    i += 2
                    continue
                if text[i] == "\n":
                    line += 1
                word.append(text[i])
                i += 1
            i += 1
            continue
        if c == "(" and word and word[-1] in ("$", "%"):
            depth += 1
            word.append(c)
            i += 1
            continue
        if c == ")" and depth:
            depth -= 1
            word.append(c)
            i += 1
            continue
        if depth:
            word.append(c)
            i += 1
            continue
        if c in ";&|()":
            if c == "&" and word and word[-1] == ">":  # 2>&1
                word.append(c)
                i += 1
                continue
            finish()
            j = i + 1
            while j < n and text[j] in "&|;":
                j += 1
            out.append(Token(text[i:j], line, OP))
            i = j
            continue
        if c in "<>":
            if started and not "".join(word).isdigit():
                finish()
            begin()
            j = i
            while j < n and text[j] in "<>&0123456789-":
                j += 1
            word.append(text[i:j])
            out.append(Token("".join(word), start, REDIRECT))
            word.clear()
            started = False
            i = j
            continue
        begin()
        word.append(c)
        i += 1
    finish()
    return out


_VARIABLE = re.compile(r"\$|`|\{\{|\{%|%|[*?]")
_PROGRAM_VARIABLE = re.compile(r"\$\{?\w*celery\w*\}?", re.IGNORECASE)


def is_variable(text: str) -> bool:
    """Whether ``text`` holds an expansion of some kind (shell, systemd, supervisor, Jinja /
    Helm, make) or a glob: its value is not what is written."""
    return bool(_VARIABLE.search(text))


# -- Celery's command line ---------------------------------------------------------------------

#: Options of the ``celery`` command that take a value (``celery/bin/celery.py``).
_GLOBAL_VALUE = frozenset({"-A", "--app", "-b", "--broker", "--result-backend", "--loader",
                           "--config", "--workdir"})
#: Options of ``celery worker`` that take a value, besides -Q and -X (``celery/bin/worker.py``;
#: -A and -b for the ``celery worker -A proj`` of Celery 4).
_WORKER_LONG_VALUE = frozenset({
    "--hostname", "--statedb", "--loglevel", "--optimization", "--prefetch-multiplier",
    "--concurrency", "--pool", "--time-limit", "--soft-time-limit", "--max-tasks-per-child",
    "--pool-start-method", "--max-memory-per-child", "--include", "--heartbeat-interval",
    "--autoscale", "--schedule-filename", "--schedule", "--scheduler", "--logfile", "--pidfile",
    "--uid", "--gid", "--umask", "--executable", "--app", "--broker", "--workdir", "--config",
    "--loader", "--result-backend"})
_WORKER_SHORT_VALUE = frozenset("nSlOcPIsfAb")
_WORKER_SHORT_FLAG = frozenset("DEB")


def _program(text: str) -> str | None:
    """What kind of command ``text`` starts: ``celery``, ``celeryd`` (a worker) or
    ``celeryd-multi``, or None."""
    name = text.rsplit("/", 1)[-1].lstrip("@+-")
    if name == "celery" or _PROGRAM_VARIABLE.fullmatch(name):
        return "celery"
    if name == "celeryd":
        return "worker"
    if name in ("celeryd-multi", "celeryd_multi"):
        return "multi"
    return None


def _celery(args: list[Token]) -> Iterator[tuple[tuple[str, ...] | None, bool]]:
    """``(queues, unknown)`` of each worker that ``celery <args>`` starts."""
    j = 0
    while j < len(args) and args[j].text.startswith("-"):
        j += 2 if args[j].text in _GLOBAL_VALUE else 1
    if j >= len(args):
        return
    sub = args[j].text
    if sub == "worker":
        yield _worker(args[j + 1:])
    elif sub == "multi":
        yield from _multi(args[j + 1:])
    elif is_variable(sub):
        yield None, True


def _queue_list(value: str | None) -> tuple[tuple[str, ...] | None, bool]:
    if value is None or is_variable(value):
        return None, True
    names = tuple(dict.fromkeys(name for name in value.split(",") if name))
    return (names, False) if names else (None, True)


def _worker(args: list[Token]) -> tuple[tuple[str, ...] | None, bool]:
    """``(queues, unknown)`` of ``celery worker <args>``, read as click reads them."""
    value: str | None = None
    given = unknown = False
    k = 0
    while k < len(args):
        text = args[k].text
        following = args[k + 1].text if k + 1 < len(args) else None
        k += 1
        if text == "--":
            break
        if text.startswith("--"):
            name, equals, rest = text.partition("=")
            if name == "--queues":
                given, value = True, rest if equals else following
                k += 0 if equals else 1
            elif name == "--exclude-queues":
                unknown = True
            elif name in _WORKER_LONG_VALUE and not equals:
                k += 1
        elif text.startswith("-") and len(text) > 1:
            for at, char in enumerate(text[1:], 2):
                if char in _WORKER_SHORT_FLAG:
                    continue
                if char in "QX" or char in _WORKER_SHORT_VALUE:
                    attached = text[at:]
                    if not attached:
                        k += 1
                    if char == "Q":
                        given, value = True, attached or following
                    unknown = unknown or char == "X"
                break
        elif is_variable(text) or ("=" in text and "queue" in text.lower()):
            unknown = True  # a variable may hold options; an override may name queues
    if unknown:
        return None, True
    return _queue_list(value) if given else (None, False)


def _multi(args: list[Token]) -> Iterator[tuple[tuple[str, ...] | None, bool]]:
    """``(queues, unknown)`` of each node that ``celery multi <args>`` starts, read as
    ``celery.apps.multi.NamespacedOptionParser`` and ``MultiParser`` read them."""
    if not args:
        return
    action = args[0].text
    if is_variable(action):
        yield None, True
    if action not in ("start", "restart"):
        return
    words = [token.text for token in args[1:] if token.text]
    names: list[str] = []
    options: dict[str, str | None] = {}
    spaces: dict[str, dict[str, str | None]] = {}
    pos = 0
    while pos < len(words):
        word = words[pos]
        if word == "--":
            break
        if word.startswith("--"):
            name, equals, value = word[2:].partition("=")
            option, value_or_none = "--" + name, (value if equals else None)
        elif word.startswith("-") and len(word) > 1:
            value_or_none = None
            if pos + 1 < len(words) and not words[pos + 1].startswith("-"):
                value_or_none = words[pos + 1]
                pos += 1
            option = "-" + word[1:]
        else:
            names.append(word)
            pos += 1
            continue
        base, colon, space = option.partition(":")
        (spaces.setdefault(space, {}) if colon else options)[base] = value_or_none
        pos += 1
    if (not names or any(is_variable(name) for name in names) or "--cmd" in options
            or any("@" in space or is_variable(space) for space in spaces)):
        yield None, True
        return
    ranges = len(names) == 1 and names[0].isdigit()
    if ranges:
        names = [str(n) for n in range(1, min(int(names[0]), 1000) + 1)]
    for space in list(spaces):  # -Q:1-3 and -Q:1,2 name several nodes
        if "," in space or (ranges and "-" in space):
            for part in space.split(","):
                low, dash, high = part.partition("-")
                members = [part]
                if ranges and dash and low.isdigit() and high.isdigit():
                    members = [str(n) for n in range(int(low), min(int(high), 1000) + 1)]
                for member in members:
                    spaces.setdefault(member, {}).update(spaces[space])
            del spaces[space]
    for space in list(spaces):  # -Q:2 is the second name
        if space.isdigit() and 0 < int(space) <= len(names) and not ranges:
            spaces.setdefault(names[int(space) - 1], {}).update(spaces[space])
    seen = set()
    for name in names:
        node = {**options, **spaces.get(name.split("@", 1)[0], {})}
        if "-X" in node or "--exclude-queues" in node or ("-Q" in node and "--queues" in node):
            found: tuple[tuple[str, ...] | None, bool] = (None, True)
        elif "-Q" in node or "--queues" in node:
            found = _queue_list(node.get("-Q", node.get("--queues")))
        else:
            found = (None, False)
        if found not in seen:
            seen.add(found)
            yield found


def scan(tokens: list[Token]) -> Iterator[tuple[int, tuple[str, ...] | None, bool]]:
    """``(line, queues, unknown)`` of each worker started by the command(s) in ``tokens``."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token.kind != WORD:
            continue
        if "celery" in token.text.lower() and any(c.isspace() for c in token.text):
            yield from scan(shell_words(token.text, token.line))  # sh -c "celery ..."
            continue
        program = _program(token.text)
        if program is None:
            continue
        end = i
        while end < len(tokens) and tokens[end].kind != OP:
            end += 1
        args, skip = [], False
        for arg in tokens[i:end]:
            if arg.kind == REDIRECT:
                skip = not arg.text[-1:].isdigit() and not arg.text.endswith("-")
            elif skip:
                skip = False
            else:
                args.append(arg)
        if program == "celery":
            found = _celery(args)
        elif program == "worker":
            found = iter([_worker(args)])
        else:
            found = _multi(args)
        for queues, unknown in found:
            yield token.line, queues, unknown
        i = end


# -- file formats -------------------------------------------------------------------------------

def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(first line, text)`` of each line, with backslash-newline continuations joined."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        first, parts = i + 1, [lines[i]]
        while parts[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            parts[-1] = parts[-1][:-1]
            if not lines[i].lstrip().startswith("#"):  # Docker drops comments inside
                parts.append(lines[i])
        yield first, " ".join(parts)
        i += 1


def _procfile(text: str) -> Iterator[list[Token]]:
    for number, line in enumerate(text.split("\n"), 1):
        match = re.match(r"\s*[\w.-]+\s*:(.*)", line)
        if match and not line.lstrip().startswith("#"):
            yield shell_words(match.group(1), number)


def _systemd(text: str) -> Iterator[list[Token]]:
    for number, line in _logical_lines(text):
        match = re.match(r"\s*Exec\w*\s*=\s*[-@:+!]*(.*)", line)
        if match:
            yield shell_words(match.group(1), number, newline_ends=False)


def _supervisor(text: str) -> Iterator[list[Token]]:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        match = re.match(r"command\s*[=:](.*)", line)
        if not match:
            continue
        value = [match.group(1)]
        for more in lines[i + 1:]:  # ini continuation lines are indented
            if not more[:1].isspace() or not more.strip():
                break
            value.append(more)
        yield shell_words(re.sub(r"\s;.*", "", "\n".join(value)), i + 1, newline_ends=False)


def _argv_or_shell(value: str, line: int) -> list[Token]:
    """A Dockerfile's exec form (a JSON list of words) or shell form."""
    if value.lstrip().startswith("["):
        try:
            words = json.loads(value)
        except ValueError:
            words = None
        if isinstance(words, list) and all(isinstance(word, str) for word in words):
            return [Token(word, line) for word in words]
    return shell_words(value, line, newline_ends=False)


def _dockerfile(text: str) -> Iterator[list[Token]]:
    """The command each stage ends with: ``ENTRYPOINT`` (exec form) followed by ``CMD``."""
    entrypoint: list[Token] = []
    command: list[Token] = []
    for number, line in _logical_lines(text):
        match = re.match(r"\s*(FROM|CMD|ENTRYPOINT)\b\s*(.*)", line, re.IGNORECASE)
        if not match:
            continue
        instruction, value = match.group(1).upper(), match.group(2)
        if instruction == "FROM":
            if entrypoint or command:
                yield _run(entrypoint, command)
            entrypoint, command = [], []
        elif instruction == "CMD":
            command = _argv_or_shell(value, number)
        else:
            entrypoint = _argv_or_shell(value, number)
            command = []  # ENTRYPOINT resets CMD
    if entrypoint or command:
        yield _run(entrypoint, command)


#: The words an entrypoint is given at run time (``docker run IMAGE worker -Q a``).
_RUN_TIME = "$@"


def _run(entrypoint: list[Token], command: list[Token]) -> list[Token]:
    """The words a container runs; an entrypoint without a command takes its words at run
    time (``celery -A proj`` + whatever ``docker run`` or compose says: unknown)."""
    if entrypoint and not command:
        return entrypoint + [Token(_RUN_TIME, entrypoint[-1].line)]
    return entrypoint + command


_YAML_KEY = re.compile(r"""(\s*(?:-\s+)*)("[^"]*"|'[^']*'|[^\s#'"{}\[\],:][^#:]*?)\s*:(?:\s+|$)(.*)""")
#: Keys whose values are a command's words, joined in this order within one mapping
#: (compose: entrypoint + command; Kubernetes: command + args).
_ARGV_KEYS = ("entrypoint", "command", "args")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_template(stripped: str) -> bool:
    return stripped.startswith(("{{", "{%")) and stripped.endswith(("}}", "%}"))


def _yaml_unquote(scalar: str) -> str:
    scalar = scalar.strip()
    if len(scalar) >= 2 and scalar[0] == scalar[-1] == "'":
        return scalar[1:-1].replace("''", "'")
    if len(scalar) >= 2 and scalar[0] == scalar[-1] == '"':
        try:
            return json.loads(scalar)
        except ValueError:
            return scalar[1:-1]
    return re.sub(r"\s+#.*", "", scalar)


def _flow_items(text: str, line: int) -> list[Token]:
    """The items of a YAML flow sequence ``[a, "b c", 'd']`` (``text`` starts after ``[``)."""
    items = []
    for match in re.finditer(r"""\s*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,\]]*)\s*(?:,|\]|$)""", text):
        raw = match.group(1)
        if raw.strip():
            items.append(Token(_yaml_unquote(raw), line + text.count("\n", 0, match.start(1))))
        if match.group(0).rstrip().endswith("]"):
            break
    return items


def _sequence_line(stripped: str) -> bool:
    """A line that may continue a key's sequence at the key's own column."""
    return stripped.startswith("- ") or stripped == "-" or _is_template(stripped)


def _yaml(text: str) -> Iterator[list[Token]]:
    """Commands in YAML: each key's value (a plain, quoted or block scalar, a flow or block
    sequence); ``entrypoint``/``command``/``args`` of one mapping joined into one command."""
    lines = text.split("\n")
    argv: dict[tuple[int, int], dict[str, list[Token]]] = {}  # (mapping, column) -> key -> words
    open_maps: dict[int, int] = {}  # column -> mapping id
    mapping_ids = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or _is_template(stripped):
            i += 1
            continue
        column = _indent(line)
        for col in [col for col in open_maps if col > column]:  # mappings this line ends
            del open_maps[col]
        match = _YAML_KEY.match(line)
        i += 1
        if not match:
            continue
        key_column = len(match.group(1))  # after "- ": a new item is a new mapping
        if key_column not in open_maps:
            mapping_ids += 1
            open_maps[key_column] = mapping_ids
        key = _yaml_unquote(match.group(2)).lower()
        value, number = match.group(3).strip(), i
        block: list[tuple[int, str]] = []
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > key_column
                                  or _indent(lines[i]) == key_column and not value
                                  and _sequence_line(lines[i].strip())):
            block.append((i + 1, lines[i]))
            i += 1
        while block and not block[-1][1].strip():
            block.pop()
        words, is_list = _yaml_value(value, number, block)
        if words is None:  # a nested mapping: read its lines as lines of their own
            i = number
            continue
        if key in _ARGV_KEYS:
            argv.setdefault((open_maps[key_column], key_column), {})[key] = words
        elif is_list:
            for word in words:
                yield shell_words(word.text, word.line)
        else:
            yield words
    for keys in argv.values():
        yield _run(keys.get("entrypoint", []), keys.get("command", []) + keys.get("args", []))


def _yaml_value(value: str, line: int, block: list[tuple[int, str]]) -> tuple[list[Token] | None, bool]:
    """The words of one key's value and whether it is a sequence (its items are words);
    None for a nested mapping."""
    if value.startswith("["):
        rest = "\n".join([value[1:]] + [text for _, text in block])
        return _flow_items(rest, line), True
    if value[:1] in ("|", ">"):
        body = "\n".join(text for _, text in block)
        return shell_words(body, line + 1, newline_ends=value[0] == "|"), False
    if value[:1] in ('"', "'"):
        whole = " ".join([value] + [text.strip() for _, text in block])
        closing = whole.find(value[0], 1)
        while value[0] == "'" and closing >= 0 and whole[closing + 1:closing + 2] == "'":
            closing = whole.find("'", closing + 2)
        return shell_words(_yaml_unquote(whole[:closing + 1] if closing > 0 else whole), line,
                           newline_ends=False), False
    if value and not value.startswith(("&", "*", "!", "{")) or value.startswith("{{"):
        whole = " ".join([value] + [text.strip() for _, text in block])
        return shell_words(whole, line, newline_ends=False), False
    items: list[Token] = []
    for number, text in block:
        stripped = text.strip()
        if _is_template(stripped):
            items.append(Token(stripped, number))
        elif stripped.startswith("- ") or stripped == "-":
            item = stripped[1:].strip()
            if _YAML_KEY.match(" " + item) and not item[:1] in ('"', "'"):
                return None, False  # a sequence of mappings
            items.append(Token(_yaml_unquote(item), number))
        elif stripped.startswith("#"):
            continue
        elif items:
            # a plain item continued on the next line
            items[-1] = Token(items[-1].text + " " + _yaml_unquote(stripped), items[-1].line)
        elif _YAML_KEY.match(text):
            return None, False  # a nested mapping
        else:
            return shell_words(" ".join(t.strip() for _, t in block), number, newline_ends=False), False
    return items, True


def _format(path: str):
    """The reader of the file at ``path`` (relative, ``/`` separators), or None."""
    folders, _, name = path.rpartition("/")
    lower = name.lower()
    if lower.startswith("procfile"):
        return _procfile
    if lower.startswith("dockerfile") or lower.endswith(".dockerfile"):
        return _dockerfile
    if lower.endswith((".yml", ".yaml")):
        return _yaml
    if lower.endswith(".service"):
        return _systemd
    if lower.endswith(".conf") and ("supervisor" in lower or "supervisor" in folders.lower()):
        return _supervisor
    if lower in ("makefile", "gnumakefile") or lower.endswith((".mk", ".sh")):
        return _shell
    return None


def _shell(text: str) -> Iterator[list[Token]]:
    yield shell_words(text)


def workers_in_text(text: str, path: str) -> tuple[Worker, ...]:
    """The workers started in one file's ``text``; ``path`` (relative, ``/`` separators)
    decides its format.  Never raises."""
    reader = _format(path)
    lowered = text.lower()
    if reader is None or "celery" not in lowered:
        return ()
    from_environment = "CELERY_WORKER_QUEUES" in text
    excluded_by_environment = "CELERY_WORKER_EXCLUDE_QUEUES" in text
    found: list[Worker] = []
    try:
        for tokens in reader(text):
            for line, queues, unknown in scan(tokens):
                if excluded_by_environment or (queues is None and from_environment):
                    queues, unknown = None, True
                found.append(Worker(path, line, queues, unknown))
    except RecursionError:  # a sh -c nested past all reason
        found.append(Worker(path, 1, None, True))
    return tuple(dict.fromkeys(found))


def _skipped(directory: str, name: str) -> bool:
    return (name.startswith(".") or name in SKIPPED_DIRS
            or os.path.isfile(os.path.join(directory, name, "pyvenv.cfg")))


def find_workers(root: str) -> tuple[Worker, ...]:
    """The workers started by the files of the project at ``root``, in path order.
    Hidden folders, virtualenvs, ``node_modules``, ``build`` and ``dist`` are not walked.
    Never raises: a file that cannot be read is left out."""
    found: list[Worker] = []
    for directory, folders, files in os.walk(root, followlinks=False):
        folders[:] = sorted(name for name in folders if not _skipped(directory, name))
        for name in sorted(files):
            full = os.path.join(directory, name)
            relative = os.path.relpath(full, root).replace(os.sep, "/")
            if _format(relative) is None:
                continue
            try:
                with open(full, "rb") as stream:
                    data = stream.read(MAX_FILE_SIZE)
            except (OSError, ValueError):
                continue
            if b"\0" in data:
                continue  # binary
            text = data.decode("utf-8", "replace")
            if "celery" not in text.lower():
                continue
            found.extend(workers_in_text(text, relative))
    return tuple(found)
