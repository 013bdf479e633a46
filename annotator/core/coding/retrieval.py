"""Retrieval: the units across all articles that match what a coder asks for.

"Every unit coded attribution = anonymous_vague", "every unit with a note", "every unit
coded with low confidence", "every unit where I differ from the suggester": what
MAXQDA and ATLAS.ti users reach for first. One row per (unit, coder) that matches every
criterion given, in coding order, read with plain SQL through the project's reading
session and bounded (`limit`), so a project of a million codes never fills memory.

Blinding is the caller's: `coders` names whose codes are searched. The coding window
passes its own coder only, unless the supervisor passphrase was given; so does the
command line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, union
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from annotator.core.codebook import Codebook, CodebookField
from annotator.core.coding.lookups import unit_key
from annotator.core.errors import AnnotatorError
from annotator.core.store.models import Article, Code, Coder, Note, Unit, wide_select
from annotator.core.store.project import Project
from annotator.core.store.roles import SUGGESTER

DEFAULT_LIMIT = 5000
MAX_LIMIT = 100_000
CONFIDENCE_KEY = "confidence"  # the codebook field holding the coder's own confidence
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Criteria:
    """What to retrieve; every criterion given must hold (AND). With none, every unit
    the coders coded or wrote a note on."""

    coders: tuple[str, ...]
    field: str | None = None
    code: str | None = None
    with_note: bool = False
    low_confidence: bool = False
    differs_from_suggester: bool = False
    limit: int = DEFAULT_LIMIT

    def describe(self) -> str:
        """The criteria in words, for a status line or a file name."""
        parts = []
        if self.field and self.code:
            parts.append(f"{self.field} = {self.code}")
        elif self.field:
            parts.append(f"{self.field} coded")
        if self.with_note:
            parts.append("with a note")
        if self.low_confidence:
            parts.append("low confidence")
        if self.differs_from_suggester:
            parts.append("differs from the suggester")
        return ", ".join(parts) or "every coded unit"


@dataclass(frozen=True)
class RetrievedUnit:
    """One unit as a coder coded it: where it is, what it says, the codes and the note."""

    unit_id: int
    article_id: int
    article_key: str
    article_title: str
    idx: int
    text: str
    coder: str
    codes: dict[str, str] = field(default_factory=dict)
    note: str = ""
    suggested: dict[str, str] = field(default_factory=dict)

    @property
    def unit_key(self) -> str:
        return unit_key(self.article_key, self.idx)


@dataclass(frozen=True)
class Retrieval:
    """The units found, and whether the limit cut the list short."""

    units: list[RetrievedUnit]
    truncated: bool


def confidence_field(codebook: Codebook) -> CodebookField | None:
    """The field where a coder codes her own confidence (key `confidence`), if any."""
    return next((f for f in codebook.fields if f.key == CONFIDENCE_KEY), None)


def low_confidence_codes(codebook: Codebook) -> tuple[str, frozenset[str]] | None:
    """(field, codes) that count as low confidence: the lowest category on the confidence
    field's scale (`low` in the bundled codebooks); None without such a field."""
    found = confidence_field(codebook)
    if found is None or not found.scale:
        return None
    lowest = min(c.number for c in found.scale)
    return found.key, frozenset(c.code for c in found.scale if c.number == lowest)


def check_criteria(codebook: Codebook, criteria: Criteria) -> None:
    """Refuse in one line what cannot match: an unknown field or code, a bad limit."""
    if criteria.code is not None and criteria.field is None:
        raise AnnotatorError("a code needs its field (FIELD=CODE)")
    if criteria.field is not None:
        chosen = codebook.field(criteria.field)
        if criteria.code is not None and chosen.category(criteria.code) is None:
            known = ", ".join(c.code for c in chosen.categories)
            raise AnnotatorError(
                f"field {criteria.field!r} has no code {criteria.code!r} (codes: {known})"
            )
    if criteria.low_confidence and low_confidence_codes(codebook) is None:
        raise AnnotatorError(f"the codebook has no {CONFIDENCE_KEY!r} field")
    if not 1 <= criteria.limit <= MAX_LIMIT:
        raise AnnotatorError(f"the limit must be between 1 and {MAX_LIMIT}")
    if not criteria.coders:
        raise AnnotatorError("no coder to retrieve the codes of")


