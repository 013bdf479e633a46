"""Importing codes from a CSV in the long layout: all or nothing, with history.

For coding done in a spreadsheet or another tool, for restoring an export, and
for test data at scale. The file has a `unit_key` column (`harbor-deal#4`), a
`coder` column (or `--coder`), a column per codebook field holding a code, a
label or a numeric value (`CodebookField.resolve`), and optionally a `note`
column: the coder's note on the unit. The export's other columns of the long
layout (`layout_columns.DESCRIPTIVE_COLUMNS`: article, unit text, times, codebook)
are recognised and passed over, so an export imports back as it is, notes
included; any other column is refused, because a misspelt field would otherwise
be silently dropped.

Every row is checked before anything is written; one problem means nothing is
imported, and the message names the file, the row (the header is row 1) and the
reason. An empty cell leaves the unit's code or note as it is: an import sets
codes and notes, it never clears them. A note is kept exactly as written (a leading
tab included: only the CSV dialect's formula quote is taken off).

A unit key alone does not say which sentence a row is about: after a unit split, or in
a file from another project, `harbor-deal#4` names another sentence. When the file has
the export's `text` column, each row's text must be the unit's text in this project
(compared with runs of whitespace made one space, as a spreadsheet may change line
ends); a row that differs is refused. A file without a `text` column (typed by hand),
or a row whose text cell is empty, is matched by key alone.

The file is read as a stream, row by row, and held only as its codes (a 200 MB export
is mostly text): at most MAX_FILE_BYTES, with cells as long as the exporter writes
(a unit is at most an imported file long, `ingest.limits.MAX_FILE_BYTES`).

Writing goes through `write_codes`, a bulk equivalent of `coding.apply_codes`
(origin "import"): the same Code rows (current codebook version, one timestamp)
and the same History rows, an unchanged code writing nothing, but in one
transaction for the whole file instead of one per unit, since a commit per unit
would make a million-row import take hours. A test holds the two paths equal.
Notes, far fewer than codes, go one by one through the coding service's
`set_note` in the same transaction.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlmodel import col

from annotator.core import layout_columns as layout
from annotator.core.coding import service as coding
from annotator.core.coding.service import BatchCode
from annotator.core.csv_dialect import unneutralise
from annotator.core.errors import InputError
from annotator.core.ingest.limits import MAX_FILE_BYTES as MAX_ARTICLE_BYTES
from annotator.core.store.models import Article, Origin, Unit, wide_select
from annotator.core.store.project import Project

UNIT_COLUMN, CODER_COLUMN, NOTE_COLUMN = layout.UNIT_KEY, layout.CODER, layout.NOTE
TEXT_COLUMN = layout.UNIT_COLUMNS[3]
IGNORED_COLUMNS = layout.DESCRIPTIVE_COLUMNS
DELIMITERS = (",", ";", "\t")
MAX_FILE_BYTES = 2_000_000_000
MAX_CELL_CHARS = MAX_ARTICLE_BYTES + 1  # a whole article's text, and the formula quote
_LONE_CR = re.compile(r"(?<=\r)(?!\n)(?!$)")  # after a CR that ends a line (old Mac files)
MAX_LINE_BYTES = 4 * MAX_CELL_CHARS + 1_000_000  # such a cell in UTF-8, and the rest of a row


@dataclass(frozen=True, slots=True)
class UnitIdentity:
    id: int
    article_sha256: str
    start: int
    end: int
    text_digest: bytes


@dataclass(frozen=True, slots=True)
class CodedRow:
    """One validated row: the unit, the coder, {field: code} of its non-empty cells and
    the note, if the row has one."""

    unit: UnitIdentity
    coder: str
    codes: dict[str, str]
    note: str | None = None


@dataclass
class CodeImportReport:
    """What an import did; `changed` counts codes that replaced a different code."""

    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    coders: list[str] = field(default_factory=list)
    notes_added: int = 0
    notes_changed: int = 0
    notes_unchanged: int = 0

    def summary(self) -> str:
        notes = (
            f"; notes: {self.notes_added} added, {self.notes_changed} changed, "
            f"{self.notes_unchanged} unchanged"
            if self.notes_added or self.notes_changed or self.notes_unchanged
            else ""
        )
        return (
            f"imported {self.rows} row(s): {self.added} code(s) added, {self.changed} changed, "
            f"{self.unchanged} unchanged{notes}; coders: {', '.join(self.coders) or '-'}"
        )


def import_codes(project: Project, path: str | Path, coder: str | None = None) -> CodeImportReport:
    """Validate every row of a long-layout CSV, then write all its codes in one transaction."""
    path = Path(path)
    rows = read_coded_rows(project, path, coder)
    return write_codes(project, rows)


def read_coded_rows(project: Project, path: Path, coder: str | None = None) -> list[CodedRow]:
    """Every row of the file, checked against the project and codebook; raises on any problem."""
    records = _records(path)
    header = next(records, None)
    if header is None:
        raise InputError(str(path), "empty file; expected a header row")
    columns = _columns(project, path, [unneutralise(name.strip()) for name in header[1]], coder)
    check = _RowCheck(columns, _unit_map(project), project, coder, len(header[1]))
    result: list[CodedRow] = []
    first_problem: tuple[int, str] | None = None
    problems = 0
    seen: dict[int, int] = {}  # unit id and coder, packed in one int -> row number
    for number, cells in records:
        try:
            row = check.row(cells)
            if row is None:
                continue
            first = seen.setdefault(row.unit.id * (1 << 32) + check.coder_number(row.coder), number)
            if first != number:
                raise ValueError(f"unit and coder already given on row {first}")
        except ValueError as reason:
            problems += 1
            first_problem = first_problem or (number, str(reason))
            continue
        result.append(row)
    if first_problem is not None:
        more = f" (and {problems - 1} more problem(s))" if problems > 1 else ""
        number, problem = first_problem
        raise InputError(f"{path}, row {number}", problem + more)
    return result


def write_codes(project: Project, rows: list[CodedRow]) -> CodeImportReport:
    """Write validated rows through the coding service's batch writer, in one transaction."""
    report = CodeImportReport(rows=len(rows))
    report.coders = sorted({row.coder for row in rows})
    batch = (
        BatchCode(
            row.unit.id,
            row.unit.article_sha256,
            row.unit.start,
            row.unit.end,
            row.coder,
            field_key,
            code,
        )
        for row in rows
        for field_key, code in row.codes.items()
    )
    with coding.writing(project, origin=Origin.IMPORT) as writer:
        counts = writer.write_batch(batch, keep_changes=False)
        for row in rows:
            if row.note is not None:
                change = writer.set_note(row.coder, row.unit.id, row.note)
                if change is None:
                    report.notes_unchanged += 1
                elif change.old is None:
                    report.notes_added += 1
                else:
                    report.notes_changed += 1
    report.added, report.changed, report.unchanged = counts.added, counts.changed, counts.unchanged
    return report


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    unit: int
    coder: int | None
    fields: dict[str, int]  # field key -> column position
    note: int | None = None
    text: int | None = None


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for each CSV record, read as a stream; the header is row 1, as
    in a spreadsheet."""
    try:
        if not path.is_file() and path.exists():  # a folder, a FIFO, a device: never block
            raise InputError(str(path), "not a regular file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                str(path), f"too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,}): split it"
            )
        stream = path.open("rb")
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except OSError as error:
        raise InputError(str(path), f"cannot read ({error.strerror})") from None
    # csv's own cap on a cell (131,072 characters) is below a unit's longest text. The cap
    # is process-wide, so it is only ever raised (as the article reader does).
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS))
    with stream:
        lines = _lines(path, stream)
        first = next(lines, "")
        delimiter = max(DELIMITERS, key=first.count)
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
        try:
            for number, cells in enumerate(reader, start=1):
                if any(cell.strip() for cell in cells):
                    yield number, cells
        except csv.Error as error:
            raise InputError(str(path), f"row {reader.line_num}: broken CSV ({error})") from None


def _lines(path: Path, stream: BinaryIO) -> Iterator[str]:
    """The file's lines, decoded one at a time, so that a decoding error names its line
    and no line longer than MAX_LINE_BYTES is ever held."""
    for number in itertools.count(1):
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES:
            raise InputError(str(path), f"line {number} is longer than {MAX_LINE_BYTES:,} bytes")
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                str(path), f"not UTF-8 text (line {number}, byte {error.start + 1})"
            ) from None
        yield from _LONE_CR.split(text) if "\r" in text.removesuffix("\r\n") else (text,)


def _columns(project: Project, path: Path, header: list[str], coder: str | None) -> _Columns:
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(str(path), f"column {repeated[0]!r} appears twice in the header")
    keys = [f.key for f in project.codebook.fields]
    unknown = [
        name
        for name in header
        if name not in keys
        and name not in (UNIT_COLUMN, CODER_COLUMN, NOTE_COLUMN)
        and name not in IGNORED_COLUMNS
    ]
    if unknown:
        raise InputError(
            str(path), f"unknown column {unknown[0]!r} (codebook fields: {', '.join(keys)})"
        )
    if UNIT_COLUMN not in header:
        raise InputError(str(path), f"no {UNIT_COLUMN!r} column (e.g. harbor-deal#4)")
    if CODER_COLUMN not in header and coder is None:
        raise InputError(str(path), f"no {CODER_COLUMN!r} column; name the coder with --coder")
    fields = {key: header.index(key) for key in keys if key in header}
    note = header.index(NOTE_COLUMN) if NOTE_COLUMN in header else None
    if not fields and note is None:
        raise InputError(
            str(path), f"no codebook field or {NOTE_COLUMN!r} column (fields: {', '.join(keys)})"
        )
    position = header.index(CODER_COLUMN) if CODER_COLUMN in header else None
    text = header.index(TEXT_COLUMN) if TEXT_COLUMN in header else None
    return _Columns(header.index(UNIT_COLUMN), position, fields, note, text)


def _unit_map(project: Project) -> dict[str, UnitIdentity]:
    """Every unit by its readable key, read once (a query per row would dominate big
    imports), with a digest of its text rather than the text."""
    with project.reading() as session:
        query = wide_select(
            Article.key, Unit.idx, Unit.id, Article.sha256, Unit.start, Unit.end, Unit.text
        ).join(Article, col(Article.id) == Unit.article_id)
        query = query.execution_options(yield_per=10_000)  # the texts a chunk at a time
        return {
            f"{key}#{idx}": UnitIdentity(unit_id, sha, start, end, _text_digest(text))
            for key, idx, unit_id, sha, start, end, text in session.exec(query)
        }


def _text_digest(text: str) -> bytes:
    """What two texts must share to be one unit's: their words, whatever the spacing."""
    return hashlib.blake2b(" ".join(text.split()).encode(), digest_size=16).digest()


