"""Correcting a project's units without importing again: `unit split|merge|kind`.

Each command names a unit by its key (`ferry-strike#3`), calls the core's
`ingest.corrections` (which refuses units someone has coded) and prints what the
units around the change now are.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import Command
from annotator.core.codebook import UNIT_KINDS
from annotator.core.coding import lookups
from annotator.core.errors import AnnotatorError
from annotator.core.ingest import corrections
from annotator.core.ingest.documents import one_line
from annotator.core.store.location import project_location
from annotator.core.store.project import Project


def register(command: Command) -> None:
    """Add `unit split|merge|kind` to the main parser (called by annotator.cli)."""
    parser = command("unit", _usage)
    actions = parser.add_subparsers(title="actions", metavar="ACTION")

    split = actions.add_parser(
        "split", help="cut a unit in two", description="cut a unit in two before a point"
    )
    split.set_defaults(handler=_split)
    _project_and_unit(split)
    where = split.add_mutually_exclusive_group(required=True)
    where.add_argument("--at", type=int, help="cut before this character of the unit (from 0)")
    where.add_argument("--before", metavar="TEXT", help="cut before this text in the unit")

    merge = actions.add_parser(
        "merge", help="join a unit with the next", description="join a unit with the next one"
    )
    merge.set_defaults(handler=_merge)
    _project_and_unit(merge)

    kind = actions.add_parser(
        "kind",
        help="change a unit's kind",
        description="make a unit a title, heading, "
        "sentence or page furniture (furniture is never coded)",
    )
    kind.set_defaults(handler=_kind)
    _project_and_unit(kind)
    kind.add_argument("kind", choices=UNIT_KINDS)


def _project_and_unit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", type=project_location)
    parser.add_argument("unit", help="unit key, e.g. ferry-strike#3")


def _usage(args: argparse.Namespace) -> None:
    raise AnnotatorError("say what to do: annotator unit split|merge|kind PROJECT UNIT ...")


def _split(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        unit = lookups.find_unit(project, args.unit)
        offset = _refused_as(
            unit.key,
            corrections.split_offset,
            unit.start,
            unit.text,
            at=args.at,
            before=args.before,
        )
        _refused_as(unit.key, corrections.split_unit, project, unit.id, offset)
        _show(project, unit.article_key, unit.idx, 2)


def _merge(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        unit = lookups.find_unit(project, args.unit)
        _refused_as(unit.key, corrections.merge_with_next, project, unit.id)
        _show(project, unit.article_key, unit.idx, 1)


def _kind(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        unit = lookups.find_unit(project, args.unit)
        if _refused_as(unit.key, corrections.set_kind, project, unit.id, args.kind) is None:
            print(f"{unit.key}: already a {args.kind}")
            return
        _show(project, unit.article_key, unit.idx, 1)


def _refused_as(key: str, correction, *arguments, **options):
    """Run a correction; a refusal says which unit was left as it was, and why."""
    try:
        return correction(*arguments, **options)
    except AnnotatorError as error:
        raise AnnotatorError(f"{key} not changed: {error}") from None


def _show(project: Project, article_key: str, first_idx: int, count: int) -> None:
    rows = lookups.list_units(project, article_key)
    for row in rows[first_idx - 1 : first_idx - 1 + count]:
        print(f"{row.key:<24} {row.kind:<9} {one_line(row.text, 70)}")
