"""Worker command lines: each file format with queues, without queues and with variables,
the commands that are not workers, commands over several lines, and a project tree."""
from __future__ import annotations

import os
import textwrap

import pytest

from celery_lint.project.workers import Worker, find_workers, workers_in_text


def found(path: str, text: str) -> list[tuple[int, tuple[str, ...] | None, bool]]:
    """``(line, queues, unknown)`` of each worker in ``text``."""
    return [(w.line, w.queues, w.unknown) for w in workers_in_text(textwrap.dedent(text), path)]


UNKNOWN = (None, True)
DEFAULT = (None, False)


# -- the worker's options, read as Celery 5.7's click reads them -------------------------------

@pytest.mark.parametrize("command, expected", [
    ("celery -A proj worker -Q a,b", (("a", "b"), False)),
    ("celery --app=proj worker --queues=a,b -l info", (("a", "b"), False)),
    ("celery --app proj worker --queues a,b", (("a", "b"), False)),
    ("celery -A proj worker -Qa,b", (("a", "b"), False)),
    ("celery -A proj worker -EQ a", (("a",), False)),             # -E is a flag: -Q follows
    ("celery -A proj worker -Q a -Q b", (("b",), False)),         # no merging: the last wins
    ("celery -A proj worker -Q 'a, b'", (("a", " b"), False)),    # split on "," only
    ("celery -A proj worker -Q a,,a,", (("a",), False)),
    ("celery -A proj worker -l info -c 4", DEFAULT),
    ("celery -A proj worker -c $CONCURRENCY --loglevel ${LEVEL}", DEFAULT),  # not the queues
    ("celery -A proj worker -n w1@%h -Q a", (("a",), False)),
    ("celery worker --app=proj -Q a", (("a",), False)),           # Celery 4 spelling
    ("python -m celery -A proj worker -Q a", (("a",), False)),
    ("/venv/bin/celery -b redis://x -A proj worker -Q a", (("a",), False)),
    ("exec celery -A proj worker -Q a > /var/log/w.log 2>&1", (("a",), False)),
    ("celery -A proj worker 2>&1 -Q a", (("a",), False)),
    ("watchmedo auto-restart -p '*.py' -- celery -A celery worker -Q a", (("a",), False)),
    ("python manage.py celery worker -Q a", (("a",), False)),    # django-celery
    ("python manage.py celeryd -Q a", (("a",), False)),
    ("celeryd -Q a --loglevel=INFO", (("a",), False)),
    ("${CELERY_BIN} -A proj worker -Q a", (("a",), False)),
    ('sh -c "celery -A proj worker -Q a"', (("a",), False)),
    ("celery -A proj worker -Q $QUEUES", UNKNOWN),
    ("celery -A proj worker -Q ${QUEUES:-a}", UNKNOWN),
    ("celery -A proj worker --queues={{ queues }}", UNKNOWN),
    ("celery -A proj worker -Q %i", UNKNOWN),
    ("celery -A proj worker -Q `cat queues`", UNKNOWN),
    ("celery -A proj worker -Q a -X b", UNKNOWN),
    ("celery -A proj worker --exclude-queues=b", UNKNOWN),
    ("celery -A proj worker $CELERYD_OPTS", UNKNOWN),            # options from a variable
    ("celery -A proj worker -Q", UNKNOWN),
    ("celery -A proj $COMMAND", UNKNOWN),                        # maybe a worker
    ("celery -A proj worker -Q a && celery -A proj worker -Q b", (("a",), False)),
])
def test_worker_options(command, expected):
    assert found("run.sh", command + "\n")[:1] == [(1, *expected)]


@pytest.mark.parametrize("command", [
    "celery -A proj beat -l info",
    "celery -A proj flower --port=5555",
    "celery -A proj inspect active -d worker@host",
    "celery -A proj call proj.tasks.add --args='[1, 2]' -Q worker",
    "celery -A proj purge -Q worker -f",
    "celery -A proj status",
    "celery -A proj control shutdown --destination worker1",
    "celery multi stopwait w1 w2",
    "# celery -A proj worker -Q a",
    "pip install celery worker-tools",
    "echo celery-worker",
    "python manage.py celerybeat",
])
def test_not_a_worker(command):
    assert found("run.sh", command + "\n") == []