class _RowCheck:
    """Turns a record into a validated `CodedRow`, sharing one copy of each coder name
    and each set of codes among the rows (a big file repeats them on every row)."""

    def __init__(
        self,
        columns: _Columns,
        units: dict[str, UnitIdentity],
        project: Project,
        coder: str | None,
        width: int,
    ) -> None:
        self.columns, self.units, self.width = columns, units, width
        self.fields = {key: project.codebook.field(key) for key in columns.fields}
        self.coder = coder.strip() if coder is not None else None
        self.coders: dict[str, int] = {}
        self.code_sets: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}

    def coder_number(self, name: str) -> int:
        return self.coders[name]

    def row(self, cells: list[str]) -> CodedRow | None:
        """A validated row, or None for a row without codes or note; ValueError says what
        is wrong."""
        columns = self.columns
        if len(cells) != self.width:
            raise ValueError(f"{len(cells)} cells where the header has {self.width}")
        unit = self._unit(cells)
        name = self._coder(cells)
        codes = self._codes(cells)
        note = unneutralise(cells[columns.note]) if columns.note is not None else ""
        if not codes and not note.strip():
            return None
        return CodedRow(unit, name, codes, note if note.strip() else None)

    def _unit(self, cells: list[str]) -> UnitIdentity:
        key = unneutralise(cells[self.columns.unit].strip())
        unit = self.units.get(key)
        if unit is None:
            raise ValueError(f"no unit {key!r} in this project" if key else "no unit key")
        text = unneutralise(cells[self.columns.text]) if self.columns.text is not None else ""
        if text.strip() and _text_digest(text) != unit.text_digest:
            raise ValueError(
                f"the text of unit {key!r} is not this row's text (units split or merged "
                "since the export, or a file from another project)"
            )
        return unit

    def _coder(self, cells: list[str]) -> str:
        position = self.columns.coder
        name = unneutralise(cells[position]).strip() if position is not None else ""
        if self.coder is not None:
            if name and name != self.coder:
                raise ValueError(f"coder {name!r} differs from --coder {self.coder!r}")
            name = self.coder
        if not name:
            raise ValueError("no coder name")
        if len(name) > 100:
            raise ValueError("coder name is longer than 100 characters")
        name = sys.intern(name)  # one copy for all of a coder's rows
        self.coders.setdefault(name, len(self.coders))
        return name

    def _codes(self, cells: list[str]) -> dict[str, str]:
        pairs = []
        for key, position in self.columns.fields.items():
            text = unneutralise(cells[position]).strip()
            if not text:
                continue
            category = self.fields[key].resolve(text)
            if category is None:
                known = ", ".join(c.code for c in self.fields[key].categories)
                raise ValueError(
                    f"field {key!r} has no code, label or value {text!r} (codes: {known})"
                )
            pairs.append((key, category.code))
        found = tuple(pairs)
        return self.code_sets.setdefault(found, dict(found))
