"""Finding things across a project from the command line: `retrieve` and `search`.

`retrieve` lists the units matching a code, a note, low confidence or a difference from
the suggester (the core's `coding.retrieval`); it shows coders' codes, so where the
project has a supervisor passphrase it asks for it, as `units --coder` does. `search`
lists every match of a word with its context (`coding.keyword_search`); it shows only
the articles' text. Both print a table, or with --csv the annotator CSV dialect and
with --json JSON.
"""

from __future__ import annotations

import argparse
import sys

from annotator.cli.output import Command, print_json
from annotator.cli.passphrase import require_supervisor
from annotator.core.coding.coder_names import known_coders
from annotator.core.coding.finding_csv import csv_text, keyword_table, retrieval_table
from annotator.core.coding.keyword_search import DEFAULT_LIMIT as SEARCH_LIMIT
from annotator.core.coding.keyword_search import search_articles
from annotator.core.coding.retrieval import DEFAULT_LIMIT, Criteria, retrieve
from annotator.core.errors import AnnotatorError
from annotator.core.ingest.documents import one_line
from annotator.core.store.location import project_location
from annotator.core.store.project import Project


def register(command: Command) -> None:
    """Add `retrieve` and `search` (called by annotator.cli)."""
    parser = command("retrieve", _retrieve)
    parser.add_argument("project", type=project_location)
    parser.add_argument("--code", metavar="FIELD=CODE", help="units coded so (CODE, key or value)")
    parser.add_argument("--field", metavar="FIELD", help="units with this field coded at all")
    parser.add_argument(
        "--coder", action="append", default=[], help="whose codes (repeat; default: every coder)"
    )
    parser.add_argument("--note", action="store_true", help="only units with a note")
    parser.add_argument("--low-confidence", action="store_true", help="only low confidence")
    parser.add_argument(
        "--differs-from-suggester", action="store_true", help="only where the suggester differs"
    )
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="at most this many")
    _formats(parser)

    search = command("search", _search)
    search.add_argument("project", type=project_location)
    search.add_argument("text", help="the word or phrase (case-insensitive, never a pattern)")
    search.add_argument("--whole-word", action="store_true", help="not inside a longer word")
    search.add_argument("--limit", type=int, default=SEARCH_LIMIT, help="at most this many")
    _formats(search)


def _formats(parser: argparse.ArgumentParser) -> None:
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON")
    output.add_argument("--csv", action="store_true", help="CSV (annotator's dialect)")


def _retrieve(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        require_supervisor(project, "retrieve")
        field, code = _field_and_code(project, args.code, args.field)
        criteria = Criteria(
            tuple(args.coder) or tuple(known_coders(project)),
            field,
            code,
            with_note=args.note,
            low_confidence=args.low_confidence,
            differs_from_suggester=args.differs_from_suggester,
            limit=args.limit,
        )
        found = retrieve(project, criteria)
        header, rows = retrieval_table(project.codebook, found.units)
    if args.json:
        print_json([dict(zip(header, row, strict=True)) for row in rows])
    elif args.csv:
        sys.stdout.write(csv_text(header, rows))
    else:
        for u in found.units:
            codes = " ".join(f"{k}={v}" for k, v in u.codes.items())
            note = f"  note: {one_line(u.note, 60)}" if u.note else ""
            print(f"{u.unit_key:<24} {u.coder:<12} {one_line(u.text, 60)}  [{codes}]{note}")
        print(f"{len(found.units)} unit(s): {criteria.describe()}", file=sys.stderr)
    _say_cut(found.truncated, len(found.units))


def _field_and_code(project: Project, code: str | None, field: str | None):
    if code is None:
        return field, None
    key, sep, value = code.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise AnnotatorError(f"--code {code!r}: expected FIELD=CODE")
    chosen = project.codebook.field(key.strip())
    category = chosen.typed(value)
    if category is None:
        known = ", ".join(c.code for c in chosen.categories)
        raise AnnotatorError(f"--code {code!r}: {key.strip()} has no such code (codes: {known})")
    return chosen.key, category.code


def _search(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        found = search_articles(project, args.text, whole_word=args.whole_word, limit=args.limit)
    header, rows = keyword_table(found.hits)
    if args.json:
        print_json([dict(zip(header, row, strict=True)) for row in rows])
    elif args.csv:
        sys.stdout.write(csv_text(header, rows))
    else:
        for h in found.hits:
            print(
                f"{h.unit_key:<24} {one_line(h.left, 40):>40} [{h.match}] {one_line(h.right, 40)}"
            )
    _say_cut(found.truncated, len(found.hits))


def _say_cut(truncated: bool, count: int) -> None:
    if truncated:
        print(f"only the first {count} are listed (--limit)", file=sys.stderr)
