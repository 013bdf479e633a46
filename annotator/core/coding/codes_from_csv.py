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
codes and notes, it never clears them.

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
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import col

from annotator.core import layout_columns as layout
from annotator.core.coding import service as coding
from annotator.core.coding.service import BatchCode
from annotator.core.csv_dialect import unneutralise
from annotator.core.errors import InputError
from annotator.core.store.models import Article, Origin, Unit, wide_select
from annotator.core.store.project import Project

UNIT_COLUMN, CODER_COLUMN, NOTE_COLUMN = layout.UNIT_KEY, layout.CODER, layout.NOTE
IGNORED_COLUMNS = layout.DESCRIPTIVE_COLUMNS
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class UnitIdentity:
    id: int
    article_sha256: str
    start: int
    end: int


@dataclass(frozen=True)
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
    rows = list(read_coded_rows(project, path, coder))
    return write_codes(project, rows)


def read_coded_rows(project: Project, path: Path, coder: str | None = None) -> list[CodedRow]:
    """Every row of the file, checked against the project and codebook; raises on any problem."""
    records = _records(path)
    header = next(records, None)
    if header is None:
        raise InputError(str(path), "empty file; expected a header row")
    columns = _columns(project, path, [unneutralise(name.strip()) for name in header[1]], coder)
    units = _unit_map(project)
    fields = {key: project.codebook.field(key) for key in columns.fields}
    result: list[CodedRow] = []
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[int, str], int] = {}
    for number, cells in records:
        try:
            row = _check_row(cells, columns, units, fields, coder, len(header[1]))
        except ValueError as reason:
            problems.append((number, str(reason)))
            continue
        if row is None:
            continue
        first = seen.setdefault((row.unit.id, row.coder), number)
        if first != number:
            problems.append((number, f"unit and coder already given on row {first}"))
            continue
        result.append(row)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        number, problem = problems[0]
        raise InputError(f"{path}, row {number}", problem + more)
    return result


def write_codes(project: Project, rows: list[CodedRow]) -> CodeImportReport:
    """Write validated rows through the coding service's batch writer, in one transaction."""
    report = CodeImportReport(rows=len(rows))
    report.coders = sorted({row.coder for row in rows})
    batch = [
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
    ]
    with coding.writing(project, origin=Origin.IMPORT) as writer:
        counts = writer.write_batch(batch) if batch else coding.BatchCounts()
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


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for each CSV record; the header is row 1, as in a spreadsheet."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except OSError as error:
        raise InputError(str(path), f"cannot read ({error.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(str(path), f"not UTF-8 text (byte {error.start})") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                yield number, cells
    except csv.Error as error:
        raise InputError(str(path), f"row {reader.line_num}: broken CSV ({error})") from None


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
    return _Columns(header.index(UNIT_COLUMN), position, fields, note)


def _unit_map(project: Project) -> dict[str, UnitIdentity]:
    """Every unit by its readable key, read once (a query per row would dominate big imports)."""
    with project.reading() as session:
        query = wide_select(
            Article.key, Unit.idx, Unit.id, Article.sha256, Unit.start, Unit.end
        ).join(Article, col(Article.id) == Unit.article_id)
        return {
            f"{key}#{idx}": UnitIdentity(unit_id, sha, start, end)
            for key, idx, unit_id, sha, start, end in session.exec(query)
        }


def _check_row(
    cells: list[str],
    columns: _Columns,
    units: dict[str, UnitIdentity],
    fields: dict,
    coder: str | None,
    width: int,
) -> CodedRow | None:
    """A validated row, or None for a row without codes or note; ValueError says what is
    wrong."""
    if len(cells) != width:
        raise ValueError(f"{len(cells)} cells where the header has {width}")
    key = unneutralise(cells[columns.unit].strip())
    unit = units.get(key)
    if unit is None:
        raise ValueError(f"no unit {key!r} in this project" if key else "no unit key")
    name = unneutralise(cells[columns.coder]).strip() if columns.coder is not None else ""
    if coder is not None:
        if name and name != coder.strip():
            raise ValueError(f"coder {name!r} differs from --coder {coder!r}")
        name = coder.strip()
    if not name:
        raise ValueError("no coder name")
    if len(name) > 100:
        raise ValueError("coder name is longer than 100 characters")
    codes: dict[str, str] = {}
    for key_, position in columns.fields.items():
        text = unneutralise(cells[position]).strip()
        if not text:
            continue
        category = fields[key_].resolve(text)
        if category is None:
            known = ", ".join(c.code for c in fields[key_].categories)
            raise ValueError(
                f"field {key_!r} has no code, label or value {text!r} (codes: {known})"
            )
        codes[key_] = category.code
    note = unneutralise(cells[columns.note]).strip() if columns.note is not None else ""
    return CodedRow(unit, name, codes, note or None) if codes or note else None