def test_two_workers_in_one_line():
    assert found("run.sh", "celery -A p worker -Q a & celery -A p worker -Q b; celery -A p beat\n") == [
        (1, ("a",), False), (1, ("b",), False)]


# -- celery multi ---------------------------------------------------------------------------------

@pytest.mark.parametrize("command, expected", [
    ("celery multi start w1 w2 -A proj -Q:w1 a -Q b", [(("a",), False), (("b",), False)]),
    ("celery multi start w1 w2 -A proj -Q a", [(("a",), False)]),
    ("celery multi start w1 -A proj", [DEFAULT]),
    ("celery -A proj multi start 3 -Q:1-2 a -Q:3 b", [(("a",), False), (("b",), False)]),
    ("celery multi start 10 -l INFO -Q:1-3 images,video -Q:4,5 data -Q default",
     [(("images", "video"), False), (("data",), False), (("default",), False)]),
    ("celery multi start w1 w2 -Q:2 b", [DEFAULT, (("b",), False)]),
    ("celery multi restart w1 -Q a", [(("a",), False)]),
    ("celeryd-multi start w1 -Q a", [(("a",), False)]),
    # multi takes a long option's value only after "=": "a" is a second node, and the bare
    # "--queues" reaches the worker, which refuses it.
    ("celery multi start w1 --queues a", [UNKNOWN]),
    ("celery multi start w1 --queues=a", [(("a",), False)]),
    ("celery multi start $CELERYD_NODES -Q a", [UNKNOWN]),
    ("celery multi start w1 -Q a $CELERYD_OPTS", [UNKNOWN]),
    ("celery multi start w1 -Q:w1 $Q", [UNKNOWN]),
    ("celery multi start w1 -X a", [UNKNOWN]),
    ("celery multi start w1 --cmd='x worker' -Q a", [UNKNOWN]),
])
def test_multi(command, expected):
    assert [(queues, unknown) for _, queues, unknown in found("run.sh", command + "\n")] == expected


# -- the environment --------------------------------------------------------------------------

def test_queues_from_the_environment_are_unknown():
    text = """\
        services:
          worker:
            command: celery -A proj worker
            environment:
              CELERY_WORKER_QUEUES: high,low
          pinned:
            command: celery -A proj worker -Q a
        """
    assert found("docker-compose.yml", text) == [(3, None, True), (7, ("a",), False)]
    assert found("run.sh", "CELERY_WORKER_EXCLUDE_QUEUES=b celery -A p worker -Q a\n") == [(1, None, True)]


# -- file formats -----------------------------------------------------------------------------

def test_procfile():
    text = """\
        web: gunicorn proj.wsgi
        worker: celery -A proj worker -Q high,low --concurrency 2
        default: celery -A proj worker
        # old: celery -A proj worker -Q old
        beat: celery -A proj beat
        """
    assert found("Procfile", text) == [(2, ("high", "low"), False), (3, None, False)]
    assert found("Procfile.dev", "w: celery -A proj worker -Q $Q\n") == [(1, None, True)]


def test_shell_script_over_several_lines():
    text = """\
        #!/bin/sh
        set -e
        celery -A proj worker \\
            --loglevel=info \\
            -Q "high,low" &
        exec celery \\
          -A proj worker
        """
    assert found("scripts/start-worker.sh", text) == [(3, ("high", "low"), False), (6, None, False)]


def test_compose_forms():
    text = """\
        version: "3"
        services:
          plain:
            image: proj
            command: celery -A proj worker -Q a
          flow:
            command: ["celery", "-A", "proj", "worker", "-Q", "b,c"]
          block:
            command:
              - celery
              - -A
              - proj
              - worker
              - "-Q"
              - d
          folded:
            command: >
              celery -A proj worker
              -Q e
          literal:
            command: |
              celery -A proj worker -Q f
          shell:
            command: sh -c "python manage.py migrate && celery -A proj worker -Q g"
          quoted:
            command: "celery -A proj worker -Q h"
          multi-line-flow:
            command: [
              "celery", "-A", "proj",
              "worker", "--queues=i"]
          entry:
            entrypoint: ["celery", "-A", "proj"]
            command: ["worker", "-Q", "j"]
          open-entry:
            entrypoint: celery -A proj
          beat:
            command: celery -A proj beat
          flower:
            command: celery -A proj flower
          variable:
            command: celery -A proj worker -Q ${QUEUES}
          no-queues:
            command: celery -A proj worker -l info
        """
    assert found("docker-compose.yml", text) == [
        (5, ("a",), False), (7, ("b", "c"), False), (10, ("d",), False), (18, ("e",), False),
        (22, ("f",), False), (24, ("g",), False), (26, ("h",), False), (29, ("i",), False),
        (32, ("j",), False), (35, None, True), (41, None, True), (43, None, False)]
    assert found("compose.prod.yaml", "services:\n  w:\n    command: celery -A p worker -Q z\n") == [
        (3, ("z",), False)]


