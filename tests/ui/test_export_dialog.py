"""File > Export in the coding window: options change the preview, and the export writes a
file that pandas (and pyreadstat) read back with the rows the layout promises."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from annotator.core.store.location import Location, location_stem
from annotator.core.store.project import Project
from annotator.core.supervision.adjudication import adjudicate
from annotator.ui.export_dialog import FILE_FILTER, PreviewModel
from tests.ui.test_review_data import build_review_project, sentence_ids
from tests.ui.test_screenshot import assert_not_blank


@pytest.fixture
def path(project_location) -> Location:
    path = project_location("review.annotator")
    build_review_project(path)
    return path


@pytest.fixture
def sentences(path: Location) -> int:
    with Project.open(path) as project:
        return len(sentence_ids(project))


@pytest.fixture
def dialog(qtbot, open_window, path):
    window = open_window("alice", path)
    qtbot.keyClick(window, "e", Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


CHECK = Qt.ItemDataRole.CheckStateRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def preview_columns(dialog) -> list[str]:
    return dialog.preview_model.columns


def preview_cell(dialog, row: int, column: str):
    return dialog.preview_model.index(row, preview_columns(dialog).index(column)).data()


def choose_layout(qtbot, dialog, layout: str) -> None:
    dialog.layout_choice.setCurrentIndex(dialog.layout_choice.findData(layout))
    dialog.update_preview()


def export_and_wait(qtbot, dialog) -> None:
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)


def test_preview_follows_the_options(qtbot, dialog):
    assert dialog.preview_model.rowCount() == 20
    assert {"unit_key", "coder", "attribution"} <= set(preview_columns(dialog))
    assert preview_cell(dialog, 0, "coder") == "alice"
    choose_layout(qtbot, dialog, "wide")
    assert "attribution__bob" in preview_columns(dialog)
    assert "coder" not in preview_columns(dialog)
    first = preview_cell(dialog, 0, "attribution__alice")
    dialog.set_value_mode("labels")
    dialog.update_preview()
    labelled = preview_cell(dialog, 0, "attribution__alice")
    assert labelled != first and labelled[0].isupper()  # "Named person", not named_person


def test_coder_subset_and_csv_export(qtbot, dialog, sentences, tmp_path):
    carol = dialog.coders.index(2)
    assert carol.data() == "carol"
    dialog.coders.setData(carol, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    dialog.update_preview()
    assert {preview_cell(dialog, r, "coder") for r in range(20)} == {"alice", "bob"}
    out = tmp_path / "long.csv"
    dialog.path.setText(str(out))
    dialog.bom.setChecked(True)
    export_and_wait(qtbot, dialog)
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert len(frame) == 2 * sentences  # one row per unit and chosen coder
    assert set(frame["coder"]) == {"alice", "bob"}
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Wrote" in dialog.status.text()


def test_stats_file_export_by_suffix(qtbot, dialog, sentences, tmp_path):
    choose_layout(qtbot, dialog, "wide")
    out = tmp_path / "wide.sav"
    dialog.path.setText(str(out))
    dialog.update_preview()
    assert "SPSS" in dialog.format_note.text()
    assert not dialog.bom.isEnabled()
    assert isinstance(preview_cell(dialog, 0, "attribution__alice"), str)
    export_and_wait(qtbot, dialog)
    frame, meta = pyreadstat.read_sav(str(out))
    assert len(frame) == sentences
    assert "attribution__alice" in frame.columns
    assert meta.variable_value_labels["attribution__alice"][1.0] == "Named person"


def test_xlsx_export_by_suffix_keeps_the_value_mode(qtbot, dialog, sentences, tmp_path):
    """Issue 27: the dialog offers Excel workbooks; codes follow the chosen mode there."""
    assert "*.xlsx" in FILE_FILTER
    choose_layout(qtbot, dialog, "long")
    out = tmp_path / "long.xlsx"
    dialog.path.setText(str(out))
    dialog.set_value_mode("labels")
    dialog.update_preview()
    assert "Excel" in dialog.format_note.text()
    assert not dialog.bom.isEnabled()
    assert all(button.isEnabled() for button in dialog.value_buttons.buttons())
    export_and_wait(qtbot, dialog)
    rows = list(load_workbook(out)["data"].iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) - 1 == sentences * len({row[header.index("coder")] for row in rows[1:]})
    assert "Named person" in {row[header.index("attribution")] for row in rows[1:]}


def test_cancelling_leaves_no_file(qtbot, dialog, tmp_path):
    out = tmp_path / "cancelled.csv"
    dialog.path.setText(str(out))
    assert dialog.start_export()
    assert not dialog.start_export()  # one job at a time
    dialog.runner.cancel()  # as the progress dialog's Cancel button does
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=20000)
    assert "Cancelled" in dialog.status.text()
    assert not out.exists()
    assert not list(tmp_path.glob(".cancelled.csv.*"))


def test_preview_model_passes_the_model_tester(qtmodeltester, dialog):
    qtmodeltester.check(dialog.preview_model)
    qtmodeltester.check(dialog.coders)
    qtmodeltester.check(PreviewModel())


def test_render_the_export_dialog(qtbot, dialog, tmp_path):
    choose_layout(qtbot, dialog, "wide")
    dialog.resize(1200, 640)
    qtbot.wait(50)
    image = dialog.grab().toImage()
    assert_not_blank(image)
    image.save(str(tmp_path / "export.png"))


@pytest.fixture
def tampered_path(path):
    """The review project with one code the codebook lacks, written with the check dropped
    (a project from before the check, or a file edited around the app)."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("DROP TRIGGER code_in_codebook_on_update")
        connection.execute(
            "UPDATE code SET code = '=HYPERLINK(\"http://evil\")' WHERE id = ("
            "SELECT min(code.id) FROM code JOIN coder ON coder.id = code.coder_id"
            " WHERE coder.name = 'carol' AND field = 'attribution')"
        )
    connection.close()
    return path


