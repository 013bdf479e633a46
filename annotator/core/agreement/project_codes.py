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

The codes are held as arrays (`code_arrays`: a coders x units matrix per field, read
from SQL a chunk at a time) and each field's matrix, condition and empty sets are worked
out on them: no Python object per code, so a project of millions of codes fits in
memory a few times the size of its integer matrices (issue 29).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Any, cast

import numpy as np
from sqlmodel import select

from annotator.core.agreement.code_arrays import ScopeCodes, read_scopes
from annotator.core.agreement.coefficients import Level
from annotator.core.agreement.reliability_data import CodedValues, ReliabilityData
from annotator.core.codebook import Codebook, CodebookField, Scope
from annotator.core.coding.codebook_check import SkippedCodes
from annotator.core.conditions import leaves
from annotator.core.errors import AnnotatorError
from annotator.core.field_values import FieldType, choices
from annotator.core.store.models import Coder
from annotator.core.store.project import Project
from annotator.core.store.roles import OUTSIDE_THE_STUDY, Role

EMPTY_SET = ""
"""A coder's empty choice in an optional multiple-choice field (see the module docstring)."""

Values = list[list[str | None]]


@dataclass(frozen=True)
class FieldCells:
    """One field's reliability matrix: the units (columns) and coders (rows) it keeps, and
    ``codes[row, column]`` indexing ``texts`` (-1: missing; `EMPTY_SET` may be a text)."""

    units: list[str]
    coders: list[str]
    codes: np.ndarray
    texts: list[str]
    extra: int
    columns: np.ndarray  # the units' columns in their scope's arrays

    def as_lists(self) -> Values:
        lookup = np.empty(len(self.texts) + 1, dtype=object)
        lookup[: len(self.texts)] = self.texts  # the last entry, for -1, stays None
        return lookup[self.codes].tolist()

    def coded(self) -> Values:
        """The values for `ReliabilityData` (which takes them for its lists), an empty set
        being no value there."""
        return CodedValues(self.codes, self.texts)  # type: ignore[return-value]


