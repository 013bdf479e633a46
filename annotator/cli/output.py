"""What every command shares: exit codes, JSON output, the `command` registrar's type."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

EXIT_USER_ERROR = 2
Handler = Callable[[argparse.Namespace], int | None]
Command = Callable[[str, Handler], argparse.ArgumentParser]
"""command(name, handler) -> that command's parser, to add its arguments to; passed to each
module's `register` by annotator.cli (where every command's one-line help is)."""


def print_json(data: object) -> None:
    """JSON on stdout as every --json option prints it: UTF-8 text, indented, dates as text."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
