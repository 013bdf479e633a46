"""Supervisor review: where coders differ, and settling a consensus version.

Plain functions for the review window (and anything else) to call; no Qt. The
consensus is stored as a coder of its own, named "consensus" with the role
"consensus", so adjudicated codes live beside the coders' codes, go through the
coding service with history, and stay out of agreement statistics.

One rule runs through the module: a unit's field is *comparable* when at least
two of the chosen coders coded it; it is *unanimous* when all of those codes are
the same and a *disagreement* otherwise. A coder who left the field empty neither
agrees nor disagrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlmodel import Session, col, select

from annotator.core.coding import service as coding
from annotator.core.coding.coded_groups import coded_groups, coder_names, field_keys
from annotator.core.coding.lookups import unit_key
from annotator.core.coding.service import Change
from annotator.core.errors import AnnotatorError
from annotator.core.store.models import Code, Coder, Unit, saved_id, utcnow
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, Role

ADJUDICATION_ORIGIN = "adjudication"
UNANIMOUS_ORIGIN = "unanimous"


@dataclass(frozen=True)
class Disagreement:
    """One field of one unit on which the chosen coders differ, with its context."""

    unit_id: int
    unit_key: str
    article_key: str
    field: str
    text: str
    previous_text: str | None
    next_text: str | None
    codes: dict[str, str | None]  # every chosen coder, in name order; None = not coded
    consensus: str | None  # the adjudicated code, if there is one yet


class AdjudicationProgress(NamedTuple):
    """Units settled by the consensus coder, of the units with comparable codes."""

    adjudicated: int
    needing: int


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
    order = {key: i for i, key in enumerate(fields)}
    found.sort(key=lambda item: (item[0].position, item[0].article_id, item[0].idx, order[item[1]]))
    return [
        Disagreement(
            unit_id=unit.id,
            unit_key=unit_key(unit.article_key, unit.idx),
            article_key=unit.article_key,
            field=field_key,
            text=texts[(unit.article_id, unit.idx)],
            previous_text=texts.get((unit.article_id, unit.idx - 1)),
            next_text=texts.get((unit.article_id, unit.idx + 1)),
            codes={name: codes.get(name) for name in names},
            consensus=codes.get(CONSENSUS),
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

    Goes through the coding service, so the code is validated and has history; the
    origin names the supervisor when one is given ("adjudication by Ann"). The code
    and the note are two saves: a failed note leaves the code saved.
    """
    ensure_consensus_coder(project)
    origin = ADJUDICATION_ORIGIN
    if supervisor and supervisor.strip():
        origin = f"{ADJUDICATION_ORIGIN} by {supervisor.strip()}"[:40]
    changes = coding.apply_codes(project, CONSENSUS, unit_id, {field: code}, origin=origin)
    if note is not None:
        noted = coding.set_note(project, CONSENSUS, unit_id, note, origin=origin)
        changes += [noted] if noted else []
    return changes


def accept_all_unanimous(
    project: Project, coders: Sequence[str] | None = None, fields: Sequence[str] | None = None
) -> list[Change]:
    """Make every unanimous code the consensus, in one transaction; returns what it set
    (so that the window can undo it with `coding.apply_changes`).

    Fields the consensus coder has already settled are left alone, so running it
    again, or after some adjudication, changes nothing that a supervisor decided.
    """
    consensus_id = ensure_consensus_coder(project)
    codebook = project.codebook
    keys = list(fields) if fields else field_keys(project, None)
    now = utcnow()
    version = project.codebook_version_id
    accepted: list[Change] = []
    with project.writing() as session:
        names = coder_names(session, coders)
        groups = coded_groups(session, project, [*names, CONSENSUS], keys, None)
        for (unit, field_key), codes in groups.items():
            chosen = {codes[n] for n in names if n in codes}
            agreed = sum(n in codes for n in names) >= 2 and len(chosen) == 1
            if not agreed or CONSENSUS in codes:
                continue
            code = chosen.pop()
            if codebook.field(field_key).category(code) is None:
                continue  # made with an older codebook version; needs a person to decide
            session.add(
                Code(
                    unit_id=unit.id,
                    coder_id=consensus_id,
                    field=field_key,
                    code=code,
                    codebook_version_id=version,
                    coded_at=now,
                )
            )
            session.add(
                coding.history_row(
                    unit.sha256,
                    unit,
                    CONSENSUS,
                    field_key,
                    None,
                    code,
                    version,
                    UNANIMOUS_ORIGIN,
                    now,
                )
            )
            accepted.append(Change(unit.id, CONSENSUS, field_key, None, code))
    return accepted


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
    for (unit, _field), codes in groups.items():
        if sum(name in codes for name in names) >= 2:
            settled[unit.id] = settled.get(unit.id, True) and CONSENSUS in codes
    return AdjudicationProgress(sum(settled.values()), len(settled))


def ensure_consensus_coder(project: Project) -> int:
    """The consensus coder's id, created with the role "consensus" on first use.

    `coding.apply_codes` would create an unknown coder as an ordinary one, so the
    consensus coder is made here first, in its own write transaction.
    """
    with project.writing() as session:
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


# -- internals -------------------------------------------------------------------------


def _texts(session: Session, article_ids: set[int]) -> dict[tuple[int, int], str]:
    """(article id, unit index) -> text, for showing units with their neighbours."""
    if not article_ids:
        return {}
    query = select(Unit.article_id, Unit.idx, Unit.text).where(
        col(Unit.article_id).in_(article_ids)
    )
    return {(article_id, idx): text for article_id, idx, text in session.exec(query)}
