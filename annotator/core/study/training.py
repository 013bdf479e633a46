"""Training against the gold: a coder codes gold articles and sees where they differ.

Training codes are stored under the coder's training identity (`alice~training`, role
`Role.TRAINING`), written only through `training_writes`, so they never count as study
codes. After each unit, or at the end of the article (`FEEDBACK_KEY`, a project setting
the supervisor sets), `differences` lists each field where the coder's code is not the
gold's, with the codebook's definition of both codes: the coder learns what the
codebook means, not only that they were wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import col, select

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import unit_key
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.coding.service import Change
from annotator.core.errors import AnnotatorError
from annotator.core.store.models import Article, Coder, ProjectSetting, Unit, saved_id
from annotator.core.store.project import Project
from annotator.core.store.roles import (
    GOLD,
    TRAINING_SUFFIX,
    Role,
    reserved_role,
    training_name,
)

FEEDBACK_KEY = "training.feedback"
FEEDBACK_WHEN = ("unit", "article")  # after each unit, or once the article is done
DEFAULT_FEEDBACK = "unit"  # corrective feedback works best right after the decision


@dataclass(frozen=True)
class Difference:
    """One field of one unit where a trainee's code is not the gold's."""

    unit_id: int
    unit: str  # readable key, article#idx
    text: str
    field: str
    field_label: str
    mine: str
    gold: str
    mine_definition: str
    gold_definition: str

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def feedback_when(project: Project) -> str:
    """When training shows the differences: "unit" or "article"."""
    value = project.setting(FEEDBACK_KEY, DEFAULT_FEEDBACK)
    return value if value in FEEDBACK_WHEN else DEFAULT_FEEDBACK


def set_feedback_when(project: Project, when: str) -> None:
    if when not in FEEDBACK_WHEN:
        raise AnnotatorError(
            f"training feedback comes after each 'unit' or 'article', not {when!r}"
        )
    with project.writing() as session:
        session.merge(ProjectSetting(key=FEEDBACK_KEY, value=when))


def trainee_identity(coder: str) -> str:
    """The name `coder`'s training codes are stored under; a reserved name cannot train."""
    name = coder.strip()
    if not name or reserved_role(name) is not None:
        raise AnnotatorError(f"{coder!r} is not a coder who can train")
    return training_name(name)


def trainees(project: Project) -> list[str]:
    """The coders who have training codes, by their own names, sorted case-blind."""
    with project.reading() as session:
        names = session.exec(select(Coder.name).where(Coder.role == Role.TRAINING)).all()
    coders = [name.removesuffix(TRAINING_SUFFIX) for name in names]
    return sorted(coders, key=lambda name: (name.casefold(), name))


def code_training_unit(
    project: Project, coder: str, unit_id: int, codes: Mapping[str, str | None]
) -> list[Change]:
    """Store `coder`'s training codes of one unit of a gold article (never study codes)."""
    identity = trainee_identity(coder)
    if not gold_codes(project, unit_id):
        raise AnnotatorError("training codes go only on units of gold articles")
    with coding.writing(project, origin="training", reserved=identity) as writer:
        return writer.set_codes(identity, unit_id, codes)


def gold_codes(project: Project, unit_id: int) -> dict[str, str]:
    return coding.unit_codes(project, GOLD, unit_id)


def differences(
    project: Project, coder: str, article_key: str, unit_id: int | None = None
) -> list[Difference]:
    """Where `coder`'s training codes of one article (or one unit of it) differ from the
    gold, in reading order; fields the trainee has not coded yet are not differences."""
    identity = trainee_identity(coder)
    units = _units(project, article_key, unit_id)
    mine = coding.coder_codes(project, identity)
    gold = coding.coder_codes(project, GOLD)
    codebook = project.codebook
    found = []
    for uid, idx, text in units:
        for key in measured_fields(project):
            theirs, right = mine.get(uid, {}).get(key), gold.get(uid, {}).get(key)
            if theirs is None or right is None or theirs == right:
                continue
            field = codebook.field(key)
            found.append(
                Difference(
                    uid,
                    unit_key(article_key, idx),
                    text,
                    key,
                    field.label,
                    theirs,
                    right,
                    _definition(field, theirs),
                    _definition(field, right),
                )
            )
    return found


def _definition(field, code: str) -> str:
    category = field.category(code)
    if category is None:
        return "(not in this codebook)"
    return f"{category.label}: {category.definition}" if category.definition else category.label


def _units(project: Project, article_key: str, unit_id: int | None) -> list[tuple[int, int, str]]:
    with project.reading() as session:
        query = (
            select(Unit.id, Unit.idx, Unit.text)
            .join(Article, col(Article.id) == Unit.article_id)
            .where(Article.key == article_key, col(Unit.kind).in_(project.codebook.coded_kinds))
            .order_by(col(Unit.idx))
        )
        if unit_id is not None:
            query = query.where(Unit.id == unit_id)
        return [(saved_id(uid), idx, text) for uid, idx, text in session.exec(query).all()]
