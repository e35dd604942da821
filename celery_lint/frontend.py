"""What the flake8 plugin and the standalone command share beyond the checks: the type of an
option's value."""
from __future__ import annotations

import argparse
from typing import Callable

from .settings import parse_value


def setting_type(kind: str) -> Callable[[str], object]:
    """The argparse ``type`` of a setting's option: its value checked as Settings checks it, so that
    a bad value is a usage error of the command line or config file it comes from."""

    def convert(text: str):
        try:
            return parse_value(kind, text, "the value")
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = kind
    return convert
