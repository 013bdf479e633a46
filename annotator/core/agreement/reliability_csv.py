"""Reliability data from a CSV file: long, wide, and annotator's own exports.

Layouts (headers are case-insensitive; the unit column is ``unit``, or ``unit_key`` as
`annotator export` writes it):

- long: ``unit``, ``coder``, ``value`` and optionally ``field``;
- long with a column per field: ``unit``, ``coder`` and one column per field (the
  export's long layout);
- wide: ``unit`` (optionally ``field``) and one column per coder;
- the export's wide layout: ``unit_key`` and a ``field__coder`` column per field and
  coder (its ``note__coder`` and ``coded_at__coder`` columns are not codes).

In a file with a ``unit_key`` column the export's other columns (article, text, note,
codebook...) are not codes, and the ``consensus`` coder (the adjudicated codes, not an
independent coder) is left out, as agreement on a project leaves it out; the report
says so.

Reading is vectorised (`csv_cells`): every check and lookup here works on integer
codes of the distinct cells, and every row is checked as the row-by-row reader did,
with the same messages.

Values: empty cells and the usual missing-value markers (`MISSING_MARKERS`, plus any
given as ``missing``) are missing, unless a declared category is spelled that way.
With a codebook (or ``order``), a cell may hold a category's code, its label (any
case) or its number, and the field's declared categories are the category set of
every coefficient.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from annotator.core.agreement.coefficients import LEVELS, Level
from annotator.core.agreement.csv_cells import CsvCells
from annotator.core.agreement.declared import Declared, codebook_categories, order_categories
from annotator.core.agreement.reliability_data import CodedValues, ReliabilityData
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.layout_columns import NOT_CODES
from annotator.core.store.roles import CONSENSUS

if TYPE_CHECKING:  # pydantic, imported by whoever makes the codebook
    from annotator.core.codebook import Codebook

MISSING_MARKERS: tuple[str, ...] = ("NA", "N/A", "n/a", "#N/A", "NaN", "nan", "NULL", "null", ".")
"""Cells read as missing values besides empty ones: R and pandas (NA, NaN), SQL (NULL),
spreadsheets (#N/A) and Stata, SAS and SPSS (.)."""

EXPORT_COLUMNS = NOT_CODES
"""Columns of `annotator export` that hold no codes."""


def read_reliability_csv(
    path: str | Path,
    level: Level | None = None,
    *,
    outside_scale: Iterable[str] = (),
    missing: Iterable[str] = (),
    order: Sequence[str] | None = None,
    codebook: Codebook | None = None,
) -> dict[str, ReliabilityData]:
    """Read reliability data from a CSV file, one `ReliabilityData` per field.

    See the module docstring for the layouts. Without a field column (or field
    columns) the one field is named after the file (or after the codebook's field
    when the codebook has only one). The delimiter is whichever of comma, semicolon
    or tab the header line has most of. ``level`` applies to every field; without it,
    each field has its codebook level (nominal without a codebook). ``order`` gives the
    scale's categories in order (their numbers when they are all numbers, else
    positions 1, 2, ...); ``codebook`` gives each field's categories, numbers and
    outside-scale codes (then ``outside_scale`` is not used).
    Raises InputError (file name and reason, one line) for unusable input.
    """
    if level is not None and level not in LEVELS:
        raise AnnotatorError(
            f"unknown level of measurement {level!r}; use one of {', '.join(LEVELS)}"
        )
    if order is not None and codebook is not None:
        raise AnnotatorError("give the categories' order or a codebook, not both")
    source = str(path)
    table = CsvCells.read(source)
    groups = _layout(table, Path(source).stem, codebook)
    options = _Options(
        level, frozenset(outside_scale), frozenset(missing) | set(MISSING_MARKERS), order
    )
    result: dict[str, ReliabilityData] = {}
    for group in groups:
        try:
            result[group.field] = _field_data(table, group, options, codebook)
        except AnnotatorError as error:
            if isinstance(error, InputError):
                raise
            raise InputError(source, str(error)) from error
    return result


# -- layouts ---------------------------------------------------------------------------


@dataclass
class _Source:
    """One column of values: whose (a coder column, or one coder) and which field."""

    value_col: int
    coder: str | None = None  # None: the coder column says


@dataclass
class _Group:
    """The columns that hold one field's values (or, with a field column, each field's)."""

    field: str
    sources: list[_Source]
    unit_col: int
    coder_col: int | None
    rows: np.ndarray  # the data rows that belong to this field
    notes: list[str] = dataclasses.field(default_factory=list)
    export: bool = False
    """An `annotator export`: like a project's, a field's coders are those who coded it."""


def _layout(table: CsvCells, default_field: str, codebook: Codebook | None) -> list[_Group]:
    """Work out the layout from the header, check every row, and group values by field."""
    header = table.header
    names = [name.strip().lower() for name in header]
    for i, name in enumerate(names):
        if not name:
            raise table.fail(f"column {i + 1} of the header has no name")
        if names.count(name) > 1:
            raise table.fail(f"column {header[i].strip()!r} appears twice in the header")
    unit_name = "unit" if "unit" in names else "unit_key" if "unit_key" in names else None
    if unit_name is None:
        shown = ", ".join(repr(h.strip()) for h in header[:6])
        raise table.fail(f"no 'unit' column in the header (found {shown})")
    if table.n_rows == 0:
        raise table.fail("the file has a header but no data rows")
    export = unit_name == "unit_key"
    unit_col = names.index(unit_name)
    field_col = names.index("field") if "field" in names else None
    coder_col = names.index("coder") if "coder" in names else None
    taken = {unit_col, field_col, coder_col}
    others = [
        i
        for i in range(len(names))
        if i not in taken and not (export and names[i] in EXPORT_COLUMNS)
    ]
    if coder_col is not None:
        per_field = "value" not in names
        sources = (
            [[_Source(names.index("value"))]] if not per_field else [[_Source(i)] for i in others]
        )
        if per_field and not sources:
            raise table.fail("no value column: expected unit, coder, value or a column per field")
        _check_rows(table, unit_col, coder_col, field_col)
        fields = [header[s[0].value_col].strip() for s in sources] if per_field else None
        return _groups(
            table, sources, fields, unit_col, coder_col, field_col, default_field, codebook, export
        )
    if not others:
        raise table.fail("no coder columns: expected unit, coder, value or one column per coder")
    _check_rows(table, unit_col, None, field_col)
    pairs = _export_wide_columns(header, others) if export else None
    if pairs:
        fields = list(dict.fromkeys(f for f, _, _ in pairs))
        sources = [[_Source(col, coder) for f, coder, col in pairs if f == name] for name in fields]
        return _groups(
            table, sources, fields, unit_col, None, None, default_field, codebook, export
        )
    sources = [[_Source(i, header[i].strip()) for i in others]]
    return _groups(table, sources, None, unit_col, None, field_col, default_field, codebook, export)


def _export_wide_columns(header: list[str], columns: list[int]) -> list[tuple[str, str, int]]:
    """(field, coder, column) for the export's ``field__coder`` columns.

    Coder names may contain "__" too; the export's ``note__coder`` columns name every
    coder exactly, so they decide where a field key ends.
    """
    names = [header[i].strip() for i in columns]
    coders = [n[len("note__") :] for n in names if n.lower().startswith("note__")]
    pairs = []
    for col, name in zip(columns, names, strict=True):
        lowered = name.lower()
        if lowered.startswith(("note__", "coded_at__")) or "__" not in name:
            continue
        coder = next((c for c in coders if name.endswith(f"__{c}")), None)
        if coder is None:
            field_key, _, coder = name.partition("__")
        else:
            field_key = name[: -len(coder) - 2]
        pairs.append((field_key, coder, col))
    return pairs


def _check_rows(
    table: CsvCells, unit_col: int, coder_col: int | None, field_col: int | None
) -> None:
    """Refuse the first bad row, in file order, as the row-by-row reader did."""
    import pandas as pd

    candidates: list[tuple[int, int, str]] = []  # (row, check order, message)
    for record, count in table.long_rows.items():
        row = int(np.searchsorted(table.records, record))
        candidates.append((row, 0, f"has {count} cells but the header {len(table.header)}"))
    for order, (what, col) in enumerate(
        (("unit", unit_col), ("coder", coder_col), ("field", field_col)), start=1
    ):
        if col is not None:
            empty = np.flatnonzero(table.empty(col))
            if len(empty):
                candidates.append((int(empty[0]), order, f"has an empty {what}"))
    keys = pd.DataFrame(
        {col: table.codes[col] for col in (field_col, unit_col, coder_col) if col is not None}
    )
    units = table.codes[unit_col]
    if len(units) > 1 and bool((np.diff(units) > 0).all()):
        repeated = np.empty(0, dtype=np.int64)  # every row a unit of its own
    else:
        repeated = np.flatnonzero(keys.duplicated().to_numpy())
    if len(repeated):
        row = int(repeated[0])
        same = (keys.to_numpy()[:row] == keys.to_numpy()[row]).all(axis=1)
        first = int(np.flatnonzero(same)[0])
        candidates.append(
            (row, 4, _repeat_message(table, row, first, unit_col, coder_col, field_col))
        )
    if candidates:
        row, _, message = min(candidates)
        if message.startswith("has "):
            raise table.fail(f"row {table.line(row)} {message}")
        raise table.fail(f"row {table.line(row)}: {message}")


def _repeat_message(
    table: CsvCells,
    row: int,
    first: int,
    unit_col: int,
    coder_col: int | None,
    field_col: int | None,
) -> str:
    unit = table.cell(unit_col, row)
    if coder_col is None:
        return f"unit {unit!r} appears twice (row {table.line(first)})"
    coder = table.cell(coder_col, row)
    where = "" if field_col is None else f" in field {table.cell(field_col, row)!r}"
    return (
        f"unit {unit!r} already has a value from coder {coder!r}{where} (row {table.line(first)})"
    )


def _groups(
    table: CsvCells,
    sources: list[list[_Source]],
    fields: list[str] | None,
    unit_col: int,
    coder_col: int | None,
    field_col: int | None,
    default_field: str,
    codebook: Codebook | None,
    export: bool,
) -> list[_Group]:
    """One group per field: from field columns, from a field column, or the one field."""
    import pandas as pd

    rows = np.arange(table.n_rows)
    notes: list[str] = []
    if export:
        rows, notes = _export_rows(table, rows, coder_col)
    if fields is not None:
        return [
            _Group(name, group, unit_col, coder_col, rows, list(notes), export)
            for name, group in zip(fields, sources, strict=True)
        ]
    if field_col is None:
        name = default_field
        if codebook is not None and len(codebook.fields) == 1:
            name = codebook.fields[0].key
        return [_Group(name, sources[0], unit_col, coder_col, rows, notes)]
    per_row, order = pd.factorize(table.codes[field_col][rows])
    return [
        _Group(
            table.labels[field_col][code],
            sources[0],
            unit_col,
            coder_col,
            rows[per_row == i],
            list(notes),
        )
        for i, code in enumerate(order)
    ]


def _export_rows(
    table: CsvCells, rows: np.ndarray, coder_col: int | None
) -> tuple[np.ndarray, list[str]]:
    """An export's rows without the consensus coder's (a project's agreement leaves it out)."""
    if coder_col is None or CONSENSUS not in table.labels[coder_col]:
        return rows, []
    consensus = table.codes[coder_col][rows] == table.labels[coder_col].index(CONSENSUS)
    if not consensus.any():
        return rows, []
    note = (
        f"coder {CONSENSUS!r} (the adjudicated codes) left out: agreement is measured "
        "between independent coders"
    )
    return rows[~consensus], [note]


# -- one field -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    level: Level | None
    outside_scale: frozenset[str]
    missing: frozenset[str]
    order: Sequence[str] | None


def _field_data(
    table: CsvCells, group: _Group, options: _Options, codebook: Codebook | None
) -> ReliabilityData:
    """The field's codes per coder and unit (both in first-seen order), as integer codes
    into the distinct cell texts of its value columns, each read once."""
    import pandas as pd

    declared = _declared(group.field, options, codebook)
    outside = declared.outside if declared else options.outside_scale
    markers = options.missing - outside
    rows = group.rows
    codes: list[np.ndarray] = []
    texts: list[str | None] = []
    counted: collections.Counter[str] = collections.Counter()
    for source in group.sources:
        labels = table.labels[source.value_col]
        read = [_cell_value(label, declared, markers) for label in labels]
        column = table.codes[source.value_col][rows]
        codes.append(column + len(texts))
        texts.extend(read)
        for code, n in enumerate(np.bincount(column, minlength=len(labels))):
            if n and read[code] is None and labels[code] in markers:
                counted[labels[code]] += int(n)
    if group.coder_col is None:  # a column per coder, a row per unit (checked unique)
        matrix = np.vstack(codes)
        unit_codes = table.codes[group.unit_col][rows]
        coder_names = [str(source.coder) for source in group.sources]
    else:  # a row per unit and coder: both in first-seen order
        unit_index, unit_codes = pd.factorize(table.codes[group.unit_col][rows])
        coder_index, coder_codes = pd.factorize(table.codes[group.coder_col][rows])
        matrix = np.full((len(coder_codes), len(unit_codes)), -1, dtype=np.int64)
        matrix[coder_index, unit_index] = codes[0]
        coder_names = [table.labels[group.coder_col][c] for c in coder_codes]
    if group.export:
        present = np.array([text is not None for text in texts] + [False])
        coded = present[matrix].any(axis=1)
        matrix = matrix[coded]
        coder_names = [name for name, kept in zip(coder_names, coded, strict=True) if kept]
    notes = list(group.notes)
    if counted:
        shown = ", ".join(f"{marker} ({n})" for marker, n in counted.most_common())
        notes.append(f"{sum(counted.values())} value(s) read as missing: {shown}")
    level: str = options.level or (
        str(codebook.field(group.field).level) if codebook is not None else "nominal"
    )
    unit_labels = np.array(table.labels[group.unit_col], dtype=object)[unit_codes]
    return ReliabilityData(
        group.field,
        unit_labels.tolist(),
        coder_names,
        CodedValues(matrix, texts),  # type: ignore[arg-type]
        level,  # type: ignore[arg-type]
        declared.categories if declared else None,
        outside,
        category_source=declared.source if declared else None,
        notes=tuple(notes),
    )


def _cell_value(text: str, declared: Declared | None, markers: frozenset[str]) -> str | None:
    """What one distinct cell text stands for: a category, a missing value, or itself."""
    if text == "":
        return None
    if declared is not None:
        code = declared.resolve(text)
        if code is not None:
            return code
    return None if text in markers else text


def _declared(name: str, options: _Options, codebook: Codebook | None) -> Declared | None:
    if codebook is not None:
        return codebook_categories(codebook.field(name))  # a CodebookError names fields
    if options.order is not None:
        return order_categories(options.order, options.outside_scale)
    return None
