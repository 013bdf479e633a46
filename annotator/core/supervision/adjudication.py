"""Supervisor review: where coders differ, and settling a consensus version.

Plain functions for the review window (and anything else) to call; no Qt. The
consensus is stored as a coder of its own, named "consensus" with the role
"consensus", so adjudicated codes live beside the coders' codes, go through the
coding service with history, and stay out of agreement statistics.

One rule runs through the module: a unit's field is *comparable* when at least
two of the chosen coders coded it; it is *unanimous* when all of those codes are
the same and a *disagreement* otherwise. A coder who left the field empty neither
agrees nor disagrees, and neither does one who was not asked it (a conditional field
whose condition does not hold for that coder's codes: see coded_groups).

Every field type and scope is reviewed alike: an article-level field is a field of the
article's own unit, a multiple-choice code is compared as a set, numbers, texts and
dates as their stored values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlmodel import Session, col, select

from annotator.core.codebook import ARTICLE_KIND, CodebookField, Level, Scope
from annotator.core.coding import service as coding
from annotator.core.coding.coded_groups import CodedUnit, coded_groups, coder_names, field_keys
from annotator.core.coding.lookups import unit_key
from annotator.core.coding.service import BatchCode, Change
from annotator.core.errors import AnnotatorError
from annotator.core.field_values import FieldType, as_date, as_number, choices
from annotator.core.store.models import Article, Coder, Origin, Unit, saved_id
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, Role


@dataclass(frozen=True)
class Disagreement:
    """One field of one unit on which the chosen coders differ, with its context. For an
    article-level field the unit is the article's own one (`on_article`) and `text` is
    the article's title."""

    unit_id: int
    unit_key: str
    article_key: str
    field: str
    text: str  # the sentence; for the article's own unit, the article's title
    previous_text: str | None
    next_text: str | None
    codes: dict[str, str | None]  # every chosen coder, in name order; None = not coded
    consensus: str | None  # the adjudicated code, if there is one yet
    severity: float = 0.0  # how far apart the codes are (see `severity`)
    on_article: bool = False  # an article-level field, coded on the article's own unit

    @property
    def place(self) -> str:
        """Where it is, as people read it: "harbor-deal#4", or "harbor-deal — the article"."""
        return f"{self.article_key} — the article" if self.on_article else self.unit_key


class AdjudicationProgress(NamedTuple):
    """Units settled by the consensus coder, of the units with comparable codes, and the
    decisions made (a consensus code on a field where coders differ) of those needed."""

    adjudicated: int
    needing: int
    decided: int = 0
    to_decide: int = 0


def list_disagreements(
    project: Project,
    field: str | None = None,
    article_key: str | None = None,
    coders: Sequence[str] | None = None,
) -> list[Disagreement]:
    """Every unit and field where the chosen coders (default: all coders) differ, in
    reading order, each with the coders' codes side by side and the sentences around it."""
    fields = field_keys(project, field)
    with project.reading() as session:
        names = coder_names(session, coders)
        groups = coded_groups(session, project, [*names, CONSENSUS], fields, article_key)
        found = [
            (unit, field_key, codes)
            for (unit, field_key), codes in groups.items()
            if len({codes[n] for n in names if n in codes}) > 1
        ]
        texts = _texts(session, {unit.article_id for unit, _, _ in found})
        titles = _titles(session, {unit.article_id for unit, _, _ in found if unit.on_article})
    order = {key: i for i, key in enumerate(fields)}
    found.sort(key=lambda item: (item[0].position, item[0].article_id, item[0].idx, order[item[1]]))
    return [
        Disagreement(
            unit_id=unit.id,
            unit_key=unit_key(unit.article_key, unit.idx),
            article_key=unit.article_key,
            field=field_key,
            text=titles[unit.article_id] if unit.on_article else texts[(unit.article_id, unit.idx)],
            previous_text=None if unit.on_article else texts.get((unit.article_id, unit.idx - 1)),
            next_text=None if unit.on_article else texts.get((unit.article_id, unit.idx + 1)),
            codes={name: codes.get(name) for name in names},
            consensus=codes.get(CONSENSUS),
            severity=severity(
                project.codebook.field(field_key), [codes[n] for n in names if n in codes]
            ),
            on_article=unit.on_article,
        )
        for unit, field_key, codes in found
    ]


