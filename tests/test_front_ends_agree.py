"""The three front-ends (flake8, pylint, the standalone command) agree on the setting values they refuse."""
from __future__ import annotations

import pytest

from tools import run

TASK = "from celery import shared_task\n\n\n@shared_task\ndef crawl(url):\n    return crawl.delay(url).get()\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "plain.py").write_text(TASK)
    return tmp_path


@pytest.mark.parametrize("value", ["0", "-60", "1.5", "soon"])
def test_visibility_timeout_is_a_positive_whole_number_everywhere(files, value):
    standalone = run(["celery_lint", "check", "--isolated", f"--visibility-timeout={value}", "plain.py"], files)
    flake8 = run(["flake8", "--isolated", f"--celery-visibility-timeout={value}", "plain.py"], files)
    pylint_ = run(["pylint", "--rcfile=/dev/null", "--load-plugins=pylint_celery", "--persistent=n",
                   f"--celery-visibility-timeout={value}", "plain.py"], files)
    assert (standalone.returncode, flake8.returncode) == (2, 2)
    assert pylint_.returncode in (2, 32)  # pylint's usage errors: argparse's, or its own
    for proc in (standalone, flake8, pylint_):
        assert not proc.stdout and "Traceback" not in proc.stderr, proc.stderr
        assert "visibility-timeout" in proc.stderr.splitlines()[-1], proc.stderr
