"""Agreement results flattened to one table, and written as CSV.

One row per field × coefficient, × coder pair for Cohen's kappa, × article when
per-article results are given. The table is long rather than wide so that every
row has the same columns whatever the number of coders or the level of
measurement, and a spreadsheet or ``pandas`` can pivot it as the reader needs.

Decisions, so that the file reads the same way every time:

- Order is deterministic: fields in the order given, the field-wide rows before
  that field's typed rows (with `details`, see `field_details`: a short text's
  exact-match ``percent_agreement``; a multiple choice's identical-set
  ``percent_agreement``, ``krippendorff_alpha_masi``, ``krippendorff_alpha_jaccard`` and
  the rows of one binary variable per category, field ``topics=politics``; a
  conditional field's rows of the binary agreement on its condition, field
  ``reason:condition``), then its per-article rows (when compared codes of the field
  were made under two codebook versions, its field-wide rows' ``note`` says so),
  articles in the order given (reading order for a project), coefficients in
  `COEFFICIENTS` order, Cohen pairs in the report's order with each pair's weighted
  variants right after its unweighted kappa.
- ``level`` is the field's level of measurement as analysed. The coefficient's name
  says which variant it is: ``krippendorff_alpha`` is at that level,
  ``krippendorff_alpha_nominal`` treats every code as a category (kept at the nominal
  level too, so each field has the same rows). Weighted kappas appear only above the
  nominal level, where they exist.
- Counts are the coefficient's own (``Coefficient.n_units`` etc.), not the field's:
  Fleiss' kappa, for example, uses only the units every coder coded.
- An undefined coefficient has an empty ``value`` and its reason in
  ``undefined_reason``; it is never written as 0 or NaN. ``ci_low``/``ci_high`` are
  the coefficient's bootstrap 95% interval (empty when none was drawn).
  ``threshold_verdict`` (see `verdicts`) is, for a defined alpha, ``reliable``
  (≥ .800), ``tentative`` (≥ .667) or ``unreliable`` (Krippendorff 2004); for the
  kappas and AC1 Landis and Koch's (1977) band, ``poor`` to ``almost perfect``; empty
  for percent agreement, which is not corrected for chance.
- ``category_set`` names the categories the coefficient uses and where they come
  from (``codebook``, ``order`` or ``data``: every code any coder used, so a pair of
  coders can have categories that only a third coder used): the scale alone for
  alpha above the nominal level and the weighted kappas, the scale and the
  outside-scale codes for the rest, e.g. ``codebook: 1, 2, 3 + outside: n_a``.
- Numbers are written with ``repr``, the shortest text that reads back as the same
  float, so ``float(cell)`` returns exactly the value computed.
- The dialect is annotator's one CSV dialect (`annotator.core.export.csv_writer`:
  RFC 4180, CRLF, minimal quoting, UTF-8): text cells that a spreadsheet would run
  as a formula (a coder named ``=cmd()``) get the OWASP single-quote prefix.
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from annotator.core.agreement.coefficients import Coefficient
from annotator.core.agreement.field_details import FieldDetails
from annotator.core.agreement.report import FieldAgreement, PairwiseKappa
from annotator.core.agreement.verdicts import verdict
from annotator.core.csv_dialect import csv_writer, neutralise
from annotator.core.errors import AnnotatorError
from annotator.core.store.part_files import part_path, remove_stale_parts

ByArticle = Mapping[str, Mapping[str, FieldAgreement]]
"""field key -> article key -> the field's agreement within that article."""
Details = Mapping[str, FieldDetails]
"""field key -> what its type, scope and condition add (`field_details`)."""

COEFFICIENTS: tuple[str, ...] = (
    "percent_agreement",
    "fleiss_kappa",
    "krippendorff_alpha",
    "krippendorff_alpha_nominal",
    "gwet_ac1",
    "cohen_kappa",
    "cohen_kappa_weighted_quadratic",
    "cohen_kappa_weighted_linear",
    "krippendorff_alpha_masi",
    "krippendorff_alpha_jaccard",
)


class AgreementRow(NamedTuple):
    """One coefficient in one scope, with typed values (None = empty cell)."""

    field: str
    level: str
    coefficient: str
    coder_a: str | None
    coder_b: str | None
    article: str | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_units: int
    n_coders: int
    n_pairable: int
    undefined_reason: str | None
    threshold_verdict: str | None
    note: str | None
    category_set: str


COLUMNS: tuple[str, ...] = AgreementRow._fields


def agreement_rows(
    fields: Mapping[str, FieldAgreement],
    by_article: ByArticle | None = None,
    details: Details | None = None,
) -> list[AgreementRow]:
    """Every coefficient of every field (and article) as rows, in the documented order;
    with `details`, each field's typed and conditional rows right after its own."""
    rows: list[AgreementRow] = []
    details = details or {}
    for key in dict.fromkeys([*details, *fields]):
        own = list(_field_rows(fields[key], None)) if key in fields else []
        if key in details:
            own.extend(_detail_rows(details[key]))
        versions = details[key].versions if key in details else None
        if versions is not None:  # every figure of the field compares across versions
            own = [row._replace(note="; ".join(filter(None, (row.note, versions)))) for row in own]
        rows.extend(own)
        for article, part in (by_article or {}).get(key, {}).items():
            rows.extend(_field_rows(part, article))
    return rows