def adjudicate(
    project: Project,
    unit_id: int,
    field: str,
    code: str | None,
    note: str | None = None,
    supervisor: str | None = None,
) -> list[coding.Change]:
    """Store the consensus code of one field (None clears it) and, if given, a note.

    One transaction through the coding service's writer (the consensus coder made on
    first use, the code, the note), so the decision is validated, has history and is
    saved whole or not at all; the origin names the supervisor when one is given
    ("adjudication by Ann").
    """
    with coding.writing(project, origin=decision_origin(supervisor), reserved=CONSENSUS) as writer:
        _consensus_coder(writer.session)
        changes = writer.set_codes(CONSENSUS, unit_id, {field: code})
        if note is not None:
            noted = writer.set_note(CONSENSUS, unit_id, note)
            changes += [noted] if noted else []
    return changes


def decision_origin(supervisor: str | None) -> str:
    """The history origin of a supervisor's decision: "adjudication by Ann" when named."""
    if supervisor and supervisor.strip():
        return f"{Origin.ADJUDICATION} by {supervisor.strip()}"[:40]
    return Origin.ADJUDICATION


def restore_decision(
    project: Project,
    unit_id: int,
    changes: Sequence[Change],
    note: str | bool | None = False,
) -> list[Change]:
    """Undo or redo a decision in one transaction: the code `changes` apply only where the
    consensus still holds their `old` value (all or nothing), and `note` (unless False)
    becomes the consensus note."""
    with coding.writing(project, origin=Origin.UNDO, reserved=CONSENSUS) as writer:
        _consensus_coder(writer.session)
        made = writer.replay(CONSENSUS, changes, all_or_nothing=True)
        if note is not False:
            noted = writer.set_note(CONSENSUS, unit_id, note if isinstance(note, str) else "")
            made += [noted] if noted else []
    return made


def accept_all_unanimous(
    project: Project, coders: Sequence[str] | None = None, fields: Sequence[str] | None = None
) -> list[Change]:
    """Make every unanimous code the consensus, in one transaction; returns what it set
    (so that the window can undo it with `coding.apply_changes`).

    Fields the consensus coder has already settled are left alone, so running it
    again, or after some adjudication, changes nothing that a supervisor decided.
    """
    keys = list(fields) if fields else field_keys(project, None)
    with coding.writing(project, origin=Origin.UNANIMOUS, reserved=CONSENSUS) as writer:
        _consensus_coder(writer.session)
        names = coder_names(writer.session, coders)
        groups = coded_groups(writer.session, project, [*names, CONSENSUS], keys, None)
        settled = _consensus_codes(writer.session, project, [u for u, _ in groups])
        agreed: dict[CodedUnit, dict[str, str]] = {}
        for (unit, field_key), codes in groups.items():
            chosen = {codes[n] for n in names if n in codes}
            unanimous = sum(n in codes for n in names) >= 2 and len(chosen) == 1
            if unanimous and CONSENSUS not in codes:  # what a supervisor decided stays
                agreed.setdefault(unit, {})[field_key] = chosen.pop()
        batch = [
            BatchCode(unit.id, unit.sha256, unit.start, unit.end, CONSENSUS, field_key, code)
            for unit, codes in agreed.items()
            for field_key, code in _asked_of_consensus(project, unit, settled.get(unit, {}), codes)
        ]
        return writer.write_batch(batch).changes


def _asked_of_consensus(
    project: Project, unit: CodedUnit, settled: dict[str, str], agreed: dict[str, str]
) -> list[tuple[str, str]]:
    """The unanimous codes that the consensus is asked once they are added to what it
    already holds: a conditional field agreed by the coders who were asked it waits until
    the consensus answers the field that decides in the same way."""
    scope = Scope.ARTICLE if unit.on_article else Scope.UNIT
    asked = project.codebook.applicable(scope, settled | agreed)
    return [(key, code) for key, code in agreed.items() if key in asked]


def adjudication_progress(
    project: Project, coders: Sequence[str] | None = None
) -> AdjudicationProgress:
    """How many units with comparable codes the consensus coder has settled in full:
    a unit counts as adjudicated when every one of its comparable fields has a consensus code."""
    fields = field_keys(project, None)
    with project.reading() as session:
        names = coder_names(session, coders)
        groups = coded_groups(session, project, [*names, CONSENSUS], fields, None)
    settled: dict[int, bool] = {}
    decided = to_decide = 0
    for (unit, _field), codes in groups.items():
        if sum(name in codes for name in names) >= 2:
            settled[unit.id] = settled.get(unit.id, True) and CONSENSUS in codes
            if len({codes[n] for n in names if n in codes}) > 1:
                to_decide += 1
                decided += CONSENSUS in codes
    return AdjudicationProgress(sum(settled.values()), len(settled), decided, to_decide)


