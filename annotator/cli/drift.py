"""`annotator recheck` and `drift`: a coder's earlier units come back to them, blind, and
their agreement with their own first codes is shown next to agreement between coders.

A thin layer over `annotator.core.study.recheck` and `drift`. Scheduling and the drift
figures show whose codes are compared, so they ask for the supervisor passphrase where one
is set; listing one's own pending re-check shows unit texts only, never codes.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import Command, print_json
from annotator.cli.passphrase import require_supervisor
from annotator.core.agreement.bootstrap import DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_BOOTSTRAP_SEED
from annotator.core.agreement.report import FieldAgreement
from annotator.core.coding.coder_names import printable_name
from annotator.core.errors import AnnotatorError
from annotator.core.store.location import project_location
from annotator.core.store.project import Project
from annotator.core.study.drift import RecheckDrift, drift
from annotator.core.study.plan import new_seed
from annotator.core.study.recheck import pending_rows, schedule_recheck


def register(command: Command) -> None:
    """Add `recheck` and `drift` to the main parser (called by annotator.cli)."""
    recheck = command("recheck", _recheck)
    recheck.add_argument("project", type=project_location)
    recheck.add_argument("--coder", required=True, help="the coder whose units come back")
    recheck.add_argument(
        "--units", type=int, metavar="N", help="schedule N units (without: list the pending)"
    )
    recheck.add_argument("--seed", type=int, help="seed of the draw (default: a new one, printed)")
    recheck.add_argument(
        "--older-than", type=int, metavar="DAYS", help="only units coded at least DAYS ago"
    )
    recheck.add_argument("--json", action="store_true")

    figures = command("drift", _drift)
    figures.add_argument("project", type=project_location)
    figures.add_argument("--coder", help="only this coder's re-checks")
    figures.add_argument("--bootstrap", type=int, default=DEFAULT_BOOTSTRAP_SAMPLES, metavar="N")
    figures.add_argument("--seed", type=int, default=DEFAULT_BOOTSTRAP_SEED)
    figures.add_argument("--json", action="store_true")


def _recheck(args: argparse.Namespace) -> int:
    if args.units is None:
        if args.seed is not None or args.older_than is not None:
            raise AnnotatorError("--seed and --older-than go with --units N")
        return _pending(args)
    seed = new_seed() if args.seed is None else args.seed
    with Project.open(args.project) as project:
        require_supervisor(project, "recheck")
        recheck = schedule_recheck(project, args.coder, args.units, seed, args.older_than)
    if args.json:
        print_json(recheck.to_dict())
    else:
        print(
            f"re-check of {printable_name(recheck.coder)!r} scheduled {recheck.scheduled_at}: "
            f"{len(recheck.units)} units (seed {recheck.seed})"
        )
    return 0


def _pending(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        rows = pending_rows(project, args.coder)
    if args.json:
        print_json([{"unit": row.key, "text": row.text} for row in rows])
    elif not rows:
        print(f"nothing to re-check for {printable_name(args.coder.strip())!r}")
    else:
        print(f"{len(rows)} units to re-check (code them with `annotator code --recheck`):")
        print("\n".join(f"  {row.key}  {printable_name(row.text)}" for row in rows))
    return 0


def _drift(args: argparse.Namespace) -> int:
    if args.bootstrap < 0:
        raise AnnotatorError("--bootstrap cannot be negative")
    with Project.open(args.project) as project:
        require_supervisor(project, "drift")
        reports = drift(project, args.coder, bootstrap_samples=args.bootstrap, seed=args.seed)
    if args.json:
        print_json([report.to_dict() for report in reports])
    elif not reports:
        print("no re-checks scheduled yet: schedule one with `annotator recheck --units N`")
    else:
        print("\n".join(line for report in reports for line in _lines(report)))
    return 0


def _lines(report: RecheckDrift) -> list[str]:
    recheck = report.recheck
    lines = [
        f"{printable_name(recheck.coder)}, re-check of {recheck.scheduled_at}: "
        f"{report.units_recoded} of {len(recheck.units)} units coded again"
    ]
    for field in report.fields:
        lines.append(
            f"  {field.field:<20} intra-coder {_alpha(field.intra)}   "
            f"inter-coder {_alpha(field.inter)}"
        )
    return lines


def _alpha(report: FieldAgreement | None) -> str:
    if report is None:
        return "not coded yet"
    alpha = report.krippendorff_alpha
    if alpha.value is None:
        return f"undefined ({alpha.reason})"
    interval = (
        f" [{alpha.ci_low:.3f}, {alpha.ci_high:.3f}]"
        if alpha.ci_low is not None and alpha.ci_high is not None
        else ""
    )
    return f"alpha {alpha.value:.3f}{interval} ({report.n_units} units)"
