"""Reading what each coder coded, grouped by unit and field: the input of review and
agreement tables alike.

Units are the ones the codebook asks to be coded (`progress_kinds`: the coded kinds and,
when the codebook asks anything of articles, each article's own unit). A coder's empty
field is simply absent from a group, and so is a code the codebook does not have (see
codebook_check: written around the app, it is skipped and counted) and a code on a
field that is not asked of that coder's unit (its `when` does not hold for the coder's
own codes: "not applicable", as the exports say). So a conditional field is compared
only between coders who were both asked it; where one coder's condition held and the
other's did not, the difference shows on the field that decides. Multiple-choice codes
are read as sets, in the codebook's order, so two coders who chose the same categories
hold the same value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlmodel import Session, col, select

from annotator.core.codebook import ARTICLE_KIND, Codebook, Scope
from annotator.core.coding.codebook_check import SkippedCodes
from annotator.core.coding.lookups import article_by_key
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.conditions import leaves
from annotator.core.errors import AnnotatorError
from annotator.core.field_values import FieldType, check, choices, join_choices
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
    kind: str

    @property
    def on_article(self) -> bool:
        """Whether this is the article's own unit (its article-level fields)."""
        return self.kind == ARTICLE_KIND


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
    the codebook does not have are left out (and counted in `skipped` when given), and
    so are codes on fields not asked of that coder's unit."""
    codebook = project.codebook
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
            Unit.kind,
            Coder.name,
            Code.field,
            Code.code,
        )
        .join(Unit, col(Unit.id) == Code.unit_id)
        .join(Article, col(Article.id) == Unit.article_id)
        .join(Coder, col(Coder.id) == Code.coder_id)
        .where(
            col(Unit.kind).in_(codebook.progress_kinds),
            col(Code.field).in_(deciding_fields(codebook, fields)),
            col(Coder.name).in_(coders),
        )
    )
    if article_key is not None:
        query = query.where(Unit.article_id == article_by_key(session, article_key).id)
    stored = _StoredValues(codebook)
    units: dict[int, CodedUnit] = {}
    by_coder: dict[tuple[int, str], dict[str, str]] = {}
    for *place, coder, field_key, code in session.exec(query):
        value = stored.value(field_key, code)
        if value is None:
            if skipped is not None and field_key in fields:
                skipped.add(coder, field_key)
            continue
        if place[0] not in units:
            units[place[0]] = CodedUnit(*place)
        by_coder.setdefault((place[0], coder), {})[field_key] = value
    asked = _Asked(codebook, fields)
    groups: dict[tuple[CodedUnit, str], dict[str, str]] = {}
    for (unit_id, coder), codes in by_coder.items():
        unit = units[unit_id]
        for field_key in asked.of(unit, codes) & codes.keys():
            groups.setdefault((unit, field_key), {})[coder] = codes[field_key]
    return groups


class _StoredValues:
    """Each distinct (field, code) read once: None when the codebook does not take it,
    else the value as compared (multiple choice in the codebook's order). Codes repeat
    across units, so a review of 100,000 codes checks a few hundred."""

    def __init__(self, codebook: Codebook) -> None:
        self._codebook = codebook
        self._seen: dict[tuple[str, str], str | None] = {}

    def value(self, field_key: str, code: str) -> str | None:
        key = (field_key, code)
        if key not in self._seen:
            field = self._codebook.field(field_key)
            if check(field, code) is not None:
                self._seen[key] = None
            elif field.type is FieldType.MULTIPLE:
                self._seen[key] = join_choices(field, choices(code))
            else:
                self._seen[key] = code
        return self._seen[key]


class _Asked:
    """Which of the wanted fields a coder was asked on a unit (`Codebook.applicable` on
    that coder's codes), worked out once per combination of the codes that decide."""

    def __init__(self, codebook: Codebook, fields: list[str]) -> None:
        self._codebook = codebook
        self._wanted = frozenset(fields)
        involved = [codebook.field(key) for key in deciding_fields(codebook, fields)]
        named = {leaf.field for f in involved if f.when is not None for leaf in leaves(f.when)}
        self._deciding = sorted(named)  # the only codes `applicable` looks at here
        self._always = not named
        self._seen: dict[tuple, frozenset[str]] = {}

    def of(self, unit: CodedUnit, codes: dict[str, str]) -> frozenset[str]:
        if self._always:
            return self._wanted
        key = (unit.on_article, *(codes.get(k) for k in self._deciding))
        if key not in self._seen:
            scope = Scope.ARTICLE if unit.on_article else Scope.UNIT
            asked = self._codebook.applicable(scope, codes) & self._wanted
            self._seen[key] = frozenset(asked)
        return self._seen[key]


def deciding_fields(codebook: Codebook, fields: list[str]) -> list[str]:
    """`fields` and every field whose codes decide whether one of them is asked (the
    fields its condition names, and theirs in turn), in the codebook's order."""
    needed = set(fields)
    for field in reversed(codebook.fields):  # a condition names only earlier fields
        if field.key in needed and field.when is not None:
            needed.update(leaf.field for leaf in leaves(field.when))
    return [f.key for f in codebook.fields if f.key in needed]
