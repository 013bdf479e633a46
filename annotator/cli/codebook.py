"""`annotator codebook validate|schema`: checking a codebook file, printing the format."""

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