def severity(field: CodebookField, codes: Sequence[str]) -> float:
    """How bad a disagreement is, for sorting the worst first.

    Nominal fields and short texts: the number of distinct codes (2 for a plain
    disagreement). Multiple choice: the number of categories not every coder chose.
    Ordinal fields: the distance between the lowest and highest code in scale positions;
    interval and ratio fields: the difference of the category numbers. Numbers: the
    difference of the highest and lowest; dates: the days between the first and last. A
    code outside the scale (e.g. "not applicable") against one on it counts as the whole
    scale's width.
    """
    distinct = set(codes)
    if len(distinct) < 2:
        return float(len(distinct))
    if field.type is FieldType.MULTIPLE:
        chosen = [frozenset(choices(code)) for code in distinct]
        return float(len(frozenset().union(*chosen) - chosen[0].intersection(*chosen)))
    if field.type is FieldType.NUMBER:
        numbers = [as_number(code) for code in distinct]
        return max(numbers) - min(numbers)
    if field.type is FieldType.DATE:
        dates = [as_date(code) for code in distinct]
        return float((max(dates) - min(dates)).days)
    if field.type is FieldType.TEXT or field.level == Level.NOMINAL:
        return float(len(distinct))
    return _scale_distance(field, distinct)


def _scale_distance(field: CodebookField, distinct: set[str]) -> float:
    """How far apart codes of an ordinal, interval or ratio choice field are on its scale."""
    scale = field.scale
    if field.level == Level.ORDINAL:
        places = {c.code: float(i) for i, c in enumerate(scale)}
        width = float(max(len(scale) - 1, 1))
    else:
        places = {c.code: c.number for c in scale}
        numbers = list(places.values()) or [0.0]
        width = max(numbers) - min(numbers) or 1.0
    on_scale = [places[code] for code in distinct if code in places]
    if len(on_scale) < len(distinct):
        return width
    return max(on_scale) - min(on_scale)


def ensure_consensus_coder(project: Project) -> int:
    """The consensus coder's id, created with the role "consensus" on first use."""
    with project.writing() as session:
        return _consensus_coder(session)


# -- internals -------------------------------------------------------------------------


def _consensus_coder(session: Session) -> int:
    """Inside the caller's transaction: the consensus coder, made first when missing
    (the coding service would make an unknown coder an ordinary one)."""
    coder = session.exec(select(Coder).where(Coder.name == CONSENSUS)).first()
    if coder is None:
        coder = Coder(name=CONSENSUS, role=Role.CONSENSUS)
        session.add(coder)
        session.flush()
    elif coder.role != Role.CONSENSUS:
        raise AnnotatorError(
            f"an ordinary coder is named {CONSENSUS!r}; their codes cannot be the consensus"
        )
    return saved_id(coder.id)


def _texts(session: Session, article_ids: set[int]) -> dict[tuple[int, int], str]:
    """(article id, unit index) -> text, for showing units with their neighbours (the
    article's own unit, which has no text, is not a neighbour)."""
    if not article_ids:
        return {}
    query = select(Unit.article_id, Unit.idx, Unit.text).where(
        col(Unit.article_id).in_(article_ids), Unit.kind != ARTICLE_KIND
    )
    return {(article_id, idx): text for article_id, idx, text in session.exec(query)}


def _titles(session: Session, article_ids: set[int]) -> dict[int, str]:
    """Article id -> title, what an article-level disagreement shows in place of a sentence."""
    if not article_ids:
        return {}
    query = select(Article.id, Article.title).where(col(Article.id).in_(article_ids))
    return {saved_id(article_id): title for article_id, title in session.exec(query)}


def _consensus_codes(
    session: Session, project: Project, units: Sequence[CodedUnit]
) -> dict[CodedUnit, dict[str, str]]:
    """What the consensus already holds on these units, every field (conditions need the
    fields that decide, whether or not they are measured)."""
    keys = [f.key for f in project.codebook.coded_fields]
    wanted = set(units)
    held: dict[CodedUnit, dict[str, str]] = {}
    for (unit, key), codes in coded_groups(session, project, [CONSENSUS], keys, None).items():
        if unit in wanted and CONSENSUS in codes:
            held.setdefault(unit, {})[key] = codes[CONSENSUS]
    return held
