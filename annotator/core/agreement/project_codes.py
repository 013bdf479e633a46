"""The codes agreement reads from a project, unit by unit and coder by coder, with what
each field's type, scope and condition make of them.

A field is measured over the units of its scope: a unit field over the text units the
codebook asks to be coded, an article field over the articles (their codes sit on the
article's own unit, kind "article"). A conditional field applies to a coder on a unit
when the coder's own codes make its condition hold (`Codebook.applicable`); a coder has
decided the condition on a unit when they coded a field the condition names. An
optional multiple-choice field with no code from a coder who coded the unit (another
field of its scope) is the empty set, "none of the categories": the app stores no code
for an empty choice. A required field without a code is not coded yet, a missing value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import cast

from sqlmodel import col, select

from annotator.core.agreement.coefficients import Level
from annotator.core.agreement.reliability_data import ReliabilityData
from annotator.core.codebook import ARTICLE_KIND, Codebook, CodebookField, Scope
from annotator.core.coding.codebook_check import CodebookCodes, SkippedCodes
from annotator.core.coding.lookups import unit_key
from annotator.core.conditions import leaves
from annotator.core.errors import AnnotatorError
from annotator.core.field_values import FieldType, choices
from annotator.core.store.models import Article, Code, CodebookVersion, Coder, Unit, wide_select
from annotator.core.store.project import Project
from annotator.core.store.roles import OUTSIDE_THE_STUDY, Role

EMPTY_SET = ""
"""A coder's empty choice in an optional multiple-choice field (see the module docstring)."""

Values = list[list[str | None]]


@dataclass
class CodedTable:
    """Every code agreement needs: scope -> unit key -> coder -> field -> code (reading
    order), and each code's codebook version."""

    codebook: Codebook
    chosen: list[str] | None
    units: dict[Scope, dict[str, dict[str, dict[str, str]]]]
    versions: dict[tuple[str, str, str], str] = field(default_factory=dict)
    """(unit, coder, field) -> the codebook version of the code, when there are several."""
    skipped: SkippedCodes = field(default_factory=SkippedCodes)
    _values: dict[str, tuple[list[str], list[str], Values, int]] = field(default_factory=dict)

    def values(self, key: str) -> tuple[list[str], list[str], Values, int]:
        """The field's units, coders and values (None: missing; `EMPTY_SET`), and how many
        codes were set aside because their coder's condition did not hold."""
        if key not in self._values:
            self._values[key] = self._field_values(key)
        return self._values[key]

    def _field_values(self, key: str) -> tuple[list[str], list[str], Values, int]:
        book_field = self.codebook.field(key)
        per_unit: dict[str, dict[str, str | None]] = {}
        set_aside = 0
        absent = self._absent(book_field)
        if book_field.when is None and absent is None:  # the common case, kept quick
            for unit, by_coder in self.units[book_field.scope].items():
                coded: dict[str, str | None] = {
                    coder: codes[key] for coder, codes in by_coder.items() if key in codes
                }
                if coded:
                    per_unit[unit] = coded
            return self._matrix(per_unit, 0)
        for unit, by_coder in self.units[book_field.scope].items():
            row: dict[str, str | None] = {}
            applying = 0
            for coder, codes in by_coder.items():
                if book_field.when is not None:
                    if not _decided(book_field, codes):
                        continue
                    if key not in self.codebook.applicable(book_field.scope, codes):
                        set_aside += key in codes
                        continue
                    applying += 1
                row[coder] = codes.get(key, absent)
            if book_field.when is not None and applying < 2:
                continue
            if any(value is not None for value in row.values()):
                per_unit[unit] = row
        return self._matrix(per_unit, set_aside)

    def condition_held(self, key: str) -> tuple[list[str], list[str], Values, int]:
        """Whether the field's condition held ("1") or not ("0") for each coder that
        decided it on each unit, and on how many units it held for two coders or more."""
        book_field = self.codebook.field(key)
        per_unit: dict[str, dict[str, str | None]] = {}
        both = 0
        for unit, by_coder in self.units[book_field.scope].items():
            row: dict[str, str | None] = {
                coder: str(int(key in self.codebook.applicable(book_field.scope, codes)))
                for coder, codes in by_coder.items()
                if _decided(book_field, codes)
            }
            both += sum(value == "1" for value in row.values()) >= 2
            if row:
                per_unit[unit] = row
        units, coders, values, _ = self._matrix(per_unit, 0)
        return units, coders, values, both

    def version_pairs(self, key: str) -> Counter[tuple[str, str]]:
        """Compared pairs of the field's codes (two coders, one unit) by their versions
        (none counted when the project has one codebook version)."""
        pairs: Counter[tuple[str, str]] = Counter()
        if not self.versions:
            return pairs
        units, coders, values, _ = self.values(key)
        for j, unit in enumerate(units):
            made = [
                self.versions.get((unit, coder, key))
                for coder, row in zip(coders, values, strict=True)
                if row[j]
            ]
            for a, b in combinations([v for v in made if v is not None], 2):
                pairs[(min(a, b), max(a, b))] += 1
        return pairs

    def _absent(self, book_field: CodebookField) -> str | None:
        """What no code from a coder who coded the unit means: an optional multiple
        choice's empty set, else a missing value."""
        if book_field.type is FieldType.MULTIPLE and not book_field.required:
            return EMPTY_SET
        return None

    def _matrix(
        self, per_unit: dict[str, dict[str, str | None]], extra: int
    ) -> tuple[list[str], list[str], Values, int]:
        names = self.chosen or sorted(
            {coder for row in per_unit.values() for coder, v in row.items() if v is not None}
        )
        units = list(per_unit)
        return units, list(names), [[per_unit[u].get(c) for u in units] for c in names], extra


