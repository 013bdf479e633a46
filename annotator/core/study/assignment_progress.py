"""How far each coder has got with what they were assigned (`annotator progress`).

Named apart from `coding.progress`, which counts every coder's completed units for the
review window's live figures; this one compares each coder's work with their recorded
assignment (or with every article, when nothing is assigned) and finds stalled
assignments: unfinished articles nobody touched for a number of days.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import col, func, select

from annotator.core.coding.coder_names import known_coders
from annotator.core.coding.service import completed_units
from annotator.core.store.models import Code, Coder, Unit
from annotator.core.store.project import Project
from annotator.core.study.articles import ArticleFacts, article_facts
from annotator.core.study.assign import recorded_assignment

STALLED_DAYS = 7


@dataclass(frozen=True)
class StalledArticle:
    """An unfinished assignment: the article, units done of its units, idle days."""

    key: str
    units_done: int
    units: int
    idle_days: int


@dataclass(frozen=True)
class CoderStatus:
    coder: str
    articles_done: int
    articles_assigned: int
    units_done: int
    units_assigned: int
    last_activity: datetime | None  # the coder's latest coded_at, UTC
    stalled: list[StalledArticle] = field(default_factory=list)


@dataclass(frozen=True)
class StudyProgress:
    assigned: bool  # False: compared with every article, as nothing is assigned
    stalled_days: int
    coders: list[CoderStatus]

    def to_dict(self) -> dict:
        return asdict(self)


def study_progress(
    project: Project, stalled_days: int = STALLED_DAYS, now: datetime | None = None
) -> StudyProgress:
    """Per coder: articles and units done of those assigned, last activity, and stalled
    assignments (unfinished, and neither assigned nor coded in the last `stalled_days`)."""
    now = now or datetime.now(UTC)
    record = recorded_assignment(project)
    articles = article_facts(project)
    mine: dict[str, list[tuple[ArticleFacts, datetime | None]]]
    if record is None:
        coders = known_coders(project)
        mine = {name: [(a, None) for a in articles] for name in coders}
    else:
        coders = list(record["coders"])
        by_sha = {a.sha256: a for a in articles}
        mine = {name: [] for name in coders}
        for sha, entry in record["articles"].items():
            if sha in by_sha:  # an article removed since is no one's work any more
                for name in entry["coders"]:
                    mine[name].append((by_sha[sha], _utc(entry["assigned_at"])))
    done, touched, last = _coded(project)
    statuses = []
    for name in coders:
        rows = [(a, at, min(done.get((name, a.id), 0), a.units)) for a, at in mine[name]]
        stalled = []
        for article, assigned_at, units_done in rows:
            if units_done >= article.units:
                continue
            moments = [m for m in (assigned_at, touched.get((name, article.id))) if m]
            if moments and now - max(moments) > timedelta(days=stalled_days):
                idle = (now - max(moments)).days
                stalled.append(StalledArticle(article.key, units_done, article.units, idle))
        statuses.append(
            CoderStatus(
                coder=name,
                articles_done=sum(1 for a, _, d in rows if d >= a.units),
                articles_assigned=len(rows),
                units_done=sum(d for _, _, d in rows),
                units_assigned=sum(a.units for a, _, _ in rows),
                last_activity=last.get(name),
                stalled=stalled,
            )
        )
    return StudyProgress(record is not None, stalled_days, statuses)


def _coded(project: Project):
    """Completed units per (coder, article), latest coded_at per (coder, article), and
    latest coded_at per coder."""
    complete = completed_units(project.codebook)
    with project.reading() as session:
        names = dict(session.exec(select(Coder.id, Coder.name)).all())
        done = {
            (names[coder_id], article_id): count
            for coder_id, article_id, count in session.exec(
                select(complete.c.coder_id, complete.c.article_id, func.count()).group_by(
                    complete.c.coder_id, complete.c.article_id
                )
            ).all()
        }
        touched = {
            (name, article_id): _utc(at)
            for name, article_id, at in session.exec(
                select(Coder.name, Unit.article_id, func.max(Code.coded_at))
                .join(Code, col(Code.coder_id) == Coder.id)
                .join(Unit, col(Unit.id) == Code.unit_id)
                .group_by(col(Coder.name), col(Unit.article_id))
            ).all()
        }
    last: dict[str, datetime] = {}
    for (name, _), at in touched.items():
        if at is not None and (name not in last or at > last[name]):
            last[name] = at
    return done, touched, last


def _utc(moment: datetime | str | None) -> datetime | None:
    """A stored moment as an aware UTC datetime (SQLite hands back naive ones, JSON text)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
