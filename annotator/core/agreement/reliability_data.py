"""Reliability data for one field: who gave which code to which unit.

`ReliabilityData` is the input of every agreement statistic. It keeps the codes as
the strings the coders chose (missing = None) together with what the statistics
need to know about them: the level of measurement, the ordered categories of the
scale with their numbers, and the codes that lie outside the scale ("not
applicable", "cannot be judged").
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np

from annotator.core.agreement.coefficients import LEVELS, MISSING, Level
from annotator.core.errors import AnnotatorError, InputError


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
class ReliabilityData:
    """The codes that several coders gave to the units of one field.

    ``values[i][j]`` is the code coder ``coders[i]`` gave unit ``unit_ids[j]``, or
    None (an empty string counts as None too). ``categories`` maps each code of the
    scale, in scale order, to its number; when it is None the categories are the
    codes found in the data minus ``outside_scale``: ordered numerically when they
    all read as numbers (which then are their values), else alphabetically (and
    without numbers, so interval and ratio statistics are undefined).
    """

    field: str
    unit_ids: list[str]
    coders: list[str]
    values: list[list[str | None]]
    level: Level = "nominal"
    categories: Mapping[str, float] | None = None
    outside_scale: frozenset[str] = frozenset()
    coded: CodedRatings = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "unit_ids", [str(u) for u in self.unit_ids])
        set_(self, "coders", [str(c) for c in self.coders])
        set_(self, "outside_scale", frozenset(str(c) for c in self.outside_scale))
        if self.categories is not None:
            set_(self, "categories", {str(k): float(v) for k, v in self.categories.items()})
        self._check_shape()
        set_(self, "coded", self._encode())

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

    def _fail(self, reason: str) -> AnnotatorError:
        return AnnotatorError(f"field {self.field!r}: {reason}")

    def _check_shape(self) -> None:
        if self.level not in LEVELS:
            raise self._fail(
                f"unknown level of measurement {self.level!r}; use one of {', '.join(LEVELS)}"
            )
        for name, items in (("unit", self.unit_ids), ("coder", self.coders)):
            repeated = sorted(item for item, n in Counter(items).items() if n > 1)
            if repeated:
                raise self._fail(f"{name} {repeated[0]!r} appears more than once")
        if len(self.values) != len(self.coders) or any(
            len(row) != len(self.unit_ids) for row in self.values
        ):
            raise self._fail("values must have one row per coder and one entry per unit")
        if self.categories is not None:
            clash = self.outside_scale & set(self.categories)
            if clash:
                raise self._fail(f"code {min(clash)!r} is both a category and outside the scale")
            if not all(math.isfinite(v) for v in self.categories.values()):
                raise self._fail("category values must be finite numbers")

    def _encode(self) -> CodedRatings:
        matrix = np.empty((len(self.coders), len(self.unit_ids)), dtype=object)
        if matrix.size:
            matrix[...] = self.values
        # numpy's stubs take no None operand; on an object array it is compared cell by cell
        missing = np.equal(matrix, None) | (matrix == "")  # type: ignore[call-overload]
        observed, inverse = np.unique(matrix[~missing].astype(str), return_inverse=True)
        scale, scale_values = self._scale([str(code) for code in observed])
        outside = sorted(self.outside_scale)
        labels = tuple(scale) + tuple(outside)
        index = {label: i for i, label in enumerate(labels)}
        unknown = [code for code in observed if str(code) not in index]
        if unknown:
            shown = ", ".join(repr(str(code)) for code in unknown[:5])
            raise self._fail(f"code(s) {shown} are neither categories nor outside-scale codes")
        lookup = np.array([index[str(code)] for code in observed], dtype=np.int64)
        codes = np.full(matrix.shape, MISSING, dtype=np.int64)
        codes[~missing] = lookup[inverse.reshape(-1)] if len(lookup) else MISSING
        return CodedRatings(labels, len(scale), scale_values, codes)

    def _scale(self, observed: list[str]) -> tuple[list[str], np.ndarray | None]:
        if self.categories is not None:
            return list(self.categories), np.array(list(self.categories.values()))
        codes = [code for code in observed if code not in self.outside_scale]
        numbers = [_as_number(code) for code in codes]
        if all(n is not None for n in numbers):
            pairs = sorted(zip(cast(list[float], numbers), codes, strict=True))
            return [code for _, code in pairs], np.array([n for n, _ in pairs], dtype=np.float64)
        return sorted(codes), None

    def derived_categories(self) -> list[str]:
        """The scale's categories in order (given, or derived from the data)."""
        return list(self.coded.labels[: self.coded.n_scale])


def _as_number(code: str) -> float | None:
    try:
        number = float(code)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# --- CSV -----------------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t")


