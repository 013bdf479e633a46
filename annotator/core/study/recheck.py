"""Drift re-checks: units a coder coded earlier come back to that coder, blind.

Coders drift as the months pass (Riffe, Lacy and Fico, *Analyzing Media Messages*, on
intra-coder reliability): the supervisor schedules a re-check, a seeded random sample of
units the coder has coded (optionally only those coded at least some days ago), and the
coder codes them again without seeing her first codes. The re-check codes are stored under
the coder's re-check identity (`alice~recheck`, role `Role.RECHECK`), which agreement,
adjudication, progress and exports leave out like training codes (`OUTSIDE_THE_STUDY`);
`drift` compares them with the original codes. The schedule is a JSON project setting
(`RECHECK_KEY`), so no migration was needed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import col, func, select

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import UnitRow, list_units
from annotator.core.coding.service import Change
from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.store.models import Code, Coder, Unit
from annotator.core.store.project import Project
from annotator.core.store.roles import recheck_name, reserved_role
from annotator.core.study.settings import read_setting, write_setting

RECHECK_KEY = "study.recheck"
MAX_RECHECK_UNITS = 10_000  # a re-check is a sample a coder codes in a sitting or two


@dataclass(frozen=True)
class Recheck:
    """One scheduled re-check: whose, when, how drawn, and which units (by id)."""

    coder: str
    scheduled_at: str  # ISO 8601, UTC
    seed: int
    older_than_days: int | None
    units: tuple[int, ...]

    def to_dict(self) -> dict[str, object]:
        return {**self.__dict__, "units": list(self.units)}


def recheck_identity(coder: str) -> str:
    """The name `coder`'s re-check codes are stored under; a reserved name has none."""
    name = coder.strip()
    if not name or reserved_role(name) is not None:
        raise AnnotatorError(f"{coder!r} is not a coder whose work can be re-checked")
    return recheck_name(name)


def rechecks(project: Project, coder: str | None = None) -> list[Recheck]:
    """The scheduled re-checks (of one coder, or everyone's), oldest first."""
    record = read_setting(project, RECHECK_KEY) or {"rechecks": []}
    try:
        found = [
            Recheck(
                str(entry["coder"]),
                str(entry["scheduled_at"]),
                int(entry["seed"]),
                None if entry["older_than_days"] is None else int(entry["older_than_days"]),
                tuple(int(unit) for unit in entry["units"]),
            )
            for entry in record["rechecks"]
        ]
    except (KeyError, TypeError, ValueError):
        raise ProjectError(f"{project.label}: setting {RECHECK_KEY} is damaged") from None
    return [r for r in found if coder is None or r.coder == coder.strip()]


def schedule_recheck(
    project: Project,
    coder: str,
    n_units: int,
    seed: int,
    older_than_days: int | None = None,
    *,
    now: datetime | None = None,
) -> Recheck:
    """Draw `n_units` of the units `coder` has coded (last coded at least `older_than_days`
    ago) and not yet re-checked, seeded; record them as a re-check for that coder."""
    recheck_identity(coder)
    name = coder.strip()
    if not 0 < n_units <= MAX_RECHECK_UNITS:
        raise AnnotatorError(f"a re-check has 1 to {MAX_RECHECK_UNITS} units, not {n_units}")
    if older_than_days is not None and older_than_days < 0:
        raise AnnotatorError(f"--older-than is a number of days, not {older_than_days}")
    moment = now or datetime.now(UTC)
    done = {unit for r in rechecks(project, name) for unit in r.units}
    candidates = [u for u in _coded_units(project, name, moment, older_than_days) if u not in done]
    if len(candidates) < n_units:
        since = f" at least {older_than_days} days ago" if older_than_days else ""
        raise AnnotatorError(
            f"{name!r} has {len(candidates)} units coded{since} and not yet re-checked; "
            f"ask for at most that many"
        )
    drawn = tuple(sorted(random.Random(seed).sample(candidates, n_units)))
    recheck = Recheck(name, moment.isoformat(timespec="seconds"), seed, older_than_days, drawn)
    everyone = rechecks(project)
    write_setting(project, RECHECK_KEY, {"rechecks": [r.to_dict() for r in [*everyone, recheck]]})
    return recheck


def _coded_units(
    project: Project, coder: str, now: datetime, older_than_days: int | None
) -> list[int]:
    """The coded-kind units `coder` has codes on, by id, last coded before the cut-off."""
    query = (
        select(Code.unit_id, func.max(Code.coded_at))
        .join(Coder, col(Coder.id) == Code.coder_id)
        .join(Unit, col(Unit.id) == Code.unit_id)
        .where(Coder.name == coder, col(Unit.kind).in_(project.codebook.coded_kinds))
        .group_by(col(Code.unit_id))
        .order_by(col(Code.unit_id))
    )
    with project.reading() as session:
        rows = session.exec(query).all()
    if older_than_days is None:
        return [unit for unit, _ in rows]
    cutoff = now - timedelta(days=older_than_days)
    return [unit for unit, last in rows if _aware(last) <= cutoff]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pending_units(project: Project, coder: str) -> list[int]:
    """The units of `coder`'s re-checks they have not yet coded again, by id."""
    coded = coding.coder_codes(project, recheck_identity(coder))
    scheduled = sorted({unit for r in rechecks(project, coder) for unit in r.units})
    return [unit for unit in scheduled if unit not in coded]


def pending_rows(project: Project, coder: str) -> list[UnitRow]:
    """`pending_units` as the coder sees them, in reading order: keys and texts, no codes."""
    pending = set(pending_units(project, coder))
    return [row for row in list_units(project) if row.id in pending]


def code_recheck_unit(
    project: Project, coder: str, unit_id: int, codes: Mapping[str, str | None]
) -> list[Change]:
    """Store `coder`'s re-check codes of one scheduled unit (never study codes)."""
    identity = recheck_identity(coder)
    if not any(unit_id in r.units for r in rechecks(project, coder)):
        raise AnnotatorError(
            f"that unit is not in a re-check of {coder.strip()!r} "
            "(`annotator recheck PROJECT --coder NAME` lists theirs)"
        )
    with coding.writing(project, origin="recheck", reserved=identity) as writer:
        return writer.set_codes(identity, unit_id, codes)