def test_kubernetes_and_helm():
    text = """\
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: worker
                  image: "{{ .Values.image }}"
                  command: ["celery"]
                  args: ["-A", "proj", "worker", "-Q", "k1,k2"]
                - name: default
                  command:
                  - celery
                  args:
                  - -A
                  - proj
                  - worker
                - name: templated
                  command: ["celery", "-A", "proj", "worker"]
                  args:
                  {{- toYaml .Values.worker.args | nindent 12 }}
                - name: queue-from-values
                  command: ["celery", "-A", "proj", "worker", "-Q", "{{ .Values.queues }}"]
                - name: beat
                  command: ["celery", "-A", "proj", "beat"]
        """
    assert found("deploy/chart/templates/worker.yaml", text) == [
        (9, ("k1", "k2"), False), (13, None, False), (19, None, True), (23, None, True)]


def test_yaml_script_lists():
    text = """\
        jobs:
          - name: start
            script:
              - pip install -e .
              - celery -A proj worker -Q ci --detach
        """
    assert found("ci/pipeline.yml", text) == [(5, ("ci",), False)]


def test_dockerfile():
    shell = "FROM python:3.12\nRUN pip install celery\nCMD celery -A proj worker \\\n    -Q d1\n"
    assert found("Dockerfile", shell) == [(3, ("d1",), False)]
    exec_form = 'FROM python\nENTRYPOINT ["celery", "-A", "proj"]\nCMD ["worker", "-Q", "d2"]\n'
    assert found("docker/Dockerfile.worker", exec_form) == [(2, ("d2",), False)]
    open_entry = 'FROM python\nENTRYPOINT ["celery", "-A", "proj"]\n'
    assert found("Dockerfile", open_entry) == [(2, None, True)]
    stages = ('FROM python AS worker\nCMD ["celery", "-A", "p", "worker", "-Q", "s1"]\n'
              'FROM python AS beat\nCMD ["celery", "-A", "p", "beat"]\n')
    assert found("Dockerfile", stages) == [(2, ("s1",), False)]
    run_only = "FROM python\nRUN celery -A proj worker -Q never --help\n"
    assert found("Dockerfile", run_only) == []


def test_systemd_unit():
    text = """\
        [Service]
        Type=forking
        EnvironmentFile=/etc/conf.d/celery
        ExecStart=/bin/sh -c '${CELERY_BIN} -A $CELERY_APP multi start $CELERYD_NODES \\
            --pidfile=${CELERYD_PID_FILE} --loglevel="${CELERYD_LOG_LEVEL}" $CELERYD_OPTS'
        ExecStop=/bin/sh -c '${CELERY_BIN} multi stopwait $CELERYD_NODES'
        """
    assert found("deploy/celery.service", text) == [(4, None, True)]
    plain = "[Service]\nExecStart=/srv/venv/bin/celery -A proj worker -Q u1 --loglevel=INFO\n"
    assert found("celery-worker.service", plain) == [(2, ("u1",), False)]


def test_supervisor():
    text = """\
        [program:worker]
        command=/srv/venv/bin/celery -A proj worker
            -Q sv1,sv2
            --loglevel=INFO
        [program:env]
        command=celery -A proj worker -Q %(ENV_QUEUES)s
        [program:beat]
        command=celery -A proj beat ; not a worker
        """
    assert found("deploy/supervisor/celery.conf", text) == [(2, ("sv1", "sv2"), False), (6, None, True)]
    assert found("supervisord.conf", "[program:w]\ncommand = celery -A p worker\n") == [(2, None, False)]
    assert found("nginx.conf", "[program:w]\ncommand = celery -A p worker -Q no\n") == []


