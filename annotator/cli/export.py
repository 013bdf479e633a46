"""The `export` and `import-codes` commands: a thin layer over annotator.core.export
and annotator.core.code_import. Registered by annotator.cli through `register`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from annotator.cli.output import Command
from annotator.cli.passphrase import require_supervisor
from annotator.cli.progress import ProgressBar
from annotator.core.coding.codebook_check import SkippedCodes
from annotator.core.coding.codes_from_csv import import_codes
from annotator.core.errors import AnnotatorError
from annotator.core.export import (
    FORMATS,
    LAYOUTS,
    ExportOptions,
    export,
    export_csv_stream,
    format_for_path,
    mixed_versions,
    mixed_versions_message,
)
from annotator.core.store.location import project_location
from annotator.core.store.outputs import check_output
from annotator.core.store.project import Project


def register(command: Command) -> None:
    """Add the export commands to the main parser."""
    sub = command("export", _export)
    sub.add_argument("project", type=project_location)
    sub.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="long",
        help="long: a row per unit and coder (default); wide: a row per unit, a column per "
        "coder and field; consensus: adjudicated or agreed codes; articles: article fields and "
        "code counts; sources: a row per source, article and coder",
    )
    sub.add_argument(
        "--format", choices=FORMATS, help="default: from the ending (.sav, .dta, .xlsx), else csv"
    )
    mode = sub.add_mutually_exclusive_group()
    mode.add_argument("--values", action="store_true", help="write numeric category values")
    mode.add_argument("--labels", action="store_true", help="write category labels")
    sub.add_argument("--coders", help="only these coders, comma-separated (A,B)")
    sub.add_argument("--article", action="append", help="only this article (key); repeatable")
    sub.add_argument("--bom", action="store_true", help="start the CSV with a UTF-8 BOM (Excel)")
    sub.add_argument("-o", "--output", required=True, help="file to write; - for CSV on stdout")

    sub = command("import-codes", _import_codes)
    sub.add_argument("project", type=project_location)
    sub.add_argument("file", type=Path)
    sub.add_argument("--coder", help="the coder of every row (for files without a coder column)")
    sub.add_argument("--json", action="store_true", help="print the report as JSON")


def _export(args: argparse.Namespace) -> None:
    options = ExportOptions(
        layout=args.layout,
        values="values" if args.values else "labels" if args.labels else "codes",
        coders=_names(args.coders),
        articles=tuple(args.article) if args.article else None,
    )
    to_stdout = args.output == "-"
    if not to_stdout:
        check_output(args.output, args.project)
    fmt = (args.format or "csv") if to_stdout else format_for_path(args.output, args.format)
    if to_stdout and fmt != "csv":
        raise AnnotatorError(f"{fmt} files cannot be written to standard output; use -o FILE")
    if fmt != "csv" and (args.values or args.labels):
        print(
            f"annotator: note: .{fmt} files always hold values with value labels",
            file=sys.stderr,
        )
    with Project.open(args.project) as project:
        require_supervisor(project, "export")
        if to_stdout:
            skipped = SkippedCodes()
            export_csv_stream(project, sys.stdout.buffer, options, bom=args.bom, skipped=skipped)
            sys.stdout.flush()
            for message in (
                skipped.message(),
                mixed_versions_message(mixed_versions(project, options)),
            ):
                if message is not None:
                    print(f"annotator: {message}", file=sys.stderr)
            return
        with ProgressBar("exporting", "unit", min_total=10_000) as progress:
            result = export(project, args.output, options, fmt, bom=args.bom, progress=progress)
    for message in (result.skipped.message(), mixed_versions_message(result.versions)):
        if message is not None:
            print(f"annotator: {message}", file=sys.stderr)
    for column, name in result.renamed.items():
        print(f"annotator: column {column!r} is variable {name!r}", file=sys.stderr)
    print(f"wrote {result.rows} row(s) to {result.path} ({args.layout} layout, {fmt})")


def _import_codes(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        report = import_codes(project, args.file, args.coder)
    if args.json:
        json.dump(report.__dict__, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(report.summary())


def _names(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise AnnotatorError("--coders needs at least one coder name")
    return names
