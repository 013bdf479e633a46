"""Reliability data from a project: what its coders coded, field by field.

This is the bridge between the project database and the pure statistics of this
package. Everything the statistics need to know about a field comes from the
codebook, so the numbers always match what the coders chose from: the level of
measurement, the scale's categories in order with their numbers, and the codes that
lie outside the scale. Units are the ones the codebook asks to be coded
(`coded_kinds`) for a unit field and the articles' own units for an article field, read
with their conditions by `project_codes`; the consensus coder is left out unless asked for, because
agreement measures independent coders, not the adjudicated version. The gold standard
and training codes are left out unless named (`OUTSIDE_THE_STUDY`): training is not the
study. A machine coder
(the suggester) is an independent coder and stays in, marked as a machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TypedDict

from sqlmodel import col, select

from annotator.core.agreement.bootstrap import DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_BOOTSTRAP_SEED
from annotator.core.agreement.coefficients import Level
from annotator.core.agreement.field_details import (
    ConditionAgreement,
    FieldDetails,
    SetAgreement,
    binary_data,
    set_agreement,
    text_agreement,
    version_line,
)
from annotator.core.agreement.project_codes import CodedTable, coded_table, field_data, field_sets
from annotator.core.agreement.reliability_data import ReliabilityData
from annotator.core.agreement.report import FieldAgreement, agreement_report, by_unit_groups
from annotator.core.codebook import Scope
from annotator.core.coding.codebook_check import SkippedCodes
from annotator.core.coding.lookups import unit_key
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.conditions import describe
from annotator.core.field_values import FieldType
from annotator.core.store.models import Article, Coder, Unit
from annotator.core.store.project import Project
from annotator.core.store.roles import Role


@dataclass(frozen=True)
class ProjectAgreement:
    """Agreement per field, and with `by_article` per field and article (article key order)."""

    fields: dict[str, FieldAgreement]
    by_article: dict[str, dict[str, FieldAgreement]] = field(default_factory=dict)
    skipped: SkippedCodes = field(default_factory=SkippedCodes)  # codes not in the codebook
    details: dict[str, FieldDetails] = field(default_factory=dict)
    """Every field's type, scope and what they add (`field_details`), in codebook order."""

    def to_dict(self) -> dict[str, object]:
        return {
            "fields": {key: report.to_dict() for key, report in self.fields.items()},
            "details": {key: details.to_dict() for key, details in self.details.items()},
            "by_article": {
                key: {article: report.to_dict() for article, report in articles.items()}
                for key, articles in self.by_article.items()
            },
            "skipped_codes": self.skipped.to_dict(),
        }


def project_reliability(
    project: Project,
    fields: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    *,
    include_consensus: bool = False,
    level: Level | None = None,
    skipped: SkippedCodes | None = None,
) -> dict[str, ReliabilityData]:
    """`ReliabilityData` for each field (the ones named, or all that agreement measures:
    `measured_fields`: those the project's setting does not leave out).

    Units are those of the field's scope (`coded_table`) that at least one chosen coder
    coded in the field, in reading order, named by their readable keys (`article#3`; an
    article field's unit is the article's own, `article#0`). A conditional field keeps
    only the units where its condition held for two or more coders, and a coder's code
    only where it held for that coder. Without `coders`, the chosen coders of a field
    are those who coded it (role "coder", plus the consensus coder with
    `include_consensus`); named coders are taken as given, consensus or not. `level`
    overrides the codebook's level of measurement of choice, number and date fields.
    Codes the codebook does not have are left out, and counted in `skipped` when it is
    given. A number's values are its numbers, a date's its day numbers; a short text or
    a multiple choice is read as nominal exact values here (`project_agreement` measures
    them as they need).
    """
    keys = list(fields) if fields else measured_fields(project)
    table = coded_table(project, keys, coders, include_consensus=include_consensus)
    if skipped is not None:
        skipped.counts.update(table.skipped.counts)
    return {key: field_data(table, key, level) for key in keys}


