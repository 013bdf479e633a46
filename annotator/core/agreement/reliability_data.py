"""Reliability data for one field: who gave which code to which unit.

`ReliabilityData` is the input of every agreement statistic. It keeps the codes as
the coders chose them (missing = None) together with what the statistics need to
know about them: the level of measurement, the ordered categories of the scale with
their numbers, where those categories come from, and the codes that lie outside the
scale ("not applicable", "cannot be judged").

Codes are never compared as text when they are numbers: "1", "1.0" and "01" are one
category. A scale that needs an order or numbers (ordinal, interval, ratio) is never
made up from text codes (sorting "low", "mid", "high" alphabetically would silently
reverse part of it): without declared categories such codes are refused, naming one.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.core.agreement.coefficients import LEVELS, MISSING, Level
from annotator.core.errors import AnnotatorError

CATEGORY_SOURCES = {
    "data": "the codes found in the data, from every coder in it",
    "codebook": "the field's categories in the codebook",
    "order": "the categories given with --order",
    "given": "the categories given with the data",
    "days": "the dates found in the data, each as its day number (days since 1 January of "
    "year 1), so that interval alpha weighs a disagreement by the squared days between",
    "binary": "1 (chosen, or the condition held) and 0 (not)",
}
"""Where a field's categories come from, and how the report says so."""


@dataclass(frozen=True, eq=False)
class CodedRatings:
    """The ratings as integer category indices, ready for the coefficient functions.

    ``codes[coder, unit]`` indexes ``labels`` (``-1`` = missing). The first
    ``n_scale`` labels are the scale's categories in scale order; the rest are the
    outside-scale codes. ``scale_values`` holds the number of each scale category,
    or is None when the categories have no numbers.
    """

    labels: tuple[str, ...]
    n_scale: int
    scale_values: np.ndarray | None
    codes: np.ndarray

    @property
    def n_categories(self) -> int:
        return len(self.labels)

    def select(
        self, coder_rows: Sequence[int] | None = None, unit_columns: np.ndarray | None = None
    ) -> CodedRatings:
        """The same ratings restricted to some coders and/or units."""
        codes = self.codes
        if coder_rows is not None:
            codes = codes[list(coder_rows), :]
        if unit_columns is not None:
            codes = codes[:, unit_columns]
        return CodedRatings(self.labels, self.n_scale, self.scale_values, codes)

    def scale_only(self) -> tuple[np.ndarray, int]:
        """Codes with outside-scale values turned into missing values, and how many were."""
        outside = self.codes >= self.n_scale
        return np.where(outside, MISSING, self.codes), int(outside.sum())


@dataclass(frozen=True, eq=False)
class CodedValues:
    """Values as integer codes into their distinct texts: ``texts[codes[coder, unit]]``,
    where -1 (and a text that is None or "") is missing.

    How a reader that has already factorized its cells (the CSV reader) hands them to
    `ReliabilityData` without making a Python object per value first.
    """

    codes: np.ndarray
    texts: Sequence[str | None]

    def as_lists(self) -> list[list[str | None]]:
        texts = np.array([*(t or None for t in self.texts), None], dtype=object)
        return texts[self.codes].tolist()


