"""`annotator agreement`: inter-coder agreement of a project or a CSV file, per field.

A thin layer: statistics live in `annotator.core.agreement` (its `tables` and
`html_report` write the --csv and --html files); this module parses arguments and
prints results.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from annotator.cli.output import Command, print_json
from annotator.cli.passphrase import require_supervisor
from annotator.core.agreement import (
    ALPHA_THRESHOLDS,
    DEFAULT_BOOTSTRAP_SAMPLES,
    DEFAULT_BOOTSTRAP_SEED,
    LEVELS,
    MISSING_MARKERS,
    Coefficient,
    FieldAgreement,
    agreement_report,
    read_reliability_csv,
)
from annotator.core.agreement.field_details import FieldDetails, detail_lines
from annotator.core.agreement.from_project import ProjectAgreement, project_agreement
from annotator.core.agreement.html_report import pairwise_confusion, write_agreement_html
from annotator.core.agreement.source_agreement import SourceAgreement, source_agreement
from annotator.core.agreement.tables import write_agreement_csv
from annotator.core.agreement.verdicts import ALPHAS, headline, verdict, verdict_source
from annotator.core.codebook import resolve_codebook
from annotator.core.coding.coder_names import printable_name
from annotator.core.errors import AnnotatorError
from annotator.core.store import db
from annotator.core.store.location import is_server_url, project_location
from annotator.core.store.outputs import check_output
from annotator.core.store.project import Project


def register(command: Command) -> None:
    """Add `agreement` to the main parser (called by annotator.cli)."""
    sub = command("agreement", _agreement)
    sub.add_argument(
        "source",
        type=project_location,
        help="a project, or a CSV file: long (unit, coder, value[, field]), wide (unit "
        "and one column per coder) or an `annotator export` in the long or wide layout",
    )
    sub.add_argument("--field", help="only this field (a source field: only the sources' part)")
    sub.add_argument("--coders", help="only these coders, comma-separated (at least two)")
    sub.add_argument("--by", choices=["article"], help="also per article (projects only)")
    sub.add_argument(
        "--level",
        choices=LEVELS,
        help="level of measurement (default: the codebook's; for a CSV file without "
        "--codebook, nominal)",
    )
    sub.add_argument(
        "--order",
        metavar="A,B,C",
        help="a CSV file's categories in scale order (needed for text codes above the "
        "nominal level); they are every coefficient's category set",
    )
    sub.add_argument(
        "--codebook",
        metavar="FILE",
        help="a codebook for a CSV file (a file or a bundled name): each field's level, "
        "categories in order, values and outside-scale codes; cells may hold codes, "
        "labels or values",
    )
    sub.add_argument(
        "--missing",
        metavar="A,B",
        help="more cell texts that mean 'missing' in a CSV file, besides empty cells and "
        + " ".join(MISSING_MARKERS),
    )
    sub.add_argument("--json", action="store_true", help="print every coefficient as JSON")
    sub.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="also write the agreement table as CSV (one row per field, coefficient, pair "
        "and article; exact values)",
    )
    sub.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="also write a self-contained HTML report with charts (confusion matrices for "
        "a project)",
    )
    sub.add_argument(
        "--bootstrap",
        type=int,
        default=DEFAULT_BOOTSTRAP_SAMPLES,
        metavar="N",
        help="bootstrap samples for every coefficient's 95%% interval "
        f"(default {DEFAULT_BOOTSTRAP_SAMPLES}; 0: none)",
    )
    sub.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_BOOTSTRAP_SEED,
        help="random seed of the bootstrap (same seed, same interval)",
    )


def _agreement(args: argparse.Namespace) -> None:
    """Print the agreement (text or JSON) and write any --csv/--html files.

    The files come in addition to the printed report, which stays on stdout as
    without them; the lines saying what was written go to stderr so that
    `--json` output remains valid JSON.
    """
    coders = _coder_list(args.coders)
    options = {"bootstrap_samples": args.bootstrap, "seed": args.seed}
    if args.bootstrap < 0:
        raise AnnotatorError("--bootstrap cannot be negative")
    for option, path in (("--csv", args.csv), ("--html", args.html)):
        if path is not None and not path.parent.is_dir():
            raise AnnotatorError(f"{option} {path}: folder {path.parent} does not exist")
        if path is not None:
            check_output(path, args.source)
    confusion, labels = {}, {}
    sources: SourceAgreement | None = None
    skipped: list[dict[str, object]] = []
    details: dict[str, FieldDetails] = {}
    if is_server_url(args.source) or _is_sqlite(args.source):
        for option in ("order", "codebook", "missing"):
            if getattr(args, option) is not None:
                raise AnnotatorError(
                    f"--{option} is for a CSV file; a project's codebook gives its categories"
                )
        with Project.open(args.source) as project:
            require_supervisor(project, "agreement")
            source_keys = {f.key for f in project.codebook.source_fields}
            on_sources = args.field in source_keys
            result = ProjectAgreement({})
            if not on_sources:
                result = project_agreement(
                    project,
                    [args.field] if args.field else None,
                    coders,
                    by_article=args.by == "article",
                    level=args.level,
                    **options,
                )
            if args.field is None or on_sources:
                sources = _sources_part(source_agreement(project, coders, **options), args.field)
            if args.html is not None:
                confusion = pairwise_confusion(project, result.fields)
                labels = {f.key: f.label for f in project.codebook.fields}
        if (message := result.skipped.message()) is not None:
            print(f"annotator: {message}", file=sys.stderr)
        skipped = result.skipped.to_dict()
        fields, by_article, kind = result.fields, result.by_article, "project"
        details = result.details
    else:
        if args.by:
            raise AnnotatorError(f"--by {args.by} needs a project; a CSV file has no articles")
        data = read_reliability_csv(
            args.source,
            args.level,
            order=_comma_list(args.order, "--order"),
            codebook=resolve_codebook(args.codebook) if args.codebook else None,
            missing=_comma_list(args.missing, "--missing") or (),
        )
        if args.field is not None:
            if args.field not in data:
                known = ", ".join(data)
                raise AnnotatorError(f"{args.source}: no field {args.field!r} (fields: {known})")
            data = {args.field: data[args.field]}
        fields = {key: agreement_report(d, coders, **options) for key, d in data.items()}
        by_article, kind = {}, "csv"
    _write_files(args, fields, by_article, kind, confusion, labels, details, sources)
    if args.json:
        print_json(
            {
                "source": str(args.source),
                "source_type": kind,
                "alpha_thresholds": {
                    "reliable": ALPHA_THRESHOLDS[0],
                    "tentative": ALPHA_THRESHOLDS[1],
                },
                "fields": {key: report.to_dict() for key, report in fields.items()},
                "by_article": {
                    key: {name: report.to_dict() for name, report in articles.items()}
                    for key, articles in by_article.items()
                },
                "skipped_codes": skipped,
                "details": {key: d.to_dict() for key, d in details.items()},
                "sources": None if sources is None else sources.to_dict(),
            }
        )
        return
    blocks = []
    for key in dict.fromkeys([*details, *fields]):
        lines = _field_lines(fields[key], details.get(key)) if key in fields else []
        if key in details:
            lines = _with_details(lines, details[key])
        for name, part in by_article.get(key, {}).items():
            lines.append(f"  article {name}: {_article_line(part)}")
        blocks.append("\n".join(lines))
    if sources is not None:
        blocks.append("\n".join(_source_lines(sources)))
    # Coder names stored before hidden characters were refused print escaped.
    text = "\n\n".join(blocks) if blocks else "no fields to report"
    print("\n".join(printable_name(line) for line in text.split("\n")))


def _write_files(args, fields, by_article, kind, confusion, labels, details, sources) -> None:
    if args.csv is not None:
        table_fields, table_details = _with_sources(fields, details, sources)
        rows = write_agreement_csv(args.csv, table_fields, by_article, table_details)
        print(f"wrote {rows} row(s) to {args.csv}", file=sys.stderr)
    if args.html is not None:
        write_agreement_html(
            args.html,
            fields,
            source=str(args.source),
            source_type=kind,
            by_article=by_article,
            confusion=confusion,
            field_labels=labels,
            details=details,
            sources=sources,
        )
        print(f"wrote the report to {args.html}", file=sys.stderr)


def _field_lines(
    report: FieldAgreement, details: FieldDetails | None = None, noun: str | None = None
) -> list[str]:
    """A compact table of one field's statistics, each with its interval and verdict."""
    rows = [
        ("percent agreement", _stated("percent_agreement", report.percent_agreement)),
        ("Fleiss' kappa", _stated("fleiss_kappa", report.fleiss_kappa)),
        (
            f"Krippendorff's alpha ({report.alpha_level})",
            _stated("krippendorff_alpha", report.krippendorff_alpha),
        ),
    ]
    if report.alpha_level != "nominal":
        rows.append(
            (
                "Krippendorff's alpha (nominal)",
                _stated("krippendorff_alpha_nominal", report.nominal_alpha),
            )
        )
    rows.append(("Gwet's AC1", _stated("gwet_ac1", report.gwet_ac1)))
    noun = noun or (details.unit_noun if details is not None else "units")
    lines = [
        f"{report.field}: {report.n_units} {noun}, {report.n_coders} coders, "
        f"{report.n_pairable_values} pairable values",
        f"  {headline(report.field, report).text}",
        *(f"  {label:<32}{text}" for label, text in rows),
    ]
    if report.machine_coders:
        lines.insert(1, f"  machine coders: {', '.join(map(report.label, report.machine_coders))}")
    weighted = report.alpha_level != "nominal"
    heading = "Cohen's kappa" + (" (weighted: quadratic)" if weighted else "")
    lines.append(f"  {heading}")
    for pair in report.cohen_kappa:
        lines.append(
            f"    {report.label(pair.coder_a)} × {report.label(pair.coder_b)} "
            f"({pair.kappa.n_units} units): {_stated('cohen_kappa', pair.kappa)}"
        )
        if weighted and pair.weighted_kappa is not None:
            quadratic = _stated("cohen_kappa_weighted_quadratic", pair.weighted_kappa)
            lines.append(f"      weighted: {quadratic}")
    if not report.cohen_kappa:
        lines.append("    no pairs (fewer than two coders)")
    if report.outside_scale_codes:
        codes = ", ".join(report.outside_scale_codes)
        aside = report.n_outside_scale_set_aside
        lines.append(
            f"  outside the scale: {codes}: {report.outside_scale_handling}"
            + (f" ({aside} value(s) set aside)" if aside else "")
        )
    lines.append(f"  categories: {report.category_set}")
    lines.append(f"  verdicts: alpha on {verdict_source('krippendorff_alpha')}")
    lines.append(f"            kappas and AC1 on {verdict_source('fleiss_kappa')}")
    lines.extend(f"  input: {note}" for note in report.input_notes)
    return lines