def test_makefile():
    text = """\
        QUEUES ?= default
        worker:
        \t@celery -A proj worker -Q mk1 -l info
        worker-var:
        \tcelery -A proj worker -Q $(QUEUES)
        """
    assert found("Makefile", text) == [(3, ("mk1",), False), (5, None, True)]
    assert found("make/dev.mk", "w:\n\tcelery -A p worker -Q mk2\n") == [(2, ("mk2",), False)]


def test_other_files_are_not_read():
    for path in ("tox.ini", "setup.cfg", "README.md", "tasks.py", "worker.txt"):
        assert workers_in_text("celery -A proj worker -Q a\n", path) == ()


@pytest.mark.parametrize("text", [
    "", "\0\0\0", "'unclosed celery worker -Q a", '"unclosed celery -A p worker -Q a',
    "celery -A p worker -Q a \\", "command: [celery, worker", "celery multi start 99999999999 -Q:1-99999999 a",
    "celery multi start - -Q:x-y a", "-\n- celery\n-", "a: |\n", "celery " * 5000 + "worker",
    "sh -c \"" * 300 + "celery worker",
])
@pytest.mark.parametrize("path", ["run.sh", "Procfile", "Dockerfile", "docker-compose.yml", "w.service",
                                  "supervisor/w.conf", "Makefile"])
def test_never_raises(text, path):
    for worker in workers_in_text(text, path):
        assert isinstance(worker, Worker) and worker.path == path


# -- a project tree -----------------------------------------------------------------------------

def test_find_workers(tmp_path):
    files = {
        "Procfile": "worker: celery -A proj worker -Q p1\n",
        "docker-compose.yml": "services:\n  w:\n    command: celery -A proj worker -Q c1\n",
        "deploy/k8s/worker.yaml": "spec:\n  containers:\n  - command: [celery, -A, proj, worker, -Q, k1]\n",
        "deploy/k8s/other.yaml": "kind: Service\nmetadata: {name: worker}\n",
        "scripts/worker.sh": "celery -A proj worker -Q s1\n",
        "proj/tasks.py": "# celery -A proj worker -Q py1\n",
        "node_modules/x/run.sh": "celery -A proj worker -Q skipped\n",
        ".github/workflows/ci.yml": "run: celery -A proj worker -Q skipped\n",
        "venv/bin/run.sh": "celery -A proj worker -Q skipped\n",
        "env/pyvenv.cfg": "home = /usr\n",
        "env/run.sh": "celery -A proj worker -Q skipped\n",
        "build/run.sh": "celery -A proj worker -Q skipped\n",
        "Dockerfile": b"\x89PNG\0\0 celery -A proj worker -Q binary",
        "start.sh": "celery -A proj worker -Q \xe9t\xe9\n".encode("latin-1"),
    }
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    assert find_workers(str(tmp_path)) == (
        Worker("Procfile", 1, ("p1",)),
        Worker("docker-compose.yml", 3, ("c1",)),
        Worker("start.sh", 1, ("\ufffdt\ufffd",)),
        Worker("deploy/k8s/worker.yaml", 3, ("k1",)),
        Worker("scripts/worker.sh", 1, ("s1",)),
    )


def test_find_workers_survives_loops_and_unreadable_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "run.sh").write_text("celery -A proj worker -Q a\n")
    (tmp_path / "dangling.sh").symlink_to(tmp_path / "missing.sh")
    (tmp_path / "folder.sh").mkdir()
    big = tmp_path / "big.sh"
    big.write_text("#" * (2 * 1024 * 1024) + "\ncelery -A proj worker -Q past-the-limit\n")
    unreadable = tmp_path / "secret.sh"
    unreadable.write_text("celery -A proj worker -Q secret\n")
    os.chmod(unreadable, 0)
    try:
        workers = find_workers(str(tmp_path))
    finally:
        os.chmod(unreadable, 0o600)
    assert [w.queues for w in workers if w.queues != ("secret",)] == [("a",)]
    assert find_workers(str(tmp_path / "missing")) == ()
