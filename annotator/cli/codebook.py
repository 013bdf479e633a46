"""`annotator codebook validate|schema|update`: checking a codebook file, printing the
format, changing a project's codebook during a study (core.coding.codebook_update)."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import Command, print_json
from annotator.core.codebook import CodebookField, Scope, codebook_json_schema, load_codebook
from annotator.core.errors import AnnotatorError
from annotator.core.field_values import FieldType


def register(command: Command) -> None:
    """Add `codebook` and its subcommands to the main parser (called by annotator.cli)."""
    codebook = command("codebook", _no_subcommand)
    codebook_commands = codebook.add_subparsers(
        title="codebook commands", metavar="COMMAND", required=True
    )
    sub = codebook_commands.add_parser("validate", help="check a codebook file")
    sub.add_argument("file", type=Path)
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=_codebook_validate)
    sub = codebook_commands.add_parser("schema", help="print the codebook JSON Schema")
    sub.set_defaults(handler=_codebook_schema)
    sub = codebook_commands.add_parser(
        "update",
        help="change a project's codebook: list the changes, refuse to orphan codes, apply",
    )
    sub.add_argument("project")  # read as a location by the handler: --help opens nothing
    sub.add_argument("file", type=Path, help="the new codebook (JSON)")
    sub.add_argument(
        "--map",
        type=Path,
        dest="mapping",
        help='where orphaned codes go (JSON): {"field.old_code": "new_code", "field": null}',
    )
    sub.add_argument("--dry-run", action="store_true", help="list the changes; write nothing")
    sub.set_defaults(handler=_codebook_update)


def _no_subcommand(_args: argparse.Namespace) -> None:
    raise AnnotatorError("name a codebook command (annotator codebook --help)")


def _codebook_validate(args: argparse.Namespace) -> None:
    book = load_codebook(args.file)
    if args.json:
        print_json(
            {
                "valid": True,
                "name": book.name,
                "version": book.version,
                "fields": [f.key for f in book.fields],
            }
        )
        return
    fields = ", ".join(f"{f.key} ({_described(f)})" for f in book.fields)
    print(f"{args.file}: valid codebook {book.name!r} {book.version}: {fields}")


def _described(field: CodebookField) -> str:
    """`nominal, 3 codes` for format 1's kind of field; scope, type and condition too
    for the others."""
    parts = [] if field.scope is Scope.UNIT else ["per article"]
    if field.type is not FieldType.SINGLE:
        parts.append(field.type.value)
    parts.append(field.level.value)
    if field.has_categories:
        parts.append(f"{len(field.categories)} codes")
    if field.when is not None:
        parts.append("conditional")
    return ", ".join(parts)


def _codebook_schema(_args: argparse.Namespace) -> None:
    print_json(codebook_json_schema())


def _codebook_update(args: argparse.Namespace) -> None:
    """List the changes one a line; then apply them, or refuse on one line (exit 2)."""
    from annotator.cli.passphrase import require_supervisor
    from annotator.core.coding.codebook_mapping import NO_MAPPING, load_mapping
    from annotator.core.coding.codebook_update import (
        UpdateRefused,
        plan_update,
        update_codebook,
    )
    from annotator.core.store.location import project_location
    from annotator.core.store.project import Project

    new = load_codebook(args.file)
    mapping = load_mapping(args.mapping) if args.mapping else NO_MAPPING
    with Project.open(project_location(args.project)) as project:
        plan = plan_update(project, new, mapping)
        if plan.unchanged:
            print(f"{project.label}: no changes (the codebook is already {new.name} {new.version})")
            return
        for line in plan.changes:
            print(line)
        if plan.refusal:
            raise UpdateRefused(plan.refusal)
        if args.dry_run:
            print(
                f"dry run: nothing written ({plan.remapped} code(s) would be remapped, "
                f"{plan.dropped} dropped)"
            )
            return
        require_supervisor(
            project, "codebook update", why="updating the codebook is the supervisor's"
        )
        print(update_codebook(project, new, mapping).summary())