@dataclass
class CodedTable:
    """Every code agreement needs, per scope as arrays (`code_arrays.ScopeCodes`).

    Written by hand (the tests), ``units`` holds scope -> unit key -> coder -> field ->
    code (reading order) and ``versions`` (unit, coder, field) -> the codebook version of
    the code when there are several; `coded_table` gives ``scopes`` read from a project.
    """

    codebook: Codebook
    chosen: list[str] | None
    units: dict[Scope, dict[str, dict[str, dict[str, str]]]] = field(default_factory=dict)
    versions: dict[tuple[str, str, str], str] = field(default_factory=dict)
    skipped: SkippedCodes = field(default_factory=SkippedCodes)
    scopes: dict[Scope, ScopeCodes] = field(default_factory=dict)
    _cells: dict[str, FieldCells] = field(default_factory=dict)
    _conditions: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for scope, units in self.units.items():
            if scope not in self.scopes:
                self.scopes[scope] = ScopeCodes.from_nested(units, self.chosen, self.versions)

    def values(self, key: str) -> tuple[list[str], list[str], Values, int]:
        """The field's units, coders and values (None: missing; `EMPTY_SET`), and how many
        codes were set aside because their coder's condition did not hold."""
        cells = self.cells(key)
        return cells.units, cells.coders, cells.as_lists(), cells.extra

    def cells(self, key: str) -> FieldCells:
        """`values` as arrays."""
        if key not in self._cells:
            self._cells[key] = self._field_cells(key)
        return self._cells[key]

    def _field_cells(self, key: str) -> FieldCells:
        book_field = self.codebook.field(key)
        scope = self._scope(book_field.scope)
        codes = scope.field_values(key)
        texts = list(scope.texts.get(key, []))
        if self._absent(book_field) is not None:  # an empty choice of a coder who coded the unit
            if EMPTY_SET not in texts:
                texts.append(EMPTY_SET)
            codes = np.where(codes >= 0, codes, np.int32(texts.index(EMPTY_SET)))
            codes = np.where(scope.present, codes, -1)
        if book_field.when is None:
            return self._kept(scope, codes, texts, (codes >= 0).any(axis=0), 0)
        decided, applies = self._condition(book_field, scope)
        cells = decided & applies
        own = scope.field_values(key)
        set_aside = int((decided & ~applies & (own >= 0)).sum())
        codes = np.where(cells, codes, -1)
        keep = (codes >= 0).any(axis=0) & (cells.sum(axis=0) >= 2)
        return self._kept(scope, codes, texts, keep, set_aside)

    def condition_held(self, key: str) -> tuple[list[str], list[str], Values, int]:
        """Whether the field's condition held ("1") or not ("0") for each coder that
        decided it on each unit, and on how many units it held for two coders or more."""
        cells = self.held(key)
        return cells.units, cells.coders, cells.as_lists(), cells.extra

    def held(self, key: str) -> FieldCells:
        """`condition_held` as arrays."""
        book_field = self.codebook.field(key)
        scope = self._scope(book_field.scope)
        decided, applies = self._condition(book_field, scope)
        both = int(((decided & applies).sum(axis=0) >= 2).sum())
        codes = np.where(decided, applies.astype(np.int32), -1)
        return self._kept(scope, codes, ["0", "1"], decided.any(axis=0), both)

    def version_pairs(self, key: str) -> Counter[tuple[str, str]]:
        """Compared pairs of the field's codes (two coders, one unit) by their versions
        (none counted when the project has one codebook version)."""
        pairs: Counter[tuple[str, str]] = Counter()
        scope = self._scope(self.codebook.field(key).scope)
        if key not in scope.versions:
            return pairs
        cells = self.cells(key)
        rows = [scope.coders.index(name) for name in cells.coders]
        columns = cells.columns
        made = np.asarray([t != EMPTY_SET for t in cells.texts] + [False])[cells.codes]
        versions = np.where(made, scope.versions[key][rows][:, columns], -1)
        names = scope.version_names
        for a, b in combinations(range(len(rows)), 2):
            both = (versions[a] >= 0) & (versions[b] >= 0)
            found, counts = np.unique(
                np.stack([versions[a][both], versions[b][both]]), axis=1, return_counts=True
            )
            for (x, y), n in zip(found.T.tolist(), counts.tolist(), strict=True):
                pairs[(min(names[x], names[y]), max(names[x], names[y]))] += n
        return pairs

    def _scope(self, scope: Scope) -> ScopeCodes:
        if scope not in self.scopes:
            empty = np.zeros((len(self.chosen or []), 0), dtype=bool)
            self.scopes[scope] = ScopeCodes(
                list(self.chosen or []), lambda: np.empty(0, object), empty
            )
        return self.scopes[scope]

    def _condition(
        self, book_field: CodebookField, scope: ScopeCodes
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each coder and unit: whether the coder decided the field's condition (coded a
        field it names), and whether it held. Each distinct combination of the codes the
        condition looks at is judged once, by the codebook (`Codebook.applicable`)."""
        if book_field.key not in self._conditions:
            self._conditions[book_field.key] = self._judged(book_field, scope)
        return self._conditions[book_field.key]

    def _judged(
        self, book_field: CodebookField, scope: ScopeCodes
    ) -> tuple[np.ndarray, np.ndarray]:
        deps = _depends_on(self.codebook, book_field)
        found, inverse = _combinations([scope.field_values(key) for key in deps])
        decided = np.zeros(len(found), dtype=bool)
        applies = np.zeros(len(found), dtype=bool)
        for i, combination in enumerate(found.tolist()):
            codes = {
                key: scope.texts[key][number]
                for key, number in zip(deps, combination, strict=True)
                if number >= 0
            }
            decided[i] = _decided(book_field, codes)
            applies[i] = book_field.key in self.codebook.applicable(book_field.scope, codes)
        shape = scope.present.shape
        return scope.present & decided[inverse].reshape(shape), applies[inverse].reshape(shape)

    def _absent(self, book_field: CodebookField) -> str | None:
        """What no code from a coder who coded the unit means: an optional multiple
        choice's empty set, else a missing value."""
        if book_field.type is FieldType.MULTIPLE and not book_field.required:
            return EMPTY_SET
        return None

    def _kept(
        self, scope: ScopeCodes, codes: np.ndarray, texts: list[str], keep: Any, extra: int
    ) -> FieldCells:
        """The columns kept, and the coders: the chosen ones, else those with a value."""
        columns = np.flatnonzero(keep)
        kept = codes[:, columns]
        coded = np.flatnonzero((kept >= 0).any(axis=1)).tolist()
        rows = list(range(len(scope.coders))) if self.chosen else coded
        units = scope.keys[columns].tolist() if len(columns) else []
        return FieldCells(units, [scope.coders[i] for i in rows], kept[rows], texts, extra, columns)


