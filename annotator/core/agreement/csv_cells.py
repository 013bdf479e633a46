"""The cells of a CSV file as integer codes per column: how reliability data are read fast.

pandas' C parser reads the cells and gives each column as integer codes into its
distinct texts (a categorical, or a hash of the texts for the unit column), so every
later check and lookup works on integers and the Python work grows with the number
of distinct texts, not with the number of cells. Files
with quote characters are first run through the csv module's strict parser (in C),
so a badly quoted file is refused exactly as the row-by-row reader refused it; a row
with more cells than the first falls back to the csv module (empty extra cells are
allowed, as they were). Error messages name lines as the csv module counts them.
"""

from __future__ import annotations

import collections
import csv
import io
import os
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.core.errors import InputError

_DELIMITERS = (",", ";", "\t")
# Columns with a different text in nearly every row (see `_raw_columns`).
_MANY_DISTINCT = frozenset({"unit", "unit_key", "text", "title", "article_key", "unit_index"})
Column = Any  # a column's cells: an object array, or a pandas Categorical
# White space that str.strip() removes, other than line ends: a file without any
# (most files of codes) is not stripped cell by cell.
_ASCII_SPACE = " \t\x0b\x0c\x1c\x1d\x1e\x1f"
_SPACE = re.compile(r"[^\S\r\n]")
# What str.splitlines() ends the first line at, without splitting the whole file.
_FIRST_LINE = re.compile("[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*")


@dataclass
class CsvCells:
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
    def read(cls, source: str) -> CsvCells:
        text = _read_text(source)
        first_line = _FIRST_LINE.match(text).group()  # type: ignore[union-attr]
        delimiter = max(_DELIMITERS, key=first_line.count)
        if first_line.count(delimiter) == 0:
            delimiter = ","
        if '"' in text:
            _check_quoting(source, text, delimiter)
        columns, long_rows = _raw_columns(source, text, delimiter, first_line)
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
    if os.path.exists(source) and not os.path.isfile(source):  # opening a pipe would wait
        raise InputError(source, "not a file (a folder, pipe, socket or device)")
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
    if '"' in text:  # a quoted cell may end with a line break: strip every cell
        return True
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


def _raw_columns(
    source: str, text: str, delimiter: str, first_line: str
) -> tuple[list[Column], dict[int, int]]:
    """Every record's cells, one column each (short rows padded with "").

    Columns of codes, coders and fields hold few distinct texts: pandas hands them
    over as categoricals (codes and distinct texts straight from its parser, several
    times faster); the unit column and the export's text columns, which hold a
    different text in nearly every row, come as plain object arrays.
    """
    import pandas as pd  # here, not at import: the command line starts without it

    names = next(csv.reader([first_line], delimiter=delimiter), [])
    many = {i for i, name in enumerate(names) if _many_distinct(name)}
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype={i: object if i in many else "category" for i in range(len(names))}
            if names
            else object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        # A row longer than the first one, or a start pandas finds no columns in.
        return _ragged_columns(source, text, delimiter)
    columns: list[Column] = [
        frame[name].array
        if isinstance(frame[name].dtype, pd.CategoricalDtype)
        else frame[name].to_numpy(dtype=object)
        for name in frame.columns
    ]
    return columns, {}


def _many_distinct(name: str) -> bool:
    """Whether a column so named holds a different text in (nearly) every row."""
    name = name.strip().lower()
    return name in _MANY_DISTINCT or name.startswith(("note__", "coded_at__"))


def _ragged_columns(source: str, text: str, delimiter: str) -> tuple[list[Column], dict[int, int]]:
    """The csv module's reading of a file whose rows differ in length: the header's
    width is kept; longer rows are noted unless their extra cells are empty."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise InputError(
            source, f"not a valid CSV file (line {reader.line_num}: {error})"
        ) from None
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


def _factorized(column: Column, padded: bool) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a column's cells and the stripped text of each code (``padded``:
    the file has white space that may surround a cell)."""
    import pandas as pd

    if isinstance(column, pd.Categorical):
        codes, distinct = column.codes.astype(np.intp), column.categories.tolist()
        return _stripped(codes, distinct) if padded else (codes, distinct)
    if len(column) > 1000 and len(set(column[:1000].tolist())) == 1000:
        cells = column.tolist()  # looks like a column of unit names: all distinct?
        if not padded and len(set(cells)) == len(cells):
            return np.arange(len(cells)), cells
    codes, found = pd.factorize(column, use_na_sentinel=False)
    distinct = found.tolist()
    return _stripped(codes, distinct) if padded else (codes, distinct)


def _stripped(codes: np.ndarray, distinct: list[str]) -> tuple[np.ndarray, list[str]]:
    """Codes and texts once white space around each text is removed (texts may merge)."""
    import pandas as pd

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