def retrieve(project: Project, criteria: Criteria) -> Retrieval:
    """The (unit, coder) pairs matching `criteria`, in coding order, with their codes,
    notes and (for the suggester comparison) the suggester's codes."""
    codebook = project.codebook
    check_criteria(codebook, criteria)
    with project.reading() as session:
        coder_ids = _coder_ids(session, criteria.coders)
        if not coder_ids:
            return Retrieval([], False)
        rows = session.exec(_matching(codebook, criteria, coder_ids)).all()
        truncated = len(rows) > criteria.limit
        rows = rows[: criteria.limit]
        unit_ids = sorted({row[0] for row in rows})
        codes = _codes_of(session, unit_ids, list(coder_ids.values()))
        notes = _notes_of(session, unit_ids, list(coder_ids.values()))
        machine = _coder_ids(session, (SUGGESTER,)) if criteria.differs_from_suggester else {}
        suggested = {
            unit_id: unit_codes
            for (unit_id, _), unit_codes in _codes_of(
                session, unit_ids, list(machine.values())
            ).items()
        }
    names = {coder_id: name for name, coder_id in coder_ids.items()}
    units = [
        RetrievedUnit(
            unit_id,
            article_id,
            article_key,
            title,
            idx,
            text,
            names[coder_id],
            codes.get((unit_id, coder_id), {}),
            notes.get((unit_id, coder_id), ""),
            suggested.get(unit_id, {}),
        )
        for unit_id, coder_id, article_id, article_key, title, idx, text in rows
    ]
    return Retrieval(units, truncated)


def matching_places(project: Project, criteria: Criteria) -> list[tuple[int, int, int]]:
    """(article id, unit id, unit index) of every match, in coding order, without their
    codes, notes or texts: what the window's next-with jumps need to find the next one."""
    check_criteria(project.codebook, criteria)
    with project.reading() as session:
        coder_ids = _coder_ids(session, criteria.coders)
        if not coder_ids:
            return []
        rows = session.exec(_matching(project.codebook, criteria, coder_ids)).all()
    places = [(article_id, unit_id, idx) for unit_id, _, article_id, _, _, idx, _ in rows]
    return list(dict.fromkeys(places[: criteria.limit]))  # a unit once, whoever coded it


def _coder_ids(session: Session, names: Sequence[str]) -> dict[str, int]:
    rows = session.exec(select(Coder.name, Coder.id).where(col(Coder.name).in_(list(names))))
    return {name: coder_id for name, coder_id in rows if coder_id is not None}


def _matching(codebook: Codebook, criteria: Criteria, coder_ids: dict[str, int]):
    """(unit id, coder id, article id, key, title, idx, text) of every match, one past the
    limit so that a cut list is known as such."""
    pairs = _pairs(codebook, criteria, list(coder_ids.values()))
    unit_id, coder_id = pairs.c.unit_id, pairs.c.coder_id
    query = (
        wide_select(
            unit_id,
            coder_id,
            Article.id,
            Article.key,
            Article.title,
            Unit.idx,
            Unit.text,
        )
        .select_from(pairs)
        .join(Unit, col(Unit.id) == unit_id)
        .join(Article, col(Article.id) == Unit.article_id)
    )
    for condition in _conditions(codebook, criteria, unit_id, coder_id):
        query = query.where(condition)
    order = (col(Article.position), col(Article.id), col(Unit.idx), coder_id)
    return query.order_by(*order).limit(criteria.limit + 1)


