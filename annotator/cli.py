"""The command line: a thin layer over annotator.core.

User errors print one line on stderr and exit 2; nothing here knows SQL.
The GUI is imported only by the commands that open it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from annotator import __version__
from annotator.cli_progress import ProgressBar
from annotator.core import coding, units
from annotator.core.codebook import codebook_json_schema, load_codebook, resolve_codebook
from annotator.core.errors import AnnotatorError
from annotator.core.importing import import_paths, import_stdin
from annotator.core.location import project_location
from annotator.core.project import Project

EXIT_USER_ERROR = 2
Handler = Callable[[argparse.Namespace], int | None]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", None) or _start_screen
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

    sub = command("new", _new, "create an empty project")
    sub.add_argument("project", type=project_location)
    sub.add_argument(
        "--codebook",
        help="codebook file, or a bundled one: source-reliability (default), admiralty",
    )
    sub.add_argument("--name", help="project name (default: the file name)")

    sub = command(
        "import", _import, "import articles (.txt .md .html .docx .csv, folders, - for stdin)"
    )
    sub.add_argument("project", type=project_location)
    sub.add_argument("files", nargs="+")
    sub.add_argument(
        "--format", default="txt", help="format of standard input (txt, md, html, csv)"
    )
    sub.add_argument("--json", action="store_true", help="print the report as JSON")

    sub = command("articles", _articles, "list the articles")
    sub.add_argument("project", type=project_location)
    sub.add_argument("--coder", help="show this coder's progress")
    sub.add_argument("--json", action="store_true")

    sub = command("units", _units, "list the units (sentences, titles, headings)")
    sub.add_argument("project", type=project_location)
    sub.add_argument("--article", help="only this article (its key)")
    sub.add_argument("--coder", help="show this coder's codes")
    sub.add_argument("--json", action="store_true")

    sub = command("code", _code, "code a unit: FIELD=CODE, or FIELD= to clear")
    sub.add_argument("project", type=project_location)
    sub.add_argument("--coder", required=True)
    sub.add_argument("unit", help="unit key, e.g. harbor-deal#4")
    sub.add_argument("assignments", nargs="+", metavar="FIELD=CODE")
    sub.add_argument("--note", help="also set the coder's note on the unit")

    sub = command("info", _info, "show what a project holds")
    sub.add_argument("project", type=project_location)
    sub.add_argument("--json", action="store_true")

    codebook = commands.add_parser("codebook", help="check codebooks, print the format's schema")
    codebook_commands = codebook.add_subparsers(
        title="codebook commands", metavar="COMMAND", required=True
    )
    sub = codebook_commands.add_parser("validate", help="check a codebook file")
    sub.add_argument("file", type=Path)
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=_codebook_validate)
    sub = codebook_commands.add_parser("schema", help="print the codebook JSON Schema")
    sub.set_defaults(handler=_codebook_schema)

    sub = command("gui", _gui, "open a project in the coding window")
    sub.add_argument("project", type=project_location)
    sub.add_argument("--coder", help="your coder name (remembered per project)")

    command("demo", _demo, "open a throw-away copy of the demo project in the coding window")

    for register in _command_modules():
        register(command)
    return parser


def _command_modules() -> list[Callable]:
    """Commands that live beside their feature (export, agreement, ...), each with `register`."""
    from annotator import cli_export, cli_maintenance, cli_review, cli_team

    return [cli_export.register, cli_review.register, cli_maintenance.register, cli_team.register]


# -- commands ---------------------------------------------------------------------------


def _new(args: argparse.Namespace) -> None:
    with Project.create(args.project, resolve_codebook(args.codebook), args.name) as project:
        book = project.codebook
        print(f"created {project.label} (codebook {book.name} {book.version})")


def _import(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        if args.files == ["-"]:
            report = import_stdin(project, sys.stdin.buffer.read(), args.format)
        else:
            with ProgressBar("importing", "file") as progress:
                report = import_paths(project, args.files, progress)
    if args.json:
        _print_json(
            {
                "imported": report.imported,
                "units": report.units,
                "duplicates": report.duplicates,
                "failures": report.failures,
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
    with Project.open(args.project) as project:
        articles = units.list_articles(project)
        done = coding.progress(project, args.coder) if args.coder else {}
        unit_counts = coding.progress(project, "")
    rows = []
    for article in articles:
        row = {
            "key": article.key,
            "title": article.title,
            "outlet": article.outlet,
            "published": article.published,
            "units_to_code": unit_counts[article.id].total,
            "sha256": article.sha256,
        }
        if args.coder:
            row["complete"] = done[article.id].complete
        rows.append(row)
    if args.json:
        _print_json(rows)
        return
    for row in rows:
        state = (
            f"  {row['complete']}/{row['units_to_code']}"
            if args.coder
            else f"  {row['units_to_code']} to code"
        )
        print(f"{row['key']:<30} {row['title'][:60]}{state}")


def _units(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        rows = units.list_units(project, args.article)
        codes = coding.coder_codes(project, args.coder) if args.coder else {}
    if args.json:
        _print_json(
            [
                {**row.as_dict(), **({"codes": codes.get(row.id, {})} if args.coder else {})}
                for row in rows
            ]
        )
        return
    for row in rows:
        coded = " ".join(f"{k}={v}" for k, v in sorted(codes.get(row.id, {}).items()))
        print(f"{row.key:<24} {row.kind:<8} {row.text[:70]}" + (f"  [{coded}]" if coded else ""))


def _code(args: argparse.Namespace) -> None:
    assignments = dict(_parse_assignment(item) for item in args.assignments)
    with Project.open(args.project) as project:
        unit = units.find_unit(project, args.unit)
        changes = coding.apply_codes(
            project, args.coder, unit.id, assignments, origin="command line"
        )
        if args.note is not None:
            note = coding.set_note(project, args.coder, unit.id, args.note, origin="command line")
            changes += [note] if note else []
    if not changes:
        print(f"{unit.key}: unchanged")
    for change in changes:
        print(f"{unit.key}: {change.target} {change.old or '-'} -> {change.new or '-'} (saved)")


def _info(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        summary = project.summary()
    if args.json:
        _print_json(summary)
        return
    for key, value in summary.items():
        if isinstance(value, dict):
            value = " ".join(str(v) for v in value.values())
        elif isinstance(value, list):
            value = ", ".join(value) or "-"
        print(f"{key:<11} {value}")


def _codebook_validate(args: argparse.Namespace) -> None:
    book = load_codebook(args.file)
    if args.json:
        _print_json(
            {
                "valid": True,
                "name": book.name,
                "version": book.version,
                "fields": [f.key for f in book.fields],
            }
        )
        return
    fields = ", ".join(f"{f.key} ({f.level}, {len(f.categories)} codes)" for f in book.fields)
    print(f"{args.file}: valid codebook {book.name!r} {book.version}: {fields}")


def _codebook_schema(_args: argparse.Namespace) -> None:
    _print_json(codebook_json_schema())


def _start_screen(_args: argparse.Namespace) -> int:
    from annotator.ui.app import run_start_screen

    return run_start_screen()


def _gui(args: argparse.Namespace) -> int:
    from annotator.ui.app import run_project

    return run_project(args.project, args.coder)


def _demo(_args: argparse.Namespace) -> int:
    from annotator.ui.app import run_demo

    return run_demo()


# -- helpers ----------------------------------------------------------------------------


def _parse_assignment(text: str) -> tuple[str, str | None]:
    field, sep, code = text.partition("=")
    if not sep or not field:
        raise AnnotatorError(f"{text!r}: expected FIELD=CODE (FIELD= clears the field)")
    return field.strip(), code.strip() or None


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    sys.exit(main())