def coded_table(
    project: Project,
    keys: Sequence[str],
    coders: Sequence[str] | None = None,
    *,
    include_consensus: bool = False,
) -> CodedTable:
    """The codes of the chosen coders (see `from_project.project_reliability`) in the
    fields `keys` need: themselves, the fields their conditions name, and every field of
    the scope of an optional multiple choice (to tell its empty set from not coded)."""
    codebook = project.codebook
    wanted = [codebook.field(key) for key in keys]  # a CodebookError names unknown ones
    chosen = checked_coders(project, coders)
    needed = _needed_fields(codebook, wanted)
    kinds = [*codebook.coded_kinds, *([ARTICLE_KIND] if codebook.article_fields else [])]
    query = (
        wide_select(
            Article.key,
            Unit.idx,
            Unit.kind,
            Coder.name,
            Coder.role,
            Code.field,
            Code.code,
            Code.codebook_version_id,
        )
        .join(Unit, col(Unit.id) == Code.unit_id)
        .join(Article, col(Article.id) == Unit.article_id)
        .join(Coder, col(Coder.id) == Code.coder_id)
        .where(col(Unit.kind).in_(kinds), col(Code.field).in_(needed))
        .order_by(col(Article.position), col(Article.id), col(Unit.idx), col(Coder.name))
    )
    table = CodedTable(codebook, chosen, {Scope.UNIT: {}, Scope.ARTICLE: {}})
    allowed = CodebookCodes(codebook)
    scope_of = {f.key: f.scope for f in codebook.fields}
    measured = set(keys)
    with project.reading() as session:
        rows = session.exec(query).all()
        names = {
            version_id: f"{name} {version}"
            for version_id, name, version in session.exec(
                select(CodebookVersion.id, CodebookVersion.name, CodebookVersion.version)
            ).all()
        }
    several = len(names) > 1  # a project with one codebook version compares no two
    # Checked once per distinct coder, code and unit, not once per row: rows come by unit.
    counted: dict[tuple[str, str], bool] = {}
    valid: dict[tuple[str, str], bool] = {}
    place: tuple[str, int] | None = None
    unit = ""
    for article, idx, kind, coder, role, key, code, version_id in rows:
        if (coder, role) not in counted:
            counted[coder, role] = _counted(coder, role, chosen, include_consensus)
        if not counted[coder, role]:
            continue
        if (key, code) not in valid:
            valid[key, code] = allowed.allows(key, code)
        if not valid[key, code]:
            if key in measured:  # a field read for a condition counts when it is measured
                table.skipped.add(coder, key)
            continue
        scope = Scope.ARTICLE if kind == ARTICLE_KIND else Scope.UNIT
        if scope_of[key] is not scope:
            continue  # the database refuses these; a damaged file is not measured
        if place != (article, idx):
            place, unit = (article, idx), unit_key(article, idx)
        table.units[scope].setdefault(unit, {}).setdefault(coder, {})[key] = code
        if several:
            table.versions[(unit, coder, key)] = names.get(version_id, str(version_id))
    return table


