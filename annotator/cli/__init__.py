"""The command line: a thin layer over annotator.core.

User errors print one line on stderr and exit 2; nothing here knows SQL. Each command
lives in the module of its subject (`coding`, `units`, `codebook`, `export`, `merge`,
`agreement`, `maintenance`, `team`, `suggest`) and is added by that module's `register`; the GUI
is imported only by the commands that open it (`gui`).

May import annotator.core; must not import annotator.ui except in `gui`, when a
window command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from annotator import __version__
from annotator.cli import (
    agreement,
    codebook,
    coding,
    export,
    gui,
    maintenance,
    merge,
    suggest,
    team,
    units,
)
from annotator.cli.output import EXIT_USER_ERROR, Handler
from annotator.core.errors import AnnotatorError
from annotator.core.log_file import log_unexpected

__all__ = ["EXIT_USER_ERROR", "build_parser", "main"]

EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE: an internal error, not the user's

COMMAND_MODULES = (
    coding,
    units,
    codebook,
    gui,
    export,
    merge,
    agreement,
    maintenance,
    team,
    suggest,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", None) or gui.start_screen
    try:
        return handler(args) or 0
    except AnnotatorError as error:
        print(f"annotator: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # a failure nobody foresaw: one line here, details in the log
        log = log_unexpected(f"annotator {' '.join(sys.argv[1:2])}".strip(), error)
        first = (str(error).splitlines() or [""])[0]
        print(
            f"annotator: unexpected error ({type(error).__name__}: {first}); details in {log}",
            file=sys.stderr,
        )
        return EXIT_SOFTWARE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Source-reliability coding of news, sentence by sentence. "
        "With no command, opens the start screen.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    for module in COMMAND_MODULES:
        module.register(command)
    return parser


if __name__ == "__main__":
    sys.exit(main())
