"""`annotator gold`, `certify`, `study-settings` and `agreement-detail`.

Training against a gold standard and certification (`annotator.core.study.gold`,
`training`, `certification`), the project settings of agreement and training, and
agreement broken down where it helps to act (`annotator.core.agreement.where_to_act`).
A thin layer: this module parses arguments and prints figures. Each command shows or
writes codes of other coders, so each asks for the supervisor passphrase where one is set.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from annotator.cli.output import Command, print_json
from annotator.cli.passphrase import require_supervisor
from annotator.core.agreement.bootstrap import DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_BOOTSTRAP_SEED
from annotator.core.agreement.where_to_act import (
    coder_agreements,
    confused_categories,
    worst_articles,
)
from annotator.core.coding.coder_names import printable_name
from annotator.core.coding.measured_fields import left_out_fields, set_left_out_fields
from annotator.core.errors import AnnotatorError
from annotator.core.store.location import project_location
from annotator.core.store.project import Project
from annotator.core.study.certification import DEFAULT_THRESHOLD, Certification, certify
from annotator.core.study.gold import gold_articles, mark_gold
from annotator.core.study.training import FEEDBACK_WHEN, feedback_when, set_feedback_when

DETAILS = ("article", "coder", "category")


def register(command: Command) -> None:
    """Add the commands to the main parser (called by annotator.cli)."""
    gold = command("gold", _gold)
    gold.add_argument("project", type=project_location)
    gold.add_argument("--articles", metavar="K1,K2", help="the articles to mark as gold")
    gold.add_argument(
        "--from", dest="source", metavar="consensus|CODER", help="whose codes are the gold"
    )
    gold.add_argument("--json", action="store_true")

    cert = command("certify", _certify)
    cert.add_argument("project", type=project_location)
    cert.add_argument("--coder", required=True, help="the coder whose training is certified")
    cert.add_argument(
        "--threshold", type=float, default=DEFAULT_THRESHOLD, help="alpha to pass (0.8)"
    )
    cert.add_argument("--bootstrap", type=int, default=DEFAULT_BOOTSTRAP_SAMPLES, metavar="N")
    cert.add_argument("--seed", type=int, default=DEFAULT_BOOTSTRAP_SEED)
    cert.add_argument("--json", action="store_true")

    settings = command("study-settings", _settings)
    settings.add_argument("project", type=project_location)
    leave = settings.add_mutually_exclusive_group()
    leave.add_argument(
        "--leave-out", metavar="F1,F2", help="fields agreement and adjudication leave out"
    )
    leave.add_argument("--measure-all", action="store_true", help="leave no field out")
    settings.add_argument(
        "--training-feedback", choices=FEEDBACK_WHEN, help="differences after each unit or article"
    )
    settings.add_argument("--json", action="store_true")

    detail = command("agreement-detail", _detail)
    detail.add_argument("project", type=project_location)
    detail.add_argument("--field", required=True, help="the field to break down")
    detail.add_argument("--by", choices=DETAILS, default="article")
    detail.add_argument("--bootstrap", type=int, default=DEFAULT_BOOTSTRAP_SAMPLES, metavar="N")
    detail.add_argument("--json", action="store_true")


def _gold(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        require_supervisor(project, "gold")
        if args.articles is None and args.source is None:
            keys = gold_articles(project)
            if args.json:
                print_json({"gold_articles": keys})
            else:
                print("\n".join(keys) if keys else "no gold articles yet")
            return 0
        if not args.articles or not args.source:
            raise AnnotatorError("gold needs both --articles and --from")
        marked = mark_gold(project, args.articles.split(","), args.source.strip())
    if args.json:
        print_json(marked.to_dict())
    else:
        print(
            f"gold articles from {printable_name(marked.source)!r}: {', '.join(marked.articles)}; "
            f"{marked.added} codes added, {marked.changed} changed"
        )
    return 0


@contextmanager
def _supervising(args: argparse.Namespace, what: str) -> Iterator[Project]:
    """The project of a command that shows codes, past the passphrase; --bootstrap checked."""
    if args.bootstrap < 0:
        raise AnnotatorError("--bootstrap cannot be negative")
    with Project.open(args.project) as project:
        require_supervisor(project, what)
        yield project


def _certify(args: argparse.Namespace) -> int:
    with _supervising(args, "certify") as project:
        report = certify(
            project, args.coder, args.threshold, bootstrap_samples=args.bootstrap, seed=args.seed
        )
    if args.json:
        print_json(report.to_dict())
    else:
        print("\n".join(certification_lines(report)))
    return 0


def certification_lines(report: Certification) -> list[str]:
    """The report as text: a line per field, then each field's confusion matrix."""
    lines = [
        f"certification of {printable_name(report.coder)!r} against the gold: "
        f"{report.verdict.upper()} (alpha >= {report.threshold:g} in every field; "
        f"{report.coded_units} of {report.gold_units} gold units coded)"
    ]
    for field in report.fields:
        alpha = field.agreement.krippendorff_alpha
        value = f"undefined ({alpha.reason})" if alpha.value is None else f"{alpha.value:.3f}"
        interval = (
            f" [{alpha.ci_low:.3f}, {alpha.ci_high:.3f}]"
            if alpha.ci_low is not None and alpha.ci_high is not None
            else ""
        )
        mark = "pass" if field.passed else "fail"
        lines.append(
            f"  {field.field:<20} alpha {value}{interval} ({field.agreement.alpha_level}, "
            f"{field.confusion.n_units} units)  {mark}"
        )
    for field in report.fields:
        matrix = field.confusion
        lines.append(f"{field.field}: coder's codes (rows) against the gold's (columns)")
        width = max(len(label) for label in matrix.labels) + 2
        lines.append(
            " " * width + "".join(f"{label[: width - 2]:>{width}}" for label in matrix.labels)
        )
        for label, row in zip(matrix.labels, matrix.counts, strict=True):
            lines.append(f"{label:<{width}}" + "".join(f"{n:>{width}}" for n in row))
    return lines


