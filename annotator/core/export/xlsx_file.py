"""Excel .xlsx workbooks through openpyxl: a `data` sheet and a `codebook` sheet.

Why .xlsx beside CSV: a spreadsheet opening a CSV runs a cell that begins with =, +, -
or @ as a formula, so the CSV's text cells carry a neutralising quote that users must
strip; and LibreOffice ignores a CSV's UTF-8 BOM when converting. In .xlsx every cell
has a type, so text is written as text (a sentence beginning with "=" stays that
sentence, never a formula, without any quote), numbers as numbers and `coded_at` as a
date-time; `codebook_version` ("1.0") stays text.

Decisions:
- Codes follow --values/--labels like the CSV (codes, numeric values or labels).
- The `codebook` sheet has a row per category: field, field label, level, code, label,
  value and whether the category is outside the scale (the agreement statistics treat
  those as missing above the nominal level), then the field's type and scope; a number,
  date or text field, which has no categories, has one row with those cells empty.
- A date field's cells are Excel dates; a field whose condition does not hold is "NA"
  (`field_cells.NA_MARKER`), as in the CSV.
- What Excel cannot hold is refused in one line, never cut silently: a cell over
  32,767 characters, more than 1,048,575 data rows or 16,384 columns (CSV, .sav and
  .dta hold those). Control characters that XML forbids (U+0000 to U+001F but tab,
  newline and carriage return) are written as U+FFFD, as no .xlsx can hold them.
- Rows stream into openpyxl's write-only workbook, which keeps memory flat.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from annotator.core.codebook import Codebook
from annotator.core.errors import AnnotatorError
from annotator.core.export.rows import ISO_SECOND, TIMESTAMP, Layout, number

EXCEL_MAX_CELL_CHARS = 32_767
EXCEL_MAX_ROWS = 1_048_576  # the header included
EXCEL_MAX_COLUMNS = 16_384
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CODEBOOK_HEADER = (
    "field",
    "field_label",
    "level",
    "code",
    "label",
    "value",
    "outside_scale",
    "type",
    "scope",
)

Progress = Callable[[int, int, str], bool | None]


def write_xlsx(layout: Layout, path: Path, progress: Progress | None = None) -> tuple[int, bool]:
    """Write `layout` (built with text left as it is) and its codebook to `path`;
    returns (rows written, cancelled)."""
    columns = layout.columns
    if len(columns) > EXCEL_MAX_COLUMNS:
        raise AnnotatorError(
            f"{path}: {len(columns)} columns, more than the {EXCEL_MAX_COLUMNS:,} of an Excel "
            "sheet; export as .csv, .sav or .dta, or choose fewer coders"
        )
    book = Workbook(write_only=True)
    try:
        written, cancelled = _data_sheet(book.create_sheet("data"), layout, path, progress)
        if cancelled:
            return written, True
        _codebook_sheet(book.create_sheet("codebook"), layout.codebook)
        book.save(path)
    finally:
        _discard_unsaved(book)
    return written, False


def _data_sheet(
    data: WriteOnlyWorksheet, layout: Layout, path: Path, progress: Progress | None
) -> tuple[int, bool]:
    columns = layout.columns
    data.freeze_panes = "A2"
    data.append([_cell(data, c.name) for c in columns])
    stamps = [i for i, c in enumerate(columns) if c.kind == TIMESTAMP]
    total = layout.total_units() if progress is not None else 0
    done = written = 0
    for chunk in layout.chunks():
        if written + len(chunk.rows) >= EXCEL_MAX_ROWS:
            raise AnnotatorError(
                f"{path}: more than the {EXCEL_MAX_ROWS - 1:,} rows an Excel sheet holds; "
                "export as .csv, .sav or .dta, or choose fewer articles"
            )
        for row in chunk.rows:
            cells = [_cell(data, value, path) for value in row]
            for i in stamps:
                cells[i] = _stamp(data, row[i])
            data.append(cells)
        done += chunk.units
        written += len(chunk.rows)
        if progress is not None and progress(done, total, "") is False:
            return written, True
    return written, False


def _discard_unsaved(book: Workbook) -> None:
    """Close the sheets of a workbook that was not saved (cancelled, refused, failed) and
    remove the temporary files openpyxl streams them into; otherwise they would stay open
    until garbage collection and on disk until the process ends (the GUI's can be days)."""
    for sheet in book.worksheets:
        if sheet.closed:  # saved: openpyxl removed its file itself
            continue
        with contextlib.suppress(Exception):  # a sheet abandoned mid-row may not close cleanly
            sheet.close()
        writer = getattr(sheet, "_writer", None)  # openpyxl's streaming temporary file
        if writer is not None:
            with contextlib.suppress(OSError, ValueError):
                writer.cleanup()


def _cell(sheet: WriteOnlyWorksheet, value: object, path: Path | None = None) -> object:
    """A value as openpyxl should write it: text as text, even when it begins with "="
    (which openpyxl would otherwise store as a formula); numbers and None as they are."""
    if not isinstance(value, str):
        return value
    if len(value) > EXCEL_MAX_CELL_CHARS:
        raise AnnotatorError(
            f"{path}: a cell of {len(value):,} characters, more than the "
            f"{EXCEL_MAX_CELL_CHARS:,} an Excel cell holds (it begins {value[:30]!r}); "
            "export as .csv, .sav or .dta"
        )
    value = XML_ILLEGAL.sub("\ufffd", value)
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _stamp(sheet: WriteOnlyWorksheet, value: str | None) -> object:
    """ISO 8601 UTC text as an Excel date-time (UTC, to the second), None when empty."""
    if not value:
        return None
    cell = WriteOnlyCell(sheet, value=datetime.strptime(value, ISO_SECOND))
    cell.number_format = DATE_TIME_FORMAT
    return cell


def _codebook_sheet(sheet: WriteOnlyWorksheet, codebook: Codebook) -> None:
    sheet.append(list(CODEBOOK_HEADER))
    for row in _codebook_rows(codebook):
        sheet.append([_cell(sheet, value) for value in row])


def _codebook_rows(codebook: Codebook) -> Iterable[tuple[object, ...]]:
    for field in codebook.coded_fields:
        about = (field.type.value, field.scope.value)
        if not field.categories:
            yield (field.key, field.label, field.level.value, None, None, None, None, *about)
        for category in field.categories:
            yield (
                field.key,
                field.label,
                field.level.value,
                category.code,
                category.label,
                number(category.number),
                "yes" if category.outside_scale else "no",
                *about,
            )