def _pairs(codebook: Codebook, criteria: Criteria, ids: list[int]):
    """The (unit id, coder id) pairs to check, read straight from the rows of the most
    selective criterion given (a code, low confidence, a note), so that a project of
    many codes is not walked pair by pair; with none, every pair with a code or a note.
    A field is coded once per unit and coder (uq_code_unit_coder_field): no repeats."""

    def from_codes(*where):
        return wide_select(
            col(Code.unit_id).label("unit_id"), col(Code.coder_id).label("coder_id")
        ).where(col(Code.coder_id).in_(ids), *where)

    notes = wide_select(
        col(Note.unit_id).label("unit_id"), col(Note.coder_id).label("coder_id")
    ).where(col(Note.coder_id).in_(ids))
    low = low_confidence_codes(codebook)
    if criteria.field is not None:
        code = [Code.code == criteria.code] if criteria.code is not None else []
        return from_codes(Code.field == criteria.field, *code).subquery("pairs")
    if criteria.low_confidence and low is not None:
        return from_codes(Code.field == low[0], col(Code.code).in_(sorted(low[1]))).subquery(
            "pairs"
        )
    if criteria.with_note:
        return notes.subquery("pairs")
    return union(from_codes(), notes).subquery("pairs")


def _conditions(codebook: Codebook, criteria: Criteria, unit_id, coder_id) -> Iterator:
    def coded(*where):
        return exists().where(Code.unit_id == unit_id, Code.coder_id == coder_id, *where)

    if criteria.field is not None and criteria.code is not None:
        yield coded(Code.field == criteria.field, Code.code == criteria.code)
    elif criteria.field is not None:
        yield coded(Code.field == criteria.field)
    if criteria.with_note:
        yield exists().where(Note.unit_id == unit_id, Note.coder_id == coder_id)
    if criteria.low_confidence:
        low = low_confidence_codes(codebook)
        assert low is not None  # check_criteria refused it otherwise
        yield coded(Code.field == low[0], col(Code.code).in_(sorted(low[1])))
    if criteria.differs_from_suggester:
        yield _differs_from_suggester(codebook, unit_id, coder_id)


def _differs_from_suggester(codebook: Codebook, unit_id, coder_id):
    """Some field (other than the coder's confidence, which the suggester never codes
    for a human) where the coder and the suggester both coded, differently."""
    mine, machine = aliased(Code), aliased(Code)
    suggester = aliased(Coder)
    skipped = confidence_field(codebook)
    conditions = [
        mine.unit_id == unit_id,
        mine.coder_id == coder_id,
        machine.unit_id == unit_id,
        machine.field == mine.field,
        machine.code != mine.code,
        machine.coder_id == suggester.id,
        suggester.name == SUGGESTER,
    ]
    if skipped is not None:
        conditions.append(mine.field != skipped.key)
    return (
        exists()
        .select_from(mine)
        .where(and_(*conditions))
        .correlate_except(mine, machine, suggester)
    )


def _codes_of(
    session: Session, unit_ids: list[int], coder_ids: list[int]
) -> dict[tuple[int, int], dict[str, str]]:
    found: dict[tuple[int, int], dict[str, str]] = {}
    if not coder_ids:
        return found
    for chunk in _chunks(unit_ids):
        rows = session.exec(
            select(Code.unit_id, Code.coder_id, Code.field, Code.code).where(
                col(Code.unit_id).in_(chunk), col(Code.coder_id).in_(coder_ids)
            )
        )
        for unit_id, coder_id, key, code in rows:
            found.setdefault((unit_id, coder_id), {})[key] = code
    return found


def _notes_of(
    session: Session, unit_ids: list[int], coder_ids: list[int]
) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    for chunk in _chunks(unit_ids):
        rows = session.exec(
            select(Note.unit_id, Note.coder_id, Note.text).where(
                col(Note.unit_id).in_(chunk), col(Note.coder_id).in_(coder_ids)
            )
        )
        for unit_id, coder_id, text in rows:
            found[(unit_id, coder_id)] = text
    return found


def _chunks(items: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
