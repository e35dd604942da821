"""``python -m celery_lint``: the standalone command (see :mod:`celery_lint.cli`)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
