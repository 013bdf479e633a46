"""Importing codes from a CSV in the long layout: all or nothing, with history.

For coding done in a spreadsheet or another tool, for restoring an export, and
for test data at scale. The file has a `unit_key` column (`harbor-deal#4`; `KEY#0`
is the article's own unit, which holds the article fields), a `coder` column (or
`--coder`), a column per codebook field and optionally a `note` column: the coder's
note on the unit. A cell is read by the field's type (`field_values.parse`: a code,
label or numeric value of a choice, several of them separated by ";" for a multiple
choice, a number, a text, a date); an empty cell and the export's not-applicable
marker "NA" are no code. A multiple-choice field's 0/1 columns (`field_code`) are
passed over when the field's own (joined) column is there, and read (1 chosen, 0 not)
when it is not. The export's other columns of the long layout
(`layout_columns.DESCRIPTIVE_COLUMNS`: article, unit text, times, codebook) are
recognised and passed over, so an export imports back as it is, notes included; any
other column is refused, because a misspelt field would otherwise be silently dropped.

A file of the articles layout (an `article_key` column and no `unit_key`) gives each
article's fields on its article unit; its counts, role and memo columns are passed
over, and so is its derived consensus row (role "consensus"): it may be the coders'
agreement rather than anyone's codes. A field given on a unit of the wrong scope (an
article field on a sentence) is refused, and so is a code whose field's condition
does not hold for the row's codes, when the file has the fields the condition reads
(a file without them sets codes beside the ones the project holds).

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

from annotator.core import field_values
from annotator.core import layout_columns as layout
from annotator.core.codebook import ARTICLE_KIND, ARTICLE_UNIT_IDX, Codebook, CodebookField, Scope
from annotator.core.coding import service as coding
from annotator.core.coding.service import BatchCode
from annotator.core.conditions import describe, leaves
from annotator.core.csv_dialect import unneutralise
from annotator.core.errors import CodebookError, InputError
from annotator.core.field_values import FieldType
from annotator.core.ingest.limits import MAX_FILE_BYTES as MAX_ARTICLE_BYTES
from annotator.core.store.models import Article, Origin, Unit, wide_select
from annotator.core.store.project import Project
from annotator.core.store.roles import Role

UNIT_COLUMN, CODER_COLUMN, NOTE_COLUMN = layout.UNIT_KEY, layout.CODER, layout.NOTE
TEXT_COLUMN = layout.UNIT_COLUMNS[3]
IGNORED_COLUMNS = layout.DESCRIPTIVE_COLUMNS
ARTICLES_LAYOUT_IGNORED = frozenset({layout.UNITS, layout.CODED_UNITS, layout.MEMO})
NOT_CODED = frozenset({"", layout.NOT_APPLICABLE})  # cells that give no code
CHOSEN, NOT_CHOSEN = "1", "0"  # a multiple-choice field's 0/1 columns
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
    kind: str


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
    dummies: dict[str, dict[str, int]] = field(default_factory=dict)  # field -> code -> column
    by_article: bool = False  # the articles layout: `unit` is the article key's column
    role: int | None = None


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
    book = project.codebook
    keys = [f.key for f in book.coded_fields]
    by_article = UNIT_COLUMN not in header and layout.ARTICLE_KEY in header
    dummies = _dummy_columns(book, header)
    passed_over = {name for columns in dummies.values() for name in columns.values()}
    if by_article:  # the articles layout's counts of unit fields' categories, role, memo
        passed_over |= ARTICLES_LAYOUT_IGNORED | {layout.ROLE}
        passed_over |= {f"{f.key}_{c.code}" for f in book.unit_fields for c in f.categories}
    unknown = [
        name
        for name in header
        if name not in keys
        and name not in (UNIT_COLUMN, CODER_COLUMN, NOTE_COLUMN)
        and name not in IGNORED_COLUMNS
        and name not in passed_over
    ]
    if unknown:
        raise InputError(
            str(path), f"unknown column {unknown[0]!r} (codebook fields: {', '.join(keys)})"
        )
    if UNIT_COLUMN not in header and not by_article:
        raise InputError(str(path), f"no {UNIT_COLUMN!r} column (e.g. harbor-deal#4)")
    if CODER_COLUMN not in header and coder is None:
        raise InputError(str(path), f"no {CODER_COLUMN!r} column; name the coder with --coder")
    fields = {key: header.index(key) for key in keys if key in header}
    dummies = {key: columns for key, columns in dummies.items() if key not in fields}
    note = header.index(NOTE_COLUMN) if NOTE_COLUMN in header else None
    if not fields and not dummies and note is None:
        raise InputError(
            str(path), f"no codebook field or {NOTE_COLUMN!r} column (fields: {', '.join(keys)})"
        )
    position = header.index(CODER_COLUMN) if CODER_COLUMN in header else None
    text = header.index(TEXT_COLUMN) if TEXT_COLUMN in header else None
    unit = header.index(layout.ARTICLE_KEY if by_article else UNIT_COLUMN)
    role = header.index(layout.ROLE) if by_article and layout.ROLE in header else None
    positions = {
        key: {code: header.index(name) for code, name in d.items()} for key, d in dummies.items()
    }
    return _Columns(unit, position, fields, note, text, positions, by_article, role)


def _dummy_columns(book: Codebook, header: list[str]) -> dict[str, dict[str, str]]:
    """field -> category code -> column name of the 0/1 columns of multiple-choice
    fields that the header has."""
    found: dict[str, dict[str, str]] = {}
    for book_field in book.coded_fields:
        if book_field.type is not FieldType.MULTIPLE:
            continue
        columns = {c.code: f"{book_field.key}_{c.code}" for c in book_field.categories}
        present = {code: name for code, name in columns.items() if name in header}
        if present:
            found[book_field.key] = present
    return found


def _unit_map(project: Project) -> dict[str, UnitIdentity]:
    """Every unit by its readable key, read once (a query per row would dominate big
    imports), with a digest of its text rather than the text."""
    with project.reading() as session:
        query = wide_select(
            Article.key,
            Unit.idx,
            Unit.id,
            Article.sha256,
            Unit.start,
            Unit.end,
            Unit.text,
            Unit.kind,
        ).join(Article, col(Article.id) == Unit.article_id)
        query = query.execution_options(yield_per=10_000)  # the texts a chunk at a time
        return {
            f"{key}#{idx}": UnitIdentity(
                unit_id, sha, start, end, _text_digest(text), sys.intern(kind)
            )
            for key, idx, unit_id, sha, start, end, text, kind in session.exec(query)
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
        self.codebook = book = project.codebook
        self.fields = {key: book.field(key) for key in columns.fields}
        self.from_dummies = {key: book.field(key) for key in columns.dummies}
        given = {*columns.fields, *columns.dummies}
        self.checked = {  # fields whose condition the file's columns can decide
            f.key
            for f in book.coded_fields
            if f.when is not None and all(leaf.field in given for leaf in leaves(f.when))
        }
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
        if columns.role is not None and cells[columns.role].strip() == Role.CONSENSUS:
            return None  # the articles layout's derived consensus row
        unit = self._unit(cells)
        name = self._coder(cells)
        codes = self._codes(cells, unit)
        note = unneutralise(cells[columns.note]) if columns.note is not None else ""
        if not codes and not note.strip():
            return None
        return CodedRow(unit, name, codes, note if note.strip() else None)

    def _unit(self, cells: list[str]) -> UnitIdentity:
        key = unneutralise(cells[self.columns.unit].strip())
        if self.columns.by_article and key:
            key = f"{key}#{ARTICLE_UNIT_IDX}"
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

    def _codes(self, cells: list[str], unit: UnitIdentity) -> dict[str, str]:
        pairs = []
        for key, position in self.columns.fields.items():
            text = unneutralise(cells[position]).strip()
            if text not in NOT_CODED:
                pairs.append((key, self._parse(self.fields[key], text)))
        for key, positions in self.columns.dummies.items():
            value = self._chosen(self.from_dummies[key], cells, positions)
            if value is not None:
                pairs.append((key, value))
        found = tuple(pairs)
        if found:
            self._check_scope(dict(found), unit)
        return self.code_sets.setdefault(found, dict(found))

    @staticmethod
    def _parse(book_field: CodebookField, text: str) -> str:
        try:
            return field_values.parse(book_field, text)
        except CodebookError as error:
            raise ValueError(str(error)) from None

    @staticmethod
    def _chosen(
        book_field: CodebookField, cells: list[str], positions: dict[str, int]
    ) -> str | None:
        """A multiple choice read from its 0/1 columns (no code when none is 1)."""
        chosen = []
        for code, position in positions.items():
            cell = cells[position].strip()
            if cell == CHOSEN:
                chosen.append(code)
            elif cell not in NOT_CODED and cell != NOT_CHOSEN:
                raise ValueError(
                    f"column {book_field.key}_{code} holds {cell[:20]!r}, not 1, 0 or empty"
                )
        return field_values.join_choices(book_field, chosen) or None

    def _check_scope(self, codes: dict[str, str], unit: UnitIdentity) -> None:
        """Refuses a field of the other scope, and a code whose condition does not hold."""
        scope = Scope.ARTICLE if unit.kind == ARTICLE_KIND else Scope.UNIT
        for key in codes:
            if self.codebook.field(key).scope is not scope:
                raise ValueError(
                    f"field {key!r} is coded on the article's own unit (KEY#{ARTICLE_UNIT_IDX})"
                    if scope is Scope.UNIT
                    else f"field {key!r} is coded per unit, not on the article's own unit"
                )
        asked = self.codebook.applicable(scope, codes)
        for key in codes:
            book_field = self.codebook.field(key)
            if key in self.checked and key not in asked and book_field.when is not None:
                raise ValueError(
                    f"field {key!r} does not apply: it is asked only when "
                    f"{describe(book_field.when)}"
                )
