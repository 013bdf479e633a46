"""The commands that open a window (`gui`, `demo`, and no command: the start screen).

The only part of the command line that imports annotator.ui, and only when such a
command runs, so every other command starts without Qt.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import Command


def register(command: Command) -> None:
    """Add `gui` and `demo` to the main parser (called by annotator.cli)."""
    sub = command("gui", _gui)
    sub.add_argument("project", type=_project_location)
    sub.add_argument("--coder", help="your coder name (remembered per project)")
    mode = sub.add_mutually_exclusive_group()
    mode.add_argument(
        "--training", action="store_true", help="code the gold articles, with feedback"
    )
    mode.add_argument(
        "--recheck", action="store_true", help="code your scheduled re-check again, blind"
    )
    mode.add_argument(
        "--supervisor",
        action="store_true",
        help="open the review window (asks the supervisor passphrase, if the project has one)",
    )

    command("demo", _demo)


def _project_location(text: str):
    """The store's reading of a project argument, imported only once there is one."""
    from annotator.core.store.location import project_location

    return project_location(text)


def start_screen(_args: argparse.Namespace) -> int:
    from annotator.ui.app import run_start_screen

    return run_start_screen()


def _gui(args: argparse.Namespace) -> int:
    from annotator.ui.app import run_project

    return run_project(
        args.project,
        args.coder,
        training=args.training,
        supervisor=args.supervisor,
        recheck=args.recheck,
    )


def _demo(_args: argparse.Namespace) -> int:
    from annotator.ui.app import run_demo

    return run_demo()