def read_reliability_csv(
    path: str | Path, level: Level = "nominal", *, outside_scale: Iterable[str] = ()
) -> dict[str, ReliabilityData]:
    """Read reliability data from a CSV file, one `ReliabilityData` per field.

    Long format: columns ``unit``, ``coder``, ``value`` and optionally ``field`` (other
    columns are ignored). Wide format: a ``unit`` column (optionally ``field``) and one
    column per coder. Headers are case-insensitive; empty cells are missing values.
    Without a ``field`` column the one field is named after the file. The delimiter is
    whichever of comma, semicolon or tab the header line has most of.
    Raises InputError (file name and reason, one line) for unusable input.
    """
    if level not in LEVELS:
        raise AnnotatorError(
            f"unknown level of measurement {level!r}; use one of {', '.join(LEVELS)}"
        )
    source = str(path)
    rows = _read_rows(source)
    header = rows[0][1]
    names = [name.strip().lower() for name in header]
    for i, name in enumerate(names):
        if not name:
            raise InputError(source, f"column {i + 1} of the header has no name")
        if names.count(name) > 1:
            raise InputError(source, f"column {header[i].strip()!r} appears twice in the header")
    if "unit" not in names:
        shown = ", ".join(repr(h.strip()) for h in header[:6])
        raise InputError(source, f"no 'unit' column in the header (found {shown})")
    if len(rows) == 1:
        raise InputError(source, "the file has a header but no data rows")
    default_field = Path(source).stem
    if {"coder", "value"} <= set(names):
        records = _long_records(source, rows, names, default_field)
    else:
        records = _wide_records(source, rows, header, names, default_field)
    result: dict[str, ReliabilityData] = {}
    for field_name, field_records in records.items():
        try:
            result[field_name] = ReliabilityData.from_records(
                field_name, field_records, level=level, outside_scale=outside_scale
            )
        except AnnotatorError as error:
            raise InputError(source, str(error)) from error
    return result


def _read_rows(source: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows with their line numbers; the first is the header."""
    try:
        with open(source, encoding="utf-8-sig", newline="") as file:
            text = file.read()
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except UnicodeDecodeError:
        raise InputError(source, "not UTF-8 text; is it a CSV file?") from None
    except OSError as error:
        raise InputError(source, f"cannot be read ({error.strerror or error})") from None
    if not text.strip():
        raise InputError(source, "the file is empty")
    if "\x00" in text:
        raise InputError(source, "contains NUL bytes; not a CSV file")
    first_line = text.splitlines()[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise InputError(
            source, f"not a valid CSV file (line {reader.line_num}: {error})"
        ) from None
    if not rows:
        raise InputError(source, "the file has no values, only empty cells")
    return rows


def _cells(source: str, line: int, cells: list[str], width: int) -> list[str]:
    if len(cells) > width:
        extra = cells[width:]
        if any(cell.strip() for cell in extra):
            raise InputError(source, f"row {line} has {len(cells)} cells but the header {width}")
        cells = cells[:width]
    return [cell.strip() for cell in cells] + [""] * (width - len(cells))


def _long_records(
    source: str, rows: list[tuple[int, list[str]]], names: list[str], default_field: str
) -> dict[str, list[tuple[str, str, str | None]]]:
    unit_col, coder_col, value_col = names.index("unit"), names.index("coder"), names.index("value")
    field_col = names.index("field") if "field" in names else None
    seen: dict[tuple[str, str, str], int] = {}
    records: dict[str, list[tuple[str, str, str | None]]] = {}
    for line, raw in rows[1:]:
        cells = _cells(source, line, raw, len(names))
        unit, coder, value = cells[unit_col], cells[coder_col], cells[value_col]
        field_name = default_field if field_col is None else cells[field_col]
        for what, text in (("unit", unit), ("coder", coder), ("field", field_name)):
            if not text:
                raise InputError(source, f"row {line} has an empty {what}")
        key = (field_name, unit, coder)
        if key in seen:
            where = "" if field_col is None else f" in field {field_name!r}"
            raise InputError(
                source,
                f"row {line}: unit {unit!r} already has a value from coder {coder!r}{where}"
                f" (row {seen[key]})",
            )
        seen[key] = line
        records.setdefault(field_name, []).append((unit, coder, value or None))
    return records


def _wide_records(
    source: str,
    rows: list[tuple[int, list[str]]],
    header: list[str],
    names: list[str],
    default_field: str,
) -> dict[str, list[tuple[str, str, str | None]]]:
    unit_col = names.index("unit")
    field_col = names.index("field") if "field" in names else None
    coder_cols = [i for i in range(len(names)) if i not in (unit_col, field_col)]
    if not coder_cols:
        raise InputError(
            source, "no coder columns: expected unit, coder, value or one column per coder"
        )
    coders = [header[i].strip() for i in coder_cols]
    seen: dict[tuple[str, str], int] = {}
    records: dict[str, list[tuple[str, str, str | None]]] = {}
    for line, raw in rows[1:]:
        cells = _cells(source, line, raw, len(names))
        unit = cells[unit_col]
        field_name = default_field if field_col is None else cells[field_col]
        for what, text in (("unit", unit), ("field", field_name)):
            if not text:
                raise InputError(source, f"row {line} has an empty {what}")
        key = (field_name, unit)
        if key in seen:
            raise InputError(source, f"row {line}: unit {unit!r} appears twice (row {seen[key]})")
        seen[key] = line
        target = records.setdefault(field_name, [])
        target.extend(
            (unit, coder, cells[col] or None) for coder, col in zip(coders, coder_cols, strict=True)
        )
    return records
