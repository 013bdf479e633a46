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

Reading is vectorised: pandas' C parser reads the cells and every check and lookup
works on integer codes of the distinct cells, so the Python work grows with the
number of distinct codes, units and coders, not with the number of cells. Files
with quote characters are first run through the csv module's strict parser, so a
badly quoted file is refused exactly as before rather than read leniently; a row with
more cells than the header falls back to the csv module (empty extra cells are
allowed there).

Values: empty cells and the usual missing-value markers (`MISSING_MARKERS`, plus any
given as ``missing``) are missing, unless a declared category is spelled that way.
With a codebook (or ``order``), a cell may hold a category's code, its label (any
case) or its number, and the field's declared categories are the category set of
every coefficient.
"""

from __future__ import annotations

import collections
import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from annotator.core.agreement.coefficients import LEVELS, Level
from annotator.core.agreement.reliability_data import CodedValues, ReliabilityData, _as_number
from annotator.core.codebook import Codebook
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.store.roles import CONSENSUS

MISSING_MARKERS: tuple[str, ...] = ("NA", "N/A", "n/a", "#N/A", "NaN", "nan", "NULL", "null", ".")
"""Cells read as missing values besides empty ones: R and pandas (NA, NaN), SQL (NULL),
spreadsheets (#N/A) and Stata, SAS and SPSS (.)."""

EXPORT_COLUMNS = frozenset(
    {
        "article_key",
        "title",
        "outlet",
        "published",
        "unit_index",
        "kind",
        "text",
        "note",
        "coded_at",
        "codebook",
        "codebook_version",
        "consensus_source",
        "role",
    }
)
"""Columns of `annotator export` that hold no codes."""

_DELIMITERS = (",", ";", "\t")
# White space that str.strip() removes, other than line ends: a file without any
# (most files of codes) is not stripped cell by cell.
_ASCII_SPACE = " \t\x0b\x0c\x1c\x1d\x1e\x1f"
_SPACE = re.compile(r"[^\S\r\n]")
# What str.splitlines() ends the first line at, without splitting the whole file.
_FIRST_LINE = re.compile("[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*")


@dataclass(frozen=True)
class Declared:
    """The categories declared for one field (by a codebook or an order)."""

    categories: dict[str, float]
    outside: frozenset[str]
    source: str
    resolve: Callable[[str], str | None]
    """The category code a cell's text stands for, or None."""


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
    table = _Table.read(source)
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


# -- the cells -------------------------------------------------------------------------


@dataclass
class _Table:
    """The file's cells as integer codes per column (data rows only, blank rows left out).

    ``labels[col][code]`` is a cell's text with surrounding white space removed;
    ``records[row]`` is the row's record number in the file (0 = first), from which
    `line` recovers the line number that error messages name.
    """

    source: str
    text: str
    delimiter: str
    header: list[str]
    records: np.ndarray
    codes: list[np.ndarray]
    labels: list[list[str]]
    long_rows: dict[int, int] = field(default_factory=dict)
    """Record number -> cell count, for rows longer than the header (non-empty extras)."""

    @classmethod
    def read(cls, source: str) -> _Table:
        text = _read_text(source)
        first_line = _FIRST_LINE.match(text).group()  # type: ignore[union-attr]
        delimiter = max(_DELIMITERS, key=first_line.count)
        if first_line.count(delimiter) == 0:
            delimiter = ","
        if '"' in text:
            _check_quoting(source, text, delimiter)
        columns, long_rows = _raw_columns(text, delimiter)
        padded = _has_space(text, delimiter)
        coded = [_factorized(column, padded) for column in columns]
        blank = np.logical_and.reduce([codes == _empty_code(labels) for codes, labels in coded])
        rows = np.flatnonzero(~blank)
        if len(rows) == 0:
            raise InputError(source, "the file has no values, only empty cells")
        header_record, data = rows[0], rows[1:]
        return cls(
            source,
            text,
            delimiter,
            [str(column[header_record]) for column in columns],
            data,
            [codes[data] for codes, _ in coded],
            [labels for _, labels in coded],
            long_rows,
        )

    @property
    def n_rows(self) -> int:
        return len(self.records)

    def cell(self, col: int, row: int) -> str:
        return self.labels[col][self.codes[col][row]]

    def empty(self, col: int) -> np.ndarray:
        return self.codes[col] == _empty_code(self.labels[col])

    def line(self, row: int) -> int:
        """The line number of data row ``row`` as the csv module counts it."""
        target = int(self.records[row])
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        for number, _ in enumerate(reader):
            if number == target:
                return reader.line_num
        return reader.line_num

    def fail(self, reason: str) -> InputError:
        return InputError(self.source, reason)


def _read_text(source: str) -> str:
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
    return text


def _has_space(text: str, delimiter: str) -> bool:
    """Whether any cell could start or end with white space (a delimiter tab aside)."""
    if not text.isascii():  # rare: let the regular expression find Unicode spaces
        return _SPACE.search(text.replace("\t", "") if delimiter == "\t" else text) is not None
    return any(space in text for space in _ASCII_SPACE if space != delimiter)


def _check_quoting(source: str, text: str, delimiter: str) -> None:
    """Run the strict csv parser over the file (in C: no Python work per row)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        collections.deque(reader, maxlen=0)
    except csv.Error as error:
        raise InputError(
            source, f"not a valid CSV file (line {reader.line_num}: {error})"
        ) from None


def _raw_columns(text: str, delimiter: str) -> tuple[list[np.ndarray], dict[int, int]]:
    """Every record's cells as one object array per column (short rows padded with "")."""
    import pandas as pd  # here, not at import: the command line starts without it

    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError:  # a row longer than the first one
        return _ragged_columns(text, delimiter)
    return [frame[name].to_numpy(dtype=object) for name in frame.columns], {}


def _ragged_columns(text: str, delimiter: str) -> tuple[list[np.ndarray], dict[int, int]]:
    """The csv module's reading of a file whose rows differ in length: the header's
    width is kept; longer rows are noted unless their extra cells are empty."""
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    header = next((r for r in rows if any(cell.strip() for cell in r)), [])
    width = max(len(header), 1)
    long_rows = {
        i: len(r)
        for i, r in enumerate(rows)
        if len(r) > width and any(cell.strip() for cell in r[width:])
    }
    matrix = np.full((len(rows), width), "", dtype=object)
    for i, r in enumerate(rows):
        cells = r[:width]
        matrix[i, : len(cells)] = cells
    return [matrix[:, j] for j in range(width)], long_rows


def _factorized(column: np.ndarray, padded: bool) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a column's cells and the stripped text of each code (``padded``:
    the file has white space that may surround a cell)."""
    import pandas as pd

    if len(column) > 1000 and len(set(column[:1000].tolist())) == 1000:
        cells = column.tolist()  # looks like a column of unit names: all distinct?
        if not padded and len(set(cells)) == len(cells):
            return np.arange(len(cells)), cells
    codes, found = pd.factorize(column, use_na_sentinel=False)
    distinct = found.tolist()
    if not padded:
        return codes, distinct
    stripped = [text.strip() for text in distinct]
    if stripped == distinct:  # strip() returns the same object: a fast comparison
        return codes, distinct
    merged, labels = pd.factorize(np.array(stripped, dtype=object))
    return merged[codes], labels.tolist()


def _empty_code(labels: list[str]) -> int:
    try:
        return labels.index("")
    except ValueError:
        return -2  # no empty cell: matches no code


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
    notes: list[str] = field(default_factory=list)
    export: bool = False
    """An `annotator export`: like a project's, a field's coders are those who coded it."""


def _layout(table: _Table, default_field: str, codebook: Codebook | None) -> list[_Group]:
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


def _check_rows(table: _Table, unit_col: int, coder_col: int | None, field_col: int | None) -> None:
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
    table: _Table, row: int, first: int, unit_col: int, coder_col: int | None, field_col: int | None
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
    table: _Table,
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
    table: _Table, rows: np.ndarray, coder_col: int | None
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
    table: _Table, group: _Group, options: _Options, codebook: Codebook | None
) -> ReliabilityData:
    """The field's codes per coder and unit (both in first-seen order), as integer codes
    into the distinct cell texts of its value columns, each read once."""
    import pandas as pd

    declared = _declared(group.field, options, codebook)
    outside = declared.outside if declared else options.outside_scale
    markers = options.missing - outside
    rows = group.rows
    codes, texts = [], []
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
    level = options.level
    if level is None:
        level = str(codebook.field(group.field).level) if codebook is not None else "nominal"
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
        book_field = codebook.field(name)  # a CodebookError names the codebook's fields

        def resolve(text: str) -> str | None:
            category = book_field.resolve(text)
            return category.code if category is not None else None

        return Declared(
            {c.code: float(c.value) for c in book_field.scale if c.value is not None},
            frozenset(c.code for c in book_field.categories if c.outside_scale),
            "codebook",
            resolve,
        )
    if options.order is not None:
        return order_categories(options.order, options.outside_scale)
    return None


def order_categories(order: Sequence[str], outside_scale: Iterable[str] = ()) -> Declared:
    """Categories from their order: their numbers if every one is a number, else
    positions 1, 2, ... (as a codebook gives categories without values)."""
    codes = [code.strip() for code in order]
    if not codes or any(not code for code in codes):
        raise AnnotatorError("--order needs the categories in order, comma-separated")
    if len(set(codes)) != len(codes):
        twice = next(code for code in codes if codes.count(code) > 1)
        raise AnnotatorError(f"--order names {twice!r} twice")
    numbers = [_as_number(code) for code in codes]
    if all(n is not None for n in numbers):
        values = [float(n) for n in numbers if n is not None]
    else:
        values = [float(position) for position in range(1, len(codes) + 1)]
    outside = frozenset(outside_scale)
    exact = {code: code for code in [*codes, *outside]}
    folded = {code.casefold(): code for code in exact}
    by_number = {}
    if all(n is not None for n in numbers):
        by_number = {n: code for n, code in zip(numbers, codes, strict=True)}

    def resolve(text: str) -> str | None:
        if text in exact:
            return exact[text]
        number = _as_number(text)
        if number is not None and number in by_number:
            return by_number[number]
        return folded.get(text.casefold())

    return Declared(dict(zip(codes, values, strict=True)), outside, "order", resolve)
