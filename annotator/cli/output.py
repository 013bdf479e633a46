"""What every command shares: exit codes, JSON output, the `command` registrar's type."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

EXIT_USER_ERROR = 2
Handler = Callable[[argparse.Namespace], int | None]
Command = Callable[[str, Handler, str], argparse.ArgumentParser]
"""command(name, handler, help) -> the new subcommand's parser, as `build_parser` passes it."""


def print_json(data: object) -> None:
    """JSON on stdout as every --json option prints it: UTF-8 text, indented, dates as text."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
