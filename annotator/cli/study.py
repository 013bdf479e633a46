"""`annotator plan`, `assign` and `progress`: running a study.

A thin layer over `annotator.core.study`; this module parses arguments and prints the
figures. (`annotator.cli.progress` is the progress bar of long commands, not this.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import Command, print_json
from annotator.core.errors import AnnotatorError
from annotator.core.store.location import project_location
from annotator.core.store.project import Project
from annotator.core.study.articles import article_facts
from annotator.core.study.assign import (
    CoderWork,
    assign_study,
    reassign,
    recorded_assignment,
    workloads,
)
from annotator.core.study.assignment_progress import STALLED_DAYS, StudyProgress, study_progress
from annotator.core.study.draw import STRATA
from annotator.core.study.plan import ReliabilityPlan, make_plan, new_seed, save_plan
from annotator.core.study.sample_size import SmallestShare, share_of_categories

MAX_STALLED_DAYS = 36_500
SHOWN_ARTICLES = 50  # drawn articles listed in full before "... and N more"


def register(command: Command) -> None:
    """Add `plan`, `assign` and `progress` to the main parser (called by annotator.cli)."""
    plan = command("plan", _plan)
    plan.add_argument("project", type=project_location)
    plan.add_argument("--alpha", type=float, default=0.8, help="smallest acceptable alpha (0.8)")
    plan.add_argument("--p", type=float, default=0.05, help="significance level (0.05)")
    share = plan.add_mutually_exclusive_group()
    share.add_argument(
        "--categories", type=int, metavar="K", help="K equally likely categories: P_c = 1/K"
    )
    share.add_argument(
        "--smallest-share",
        type=float,
        metavar="P",
        help="the least frequent category's expected share (P_c); default: 1/K for the "
        "codebook's required field with the most categories",
    )
    plan.add_argument("--stratify", choices=STRATA, help="draw in proportion to outlets or months")
    plan.add_argument("--seed", type=int, help="seed of the draw (default: a new one, printed)")
    plan.add_argument("--save", action="store_true", help="keep the sample in the project")
    plan.add_argument("--json", action="store_true")

    assign = command("assign", _assign)
    assign.add_argument("project", type=project_location)
    assign.add_argument("--coders", metavar="A,B,C", help="the coders, comma-separated")
    assign.add_argument(
        "--k", type=int, help="coders per reliability article (default: every coder)"
    )
    assign.add_argument("--seed", type=int, help="seed of the split (default: a new one)")
    assign.add_argument("--out", type=Path, help="folder for the coders' project files")
    assign.add_argument("--replace", action="store_true", help="assign anew over an assignment")
    assign.add_argument("--reassign", metavar="ARTICLE", help="move one article to --to")
    assign.add_argument("--to", metavar="CODER", help="the coder --reassign gives it to")
    assign.add_argument(
        "--from", dest="from_", metavar="CODER", help="the coder it is taken from (if several)"
    )
    assign.add_argument("--json", action="store_true")

    progress = command("progress", _progress)
    progress.add_argument("project", type=project_location)
    progress.add_argument(
        "--stalled-days",
        type=int,
        default=STALLED_DAYS,
        help=f"an unfinished article untouched this long is stalled ({STALLED_DAYS})",
    )
    progress.add_argument("--json", action="store_true")


def _plan(args: argparse.Namespace) -> int:
    share: SmallestShare | None = None
    if args.categories is not None:
        share = share_of_categories(args.categories)
    elif args.smallest_share is not None:
        share = SmallestShare(args.smallest_share, "given (--smallest-share)")
    with Project.open(args.project) as project:
        plan = make_plan(project, args.alpha, args.p, share, args.stratify, args.seed)
        if args.save:
            save_plan(project, plan)
    if args.json:
        print_json({**plan.to_dict(), "saved": args.save})
    else:
        print("\n".join(_plan_lines(plan, args)))
    return 0


def _plan_lines(plan: ReliabilityPlan, args: argparse.Namespace) -> list[str]:
    lines = [
        f"reliability sample for alpha >= {plan.alpha_min:g} at p = {plan.p:g} "
        "(Krippendorff 2004, §11.4.2)",
        f"  smallest category P_c  {plan.p_c:.4g} ({plan.p_c_basis})",
        f"  units needed           {plan.units_needed}",
        f"  mean units per article {plan.mean_units_per_article:.1f}",
        f"  articles needed        {plan.articles_needed} of {plan.articles_in_project}",
        f"  drawn                  {len(plan.articles)} articles, {plan.units_drawn} units "
        f"(seed {plan.seed}" + (f", by {plan.stratify}" if plan.stratify else "") + ")",
    ]
    if plan.short_of_units:
        lines.append(
            f"  warning: the project holds only {plan.units_in_project} units; "
            "the sample is every article and still too small"
        )
    if plan.strata:
        lines.append(f"  drawn per {plan.stratify}:")
        lines += [f"    {name:<20} {count}" for name, count in plan.strata.items()]
    lines.append("  articles:")
    lines += [f"    {a.key} ({a.units} units)" for a in plan.articles[:SHOWN_ARTICLES]]
    if len(plan.articles) > SHOWN_ARTICLES:
        lines.append(f"    ... and {len(plan.articles) - SHOWN_ARTICLES} more (see --json)")
    lines.append(
        f"saved in {args.project}" if args.save else "not saved (--save keeps it in the project)"
    )
    return lines


def _assign(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        if args.reassign:
            if not args.to:
                raise AnnotatorError("--reassign needs --to CODER")
            path = reassign(project, args.reassign, args.to, args.from_, args.out)
            work = workloads(recorded_assignment(project) or {}, article_facts(project))
            if not args.json:
                print(f"{args.reassign} reassigned to {args.to.strip()}")
                if path is not None:
                    print(f"  file for {args.to.strip()}: {path}")
        else:
            if not args.coders or args.out is None:
                raise AnnotatorError("assign needs --coders A,B,C and --out FOLDER")
            seed = new_seed() if args.seed is None else args.seed
            work = assign_study(
                project, args.coders.split(","), args.out, seed, args.k, args.replace
            )
            if not args.json:
                print(f"assigned {args.project} (seed {seed})")
    if args.json:
        print_json([w.__dict__ for w in work])
    else:
        print("\n".join(_work_lines(work)))
    return 0


def _work_lines(work: list[CoderWork]) -> list[str]:
    lines = [f"  {'coder':<20} {'articles':>8} {'units':>7} {'reliability':>11}  file"]
    lines += [
        f"  {w.coder:<20} {w.articles:>8} {w.units:>7} {w.reliability_articles:>11}  "
        f"{w.file or '-'}"
        for w in work
    ]
    return lines


def _progress(args: argparse.Namespace) -> int:
    if not 0 <= args.stalled_days <= MAX_STALLED_DAYS:
        raise AnnotatorError(f"--stalled-days must be between 0 and {MAX_STALLED_DAYS}")
    with Project.open(args.project) as project:
        figures = study_progress(project, args.stalled_days)
    if args.json:
        print_json(figures.to_dict())
    else:
        print("\n".join(_progress_lines(figures)))
    return 0


def _progress_lines(figures: StudyProgress) -> list[str]:
    of = "assigned" if figures.assigned else "all (nothing is assigned)"
    lines = [
        f"progress per coder, of {of}",
        f"  {'coder':<20} {'articles':>11} {'units':>13}  last activity (UTC)  stalled",
    ]
    for c in figures.coders:
        last = f"{c.last_activity:%Y-%m-%d %H:%M}" if c.last_activity else "-"
        lines.append(
            f"  {c.coder:<20} {c.articles_done:>5} / {c.articles_assigned:<3} "
            f"{c.units_done:>6} / {c.units_assigned:<4}  {last:<19}  {len(c.stalled)}"
        )
    for c in figures.coders:
        for s in c.stalled:
            lines.append(
                f"  stalled: {c.coder} {s.key}, {s.units_done} of {s.units} units, "
                f"idle {s.idle_days} days (over {figures.stalled_days})"
            )
    return lines