def _settings(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        if args.leave_out is not None or args.measure_all or args.training_feedback:
            require_supervisor(project, "study-settings")
        if args.leave_out is not None:
            set_left_out_fields(project, args.leave_out.split(","))
        elif args.measure_all:
            set_left_out_fields(project, [])
        if args.training_feedback:
            set_feedback_when(project, args.training_feedback)
        left_out = sorted(left_out_fields(project))
        when = feedback_when(project)
    if args.json:
        print_json({"left_out_fields": left_out, "training_feedback": when})
    else:
        print(f"left out of agreement and adjudication: {', '.join(left_out) or 'none'}")
        print(f"training feedback: after each {when}")
    return 0


def _detail(args: argparse.Namespace) -> int:
    with _supervising(args, "agreement-detail") as project:
        field = project.codebook.field(args.field).key
        if args.by == "article":
            rows: list = worst_articles(project, field)
        elif args.by == "coder":
            rows = coder_agreements(project, field, bootstrap_samples=args.bootstrap)
        else:
            rows = confused_categories(project, field)
    if args.json:
        print_json([row.to_dict() for row in rows])
    else:
        print("\n".join(_detail_lines(args.by, field, rows)))
    return 0


def _figure(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def _detail_lines(by: str, field: str, rows: list) -> list[str]:
    if not rows:
        return [f"{field}: nothing coded by two coders yet"]
    if by == "article":
        lines = [f"{field}: articles, worst first (alpha, percent agreement, units)"]
        lines += [
            f"  {r.article:<30} {_figure(r.alpha)}  {_figure(r.percent)}  {r.units}" for r in rows
        ]
    elif by == "coder":
        lines = [f"{field}: each coder against the consensus and each other coder (alpha)"]
        for r in rows:
            interval = "" if r.ci_low is None else f" [{r.ci_low:.3f}, {r.ci_high:.3f}]"
            pair = f"{printable_name(r.coder)} ~ {printable_name(r.other)}"
            lines.append(f"  {pair:<30} {_figure(r.alpha)}{interval}  {r.units} units")
    else:
        lines = [f"{field}: categories coders gave the same unit, most often first"]
        lines += [f"  {f'{r.code_a} ~ {r.code_b}':<30} {r.count}" for r in rows]
    return lines
