"""Maintenance commands (backup, restore, supervisor passphrase): registered by annotator.cli.

A thin layer over `annotator.core.backup` and `annotator.core.supervisor`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import Command
from annotator.cli.passphrase import PassphraseReader
from annotator.core.errors import AnnotatorError
from annotator.core.store import backup, db
from annotator.core.store.location import display_location, is_server_url, project_location
from annotator.core.store.outputs import check_output
from annotator.core.store.project import Project
from annotator.core.supervision import passphrase

EXIT_WRONG_PASSPHRASE = 1


def register(command: Command) -> None:
    """Adds this module's subcommands to the main parser."""
    sub = command("backup", _backup)
    sub.add_argument("project", type=project_location)
    sub.add_argument(
        "-o", "--output", type=Path, help="write the backup here (default: PROJECT.backups/)"
    )
    sub.add_argument("--list", action="store_true", help="list the project's backups instead")

    sub = command("restore", _restore)
    sub.add_argument("backup", type=Path, nargs="?")
    sub.add_argument("project", type=project_location, nargs="?")
    sub.add_argument("--list", action="store_true", help="list PROJECT's backups instead")

    sub = command("supervisor", _no_subcommand)
    actions = sub.add_subparsers(title="supervisor commands", metavar="COMMAND", required=True)
    for name, handler, help_text in (
        (
            "set-passphrase",
            _set_passphrase,
            "set or change the passphrase (read from the terminal)",
        ),
        ("check-passphrase", _check_passphrase, "exit 0 if the passphrase is right, 1 if not"),
        ("clear-passphrase", _clear_passphrase, "remove the passphrase (asks for it first)"),
    ):
        action = actions.add_parser(name, help=help_text, description=help_text)
        action.add_argument("project", type=project_location)
        action.set_defaults(handler=handler)


# -- backup and restore ---------------------------------------------------------------------


def _backup(args: argparse.Namespace) -> None:
    _refuse_server(args.project)
    if args.list:
        _list_backups(args.project)
        return
    if args.output is not None:
        check_output(args.output, args.project, backups=False)
    made = backup.backup_project(args.project, args.output)
    print(f"backed up {args.project} to {made}")


def _list_backups(project: Path) -> None:
    db.check_project_file(project)
    found = backup.list_backups(project)
    if not found:
        print(f"{project}: no backups in {backup.backup_folder(project)}")
    for item in found:
        taken = item.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(f"{taken}  {item.label:<15} {item.path}")


def _restore(args: argparse.Namespace) -> None:
    if args.list:  # `restore --list PROJECT`: the one name given lands in `backup`
        if args.backup is None or args.project is not None:
            raise AnnotatorError(
                "restore --list takes one project: annotator restore --list PROJECT"
            )
        location = project_location(str(args.backup))
        _refuse_server(location)
        _list_backups(Path(location))
        return
    if args.backup is None or args.project is None:
        raise AnnotatorError(
            "restore needs a backup and a project: annotator restore BACKUP PROJECT"
        )
    _refuse_server(args.project)
    result = backup.restore_backup(args.backup, args.project)
    print(f"restored {result.project} from {result.backup}")
    if result.replaced_kept_as is not None:
        print(f"the file it replaced is kept as {result.replaced_kept_as}")


def _refuse_server(location) -> None:
    """Backups here are SQLite file copies; a server's are the server's business."""
    if is_server_url(location):
        raise AnnotatorError(
            f"{display_location(location)}: a server project is backed up on the server "
            "(pg_dump DATABASE > FILE; restore with psql), or copied to a file with "
            "`annotator pull URL FILE`"
        )


# -- supervisor passphrase --------------------------------------------------------------------


def _no_subcommand(_args: argparse.Namespace) -> None:
    raise AnnotatorError("supervisor: give a command (set-passphrase, check-passphrase, ...)")


def _set_passphrase(args: argparse.Namespace) -> None:
    reader = PassphraseReader()
    with Project.open(args.project) as project:
        _require_current(project, reader)
        new = reader.read("New supervisor passphrase: ", confirm=True)
        passphrase.set_supervisor_passphrase(project, new)
    print(f"{args.project}: supervisor passphrase set")


def _check_passphrase(args: argparse.Namespace) -> int:
    reader = PassphraseReader()
    with Project.open(args.project) as project:
        if not passphrase.has_supervisor_passphrase(project):
            raise AnnotatorError(f"{args.project}: no supervisor passphrase is set")
        right = passphrase.check_supervisor_passphrase(project, reader.read("Passphrase: "))
    print("right" if right else "wrong")
    return 0 if right else EXIT_WRONG_PASSPHRASE


def _clear_passphrase(args: argparse.Namespace) -> None:
    reader = PassphraseReader()
    with Project.open(args.project) as project:
        _require_current(project, reader)
        passphrase.clear_supervisor_passphrase(project)
    print(f"{args.project}: supervisor passphrase removed")


def _require_current(project: Project, reader: PassphraseReader) -> None:
    if passphrase.has_supervisor_passphrase(project) and not (
        passphrase.check_supervisor_passphrase(project, reader.read("Current passphrase: "))
    ):
        raise AnnotatorError("wrong supervisor passphrase; nothing changed")