def field_data(table: CodedTable, key: str, level: Level | None = None) -> ReliabilityData:
    """The field's `ReliabilityData`: a choice on its codebook scale, a number at its level,
    a date as day numbers at the interval level, a short text or a set as nominal values
    compared exactly. `level` overrides the level of choices, numbers and dates."""
    book_field = table.codebook.field(key)
    units, coders, values, _ = table.values(key)
    values = [[v or None for v in row] for row in values]  # an empty set is no value here
    kind = book_field.type
    own = cast(Level, str(book_field.level))  # the codebook's levels are the statistics'
    if kind is FieldType.SINGLE:
        return ReliabilityData(
            key,
            units,
            coders,
            values,
            level=level or own,
            categories={c.code: c.number for c in book_field.scale},
            outside_scale=frozenset(c.code for c in book_field.categories if c.outside_scale),
            category_source="codebook",
        )
    if kind is FieldType.DATE:
        seen = sorted({v for row in values for v in row if v is not None})
        days = {text: float(date.fromisoformat(text).toordinal()) for text in seen}
        return ReliabilityData(
            key, units, coders, values, level or own, days, category_source="days"
        )
    if kind is FieldType.NUMBER:
        return ReliabilityData(key, units, coders, values, level or own)
    return ReliabilityData(key, units, coders, values, "nominal")


def field_sets(table: CodedTable, key: str) -> tuple[list[str], list[str], list[list]]:
    """A multiple-choice field's values as sets of codes (None: missing)."""
    units, coders, values, _ = table.values(key)
    sets = [[None if v is None else frozenset(choices(v)) for v in row] for row in values]
    return units, coders, sets


def checked_coders(project: Project, coders: Sequence[str] | None) -> list[str] | None:
    """The coders named, checked: known, once each, two or more."""
    if coders is None:
        return None
    with project.reading() as session:
        known = set(session.exec(select(Coder.name)).all())
    names = [name.strip() for name in coders if name.strip()]
    for name in names:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none yet"
            raise AnnotatorError(f"no coder {name!r} in this project (coders: {listed})")
    if len(set(names)) != len(names):
        raise AnnotatorError("each coder can be chosen only once")
    if len(names) < 2:
        raise AnnotatorError("agreement needs at least two coders")
    return names


def _counted(coder: str, role: str, chosen: list[str] | None, include_consensus: bool) -> bool:
    """Whether a coder's codes enter agreement (see `from_project.project_reliability`)."""
    if chosen is not None:
        return coder in chosen
    if role == Role.CONSENSUS:
        return include_consensus
    return role not in OUTSIDE_THE_STUDY


def _decided(book_field: CodebookField, codes: dict[str, str]) -> bool:
    """Whether a coder's codes on a unit decide the field's condition: they coded a field
    the condition names."""
    assert book_field.when is not None
    return any(leaf.field in codes for leaf in leaves(book_field.when))


def _needed_fields(codebook: Codebook, wanted: list[CodebookField]) -> list[str]:
    needed: dict[str, None] = {}
    for book_field in wanted:
        needed[book_field.key] = None
        if book_field.type is FieldType.MULTIPLE and not book_field.required:
            needed.update(dict.fromkeys(f.key for f in codebook.fields_of(book_field.scope)))
        if book_field.when is None:
            continue
        # a condition names earlier fields of its scope; theirs name earlier ones still
        for earlier in codebook.fields_of(book_field.scope):
            if earlier.key == book_field.key:
                break
            needed[earlier.key] = None
    return list(needed)
