"""Everyday commands on a project: `new`, `import`, `articles`, `drop-article`, `units`,
`code`, `info`.

The readers and the segmenter (pysbd, HTML and .docx parsers) are imported by `import`
alone, so that `code` and the listings start without them.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys

from annotator.cli.output import EXIT_USER_ERROR, Command, print_json, print_json_stream
from annotator.cli.passphrase import require_supervisor, supervisor_present
from annotator.cli.progress import ProgressBar
from annotator.core import field_values
from annotator.core.codebook import Codebook, resolve_codebook
from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.coding.article_metadata import (
    counts_by_outlet_and_language,
    metadata_of,
    near_duplicate_pairs,
)
from annotator.core.coding.coder_names import printable_name
from annotator.core.errors import AnnotatorError
from annotator.core.field_values import FieldType
from annotator.core.ingest.documents import one_line
from annotator.core.store import backup
from annotator.core.store.location import project_location
from annotator.core.store.models import NOTE_TARGET, Origin
from annotator.core.store.project import Project
from annotator.core.study.recheck import code_recheck_unit


def register(command: Command) -> None:
    """Add the project commands to the main parser (called by annotator.cli)."""
    sub = command("new", _new)
    sub.add_argument("project", type=project_location)
    sub.add_argument(
        "--codebook",
        help="codebook file, or a bundled one: source-reliability (default), admiralty",
    )
    sub.add_argument("--name", help="project name (default: the file name)")

    sub = command("import", _import)
    sub.add_argument("project", type=project_location)
    sub.add_argument("files", nargs="+")
    sub.add_argument(
        "--format",
        default="txt",
        help="format of standard input (txt, md, html, docx, pdf, rtf, csv)",
    )
    sub.add_argument("--json", action="store_true", help="print the report as JSON")

    sub = command("articles", _articles)
    sub.add_argument("project", type=project_location)
    sub.add_argument("--coder", help="show this coder's progress")
    sub.add_argument("--json", action="store_true")

    sub = command("drop-article", _drop_article)
    sub.add_argument("project", type=project_location)
    sub.add_argument("article", help="the article's key (one of a near-duplicate pair, say)")

    sub = command("units", _units)
    sub.add_argument("project", type=project_location)
    sub.add_argument("--article", help="only this article (its key)")
    sub.add_argument("--coder", help="show this coder's codes")
    sub.add_argument("--json", action="store_true")

    sub = command("code", _code)
    sub.add_argument("project", type=project_location)
    sub.add_argument("--coder", required=True)
    sub.add_argument("unit", help="unit key, e.g. harbor-deal#4")
    sub.add_argument("assignments", nargs="+", metavar="FIELD=CODE")
    sub.add_argument("--note", help="also set the coder's note on the unit")
    sub.add_argument(
        "--recheck", action="store_true", help="code a unit of the coder's scheduled re-check"
    )

    sub = command("info", _info)
    sub.add_argument("project", type=project_location)
    sub.add_argument("--json", action="store_true")
    sub.add_argument(
        "--check",
        action="store_true",
        help="also read the whole file with SQLite's quick check (slow on a large project)",
    )


def _new(args: argparse.Namespace) -> None:
    with Project.create(args.project, resolve_codebook(args.codebook), args.name) as project:
        book = project.codebook
        print(f"created {project.label} (codebook {book.name} {book.version})")


def _import(args: argparse.Namespace) -> int:
    from annotator.core.ingest.into_project import BATCH_SIZE, import_paths, import_stdin

    with (
        Project.open(args.project) as project,
        # a CSV batch of many rows: counted as its articles are stored
        ProgressBar("storing", "article", min_total=2 * BATCH_SIZE) as articles,
    ):
        if args.files == ["-"]:
            report = import_stdin(project, sys.stdin.buffer, args.format, articles)
        else:
            with ProgressBar("importing", "file") as progress:
                report = import_paths(project, args.files, progress, articles)
    if args.json:
        print_json(
            {
                "imported": report.imported,
                "units": report.units,
                "duplicates": report.duplicates,
                "failures": report.failures,
                "notes": report.notes,
                "skipped": report.skipped,
            }
        )
    else:
        for line in report.lines():
            print(line, file=sys.stderr)
        print(
            f"imported {len(report.imported)} article(s), {report.units} unit(s); "
            f"{len(report.duplicates)} duplicate(s) skipped, {len(report.failures)} failure(s)"
        )
    return EXIT_USER_ERROR if report.failures else 0


def _articles(args: argparse.Namespace) -> None:
    """One line per article (a near-duplicate says which article it repeats); with
    --json, every column and every metadata field the import kept. Articles are read
    without their texts and printed as they come."""
    with Project.open(args.project) as project:
        done = coding.progress(project, args.coder) if args.coder else None
        totals = (  # progress has counted them already
            {i: p.total for i, p in done.items()}
            if done is not None
            else coding.units_to_code(project)
        )
        pairs = near_duplicate_pairs(project)
        listing = lookups.article_listing(project)
        if args.json:
            print_json_stream(_article_row(row, pairs, totals, done) for row in listing)
            return
        for row in listing:
            count = totals.get(row.id, 0)
            state = f"  {count} to code" if done is None else f"  {done[row.id].complete}/{count}"
            twin = pairs.get(row.key)
            flag = f"  [near-duplicate of {twin}]" if twin else ""
            print(f"{row.key:<30} {row.title[:60]}{state}{flag}")


def _article_row(row, pairs: dict, totals: dict, done: dict | None) -> dict:
    """One article of `annotator articles --json`."""
    item = {
        "key": row.key,
        "title": row.title,
        "outlet": row.outlet,
        "published": row.published,
        "author": row.author,
        "url": row.url,
        "source": row.source,
        "metadata": metadata_of(row.metadata_json),
        "near_duplicate_of": pairs.get(row.key),
        "units_to_code": totals.get(row.id, 0),
        "sha256": row.sha256,
    }
    if done is not None:
        item["complete"] = done[row.id].complete
    return item


def _drop_article(args: argparse.Namespace) -> None:
    from annotator.core.ingest.removal import drop_article

    with Project.open(args.project) as project:
        require_supervisor(project, "drop-article")
        units = drop_article(project, args.article)
    print(f"dropped {args.article} ({units} unit(s))")


def _units(args: argparse.Namespace) -> None:
    """One line per unit (line breaks shown as ⏎; on a terminal, cut to its width)."""
    with Project.open(args.project) as project:
        if args.coder:
            require_supervisor(project, "units --coder")
        rows = lookups.list_units(project, args.article)
        codes = {}
        if args.coder and rows:  # of the one article asked for, or of all
            article_id = rows[0].article_id if args.article else None
            codes = coding.coder_codes(project, args.coder, article_id)
    if args.json:
        print_json(
            [
                {**row.as_dict(), **({"codes": codes.get(row.id, {})} if args.coder else {})}
                for row in rows
            ]
        )
        return
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    for row in rows:
        coded = " ".join(f"{k}={v}" for k, v in sorted(codes.get(row.id, {}).items()))
        suffix = f"  [{coded}]" if coded else ""
        prefix = f"{row.key:<24} {row.kind:<9} "
        room = max(width - len(prefix) - len(suffix), 10) if width else None
        print(prefix + one_line(row.text, room) + suffix)


def _code(args: argparse.Namespace) -> None:
    """Set a coder's codes. What the unit held before is shown only to the supervisor (no
    passphrase set, or it is in the environment): anyone may code under any name, and the
    previous codes are the coder's own, which other coders must not read."""
    assignments = dict(_parse_assignment(item) for item in args.assignments)
    with Project.open(args.project) as project:
        show_old = supervisor_present(project)
        assignments = _as_codes(project.codebook, assignments)
        unit = lookups.find_unit(project, args.unit)
        if args.recheck:  # blind: what the coder coded first is never shown
            _code_recheck(project, args, unit, assignments)
            return
        changes = coding.apply_codes(
            project, args.coder, unit.id, assignments, origin=Origin.COMMAND_LINE
        )
        if args.note is not None:
            note = coding.set_note(
                project, args.coder, unit.id, args.note, origin=Origin.COMMAND_LINE
            )
            changes += [note] if note else []
    if not show_old:
        for target, new in [*assignments.items(), *_note_assignment(args.note)]:
            print(f"{unit.key}: {target} -> {new or '-'} (saved)")
        return
    if not changes:
        print(f"{unit.key}: unchanged")
    for change in changes:
        print(f"{unit.key}: {change.target} {change.old or '-'} -> {change.new or '-'} (saved)")


