"""What every command shares: exit codes, JSON output, the `command` registrar's type."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable

EXIT_USER_ERROR = 2
Handler = Callable[[argparse.Namespace], int | None]
Command = Callable[[str, Handler], argparse.ArgumentParser]
"""command(name, handler) -> that command's parser, to add its arguments to; passed to each
module's `register` by annotator.cli (where every command's one-line help is)."""


def print_json(data: object) -> None:
    """JSON on stdout as every --json option prints it: UTF-8 text, indented, dates as text."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_json_stream(items: Iterable[object]) -> None:
    """A JSON list printed item by item exactly as `print_json` prints the whole list, so
    a listing of any length never holds all its rows at once."""
    printer = JsonListPrinter()
    for item in items:
        printer.add(item)
    printer.close()


class JsonListPrinter:
    """`print_json_stream` for a producer that calls back with each item (the suggester's
    run, which stores codes between its items)."""

    def __init__(self) -> None:
        self.empty = True

    def add(self, item: object) -> None:
        text = json.dumps(item, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write(("[" if self.empty else ",") + "\n  " + text.replace("\n", "\n  "))
        self.empty = False

    def close(self) -> None:
        sys.stdout.write("[]\n" if self.empty else "\n]\n")