def _with_sources(fields, details, sources: SourceAgreement | None):
    """The CSV table's fields and details with the sources' after them."""
    if sources is None:
        return fields, details
    return {**fields, **sources.table_fields()}, {**details, **sources.details}


def _sources_part(result: SourceAgreement, field: str | None) -> SourceAgreement | None:
    """The sources' figures when any compared coder listed a source; with --field, only
    that field's."""
    if not result.has_sources:
        return None
    if field is None:
        return result
    return replace(
        result,
        fields={k: v for k, v in result.fields.items() if k == field},
        details={k: v for k, v in result.details.items() if k == field},
    )


def _source_lines(result: SourceAgreement) -> list[str]:
    """Agreement on sources: who found what, each source field over the matched sources,
    sources per article, and the unmatched sources (see core/agreement/source_agreement)."""
    lines = [
        f"sources: {result.n_articles} article(s) coded by two or more coders, "
        f"{result.n_clusters} matched source(s)",
        f"  matching: {result.rule}",
        "  per coder: found, matched, unmatched",
        *(
            f"    {result.label(c.coder)}: {c.found}, {c.matched}, {c.unmatched}"
            for c in result.per_coder
        ),
        "  per pair (shared articles): found by each, matched, only one's",
        *(
            f"    {result.label(p.coder_a)} × {result.label(p.coder_b)} ({p.articles}): "
            f"{p.found_a} and {p.found_b}, {p.matched} matched, "
            f"{p.found_a - p.matched} and {p.found_b - p.matched} alone"
            for p in result.pairs
        ),
    ]
    blocks = ["\n".join(lines)]
    for key in result.details:
        details = result.details[key]
        block = _field_lines(result.fields[key], details) if key in result.fields else []
        block = _with_details(block, details)
        blocks.append("\n".join(["source " + block[0], *block[1:]]))
    if result.sources_per_article is not None:
        blocks.append("\n".join(_field_lines(result.sources_per_article, noun="articles")))
    unmatched = [f"unmatched sources ({len(result.unmatched)}): article, coder, label"]
    unmatched += [
        f"  {u.article_key}  {result.label(u.coder)}  {u.label}" for u in result.unmatched
    ]
    blocks.append("\n".join(unmatched))
    return "\n\n".join(blocks).split("\n")


