"""The agreement report as one self-contained HTML file, with its charts.

The file has no external references at all (no stylesheet, script, font or
image to fetch; CSS inline, charts as inline SVG from `charts`), so it can be
mailed, archived with a paper's materials and opened offline. Every text from the
data (coder names, field labels, article keys, codes, file names) goes through
`html.escape`.

What it shows: a header (title, source, when, annotator version, bootstrap
settings); a chart of Krippendorff's alpha per field with its 95% interval and the
.667/.800 thresholds; per field a table of every coefficient with its counts,
Cohen's kappa per coder pair, how outside-scale categories were handled, for a
project a confusion-matrix heat map for each coder pair (if given), and the
per-article table (if given). Figures are shown to three decimals, as
agreement is usually reported; the CSV table has the exact values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from pathlib import Path

import annotator
from annotator.core.agreement.charts import AlphaBar, alpha_chart_svg, confusion_svg
from annotator.core.agreement.coefficients import Coefficient
from annotator.core.agreement.confusion import ConfusionMatrix, confusion_matrix
from annotator.core.agreement.field_details import FieldDetails, detail_lines
from annotator.core.agreement.report import ALPHA_THRESHOLDS, FieldAgreement
from annotator.core.agreement.source_agreement import SourceAgreement
from annotator.core.agreement.tables import ByArticle, Details, write_text_atomically
from annotator.core.agreement.verdicts import headline, verdict, verdict_source, verdict_tone
from annotator.core.store.project import Project

DEFAULT_TITLE = "Inter-coder agreement"
SOURCE_TYPES = {"project": "annotator project", "csv": "CSV reliability data"}

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;
margin:2rem auto;max-width:1100px;padding:0 1.5rem}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.25rem;margin:2.2rem 0 .4rem;
border-bottom:1px solid #ccc;padding-bottom:.2rem}h3{font-size:1rem;margin:1.2rem 0 .4rem}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;margin:.6rem 0}
dl.meta dt{color:#666}dl.meta dd{margin:0}
table{border-collapse:collapse;margin:.3rem 0 .8rem;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f4f4f4;font-weight:600}td.num{text-align:right;white-space:nowrap}
.undefined{color:#777;font-style:italic}.note,.small{color:#555;font-size:.9em}
.verdict{padding:0 .4rem;border-radius:3px;color:#fff;white-space:nowrap}
.verdict.reliable{background:#3b7d4a}.verdict.tentative{background:#d19a2a}
.verdict.unreliable{background:#b9473d}
figure{margin:.6rem 1.5rem .6rem 0;display:inline-block;vertical-align:top}
figcaption{font-size:.9em;color:#444;margin-bottom:.2rem}
tbody th{background:none;font-weight:500}
footer{margin-top:2.5rem;border-top:1px solid #ccc;padding-top:.6rem;color:#555;font-size:.9em}
@media print{h2{break-before:auto}figure,table{break-inside:avoid}}
"""


