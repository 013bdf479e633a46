"""`annotator suggest`: the machine's suggestions, stored as the codes of `suggester`."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from annotator.cli.output import Command, JsonListPrinter
from annotator.core.store.location import project_location
from annotator.core.store.project import Project
from annotator.core.suggest.as_coder import SUGGESTER, run_suggester
from annotator.core.suggest.switch import set_suggestions_for_coders, suggestions_for_coders


def register(command: Command) -> None:
    """Add `suggest` to the main parser (called by annotator.cli)."""
    sub = command("suggest", _suggest)
    sub.add_argument("project", type=project_location)
    sub.add_argument("--article", help="only this article (its key)")
    sub.add_argument(
        "--json", action="store_true", help="print one record per unit: codes, cue, source"
    )
    sub.add_argument("--dry-run", action="store_true", help="show what would change; store nothing")
    sub.add_argument(
        "--for-coders",
        choices=["on", "off"],
        help="show suggestions to coders in the window, project-wide (off for a blind study); "
        "with this option nothing is suggested",
    )


def _suggest(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        if args.for_coders is not None:
            set_suggestions_for_coders(project, args.for_coders == "on")
            state = "on" if suggestions_for_coders(project) else "off"
            print(f"{project.label}: suggestions for coders {state} (saved)")
            return
        printer = JsonListPrinter() if args.json else None
        run = run_suggester(
            project,
            args.article,
            dry_run=args.dry_run,
            on_record=(lambda record: printer.add(record.to_dict())) if printer else None,
        )
        if printer is not None:
            printer.close()
    verb = "would change" if run.dry_run else "changed"
    saved = "" if run.dry_run else " (saved)"
    print(
        f"{run.suggested} unit(s) suggested by {run.version}; {verb} "
        f"{run.changed} code(s) of coder {SUGGESTER!r}{saved}{_skipped(run.skipped)}",
        file=sys.stderr if args.json else sys.stdout,
    )


def _skipped(skipped: Counter[str]) -> str:
    """'; skipped 3 article(s) not in English (de 2, fr 1)', or nothing."""
    if not skipped:
        return ""
    languages = ", ".join(f"{language} {n}" for language, n in skipped.most_common())
    return f"; skipped {skipped.total()} article(s) not in English ({languages})"