def _with_details(lines: list[str], details: FieldDetails) -> list[str]:
    """A field's lines with what its type, scope and condition add; a field with no
    classic report (short text, multiple choice) gets a heading of its own."""
    if not lines:
        lines = [details.heading]
    return lines + [f"  {line}" for line in detail_lines(details, _stated)]


def _article_line(report: FieldAgreement) -> str:
    return (
        f"{report.n_units} units, alpha {_stated('krippendorff_alpha', report.krippendorff_alpha)}"
        f", AC1 {_value(report.gwet_ac1)}, agreement {_value(report.percent_agreement)}"
    )


def _stated(name: str, coefficient: Coefficient) -> str:
    """The value, its 95% interval (when drawn) and its verdict (when it has one)."""
    text = _value(coefficient)
    if coefficient.value is None:
        return text
    if coefficient.ci_low is not None and coefficient.ci_high is not None:
        text += f"  95% CI [{coefficient.ci_low:.3f}, {coefficient.ci_high:.3f}]"
    if name in ALPHAS:
        return text + f"  {alpha_verdict(coefficient.value)}"
    band = verdict(name, coefficient.value)
    return text + (f"  {band}" if band else "")


def alpha_verdict(alpha: float) -> str:
    """Where alpha stands against Krippendorff's thresholds (.800 and .667)."""
    reliable, tentative = ALPHA_THRESHOLDS
    if alpha >= reliable:
        return f"≥ {_decimal(reliable)} reliable"
    if alpha >= tentative:
        return f"{_decimal(tentative)}–{_decimal(reliable)} tentative"
    return f"< {_decimal(tentative)} unreliable"


def _value(coefficient: Coefficient) -> str:
    if coefficient.value is None:
        return f"undefined ({coefficient.reason})"
    text = f"{coefficient.value:.3f}"
    return f"{text} ({coefficient.note})" if coefficient.note else text


def _decimal(number: float) -> str:
    return f"{number:.3f}".removeprefix("0")


def _coder_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if len(names) < 2:
        raise AnnotatorError("--coders needs at least two names, comma-separated")
    return names


def _comma_list(text: str | None, option: str) -> list[str] | None:
    if text is None:
        return None
    items = [item.strip() for item in text.split(",")]
    if not any(items):
        raise AnnotatorError(f"{option} needs one or more texts, comma-separated")
    return items


def _is_sqlite(path: Path) -> bool:
    """Projects are told from CSV files by what SQLite makes of them, not by the file name.

    Asked of SQLite rather than by reading the header: a project file is never opened
    with plain file I/O (see core/store/engines.py for why).
    """
    if not path.is_file():
        return False  # the CSV reader reports the missing file
    try:
        return db.is_sqlite_database(path)
    except AnnotatorError:
        return False  # the CSV reader reports the unreadable file
