"""Reliability data from a project: what its coders coded, field by field.

This is the bridge between the project database and the pure statistics of this
package. Everything the statistics need to know about a field comes from the
codebook, so the numbers always match what the coders chose from: the level of
measurement, the scale's categories in order with their numbers, and the codes that
lie outside the scale. Units are the ones the codebook asks to be coded
(`coded_kinds`); the consensus coder is left out unless asked for, because
agreement measures independent coders, not the adjudicated version. The gold standard
and training codes are left out unless named (`OUTSIDE_THE_STUDY`): training is not the
study. A machine coder
(the suggester) is an independent coder and stays in, marked as a machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TypedDict, cast

from sqlmodel import col, select

from annotator.core.agreement.bootstrap import DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_BOOTSTRAP_SEED
from annotator.core.agreement.coefficients import Level
from annotator.core.agreement.reliability_data import ReliabilityData
from annotator.core.agreement.report import FieldAgreement, agreement_report, by_unit_groups
from annotator.core.coding.codebook_check import CodebookCodes, SkippedCodes
from annotator.core.coding.lookups import unit_key
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.errors import AnnotatorError
from annotator.core.store.models import Article, Code, Coder, Unit, wide_select
from annotator.core.store.project import Project
from annotator.core.store.roles import OUTSIDE_THE_STUDY, Role


@dataclass(frozen=True)
class ProjectAgreement:
    """Agreement per field, and with `by_article` per field and article (article key order)."""

    fields: dict[str, FieldAgreement]
    by_article: dict[str, dict[str, FieldAgreement]] = field(default_factory=dict)
    skipped: SkippedCodes = field(default_factory=SkippedCodes)  # codes not in the codebook

    def to_dict(self) -> dict[str, object]:
        return {
            "fields": {key: report.to_dict() for key, report in self.fields.items()},
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

    Units are the codebook's coded kinds that at least one chosen coder coded in the
    field, in reading order, named by their readable keys (`article#3`). Without
    `coders`, the chosen coders of a field are those who coded it (role "coder", plus
    the consensus coder with `include_consensus`); named coders are taken as given,
    consensus or not. `level` overrides the codebook's level of measurement. Codes the
    codebook does not have are left out, and counted in `skipped` when it is given.
    """
    codebook = project.codebook
    keys = list(fields) if fields else measured_fields(project)
    book_fields = [codebook.field(key) for key in keys]  # a CodebookError names unknown ones
    chosen = _checked_coders(project, coders)
    query = (
        wide_select(Article.key, Unit.idx, Coder.name, Coder.role, Code.field, Code.code)
        .join(Unit, col(Unit.id) == Code.unit_id)
        .join(Article, col(Article.id) == Unit.article_id)
        .join(Coder, col(Coder.id) == Code.coder_id)
        .where(col(Unit.kind).in_(codebook.coded_kinds), col(Code.field).in_(keys))
        .order_by(col(Article.position), col(Article.id), col(Unit.idx), col(Coder.name))
    )
    per_field: dict[str, dict[str, dict[str, str]]] = {key: {} for key in keys}
    allowed = CodebookCodes(codebook)
    for article_key, idx, coder, role, field_key, code in _rows(project, query):
        if chosen is not None and coder not in chosen:
            continue
        if chosen is None and role == Role.CONSENSUS and not include_consensus:
            continue
        if chosen is None and role in OUTSIDE_THE_STUDY:
            continue
        if not allowed.allows(field_key, code):
            if skipped is not None:
                skipped.add(coder, field_key)
            continue
        per_field[field_key].setdefault(unit_key(article_key, idx), {})[coder] = code
    result = {}
    for book_field in book_fields:
        units = per_field[book_field.key]
        names = chosen or sorted({name for codes in units.values() for name in codes})
        result[book_field.key] = ReliabilityData(
            book_field.key,
            list(units),
            list(names),
            [[units[unit].get(name) for unit in units] for name in names],
            # the codebook's levels are the statistics' levels, by the same names
            level=level or cast(Level, str(book_field.level)),
            categories={c.code: c.number for c in book_field.scale},
            outside_scale=frozenset(c.code for c in book_field.categories if c.outside_scale),
            category_source="codebook",
        )
    return result


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

    Per article only articles with at least one coded unit in the field are listed.
    """
    skipped = SkippedCodes()
    data = project_reliability(
        project, fields, coders, include_consensus=include_consensus, level=level, skipped=skipped
    )
    options: _Bootstrap = {"bootstrap_samples": bootstrap_samples, "seed": seed}
    machines = machine_coders(project)
    overall = {key: _marked(agreement_report(d, **options), machines) for key, d in data.items()}
    articles: dict[str, dict[str, FieldAgreement]] = {}
    if by_article:
        groups = article_groups(project)
        for key, field_data in data.items():
            coded = set(field_data.unit_ids)
            used = {name: units for name, units in groups.items() if coded.intersection(units)}
            parts = by_unit_groups(field_data, used, **options)
            articles[key] = {name: _marked(part, machines) for name, part in parts.items()}
    return ProjectAgreement(overall, articles, skipped)


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


def _marked(report: FieldAgreement, machines: frozenset[str]) -> FieldAgreement:
    mine = tuple(name for name in report.coders if name in machines)
    return replace(report, machine_coders=mine) if mine else report


def _checked_coders(project: Project, coders: Sequence[str] | None) -> list[str] | None:
    if coders is None:
        return None
    with project.reading() as session:
        known = set(session.exec(select(Coder.name)).all())
    names = [name.strip() for name in coders if name.strip()]
    for name in names:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none yet"
            raise AnnotatorError(f"no coder {name!r} in this project (coders: {listed})")
    if len(set(names)) != len(names):
        raise AnnotatorError("each coder can be chosen only once")
    if len(names) < 2:
        raise AnnotatorError("agreement needs at least two coders")
    return names


def _rows(project: Project, query) -> list[tuple]:
    with project.reading() as session:
        return list(session.exec(query).all())
