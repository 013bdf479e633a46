"""How far every coder has got, and a cheap sign that anyone coded since last asked.

The supervisor's review window polls `coding_stamp` every few seconds and re-reads
the rest only when it moved, so following ten coders live costs one indexed
query per poll. Both read every coder's work: on a team server only the
supervisor's role may do so (row-level security shows a coder only themselves).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlmodel import col, func, select

from annotator.core.coding.service import completed_units
from annotator.core.store.models import Coder, History, Unit
from annotator.core.store.project import Project
from annotator.core.store.roles import OUTSIDE_THE_STUDY, Role


class CoderProgress(NamedTuple):
    """Units this coder has completed (every required field coded) of those to code."""

    complete: int
    total: int
    last_change: datetime | None  # UTC, from the history

    @property
    def percent(self) -> int:
        return 100 * self.complete // self.total if self.total else 0


def coding_stamp(project: Project) -> int:
    """The newest history row written by a coder (the consensus excluded): a change means
    some coder's codes changed, so agreement and disagreements are worth re-reading."""
    with project.reading() as session:
        consensus = select(Coder.name).where(Coder.role == Role.CONSENSUS)
        newest = session.exec(
            select(func.max(History.id)).where(col(History.coder).not_in(consensus))
        ).one()
    return newest or 0


def coder_progress(project: Project) -> dict[str, CoderProgress]:
    """Every coder but the consensus, by name: units completed, units to code, last change."""
    codebook = project.codebook
    with project.reading() as session:
        total = session.exec(
            select(func.count())
            .select_from(Unit)
            .where(col(Unit.kind).in_(codebook.progress_kinds))
        ).one()
        complete_units = completed_units(codebook)
        complete = dict(
            session.exec(
                select(complete_units.c.coder_id, func.count()).group_by(complete_units.c.coder_id)
            ).all()
        )
        last = dict(
            session.exec(select(History.coder, func.max(History.at)).group_by(History.coder)).all()
        )
        coders = session.exec(
            select(Coder.id, Coder.name).where(
                col(Coder.role).not_in([Role.CONSENSUS, *OUTSIDE_THE_STUDY])
            )
        ).all()
        return {
            name: CoderProgress(complete.get(coder_id, 0), total, last.get(name))
            for coder_id, name in coders
        }
