"""Issue 27: a real .xlsx export, read back with openpyxl. Text cells are text, never
formulas and never quoted; numbers are numbers, `coded_at` a date-time, and a codebook
sheet lists every field's categories."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook
from test_export_support import hostile_project_fixture  # noqa: F401 (the `project` fixture)

from annotator import cli
from annotator.core.errors import AnnotatorError
from annotator.core.export import (
    LAYOUTS,
    ExportOptions,
    export,
    format_for_path,
    preview_rows,
    xlsx_file,
)

ALL = 10**9


def sheet_rows(path, sheet="data"):
    book = load_workbook(path, read_only=True)
    try:
        return [[cell.value for cell in row] for row in book[sheet].iter_rows()]
    finally:
        book.close()


def as_cell(column: str, value):
    """A preview cell as the workbook must hold it: None for empty, date-times for times."""
    if value in (None, ""):
        return None
    if column.startswith("coded_at"):
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    return value


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("mode", ["codes", "values", "labels"])
def test_every_cell_reads_back_as_written(project, tmp_path, layout, mode):
    path = tmp_path / "out.xlsx"
    result = export(project, path, ExportOptions(layout, mode))
    header, *rows = sheet_rows(path)
    want = preview_rows(project, ExportOptions(layout, mode), ALL)
    assert result.format == "xlsx" and result.rows == len(want) == len(rows)
    assert header == list(want[0])
    for got, expected in zip(rows, want, strict=True):
        got += [None] * (len(header) - len(got))  # read-only sheets drop trailing empties
        assert got == [as_cell(name, value) for name, value in expected.items()]


def test_text_cells_are_text_without_a_quote(project, tmp_path):
    path = tmp_path / "long.xlsx"
    export(project, path, ExportOptions("long"))
    book = load_workbook(path)
    data = book["data"]
    header = [cell.value for cell in data[1]]
    texts = [row[header.index("text")] for row in data.iter_rows(min_row=2)]
    formula_like = [cell for cell in texts if cell.value[0] in "=+-@"]
    assert {cell.value for cell in formula_like} >= {
        '=1+1 is what "they" wrote, the spokesman said.',
        '-2 degrees, a comma, and a "quote" were reported.',
        "@SUM(A1:A9) was the cell, according to the file.",
    }
    assert all(cell.data_type == "s" for cell in formula_like)  # text, not a formula
    assert not any(cell.value.startswith("'") for cell in texts)
    versions = [row[header.index("codebook_version")] for row in data.iter_rows(min_row=2)]
    assert {cell.value for cell in versions if cell.value} == {"2.0-β"}
    assert {cell.data_type for cell in versions if cell.value} == {"s"}
    stamps = [row[header.index("coded_at")] for row in data.iter_rows(min_row=2)]
    assert any(isinstance(cell.value, datetime) for cell in stamps)


def test_the_codebook_sheet_lists_fields_codes_labels_and_values(project, tmp_path):
    path = tmp_path / "wide.xlsx"
    export(project, path, ExportOptions("wide"))
    header, *rows = sheet_rows(path, "codebook")
    assert header == [
        "field",
        "field_label",
        "level",
        "code",
        "label",
        "value",
        "outside_scale",
        "type",
        "scope",
    ]
    assert rows == [
        [
            f.key,
            f.label,
            f.level.value,
            c.code,
            c.label,
            c.value,
            "yes" if c.outside_scale else "no",
            "single",
            "unit",
        ]
        for f in project.codebook.fields
        for c in f.categories
    ]
    assert rows[3][:7] == [
        "attribution",
        "Attribution",
        "ordinal",
        "cannot",
        "Cannot judge",
        -2,
        "yes",
    ]
    assert rows[4][:7] == ["tone", 'Tone, "overall"', "ordinal", "neg", "Negative", -1.5, "no"]


def test_what_excel_cannot_hold_is_refused_and_leaves_no_file(project, tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_file, "EXCEL_MAX_CELL_CHARS", 5000)  # the long sentence: 6,400
    with pytest.raises(AnnotatorError, match="more than the 5,000 an Excel cell holds"):
        export(project, tmp_path / "long.xlsx", ExportOptions("long"))
    monkeypatch.setattr(xlsx_file, "EXCEL_MAX_ROWS", 10)
    with pytest.raises(AnnotatorError, match="rows an Excel sheet holds"):
        export(project, tmp_path / "long.xlsx", ExportOptions("articles"))
    assert list(tmp_path.iterdir()) == []


def test_the_xlsx_ending_picks_the_format_on_the_command_line(project, tmp_path, capsys):
    target = tmp_path / "x.xlsx"
    assert format_for_path(target) == "xlsx"
    args = ["export", str(project.path), "--layout", "wide", "--labels", "-o", str(target)]
    assert cli.main(args) == 0
    assert "wide layout, xlsx" in capsys.readouterr().out
    header, first, *_ = sheet_rows(target)
    assert "attribution__alice" in header
    labels = {c.label for c in project.codebook.field("attribution").categories}
    assert first[header.index("attribution__alice")] in labels | {None}
