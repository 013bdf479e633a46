"""The facts about a project's articles that planning and assigning read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, func, select

from annotator.core.store.models import Article, Unit, saved_id, wide_select
from annotator.core.store.project import Project


@dataclass(frozen=True)
class ArticleFacts:
    """One article: its identity (sha256, stable across coders' files), key, strata and
    the number of units the codebook asks to be coded (its workload)."""

    id: int
    key: str
    sha256: str
    outlet: str | None
    published: str | None
    units: int


def article_facts(project: Project) -> list[ArticleFacts]:
    """Every article, in key order (so a seeded draw does not depend on row ids)."""
    kinds = project.codebook.coded_kinds
    with project.reading() as session:
        counts = dict(
            session.exec(
                select(Unit.article_id, func.count())
                .where(col(Unit.kind).in_(kinds))
                .group_by(col(Unit.article_id))
            ).all()
        )
        rows = session.exec(
            wide_select(Article.id, Article.key, Article.sha256, Article.outlet, Article.published)
        ).all()
    facts = [
        ArticleFacts(saved_id(id_), key, sha, outlet, published, counts.get(id_, 0))
        for id_, key, sha, outlet, published in rows
    ]
    return sorted(facts, key=lambda a: a.key)


def mean_units(articles: list[ArticleFacts]) -> float:
    """Mean units to code per article (0 for a project without articles)."""
    return sum(a.units for a in articles) / len(articles) if articles else 0.0