def _code_recheck(
    project: Project, args: argparse.Namespace, unit: lookups.UnitRow, codes: dict
) -> None:
    """`code --recheck`: the coder's codes of a unit of their re-check, as `~recheck`."""
    if args.note is not None:
        raise AnnotatorError("a re-check codes the fields only, not the note")
    code_recheck_unit(project, args.coder, unit.id, codes)
    for target, new in codes.items():
        print(f"{unit.key}: {target} -> {new or '-'} (saved as a re-check)")


def _note_assignment(note: str | None) -> list[tuple[str, str | None]]:
    return [] if note is None else [(NOTE_TARGET, note.strip() or None)]


def _info(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        summary = project.summary() | counts_by_outlet_and_language(project)
        if not project.on_server:
            summary["backups"] = backup.schedule(project.path)
            if args.check:
                backup.check_intact(project.path)  # a damaged file: one line, exit 2
                summary["check"] = "ok (SQLite's quick check of the whole file)"
    if args.json:
        print_json(summary)
        return
    for key, value in summary.items():
        if key == "backups":
            value = f"{value['folder']}; newest {value['newest']}; made {value['when']}"
        elif isinstance(value, dict) and all(isinstance(v, int) for v in value.values()):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"  # counts by name
        elif isinstance(value, dict):
            value = " ".join(str(v) for v in value.values())
        elif isinstance(value, list):
            value = ", ".join(value) or "-"
        print(printable_name(f"{key:<11} {value}"))  # a coder name's hidden characters escaped


def _as_codes(codebook: Codebook, assignments: dict[str, str | None]) -> dict[str, str | None]:
    """FIELD=KEY and FIELD=VALUE as well as FIELD=CODE (`attribution=3`); several keys or
    codes for a multiple choice (`topics=p,e`); a number, text or date as typed
    (field_values.parse). What matches nothing is left for the coding service to refuse
    with its own message."""
    fields = {f.key: f for f in codebook.fields}
    codes: dict[str, str | None] = {}
    for key, text in assignments.items():
        field = fields.get(key)
        if field is None or text is None:
            codes[key] = text
        elif field.type is FieldType.SINGLE:
            category = field.typed(text)
            codes[key] = category.code if category is not None else text
        elif field.type is FieldType.MULTIPLE:
            parts = [field.typed(part) for part in re.split(r"[;,|]", text) if part.strip()]
            if parts and all(parts):
                codes[key] = field_values.join_choices(field, [p.code for p in parts if p])
            else:
                codes[key] = field_values.parse(field, text)  # names the part it cannot read
        else:
            codes[key] = field_values.parse(field, text)
    return codes


def _parse_assignment(text: str) -> tuple[str, str | None]:
    field, sep, code = text.partition("=")
    if not sep or not field:
        raise AnnotatorError(f"{text!r}: expected FIELD=CODE (FIELD= clears the field)")
    return field.strip(), code.strip() or None
