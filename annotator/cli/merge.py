"""`annotator merge`: bringing other coders' project files into a project.

A thin layer over `annotator.core.supervision.merge`; this module parses arguments and
prints the reports.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.cli.output import EXIT_USER_ERROR, Command, print_json
from annotator.cli.passphrase import ask_passphrase, require_supervisor
from annotator.core.coding.coder_names import printable_name
from annotator.core.errors import AnnotatorError
from annotator.core.store.location import project_location
from annotator.core.store.project import Project
from annotator.core.supervision.merge import MergeReport, dry_run_merges, merge_project
from annotator.core.supervision.merge_report import (
    KEPT_CONSENSUS,
    KEPT_HELD,
    KEPT_MEMO,
    KEPT_SOURCE,
    KEPT_TARGET,
    merge_table_text,
)
from annotator.core.supervision.merge_source import Unlock

SHOWN_LINES = 20  # conflicts or skipped codes listed in full before "... and N more"
KEPT_WORDS = {
    KEPT_SOURCE: "kept theirs (newer)",
    KEPT_TARGET: "kept ours",
    KEPT_HELD: "kept ours; theirs is newer (--accept-changes takes it)",
    KEPT_CONSENSUS: "kept ours (the consensus)",
    KEPT_MEMO: "kept our memo; a merge never replaces one",
}


def register(command: Command) -> None:
    """Add `merge` to the main parser (called by annotator.cli)."""
    sub = command("merge", _merge)
    sub.add_argument(
        "target", type=project_location, help="the project to merge into (it is changed)"
    )
    sub.add_argument(
        "sources",
        nargs="+",
        type=project_location,
        help="project files or server URLs to merge (not changed)",
    )
    sub.add_argument("--json", action="store_true", help="print the merge reports as JSON")
    sub.add_argument(
        "--accept-changes",
        action="store_true",
        help="let the sources change or remove codes and notes the target already holds "
        "(where theirs are newer; never the consensus); without it those are only listed",
    )
    sub.add_argument(
        "--dry-run",
        action="store_true",
        help="print what merging would do, a row per coder of each source, and write nothing",
    )


def _merge(args: argparse.Namespace) -> int:
    """Merge each source in turn; a refused source is reported and the others still merge."""
    if args.dry_run:
        return _dry_run(args)
    results: list[dict] = []
    reports: list[MergeReport] = []
    refused = False
    with Project.open(args.target) as target:
        unlock = _unlocker(require_supervisor(target, "merge"))
        for source in args.sources:
            try:
                report = merge_project(
                    target, source, unlock=unlock, accept_changes=args.accept_changes
                )
            except AnnotatorError as error:
                refused = True
                print(f"annotator: {error}", file=sys.stderr)
                results.append({"source": str(source), "refused": str(error)})
                continue
            results.append(report.to_dict())
            reports.append(report)
            if not args.json:
                _print(_merge_lines(report, args.target))
    if args.json:
        print_json(results)
    elif any(r.changed or r.conflicts or r.skipped for r in reports):
        _print(["", "per coder:", *merge_table_text(reports)])
    if (held := sum(len(r.held) for r in reports)) and not args.json:
        print(
            f"annotator: {held} change(s) to codes or notes the target holds were not made; "
            "check them above and merge again with --accept-changes to make them",
            file=sys.stderr,
        )
    return EXIT_USER_ERROR if refused else 0


def _unlocker(given: str | None) -> Unlock:
    """A source's passphrase: first the one given for the target (or in the environment),
    then, if that is not the source's, asked for that source (None when nobody answers)."""
    offered: set[str] = set()

    def unlock(source: str) -> str | None:
        if given is not None and source not in offered:
            offered.add(source)
            return given
        try:
            return ask_passphrase(f"merging {source} shows its coders' codes")
        except AnnotatorError:  # no terminal and nothing more on standard input
            return None

    return unlock


def _print(lines: list[str]) -> None:
    """Report lines, with any hidden character in names or keys shown as its escape."""
    print("\n".join(printable_name(line) for line in lines))


def _dry_run(args: argparse.Namespace) -> int:
    """The merge table of what merging would do; the target is not written to."""
    with Project.open(args.target) as target:
        unlock = _unlocker(require_supervisor(target, "merge"))
        planned = dry_run_merges(
            target, args.sources, unlock=unlock, accept_changes=args.accept_changes
        )
    for plan in planned:
        if plan.refused:
            print(f"annotator: {plan.refused}", file=sys.stderr)
    reports = [plan.report for plan in planned if plan.report is not None]
    if args.json:
        print_json(
            [
                {"source": plan.source, "refused": plan.refused}
                if plan.report is None
                else {**plan.report.to_dict(), "dry_run": True}
                for plan in planned
            ]
        )
    else:
        print(f"dry run: nothing was written to {args.target}")
        if reports:
            _print(merge_table_text(reports))
    return EXIT_USER_ERROR if any(plan.refused for plan in planned) else 0


def _merge_lines(report: MergeReport, target: Path) -> list[str]:
    if not report.changed and not report.conflicts and not report.skipped:
        return [f"{report.source}: nothing new for {target}"]
    added = ", ".join(report.articles_added)
    lines = [
        f"merged {report.source} into {target}",
        f"  articles added  {len(report.articles_added)}" + (f" ({added})" if added else ""),
        f"  units           {report.units_matched} matched, {report.units_added} added",
        f"  coders added    {', '.join(report.coders_added) or '-'}",
        f"  codes           {report.codes_added} added, {report.codes_updated} updated, "
        f"{report.codes_removed} removed, {report.codes_unchanged} unchanged",
        f"  notes           {report.notes_added} added, {report.notes_updated} updated, "
        f"{report.notes_removed} removed, {report.notes_unchanged} unchanged",
        f"  history         {report.history_added} row(s) added",
    ]
    if report.codebook_note:
        lines.append(f"  codebook        {report.codebook_note}")
    if report.conflicts:
        lines.append(
            f"  conflicts       {len(report.conflicts)} (same coder, different codes; "
            "the newer one wins with --accept-changes, never over the consensus):"
        )
        lines += _capped(
            f"    {c.unit} {c.coder} {c.field}: here {c.target_value or '-'} "
            f"({c.target_at:%Y-%m-%d %H:%M:%S}), there {c.source_value or '-'} "
            f"({c.source_at:%Y-%m-%d %H:%M:%S}); {KEPT_WORDS[c.kept]}"
            for c in report.conflicts
        )
    if report.skipped:
        lines.append(f"  skipped         {len(report.skipped)} code(s) or note(s):")
        lines += _capped(
            f"    {s.unit} {s.coder} {s.field}={s.value}: {s.reason}" for s in report.skipped
        )
    return lines


def _capped(lines) -> list[str]:
    lines = list(lines)
    if len(lines) <= SHOWN_LINES:
        return lines
    return [*lines[:SHOWN_LINES], f"    ... and {len(lines) - SHOWN_LINES} more (see --json)"]
