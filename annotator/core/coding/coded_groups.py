"""Reading what each coder coded, grouped by unit and field: the input of review and
agreement tables alike.

Units are the ones the codebook asks to be coded (`coded_kinds`); a coder's empty
field is simply absent from a group, and so is a code the codebook does not have
(see codebook_check: written around the app, it is skipped and counted).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlmodel import Session, col, select

from annotator.core.coding.codebook_check import CodebookCodes, SkippedCodes
from annotator.core.coding.lookups import article_by_key
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.errors import AnnotatorError
from annotator.core.store.models import Article, Code, Coder, Unit, wide_select
from annotator.core.store.project import Project
from annotator.core.store.roles import OUTSIDE_THE_STUDY, Role


class CodedUnit(NamedTuple):
    """Where a coded unit is: enough to key it, order it and find its text."""

    id: int
    article_id: int
    article_key: str
    sha256: str
    position: int
    idx: int
    start: int
    end: int


def field_keys(project: Project, field: str | None) -> list[str]:
    """One field's key (checked against the codebook), or every field that adjudication
    measures (`measured_fields`: the project's setting may leave some out)."""
    if field is not None:
        return [project.codebook.field(field).key]  # a CodebookError names unknown fields
    return measured_fields(project)


def coder_names(session: Session, coders: Sequence[str] | None) -> list[str]:
    """The chosen coders, checked; by default every coder who is not the consensus, the
    gold standard or a training identity."""
    known = dict(session.exec(select(Coder.name, Coder.role)).all())
    if coders is None:
        left_out = {Role.CONSENSUS, *OUTSIDE_THE_STUDY}
        return sorted(name for name, role in known.items() if role not in left_out)
    for name in coders:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none yet"
            raise AnnotatorError(f"no coder {name!r} in this project (coders: {listed})")
    return list(dict.fromkeys(coders))


def coded_groups(
    session: Session,
    project: Project,
    coders: list[str],
    fields: list[str],
    article_key: str | None,
    skipped: SkippedCodes | None = None,
) -> dict[tuple[CodedUnit, str], dict[str, str]]:
    """(unit, field) -> {coder: code} for the units the codebook asks to be coded; codes
    the codebook does not have are left out (and counted in `skipped` when given)."""
    query = (
        wide_select(
            Unit.id,
            Unit.article_id,
            Article.key,
            Article.sha256,
            Article.position,
            Unit.idx,
            Unit.start,
            Unit.end,
            Coder.name,
            Code.field,
            Code.code,
        )
        .join(Unit, col(Unit.id) == Code.unit_id)
        .join(Article, col(Article.id) == Unit.article_id)
        .join(Coder, col(Coder.id) == Code.coder_id)
        .where(
            col(Unit.kind).in_(project.codebook.coded_kinds),
            col(Code.field).in_(fields),
            col(Coder.name).in_(coders),
        )
    )
    if article_key is not None:
        query = query.where(Unit.article_id == article_by_key(session, article_key).id)
    groups: dict[tuple[CodedUnit, str], dict[str, str]] = {}
    allowed = CodebookCodes(project.codebook)
    for *unit, coder, field_key, code in session.exec(query):
        if not allowed.allows(field_key, code):
            if skipped is not None:
                skipped.add(coder, field_key)
            continue
        groups.setdefault((CodedUnit(*unit), field_key), {})[coder] = code
    return groups