@dataclass(frozen=True, eq=False)
class ReliabilityData:
    """The codes that several coders gave to the units of one field.

    ``values[i][j]`` is the code coder ``coders[i]`` gave unit ``unit_ids[j]``, or
    None (an empty string counts as None too); a 2-D numpy object array and
    `CodedValues` are taken as well (and turned into lists). ``categories`` maps each
    code of the scale, in scale order, to its number.
    When it is None the categories are the codes found in the data minus
    ``outside_scale``: codes that read as numbers are compared as numbers (``1.0``
    and ``01`` are the category ``1``) and ordered by them; other codes are allowed
    at the nominal level only, since their order and numbers are unknown.
    ``category_source`` says where the categories come from (`CATEGORY_SOURCES`;
    default "data" without categories, "given" with them). ``notes`` are remarks on
    how the input was read (values read as missing, coders left out) that the
    report repeats.
    """

    field: str
    unit_ids: list[str]
    coders: list[str]
    values: list[list[str | None]]
    level: Level = "nominal"
    categories: Mapping[str, float] | None = None
    outside_scale: frozenset[str] = frozenset()
    category_source: str | None = None
    notes: tuple[str, ...] = ()
    coded: CodedRatings = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "unit_ids", list(map(str, self.unit_ids)))
        set_(self, "coders", list(map(str, self.coders)))
        set_(self, "outside_scale", frozenset(str(c) for c in self.outside_scale))
        set_(self, "notes", tuple(self.notes))
        if self.categories is not None:
            set_(self, "categories", {str(k): float(v) for k, v in self.categories.items()})
        if self.category_source is None:
            set_(self, "category_source", "data" if self.categories is None else "given")
        self._check_shape()
        shape = (len(self.coders), len(self.unit_ids))
        if isinstance(self.values, CodedValues):
            if self.values.codes.shape != shape:
                raise self._fail("values must have one row per coder and one entry per unit")
            codes = self.values.codes.ravel()
            used = np.bincount(codes + 1, minlength=len(self.values.texts) + 1)[1:] > 0
            distinct = [t if u else None for t, u in zip(self.values.texts, used, strict=True)]
            set_(self, "values", self.values.as_lists())
        else:
            import pandas as pd  # here, not at import: the command line starts without it

            matrix = _object_matrix(self.values, *shape)
            if matrix is None:
                raise self._fail("values must have one row per coder and one entry per unit")
            if isinstance(self.values, np.ndarray):
                set_(self, "values", matrix.tolist())
            # A hash of the distinct codes: the Python work below is per distinct code.
            codes, found = pd.factorize(matrix.ravel(), use_na_sentinel=True)
            distinct = [str(code) for code in found]
        set_(self, "coded", self._encode(codes, distinct, shape))

    @classmethod
    def from_records(
        cls,
        field: str,
        records: Iterable[tuple[str, str, str | None]],
        *,
        level: Level = "nominal",
        categories: Mapping[str, float] | None = None,
        outside_scale: Iterable[str] = (),
    ) -> ReliabilityData:
        """Build from ``(unit, coder, value)`` records; units and coders in first-seen order."""
        by_pair: dict[tuple[str, str], str | None] = {}
        units: dict[str, None] = {}
        coders: dict[str, None] = {}
        for unit, coder, value in records:
            key = (str(unit), str(coder))
            if key in by_pair:
                raise AnnotatorError(
                    f"field {field!r}: unit {key[0]!r} has two values from coder {key[1]!r}"
                )
            by_pair[key] = None if value is None or value == "" else str(value)
            units.setdefault(key[0])
            coders.setdefault(key[1])
        matrix = [[by_pair.get((u, c)) for u in units] for c in coders]
        return cls(
            field, list(units), list(coders), matrix, level, categories, frozenset(outside_scale)
        )

    @property
    def n_units(self) -> int:
        return len(self.unit_ids)

    @property
    def n_coders(self) -> int:
        return len(self.coders)

    @property
    def category_description(self) -> str:
        """Where the categories come from, in words (see `CATEGORY_SOURCES`)."""
        return CATEGORY_SOURCES.get(str(self.category_source), str(self.category_source))

    def _fail(self, reason: str) -> AnnotatorError:
        return AnnotatorError(f"field {self.field!r}: {reason}")

    def _check_shape(self) -> None:
        if self.level not in LEVELS:
            raise self._fail(
                f"unknown level of measurement {self.level!r}; use one of {', '.join(LEVELS)}"
            )
        for name, items in (("unit", self.unit_ids), ("coder", self.coders)):
            if len(set(items)) < len(items):
                repeated = sorted(item for item, n in Counter(items).items() if n > 1)
                raise self._fail(f"{name} {repeated[0]!r} appears more than once")
        if self.categories is not None:
            clash = self.outside_scale & set(self.categories)
            if clash:
                raise self._fail(f"code {min(clash)!r} is both a category and outside the scale")
            if not all(math.isfinite(v) for v in self.categories.values()):
                raise self._fail("category values must be finite numbers")

    def _encode(
        self, flat_codes: np.ndarray, distinct: list[str | None], shape: tuple[int, int]
    ) -> CodedRatings:
        """Category indices from ``distinct[flat_codes]`` (-1, None and "" = missing)."""
        observed = sorted({code for code in distinct if code})
        scale, scale_values, label_of = self._scale(observed)
        outside = sorted(self.outside_scale)
        labels = tuple(scale) + tuple(outside)
        index = {label: i for i, label in enumerate(labels)}
        lookup = np.full(len(distinct) + 1, MISSING, dtype=np.int64)  # last: missing
        unknown = set()
        for i, code in enumerate(distinct):
            if not code:
                continue
            label = label_of.get(code, code)
            if label in index:
                lookup[i] = index[label]
            else:
                unknown.add(code)
        if unknown:
            shown = ", ".join(repr(code) for code in sorted(unknown)[:5])
            raise self._fail(f"code(s) {shown} are neither categories nor outside-scale codes")
        codes = lookup[flat_codes].reshape(shape)  # -1 (missing) takes the last entry
        return CodedRatings(labels, len(scale), scale_values, codes)

    def _scale(self, observed: list[str]) -> tuple[list[str], np.ndarray | None, dict[str, str]]:
        """The scale's categories in order, their numbers, and each observed code's label."""
        if self.categories is not None:
            scale, values = list(self.categories), np.array(list(self.categories.values()))
            self._check_ratio(scale, values)
            return scale, values, {}
        codes = [c for c in observed if c not in self.outside_scale]
        numbers = {code: as_number(code) for code in codes}
        words = sorted(code for code in codes if numbers[code] is None)
        if words and self.level != "nominal":
            raise self._fail(_needs_numbers(self.level, words, len(words) < len(codes)))
        label_of: dict[str, str] = {}
        by_number: dict[float, str] = {}
        for code, number in numbers.items():
            if number is not None:
                # "9.0" is a spelling of the outside-scale code "9" when there is one
                label_of[code] = by_number[number] = _number_label(number)
        ordered = sorted(by_number.items())
        scale = [label for _, label in ordered if label not in self.outside_scale]
        if words:
            return scale + words, None, label_of
        values = np.array([n for n, label in ordered if label not in self.outside_scale])
        self._check_ratio(scale, values)
        return scale, values.astype(np.float64), label_of

    def _check_ratio(self, scale: list[str], values: np.ndarray) -> None:
        if self.level == "ratio" and len(values) and float(values.min()) < 0:
            code = scale[int(np.argmin(values))]
            raise self._fail(
                f"code {code!r} is negative, but the ratio level needs a true zero (values "
                "of 0 or more); use the interval level for a scale with negative values"
            )

    def derived_categories(self) -> list[str]:
        """The scale's categories in order (given, or derived from the data)."""
        return list(self.coded.labels[: self.coded.n_scale])