def coded_table(
    project: Project,
    keys: Sequence[str],
    coders: Sequence[str] | None = None,
    *,
    include_consensus: bool = False,
) -> CodedTable:
    """The codes of the chosen coders (see `from_project.project_reliability`) in the
    fields `keys` need: themselves, the fields their conditions name, and every field of
    the scope of an optional multiple choice (to tell its empty set from not coded).
    They are read as arrays, a chunk of rows at a time (`code_arrays`)."""
    codebook = project.codebook
    wanted = [codebook.field(key) for key in keys]  # a CodebookError names unknown ones
    chosen = checked_coders(project, coders)
    skipped = SkippedCodes()

    def counted(name: str, role: str) -> bool:
        return _counted(name, role, chosen, include_consensus)

    needed = _needed_fields(codebook, wanted)
    with project.reading() as session:
        scopes = read_scopes(
            session.connection(), codebook, counted, chosen, needed, set(keys), skipped
        )
    return CodedTable(codebook, chosen, skipped=skipped, scopes=scopes)


def field_data(table: CodedTable, key: str, level: Level | None = None) -> ReliabilityData:
    """The field's `ReliabilityData`: a choice on its codebook scale, a number at its level,
    a date as day numbers at the interval level, a short text or a set as nominal values
    compared exactly. `level` overrides the level of choices, numbers and dates."""
    book_field = table.codebook.field(key)
    cells = table.cells(key)
    units, coders, values = cells.units, cells.coders, cells.coded()
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
        used = np.bincount(cells.codes.ravel() + 1, minlength=len(cells.texts) + 1)[1:] > 0
        seen = sorted(text for text, u in zip(cells.texts, used, strict=True) if u and text)
        days = {text: float(date.fromisoformat(text).toordinal()) for text in seen}
        return ReliabilityData(
            key, units, coders, values, level or own, days, category_source="days"
        )
    if kind is FieldType.NUMBER:
        return ReliabilityData(key, units, coders, values, level or own)
    return ReliabilityData(key, units, coders, values, "nominal")


def field_sets(table: CodedTable, key: str) -> tuple[list[str], list[str], list[list]]:
    """A multiple-choice field's values as sets of codes (None: missing)."""
    cells = table.cells(key)
    lookup = np.empty(len(cells.texts) + 1, dtype=object)
    lookup[: len(cells.texts)] = [frozenset(choices(text)) for text in cells.texts]
    return cells.units, cells.coders, lookup[cells.codes].tolist()


def check_named(known: Collection[str], names: Sequence[str]) -> None:
    """Each coder named is one of the project's (`known`), and named once."""
    for name in names:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none yet"
            raise AnnotatorError(f"no coder {name!r} in this project (coders: {listed})")
    if len(set(names)) != len(names):
        raise AnnotatorError("each coder can be chosen only once")


def checked_coders(project: Project, coders: Sequence[str] | None) -> list[str] | None:
    """The coders named, checked: known, once each, two or more."""
    if coders is None:
        return None
    with project.reading() as session:
        known = set(session.exec(select(Coder.name)).all())
    names = [name.strip() for name in coders if name.strip()]
    check_named(known, names)
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


def _combinations(matrices: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct combinations of the matrices' entries, cell by cell, as rows, and
    each cell's combination; the cells are read as digits of one integer when they fit."""
    bases = [int(matrix.max(initial=-1)) + 2 for matrix in matrices]
    if float(np.prod(np.array(bases, dtype=np.float64))) >= 2.0**62:
        stacked = np.stack([matrix.ravel() for matrix in matrices], axis=1)
        found, inverse = np.unique(stacked, axis=0, return_inverse=True)
        return found, inverse.ravel()
    number = np.zeros(matrices[0].size, dtype=np.int64)
    for matrix, base in zip(matrices, bases, strict=True):
        number = number * base + (matrix.ravel().astype(np.int64) + 1)
    keys, inverse = np.unique(number, return_inverse=True)
    digits = []
    for base in reversed(bases):
        keys, digit = np.divmod(keys, base)
        digits.append(digit - 1)
    return np.stack(digits[::-1], axis=1), inverse.ravel()


def _depends_on(codebook: Codebook, book_field: CodebookField) -> list[str]:
    """The fields whether `book_field` is asked depends on: those its condition names, and
    theirs in turn (a leaf on a field that is not asked does not hold)."""
    found: dict[str, None] = {}
    waiting = [book_field]
    while waiting:
        current = waiting.pop()
        if current.when is None:
            continue
        for leaf in leaves(current.when):
            if leaf.field not in found:
                found[leaf.field] = None
                waiting.append(codebook.field(leaf.field))
    return list(found)


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
