"""Finding articles and units by their readable keys.

A unit's readable key is `article-key#index` (index from 1, in reading order);
its stable identity across projects is (article sha256, start, end).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from annotator.core.codebook import ARTICLE_KIND
from annotator.core.errors import AnnotatorError
from annotator.core.store.article_units import TEXT_UNIT
from annotator.core.store.models import Article, Unit, saved_id, wide_select
from annotator.core.store.project import Project


@dataclass(frozen=True)
class UnitRow:
    """A unit with what a listing needs; plain data, safe to pass to any layer."""

    id: int
    key: str
    article_id: int
    article_key: str
    idx: int
    kind: str
    start: int
    end: int
    text: str
    article_sha256: str

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "article": self.article_key,
            "index": self.idx,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "identity": f"{self.article_sha256}:{self.start}-{self.end}",
        }


def unit_key(article_key: str, idx: int) -> str:
    return f"{article_key}#{idx}"


def list_articles(project: Project) -> list[Article]:
    """All articles in coding order."""
    with project.reading() as session:
        return list(
            session.exec(select(Article).order_by(col(Article.position), col(Article.id))).all()
        )


# What a line of the article list shows (the window's list reads these too).
SUMMARY_COLUMNS = (
    Article.id,
    Article.key,
    Article.title,
    Article.outlet,
    Article.published,
    Article.author,
)
LISTED_COLUMNS = (
    *SUMMARY_COLUMNS,
    Article.url,
    Article.source,
    Article.metadata_json,
    Article.sha256,
)


def article_listing(project: Project) -> Iterator[Any]:
    """Every article in coding order, streamed as rows of `LISTED_COLUMNS` (by name):
    everything but the text, which a listing does not show and which is most of a
    large project's size."""
    with project.reading() as session:
        query = wide_select(*LISTED_COLUMNS).order_by(col(Article.position), col(Article.id))
        yield from session.exec(query.execution_options(yield_per=1000))


def article_by_key(session: Session, key: str) -> Article:
    article = session.exec(select(Article).where(Article.key == key)).first()
    if article is None:
        raise AnnotatorError(f"no article {key!r} in this project")
    return article


def list_units(project: Project, article_key: str | None = None) -> list[UnitRow]:
    """Text units in reading order, of one article or all (not the article units that
    hold article-level codes: `article_unit_id` finds those)."""
    with project.reading() as session:
        query = _text_units()
        if article_key is not None:
            query = query.where(Article.id == article_by_key(session, article_key).id)
        return [_row(unit, key, sha) for unit, key, sha in session.exec(query)]


def units_of_articles(project: Project, article_ids: Collection[int]) -> list[UnitRow]:
    """The text units of these articles, in reading order: a pass of a long run over the
    whole project (the suggester's) reads its articles' units and no others."""
    with project.reading() as session:
        query = _text_units().where(col(Unit.article_id).in_(article_ids))
        return [_row(unit, key, sha) for unit, key, sha in session.exec(query)]


def _text_units():
    """Text units with their article's key and digest, in reading order."""
    return (
        select(Unit, Article.key, Article.sha256)
        .join(Article, col(Article.id) == Unit.article_id)
        .where(TEXT_UNIT)
        .order_by(col(Article.position), col(Article.id), col(Unit.idx))
    )


def article_unit_id(project: Project, article_id: int) -> int | None:
    """The id of the unit that holds an article's own codes (store.article_units), or
    None when the codebook asks nothing of articles."""
    with project.reading() as session:
        return session.exec(
            select(Unit.id).where(Unit.article_id == article_id, Unit.kind == ARTICLE_KIND)
        ).first()


def find_unit(project: Project, key: str) -> UnitRow:
    """A unit from its readable key (`harbor-deal#4`; `harbor-deal#0` is the article's
    own unit, for its article-level fields)."""
    article_key, sep, index = key.rpartition("#")
    if not sep or not index.isdigit():
        raise AnnotatorError(f"{key!r} is not a unit key (expected ARTICLE#N, e.g. harbor-deal#4)")
    with project.reading() as session:
        row = session.exec(
            select(Unit, Article.key, Article.sha256)
            .join(Article, col(Article.id) == Unit.article_id)
            .where(Article.key == article_key, Unit.idx == int(index))
        ).first()
    if row is None:
        raise AnnotatorError(f"no unit {key!r} in this project")
    return _row(*row)


def _row(unit: Unit, article_key: str, sha: str) -> UnitRow:
    return UnitRow(
        saved_id(unit.id),
        unit_key(article_key, unit.idx),
        unit.article_id,
        article_key,
        unit.idx,
        unit.kind,
        unit.start,
        unit.end,
        unit.text,
        sha,
    )


def count_units(project: Project) -> int:
    with project.reading() as session:
        return session.exec(select(func.count()).select_from(Unit)).one()