@pytest.mark.sqlite_only  # the file is tampered with through sqlite3
def test_the_export_says_it_left_out_a_code_not_in_the_codebook(
    qtbot, open_window, tampered_path, tmp_path
):
    window = open_window("alice", tampered_path)
    qtbot.keyClick(window, "e", Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    qtbot.waitUntil(dialog.isVisible)
    out = tmp_path / "long.csv"
    dialog.path.setText(str(out))
    export_and_wait(qtbot, dialog)
    assert "HYPERLINK" not in out.read_text(encoding="utf-8")
    assert "Skipped 1 code not in the codebook: coder carol, field attribution." in (
        dialog.status.text()
    )


def test_each_layout_offers_its_own_file_name_until_one_is_typed(qtbot, dialog, path):
    """Issue 28: the same default name for every layout made a second export replace
    the first. The name starts with the project's (the file's stem, or on a server the
    database's name)."""
    names = {}
    for layout in ("long", "wide", "consensus", "articles"):
        choose_layout(qtbot, dialog, layout)
        names[layout] = Path(dialog.path.text()).name
    stem = location_stem(path)
    assert names == {layout: f"{stem}-{layout}.csv" for layout in names}
    dialog.path.setText(str(Path(dialog.path.text()).with_name("mine.sav")))
    choose_layout(qtbot, dialog, "long")
    assert Path(dialog.path.text()).name == "mine.sav"


def test_the_consensus_box_is_honoured_for_wide_and_greyed_where_it_cannot_be(
    qtbot, open_window, path
):
    """Issue 28: the wide layout ignored a ticked consensus."""
    with Project.open(path) as project:
        unit_id = sentence_ids(project)[0]
        adjudicate(project, unit_id, "attribution", "anonymous_generic")
    window = open_window("alice", path)
    qtbot.keyClick(window, "e", Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    qtbot.waitUntil(dialog.isVisible)
    choose_layout(qtbot, dialog, "wide")
    assert "attribution__consensus" in preview_columns(dialog)
    assert "reliability tools" in dialog.coder_note.text()
    row = dialog.coders.names().index("consensus")
    dialog.coders.setData(dialog.coders.index(row), Qt.CheckState.Unchecked, CHECK)
    dialog.update_preview()
    assert "attribution__consensus" not in preview_columns(dialog)
    assert "attribution__alice" in preview_columns(dialog)
    choose_layout(qtbot, dialog, "consensus")
    index = dialog.coders.index(row)
    assert not dialog.coders.flags(index) & Qt.ItemFlag.ItemIsEnabled
    assert "takes the consensus codes itself" in dialog.coders.data(index, TOOLTIP)
    sources = [
        preview_cell(dialog, row, "consensus_source")
        for row in range(dialog.preview_model.rowCount())
    ]
    assert "partial" in sources and "consensus" not in sources  # one field decided


def test_the_export_names_the_codebook_versions_it_mixes(qtbot, open_window, path, tmp_path):
    """Issue 23: codes made under two codebook versions, exported side by side, are said
    in the dialog's summary."""
    from annotator.core.coding import service as coding
    from annotator.core.store.project import add_codebook

    with Project.open(path) as project:
        codebook = project.codebook
        with project.writing() as session:
            add_codebook(session, codebook.model_copy(update={"version": "9.9"}))
    with Project.open(path) as project:
        unit = sentence_ids(project)[0]
        field = project.codebook.unit_fields[0]
        coding.apply_codes(project, "alice", unit, {field.key: field.categories[1].code})
    window = open_window("alice", path)
    qtbot.keyClick(window, "e", Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.path.setText(str(tmp_path / "long.csv"))
    export_and_wait(qtbot, dialog)
    assert "Codes of 2 codebook versions are exported side by side" in dialog.status.text()
    assert f"{codebook.name} {codebook.version}, {codebook.name} 9.9" in dialog.status.text()
