"""Correcting segmentation after import: split a unit, merge it with the next, change
its kind (a sentence that is really a heading, a caption taken for a sentence).

Allowed only while nobody has coded or annotated the units concerned, so no code
ever refers to text it was not given for. Offsets stay exact: both halves of a cut
lose the whitespace around it, and `text[start:end] == unit.text` always holds.
The command line (`annotator unit ...`) and the window both come here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists
from sqlmodel import Session, col, select

from annotator.core.codebook import UNIT_KINDS
from annotator.core.errors import CodingError
from annotator.core.store import db
from annotator.core.store.models import Article, Code, Note, Unit, saved_id
from annotator.core.store.project import Project


@dataclass(frozen=True)
class Merged:
    """What a merge joined, so that `unmerge` can put it back exactly (undo)."""

    unit_id: int  # the first unit, which now spans both
    first: tuple[int, int, str]  # start, end and kind of the first unit before the merge
    second: tuple[int, int, str]  # the same of the second


def split_unit(
    project: Project, unit_id: int, offset: int, *, within_unit: bool = False
) -> tuple[int, int]:
    """Cut a unit in two at an article offset (or, `within_unit`, before that character
    of the unit's text); allowed only while nobody has coded it."""
    with project.writing() as session:
        unit, article = _uncoded_unit(session, unit_id)
        if within_unit:
            offset += unit.start
        left_end, right_start = _trimmed_cut(article.text, unit, offset)
        return _cut(session, unit, article, (left_end, unit.kind), (right_start, unit.kind))


def merge_with_next(project: Project, unit_id: int) -> Merged:
    """Join a unit with the one after it in the same article; neither may be coded."""
    with project.writing() as session:
        unit, article = _uncoded_unit(session, unit_id)
        following = session.exec(
            select(Unit).where(Unit.article_id == unit.article_id, Unit.idx == unit.idx + 1)
        ).first()
        if following is None:
            raise CodingError(
                f"{article.key}#{unit.idx} is the last of its article; nothing to merge with"
            )
        _uncoded_unit(session, saved_id(following.id))
        merged = Merged(
            saved_id(unit.id),
            (unit.start, unit.end, unit.kind),
            (following.start, following.end, following.kind),
        )
        unit.end = following.end
        unit.text = article.text[unit.start : unit.end]
        if "sentence" in (unit.kind, following.kind):
            unit.kind = "sentence"
        session.delete(following)
        session.flush()
        _shift_indexes(session, unit.article_id, after=unit.idx + 1, by=-1)
        session.add(unit)
        return merged


def unmerge(project: Project, merged: Merged) -> tuple[int, int]:
    """Undo a merge: the unit becomes the two it was made of, offsets and kinds as before;
    refused if the unit has changed or been coded since."""
    with project.writing() as session:
        unit, article = _uncoded_unit(session, merged.unit_id)
        (first_start, first_end, first_kind), (second_start, second_end, second_kind) = (
            merged.first,
            merged.second,
        )
        if (unit.start, unit.end) != (first_start, second_end):
            raise CodingError(f"{article.key}#{unit.idx} has changed since it was merged")
        return _cut(session, unit, article, (first_end, first_kind), (second_start, second_kind))


def _cut(
    session: Session,
    unit: Unit,
    article: Article,
    left: tuple[int, str],
    right: tuple[int, str],
) -> tuple[int, int]:
    """Make `unit` end at left's offset (with left's kind) and a new unit after it start
    at right's offset (with right's kind), running to where `unit` ended."""
    (left_end, left_kind), (right_start, right_kind) = left, right
    second = Unit(
        article_id=unit.article_id,
        idx=unit.idx + 1,
        kind=right_kind,
        start=right_start,
        end=unit.end,
        text=article.text[right_start : unit.end],
    )
    _shift_indexes(session, unit.article_id, after=unit.idx, by=1)
    unit.end, unit.kind, unit.text = left_end, left_kind, article.text[unit.start : left_end]
    session.add(unit)
    session.add(second)
    session.flush()
    return saved_id(unit.id), saved_id(second.id)


def set_kind(project: Project, unit_id: int, kind: str) -> str | None:
    """Make a unit a title, heading, sentence or furniture; the kind it had, or None if
    it already was one."""
    if kind not in UNIT_KINDS:
        raise CodingError(f"unknown unit kind {kind!r} (kinds: {', '.join(UNIT_KINDS)})")
    with project.writing() as session:
        unit, _article = _uncoded_unit(session, unit_id)
        if unit.kind == kind:
            return None
        previous, unit.kind = unit.kind, kind
        session.add(unit)
        return previous


def split_offset(
    unit_start: int, unit_text: str, *, at: int | None = None, before: str | None = None
) -> int:
    """The article offset of a cut given as a position in the unit's text (`at`) or as
    the text the second part starts with (`before`, its first occurrence after the
    unit's first character)."""
    if before is not None:
        found = unit_text.find(before, 1) if before.strip() else -1
        if found < 0:
            raise CodingError(f"{before!r} is not in the unit after its first character")
        return unit_start + found
    if at is None:
        raise CodingError("say where to cut: a position in the unit or the text to cut before")
    return unit_start + at


def _uncoded_unit(session: Session, unit_id: int) -> tuple[Unit, Article]:
    """The unit, locked until commit against saves on it, if nobody has coded it.

    The lock comes before the check: a save in progress is waited for (and then seen),
    and a save that comes later waits for this change and records the changed unit.
    The row lock also makes any other insert of a code on the unit wait (its foreign
    key check), whatever path it comes by."""
    db.lock_unit(session, unit_id, exclusive=True)
    unit = session.get(Unit, unit_id, with_for_update=True)
    if unit is None:
        raise CodingError(f"no unit with id {unit_id}")
    article = session.get_one(Article, unit.article_id)  # a unit always has its article
    coded = session.exec(
        select(
            exists().where(col(Code.unit_id) == unit_id)
            | exists().where(col(Note.unit_id) == unit_id)
        )
    ).one()
    if coded:
        raise CodingError(
            f"{article.key}#{unit.idx} has codes or notes; segmentation can change only "
            "before coding (clear them first)"
        )
    return unit, article


def _trimmed_cut(text: str, unit: Unit, offset: int) -> tuple[int, int]:
    """Both halves lose the whitespace around the cut, so the offset invariant holds."""
    asked, offset = offset, min(max(offset, unit.start), unit.end)  # outside: refused below
    left_end = offset
    while left_end > unit.start and text[left_end - 1].isspace():
        left_end -= 1
    right_start = offset
    while right_start < unit.end and text[right_start].isspace():
        right_start += 1
    if not unit.start < left_end <= right_start < unit.end:
        raise CodingError(
            f"offset {asked} does not cut the unit into two non-empty parts "
            f"(it runs from {unit.start} to {unit.end}; cut after its first character)"
        )
    return left_end, right_start


def _shift_indexes(session: Session, article_id: int, after: int, by: int) -> None:
    # Shift in an order that never collides, one row at a time (portable, no deferred constraints).
    order = col(Unit.idx).desc() if by > 0 else col(Unit.idx)
    for unit in session.exec(
        select(Unit).where(Unit.article_id == article_id, Unit.idx > after).order_by(order)
    ):
        unit.idx += by
        session.add(unit)
    session.flush()