def _object_matrix(values: object, n_coders: int, n_units: int) -> np.ndarray | None:
    """The values as a (coders, units) object array; None for any other shape."""
    if isinstance(values, np.ndarray):
        matrix = values.astype(object, copy=False)
        if matrix.shape == (n_coders, n_units):
            return matrix
    else:
        rows = list(values)  # type: ignore[call-overload]
        if len(rows) == n_coders and all(len(row) == n_units for row in rows):
            matrix = np.empty((n_coders, n_units), dtype=object)
            if matrix.size:
                matrix[...] = rows
            return matrix
    return None


def _needs_numbers(level: str, words: list[str], some_numbers: bool) -> str:
    """Why text codes cannot make an ordinal, interval or ratio scale, and what to do."""
    how = (
        "give the categories in order with --order or a --codebook"
        if level == "ordinal"
        else "give the categories' values with a --codebook (or their order with --order)"
    )
    if some_numbers:
        return (
            f"code {words[0]!r} is not a number, unlike the field's other codes; the "
            f"{level} level needs numbers or declared categories: {how}, or mark "
            f"{words[0]!r} as missing with --missing"
        )
    shown = ", ".join(w if w.isprintable() else repr(w) for w in words[:5])
    shown += ", ..." if len(words) > 5 else ""  # repr: a code with a line break stays one line
    if level == "ordinal":
        return (
            f"the codes are text ({shown}), so their order is unknown (they would sort "
            f"alphabetically); the ordinal level needs it: {how}"
        )
    return f"the codes are text ({shown}), not numbers; the {level} level needs numbers: {how}"


def as_number(code: str) -> float | None:
    try:
        number = float(code)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _number_label(number: float) -> str:
    """One spelling per number: 1, 1.0 and 01 are all "1"; 2.5 stays "2.5"."""
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)