def agreement_html(
    fields: Mapping[str, FieldAgreement],
    *,
    source: str,
    source_type: str,
    by_article: ByArticle | None = None,
    confusion: Mapping[str, Sequence[ConfusionMatrix]] | None = None,
    field_labels: Mapping[str, str] | None = None,
    title: str = DEFAULT_TITLE,
    generated: datetime | None = None,
    details: Details | None = None,
    sources: SourceAgreement | None = None,
) -> str:
    """The whole report as an HTML5 document.

    `source_type` is "project" or "csv"; `confusion` maps a field key to its
    heat maps (see `pairwise_confusion`); `field_labels` gives readable names to
    field keys (the codebook's labels); `generated` defaults to now, local time;
    `details` adds what each field's type, scope and condition add (a short text or a
    multiple choice, which have no classic report, get a section of their own);
    `sources` adds the agreement on sources (`_sources_section`).
    """
    if source_type not in SOURCE_TYPES:
        raise ValueError(f"source_type must be one of {', '.join(SOURCE_TYPES)}")
    labels = dict(field_labels or {})
    when = (generated or datetime.now().astimezone()).isoformat(sep=" ", timespec="minutes")
    body = [
        f"<header><h1>{escape(title)}</h1>",
        _meta(
            [
                ("Source", source),
                ("Source type", SOURCE_TYPES[source_type]),
                ("Generated", when),
                ("annotator", annotator.__version__),
                ("Fields", str(len(fields))),
                *_bootstrap_meta(fields),
            ]
        ),
        "</header>",
        "<section><h2>Krippendorff’s alpha per field</h2>",
    ]
    if fields:
        bars = [_alpha_bar(report, labels.get(key, key)) for key, report in fields.items()]
        body.append(f"<figure>{alpha_chart_svg(bars)}</figure>")
        body.append(
            '<p class="note">Bars: alpha at each field’s level of measurement; whiskers: '
            "bootstrap 95% interval; dashed lines: Krippendorff’s (2004) thresholds, "
            f"{_three(ALPHA_THRESHOLDS[0])} for reliable data and "
            f"{_three(ALPHA_THRESHOLDS[1])} for tentative conclusions only.</p>"
        )
    else:
        body.append('<p class="undefined">No fields to report.</p>')
    body.append("</section>")
    details = details or {}
    for number, key in enumerate(dict.fromkeys([*details, *fields]), start=1):
        extra = _details_part(details[key]) if key in details else ""
        if key not in fields:
            body.append(_details_section(number, details[key], labels.get(key, key), extra))
            continue
        section = _field_section(
            number,
            fields[key],
            labels.get(key, key),
            source_type,
            (confusion or {}).get(key, ()),
            (by_article or {}).get(key),
            details[key].unit_noun if key in details else "units",
        )
        body.append(section.removesuffix("</section>") + extra + "</section>")
    if sources is not None:
        body.extend(_sources_sections(sources, labels, source_type, len(body)))
    body.append(
        "<footer>Undefined coefficients (no variation or nothing to compare) are shown as "
        "undefined with the reason, never as 0. Counts: units and pairable values that "
        "entered each coefficient. Exact values: export the table as CSV "
        "(<code>annotator agreement SOURCE --csv FILE</code>).</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · {escape(source)}</title>\n<style>{_CSS}</style>\n"
        "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def write_agreement_html(path: str | Path, fields: Mapping[str, FieldAgreement], **options) -> None:
    """Write `agreement_html(fields, **options)` to `path` (UTF-8, all or nothing)."""
    write_text_atomically(Path(path), agreement_html(fields, **options))


def pairwise_confusion(
    project: Project, fields: Mapping[str, FieldAgreement]
) -> dict[str, list[ConfusionMatrix]]:
    """A confusion matrix for every coder pair of each field's report, from the project.

    The pairs are the report's own (its chosen coders, in its order), and each matrix
    counts the units both coders coded in the field, labels in codebook order.
    """
    return {
        key: [
            confusion_matrix(project, key, pair.coder_a, pair.coder_b)
            for pair in report.cohen_kappa
        ]
        for key, report in fields.items()
    }


# -- sections ---------------------------------------------------------------------------


def _field_section(
    number: int,
    report: FieldAgreement,
    label: str,
    source_type: str,
    matrices: Sequence[ConfusionMatrix],
    articles: Mapping[str, FieldAgreement] | None,
    noun: str = "units",
) -> str:
    heading = escape(label) + (
        f" <small>({escape(report.field)})</small>" if label != report.field else ""
    )
    parts = [
        f'<section class="field" id="field-{number}"><h2>{heading}</h2>',
        f'<p class="small">Level of measurement: {escape(report.alpha_level)} · '
        f"{report.n_units} {noun} · {report.n_coders} coders ({escape(_coder_list(report))})"
        f" · {report.n_pairable_values} pairable values</p>",
        f'<p class="lead"><strong>{escape(headline(label, report).text)}</strong></p>',
        _coefficient_table(report),
        _cohen_table(report),
        _outside_scale_note(report, source_type),
        f'<p class="note categories">Categories: {escape(report.category_set)}.</p>',
        *(f'<p class="note input">Input: {escape(note)}.</p>' for note in report.input_notes),
    ]
    if matrices:
        parts.append("<h3>Confusion matrices</h3>")
        parts.extend(_confusion_figure(m) for m in matrices)
    if articles is not None:
        parts.append(_article_table(articles))
    parts.append("</section>")
    return "\n".join(parts)


def _sources_sections(
    result: SourceAgreement, labels: Mapping[str, str], source_type: str, start: int
) -> list[str]:
    """Agreement on sources: the counts per coder and pair, each source field over the
    matched sources, sources per article, and the unmatched sources."""
    coders = "".join(
        f"<tr><th scope='row'>{escape(result.label(c.coder))}</th><td class='num'>{c.found}"
        f"</td><td class='num'>{c.matched}</td><td class='num'>{c.unmatched}</td></tr>"
        for c in result.per_coder
    )
    pairs = "".join(
        f"<tr><th scope='row'>{escape(result.label(p.coder_a))} × "
        f"{escape(result.label(p.coder_b))}</th><td class='num'>{p.articles}</td>"
        f"<td class='num'>{p.found_a}</td><td class='num'>{p.found_b}</td>"
        f"<td class='num'>{p.matched}</td></tr>"
        for p in result.pairs
    )
    alone = "".join(
        f"<tr><td>{escape(u.article_key)}</td><td>{escape(result.label(u.coder))}</td>"
        f"<td>{escape(u.label)}</td></tr>"
        for u in result.unmatched
    )
    parts = [
        '<section class="field" id="sources"><h2>Sources</h2>',
        f'<p class="small">{result.n_articles} article(s) coded by two or more coders · '
        f"{result.n_clusters} matched source(s). Matching: {escape(result.rule)}.</p>",
        "<table><thead><tr><th>Coder</th><th>Found</th><th>Matched</th><th>Unmatched</th>"
        f"</tr></thead><tbody>{coders}</tbody></table>",
        "<table><thead><tr><th>Pair</th><th>Shared articles</th><th>Found by the first</th>"
        f"<th>Found by the second</th><th>Matched</th></tr></thead><tbody>{pairs}</tbody>"
        "</table>",
        f"<h3>Unmatched sources ({len(result.unmatched)})</h3>",
        "<table><thead><tr><th>Article</th><th>Coder</th><th>Label</th></tr></thead>"
        f"<tbody>{alone}</tbody></table></section>",
    ]
    number = start
    for key, details in result.details.items():
        number += 1
        extra = _details_part(details)
        label = f"Source: {labels.get(key, key)}"
        if key not in result.fields:
            parts.append(_details_section(number, details, label, extra))
            continue
        section = _field_section(
            number, result.fields[key], label, source_type, (), None, details.unit_noun
        )
        parts.append(section.removesuffix("</section>") + extra + "</section>")
    if result.sources_per_article is not None:
        report = result.sources_per_article
        parts.append(
            _field_section(number + 1, report, report.field, source_type, (), None, "articles")
        )
    return parts


def _details_section(number: int, details: FieldDetails, label: str, extra: str) -> str:
    """The section of a field that has no classic report (short text, multiple choice)."""
    heading = escape(label) + (
        f" <small>({escape(details.field)})</small>" if label != details.field else ""
    )
    return (
        f'<section class="field" id="field-{number}"><h2>{heading}</h2>'
        f'<p class="small">{escape(details.heading)}</p>{extra}</section>'
    )


def _details_part(details: FieldDetails) -> str:
    lines = detail_lines(details, _stated_text)
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f'<ul class="details">{items}</ul>'


def _stated_text(name: str, coefficient: Coefficient) -> str:
    """A coefficient in words: value, 95% interval, verdict (or why it is undefined)."""
    if coefficient.value is None:
        return f"undefined ({coefficient.reason})"
    text = f"{coefficient.value:.3f}"
    if coefficient.ci_low is not None and coefficient.ci_high is not None:
        text += f" (95% CI {_interval(coefficient)})"
    found = verdict(name, coefficient.value)
    return text + (f", {found}" if found else "")


def _coder_list(report: FieldAgreement) -> str:
    return ", ".join(report.label(name) for name in report.coders)


def _coefficient_table(report: FieldAgreement) -> str:
    rows = [
        ("Percent agreement", "percent_agreement", report.percent_agreement),
        ("Fleiss’ kappa", "fleiss_kappa", report.fleiss_kappa),
        (
            f"Krippendorff’s alpha ({report.alpha_level})",
            "krippendorff_alpha",
            report.krippendorff_alpha,
        ),
        ("Krippendorff’s alpha (nominal)", "krippendorff_alpha_nominal", report.nominal_alpha),
        ("Gwet’s AC1", "gwet_ac1", report.gwet_ac1),
    ]
    if report.alpha_level == "nominal":
        del rows[3]  # the same figure as the row above
    body = "".join(
        f'<tr><th scope="row">{escape(name)}</th>{_value_cell(c)}'
        f'<td class="num">{_interval(c)}</td><td>{_verdict(key, c)}</td>'
        f'{_count_cells(c)}<td class="note">{_remarks(c)}</td></tr>'
        for name, key, c in rows
    )
    return (
        '<table class="coefficients"><thead><tr><th>Coefficient</th><th>Value</th>'
        "<th>95% CI</th><th>Verdict</th><th>Units</th><th>Coders</th><th>Pairable values</th>"
        f"<th>Notes</th></tr></thead><tbody>{body}</tbody></table>"
        f'<p class="note">Verdicts: alpha on {escape(_source("krippendorff_alpha"))}; the '
        f"kappas and AC1 on {escape(_source('fleiss_kappa'))}.</p>"
    )


def _cohen_table(report: FieldAgreement) -> str:
    if not report.cohen_kappa:
        return '<p class="undefined">Cohen’s kappa: no pairs (fewer than two coders).</p>'
    weighted = report.alpha_level != "nominal"
    head = "<th>Coder A</th><th>Coder B</th><th>Kappa</th><th>95% CI</th><th>Verdict</th>"
    if weighted:
        head += "<th>Weighted (quadratic)</th><th>95% CI</th>"
        head += "<th>Weighted (linear)</th><th>95% CI</th>"
    head += "<th>Units</th><th>Notes</th>"
    rows = []
    for pair in report.cohen_kappa:
        cells = f"<td>{escape(report.label(pair.coder_a))}</td>"
        cells += f"<td>{escape(report.label(pair.coder_b))}</td>"
        cells += _value_cell(pair.kappa) + f'<td class="num">{_interval(pair.kappa)}</td>'
        cells += f"<td>{_verdict('cohen_kappa', pair.kappa)}</td>"
        shown = [pair.kappa]
        if weighted:
            for extra in (pair.weighted_kappa, pair.weighted_kappa_linear):
                if extra is None:
                    cells += "<td></td><td></td>"
                    continue
                cells += _value_cell(extra) + f'<td class="num">{_interval(extra)}</td>'
                shown.append(extra)
        remarks = "; ".join(dict.fromkeys(r for c in shown if (r := _remarks(c))))
        cells += f'<td class="num">{pair.kappa.n_units}</td><td class="note">{remarks}</td>'
        rows.append(f"<tr>{cells}</tr>")
    title = "Cohen’s kappa per pair of coders" + (" (weighted for the scale)" if weighted else "")
    return (
        f'<h3>{title}</h3><table class="cohen"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _outside_scale_note(report: FieldAgreement, source_type: str) -> str:
    if report.outside_scale_codes:
        codes = ", ".join(report.outside_scale_codes)
        aside = report.n_outside_scale_set_aside
        text = f"Categories outside the scale ({codes}): {report.outside_scale_handling}."
        if aside:
            text += f" {aside} value(s) set aside at the {report.alpha_level} level."
    elif source_type == "project":
        text = "The codebook puts no category of this field outside the scale."
    else:
        return ""
    return f'<p class="note outside-scale">{escape(text)}</p>'


def _confusion_figure(matrix: ConfusionMatrix) -> str:
    caption = (
        f"{escape(matrix.coder_a)} (rows) × {escape(matrix.coder_b)} (columns): "
        f"{matrix.n_units} units coded by both"
    )
    drawing = (
        confusion_svg(matrix) if matrix.n_units else '<p class="undefined">nothing to show</p>'
    )
    return f"<figure><figcaption>{caption}</figcaption>{drawing}</figure>"


def _article_table(articles: Mapping[str, FieldAgreement]) -> str:
    if not articles:
        return '<h3>Per article</h3><p class="undefined">No article has codes in this field.</p>'
    rows = []
    for name, part in articles.items():
        alpha = part.krippendorff_alpha
        rows.append(
            f'<tr><td>{escape(name)}</td><td class="num">{part.n_units}</td>'
            f'<td class="num">{part.n_coders}</td><td class="num">{part.n_pairable_values}</td>'
            f'{_value_cell(alpha)}<td class="num">{_interval(alpha)}</td>'
            f"<td>{_verdict('krippendorff_alpha', alpha)}</td>{_value_cell(part.gwet_ac1)}"
            f"{_value_cell(part.percent_agreement)}</tr>"
        )
    return (
        '<h3>Per article</h3><table class="articles"><thead><tr><th>Article</th><th>Units</th>'
        "<th>Coders</th><th>Pairable values</th><th>Alpha</th><th>95% CI</th><th>Verdict</th>"
        f"<th>AC1</th><th>Percent agreement</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


# -- cells ------------------------------------------------------------------------------


def _alpha_bar(report: FieldAgreement, label: str) -> AlphaBar:
    alpha = report.krippendorff_alpha
    return AlphaBar(
        report.field, label, alpha.value, report.alpha_ci_low, report.alpha_ci_high, alpha.reason
    )


def _meta(items: Sequence[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items)
    return f'<dl class="meta">{rows}</dl>'


def _bootstrap_meta(fields: Mapping[str, FieldAgreement]) -> list[tuple[str, str]]:
    if not fields:
        return []
    report = next(iter(fields.values()))  # one run: every field has the same settings
    if not report.bootstrap_samples:
        return [("95% intervals", "none (0 bootstrap samples)")]
    return [
        (
            "95% intervals",
            f"{report.bootstrap_samples} bootstrap samples, seed {report.bootstrap_seed}: "
            f"{report.bootstrap_method}",
        )
    ]


def _value_cell(coefficient: Coefficient) -> str:
    if coefficient.value is None:
        return (
            f'<td class="num undefined" title="{escape(coefficient.reason or "")}">undefined</td>'
        )
    return f'<td class="num">{coefficient.value:.3f}</td>'


def _count_cells(coefficient: Coefficient) -> str:
    counts = (coefficient.n_units, coefficient.n_coders, coefficient.n_pairable_values)
    return "".join(f'<td class="num">{n}</td>' for n in counts)


def _remarks(coefficient: Coefficient) -> str:
    texts = [t for t in (coefficient.reason, coefficient.note) if t]
    return escape("; ".join(texts))


def _interval(coefficient: Coefficient) -> str:
    low, high = coefficient.ci_low, coefficient.ci_high
    return "" if low is None or high is None else f"[{low:.3f}, {high:.3f}]"


def _verdict(name: str, coefficient: Coefficient) -> str:
    text = verdict(name, coefficient.value)
    if not text:
        return ""
    return f'<span class="verdict {verdict_tone(text)}">{escape(text)}</span>'


def _source(name: str) -> str:
    return verdict_source(name) or ""


def _three(number: float) -> str:
    return f"{number:.3f}".removeprefix("0")