def project_agreement(
    project: Project,
    fields: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    *,
    by_article: bool = False,
    include_consensus: bool = False,
    level: Level | None = None,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> ProjectAgreement:
    """Every agreement statistic for each field, overall and (optionally) per article.

    `fields` of the result holds the classic report of each field measured as one
    variable (single choice, number, date); `details` holds, for every field, what its
    type, scope and condition add (`field_details`). Per article only unit fields are
    listed (an article field has one unit per article), and only articles with at least
    one coded unit in the field.
    """
    keys = list(fields) if fields else measured_fields(project)
    table = coded_table(project, keys, coders, include_consensus=include_consensus)
    options: _Bootstrap = {"bootstrap_samples": bootstrap_samples, "seed": seed}
    machines = machine_coders(project)
    overall: dict[str, FieldAgreement] = {}
    details: dict[str, FieldDetails] = {}
    articles: dict[str, dict[str, FieldAgreement]] = {}
    groups = article_groups(project) if by_article else {}
    for key in keys:
        book_field = project.codebook.field(key)
        text = sets = None
        if book_field.type is FieldType.TEXT:
            text = text_agreement(field_data(table, key), bootstrap_samples, seed)
        elif book_field.type is FieldType.MULTIPLE:
            sets = _set_agreement(table, key, options)
        else:
            data = field_data(table, key, level)
            overall[key] = marked_machines(agreement_report(data, **options), machines)
            if by_article and book_field.scope is Scope.UNIT:
                coded = set(data.unit_ids)
                used = {name: units for name, units in groups.items() if coded.intersection(units)}
                parts = by_unit_groups(data, used, **options)
                articles[key] = {
                    name: marked_machines(part, machines) for name, part in parts.items()
                }
        details[key] = FieldDetails(
            key,
            str(book_field.type),
            str(book_field.scope),
            text=text,
            sets=sets,
            condition=_condition_agreement(table, key, options, machines),
            versions=version_line(table.version_pairs(key)),
        )
    return ProjectAgreement(overall, articles, table.skipped, details)


def article_groups(project: Project) -> dict[str, list[str]]:
    """Article key -> the readable keys of its units that need coding, in reading order."""
    with project.reading() as session:
        rows = session.exec(
            select(Article.key, Unit.idx)
            .join(Unit, col(Unit.article_id) == Article.id)
            .where(col(Unit.kind).in_(project.codebook.coded_kinds))
            .order_by(col(Article.position), col(Article.id), col(Unit.idx))
        ).all()
    groups: dict[str, list[str]] = {}
    for article_key, idx in rows:
        groups.setdefault(article_key, []).append(unit_key(article_key, idx))
    return groups


class _Bootstrap(TypedDict):
    """The bootstrap settings every report of one call shares."""

    bootstrap_samples: int
    seed: int


def machine_coders(project: Project) -> frozenset[str]:
    """The coders that are machines (`annotator suggest`'s suggester): measured like any
    coder, so that machine-versus-human agreement stands next to human-versus-human,
    and marked as machines wherever coders are listed."""
    with project.reading() as session:
        return frozenset(session.exec(select(Coder.name).where(Coder.role == Role.MACHINE)).all())


def marked_machines(report: FieldAgreement, machines: frozenset[str]) -> FieldAgreement:
    """The report with its machine coders named (the suggester's codes: machine against
    human), as the unit report and agreement on sources mark them."""
    mine = tuple(name for name in report.coders if name in machines)
    return replace(report, machine_coders=mine) if mine else report


def _set_agreement(table: CodedTable, key: str, options: _Bootstrap) -> SetAgreement:
    units, coders, sets = field_sets(table, key)
    codes = [c.code for c in table.codebook.field(key).categories]
    return set_agreement(key, units, coders, sets, codes, **options)


def _condition_agreement(
    table: CodedTable, key: str, options: _Bootstrap, machines: frozenset[str]
) -> ConditionAgreement | None:
    """A conditional field's units, and the binary agreement on whether it held."""
    book_field = table.codebook.field(key)
    if book_field.when is None:
        return None
    units, coders, values, both = table.condition_held(key)
    held = agreement_report(binary_data(f"{key}:condition", units, coders, values), **options)
    labels = {f.key: f.label for f in table.codebook.fields}
    return ConditionAgreement(
        describe(book_field.when, labels),
        both,
        marked_machines(held, machines),
        table.values(key)[3],
    )