def agreement_csv_text(
    fields: Mapping[str, FieldAgreement],
    by_article: ByArticle | None = None,
    details: Details | None = None,
) -> str:
    """The CSV file's text: a header of `COLUMNS` and one record per `agreement_rows` row."""
    return _csv_text(agreement_rows(fields, by_article, details))


def write_agreement_csv(
    path: str | Path,
    fields: Mapping[str, FieldAgreement],
    by_article: ByArticle | None = None,
    details: Details | None = None,
) -> int:
    """Write the agreement table to `path` (UTF-8, all or nothing); returns the rows written."""
    rows = agreement_rows(fields, by_article, details)
    write_text_atomically(Path(path), _csv_text(rows))
    return len(rows)


def write_text_atomically(path: Path, text: str) -> None:
    """Write UTF-8 `text` beside `path`, then rename it into place.

    A failed or interrupted write leaves an existing file as it was instead of
    half-written; line endings are written exactly as given (CSV needs CRLF).
    """
    if not path.parent.is_dir():
        raise AnnotatorError(f"{path}: folder {path.parent} does not exist")
    remove_stale_parts(path)  # left by a killed write of the same table
    temp = part_path(path)
    try:
        with temp.open("x", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise AnnotatorError(f"{path}: cannot write ({error.strerror or error})") from None


# -- internals -------------------------------------------------------------------------


def _field_rows(report: FieldAgreement, article: str | None) -> Iterator[AgreementRow]:
    scale = f"{report.category_source}: {', '.join(report.categories)}"
    everything = scale + (
        f" + outside: {', '.join(report.outside_scale_codes)}" if report.outside_scale_codes else ""
    )
    on_the_scale = {"cohen_kappa_weighted_quadratic", "cohen_kappa_weighted_linear"}
    if report.alpha_level != "nominal":
        on_the_scale.add("krippendorff_alpha")

    def row(name: str, coefficient: Coefficient, pair: PairwiseKappa | None = None) -> AgreementRow:
        categories = scale if name in on_the_scale else everything
        return _row(report.field, report.alpha_level, name, coefficient, categories, article, pair)

    yield row("percent_agreement", report.percent_agreement)
    yield row("fleiss_kappa", report.fleiss_kappa)
    yield row("krippendorff_alpha", report.krippendorff_alpha)
    yield row("krippendorff_alpha_nominal", report.nominal_alpha)
    yield row("gwet_ac1", report.gwet_ac1)
    for pair in report.cohen_kappa:
        yield row("cohen_kappa", pair.kappa, pair)
        if pair.weighted_kappa is not None:
            yield row("cohen_kappa_weighted_quadratic", pair.weighted_kappa, pair)
        if pair.weighted_kappa_linear is not None:
            yield row("cohen_kappa_weighted_linear", pair.weighted_kappa_linear, pair)


def _row(
    field: str,
    level: str,
    name: str,
    coefficient: Coefficient,
    category_set: str,
    article: str | None = None,
    pair: PairwiseKappa | None = None,
) -> AgreementRow:
    return AgreementRow(
        field=field,
        level=level,
        coefficient=name,
        coder_a=pair.coder_a if pair else None,
        coder_b=pair.coder_b if pair else None,
        article=article,
        value=coefficient.value,
        ci_low=coefficient.ci_low,
        ci_high=coefficient.ci_high,
        n_units=coefficient.n_units,
        n_coders=coefficient.n_coders,
        n_pairable=coefficient.n_pairable_values,
        undefined_reason=coefficient.reason,
        threshold_verdict=verdict(name, coefficient.value),
        note=coefficient.note,
        category_set=category_set,
    )


def _detail_rows(details: FieldDetails) -> Iterator[AgreementRow]:
    """The rows a field's type and condition add: a short text's exact-match agreement; a
    multiple choice's set alphas, identical-set agreement and one binary variable per
    category (``field=code``); a condition's binary agreement (``field:condition``)."""
    key = details.field
    if details.text is not None:
        text = details.text
        noted = dataclasses.replace(text, note=text.note or "exact match only (see the report)")
        yield _row(key, "nominal", "percent_agreement", noted, "exact texts")
    if details.sets is not None:
        sets = details.sets
        yield _row(key, "nominal", "percent_agreement", sets.exact, "identical sets of codes")
        yield _row(key, "nominal", "krippendorff_alpha_masi", sets.masi, "sets, MASI distance")
        yield _row(
            key, "nominal", "krippendorff_alpha_jaccard", sets.jaccard, "sets, Jaccard distance"
        )
        for report in sets.per_category.values():
            yield from _field_rows(report, None)
    if details.condition is not None:
        yield from _field_rows(details.condition.held, None)


def _csv_text(rows: list[AgreementRow]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv_writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(float(value))  # numpy floats too: repr(np.float64) is not a number
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))
