"""Calls a bound task defined in another module."""
from pylint_fp_tasks import fetch


def refresh():
    """Call the task inline, as tests and scripts do."""
    return fetch("https://example.com")
