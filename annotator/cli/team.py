"""Team commands: `push`, `pull` and `team add-coder` / `team add-supervisor`."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from annotator.cli.output import Command
from annotator.core.errors import AnnotatorError
from annotator.core.store import transfer
from annotator.core.store.location import display_location
from annotator.core.store.roles import Role
from annotator.core.team import roles


def register(command: Command) -> None:
    """Adds this module's subcommands to the main parser."""
    sub = command("push", _push)
    sub.add_argument("file", type=Path)
    sub.add_argument("url", help="postgresql+psycopg://USER@HOST:PORT/DATABASE (owner)")

    sub = command("pull", _pull)
    sub.add_argument("url", help="postgresql+psycopg://USER@HOST:PORT/DATABASE (owner)")
    sub.add_argument("file", type=Path)

    sub = command("team", _no_subcommand)
    actions = sub.add_subparsers(title="team commands", metavar="COMMAND", required=True)
    for name, role, help_text in (
        ("add-coder", Role.CODER, "a coder who sees and writes only their own codes"),
        ("add-supervisor", Role.SUPERVISOR, "a supervisor who sees all and writes consensus"),
    ):
        action = actions.add_parser(name, help=help_text, description=help_text)
        action.add_argument("url", help="the project's URL, connecting as its owner")
        action.add_argument("name", help="the login name, which is also the coder name")
        action.add_argument(
            "--password-file",
            type=Path,
            help="read the new member's password from this file's first line "
            "(default: ask on the terminal, or read one line from standard input)",
        )
        action.set_defaults(handler=_add_member, role=role)


def _push(args: argparse.Namespace) -> None:
    counts = transfer.push(args.file, args.url)
    print(f"pushed {args.file} to {display_location(args.url)}: {_counts(counts)}")


def _pull(args: argparse.Namespace) -> None:
    counts = transfer.pull(args.url, args.file)
    print(f"pulled {display_location(args.url)} into {args.file}: {_counts(counts)}")


def _add_member(args: argparse.Namespace) -> None:
    roles.add_member(args.url, args.name, _password(args), args.role)
    print(f"{args.name} can now connect to {display_location(args.url)} as a {args.role}")


def _no_subcommand(_args: argparse.Namespace) -> None:
    raise AnnotatorError("name a team command (annotator team --help)")


def _password(args: argparse.Namespace) -> str:
    """From --password-file, the terminal (asked twice), or one line of piped stdin."""
    if args.password_file is not None:
        try:
            lines = args.password_file.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise AnnotatorError(f"{args.password_file}: {error.strerror}") from None
        password = lines[0] if lines else ""
    elif sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise AnnotatorError("the passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise AnnotatorError("an empty password is not allowed")
    return password


def _counts(counts: dict[str, int]) -> str:
    shown = ("article", "unit", "coder", "code", "note", "history")
    return ", ".join(f"{counts.get(name, 0)} {name}" for name in shown)
