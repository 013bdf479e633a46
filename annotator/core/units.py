"""Finding articles and units by their readable keys, and correcting segmentation.

A unit's readable key is `article-key#index` (index from 1, in reading order);
its stable identity across projects is (article sha256, start, end).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func
from sqlmodel import Session, select

from annotator.core.errors import AnnotatorError, CodingError
from annotator.core.models import Article, Code, Note, Unit
from annotator.core.project import Project


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
        return list(session.exec(select(Article).order_by(Article.position, Article.id)).all())


def article_by_key(session: Session, key: str) -> Article:
    article = session.exec(select(Article).where(Article.key == key)).first()
    if article is None:
        raise AnnotatorError(f"no article {key!r} in this project")
    return article


def list_units(project: Project, article_key: str | None = None) -> list[UnitRow]:
    """Units in reading order, of one article or all."""
    with project.reading() as session:
        query = select(Unit, Article.key, Article.sha256).join(
            Article, Article.id == Unit.article_id
        )
        if article_key is not None:
            query = query.where(Article.id == article_by_key(session, article_key).id)
        query = query.order_by(Article.position, Article.id, Unit.idx)
        return [_row(unit, key, sha) for unit, key, sha in session.exec(query)]


def find_unit(project: Project, key: str) -> UnitRow:
    """A unit from its readable key (`harbor-deal#4`)."""
    article_key, sep, index = key.rpartition("#")
    if not sep or not index.isdigit():
        raise AnnotatorError(f"{key!r} is not a unit key (expected ARTICLE#N, e.g. harbor-deal#4)")
    with project.reading() as session:
        row = session.exec(
            select(Unit, Article.key, Article.sha256)
            .join(Article, Article.id == Unit.article_id)
            .where(Article.key == article_key, Unit.idx == int(index))
        ).first()
    if row is None:
        raise AnnotatorError(f"no unit {key!r} in this project")
    return _row(*row)


def split_unit(project: Project, unit_id: int, offset: int) -> tuple[int, int]:
    """Cut a unit in two at an article offset; allowed only while nobody has coded it."""
    with project.writing() as session:
        unit, article = _uncoded_unit(session, unit_id)
        left_end, right_start = _trimmed_cut(article.text, unit, offset)
        right = Unit(
            article_id=unit.article_id,
            idx=unit.idx + 1,
            kind=unit.kind,
            start=right_start,
            end=unit.end,
            text=article.text[right_start : unit.end],
        )
        _shift_indexes(session, unit.article_id, after=unit.idx, by=1)
        unit.end, unit.text = left_end, article.text[unit.start : left_end]
        session.add(unit)
        session.add(right)
        session.flush()
        return unit.id, right.id


def merge_with_next(project: Project, unit_id: int) -> int:
    """Join a unit with the one after it in the same article; neither may be coded."""
    with project.writing() as session:
        unit, article = _uncoded_unit(session, unit_id)
        following = session.exec(
            select(Unit).where(Unit.article_id == unit.article_id, Unit.idx == unit.idx + 1)
        ).first()
        if following is None:
            raise CodingError(f"unit {unit_id} is the last of its article; nothing to merge with")
        _uncoded_unit(session, following.id)
        unit.end = following.end
        unit.text = article.text[unit.start : unit.end]
        if "sentence" in (unit.kind, following.kind):
            unit.kind = "sentence"
        session.delete(following)
        session.flush()
        _shift_indexes(session, unit.article_id, after=unit.idx + 1, by=-1)
        session.add(unit)
        return unit.id


def _uncoded_unit(session: Session, unit_id: int) -> tuple[Unit, Article]:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise CodingError(f"no unit with id {unit_id}")
    coded = session.exec(
        select(exists().where(Code.unit_id == unit_id) | exists().where(Note.unit_id == unit_id))
    ).one()
    if coded:
        raise CodingError(
            f"unit {unit_id} has codes or notes; segmentation can change only before coding"
        )
    return unit, session.get(Article, unit.article_id)


def _trimmed_cut(text: str, unit: Unit, offset: int) -> tuple[int, int]:
    """Both halves lose the whitespace around the cut, so the offset invariant holds."""
    left_end = offset
    while left_end > unit.start and text[left_end - 1].isspace():
        left_end -= 1
    right_start = offset
    while right_start < unit.end and text[right_start].isspace():
        right_start += 1
    if not unit.start < left_end <= right_start < unit.end:
        raise CodingError(f"offset {offset} does not cut unit {unit.id} into two non-empty parts")
    return left_end, right_start


def _shift_indexes(session: Session, article_id: int, after: int, by: int) -> None:
    # Shift in an order that never collides, one row at a time (portable, no deferred constraints).
    order = Unit.idx.desc() if by > 0 else Unit.idx
    for unit in session.exec(
        select(Unit).where(Unit.article_id == article_id, Unit.idx > after).order_by(order)
    ):
        unit.idx += by
        session.add(unit)
    session.flush()


def _row(unit: Unit, article_key: str, sha: str) -> UnitRow:
    return UnitRow(
        unit.id,
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
