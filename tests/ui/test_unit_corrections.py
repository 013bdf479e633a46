"""Page furniture in the window, and correcting units there: keys and the context menu
go through the core, the project file changes, and the views show it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.codebook import bundled_codebook
from annotator.core.coding.lookups import list_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.ui.unit_corrections import SplitDialog

FERRY = Path(__file__).resolve().parents[1] / "data" / "pasted" / "ferry-strike-pasted.txt"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def ferry_path(project_location):
    path = project_location("ferry.annotator")
    with Project.create(path, bundled_codebook()) as project:
        assert not import_paths(project, [FERRY]).failures
    return path


def stored_units(path) -> list[tuple[str, str]]:
    with Project.open(path) as project:
        return [(row.kind, row.text) for row in list_units(project)]


def shown_units(window) -> list[tuple[str, str]]:
    units = window.controller.units
    return [(units.unit(row).kind, units.unit(row).text) for row in range(units.rowCount())]


def select(window, text: str) -> None:
    row = next(r for r, (_kind, shown) in enumerate(shown_units(window)) if shown == text)
    window.reader.show_row(row)


def current_text(window) -> str:
    return window.controller.units.unit(window.controller.current_row()).text


def test_navigation_skips_page_furniture(qtbot, open_window, ferry_path):
    window = open_window(path=ferry_path)
    assert current_text(window).startswith("HELSBY, May 12")
    qtbot.keyClick(window.reader, Qt.Key.Key_Down)
    assert current_text(window).startswith("The union said about 400")  # Share, Advertisement
    assert window.controller.units.needs_coding(2) is False  # "Share"
    assert ("furniture", "Share") in shown_units(window)


def test_merge_key_joins_the_unit_with_the_next_in_the_project_and_on_screen(
    qtbot, open_window, ferry_path
):
    window = open_window(path=ferry_path)
    before = stored_units(ferry_path)
    qtbot.keyClick(window.reader, Qt.Key.Key_J, CTRL_SHIFT)
    merged = before[1][1] + " " + before[2][1]
    assert stored_units(ferry_path)[1] == ("sentence", merged)
    assert len(stored_units(ferry_path)) == len(before) - 1
    assert shown_units(window) == stored_units(ferry_path)
    assert current_text(window) == merged


def test_context_menu_changes_a_units_kind(qtbot, open_window, ferry_path):
    window = open_window(path=ferry_path)
    select(window, "Photo: Harbour staff stand beside a moored ferry in Helsby.")
    menu = window.unit_corrections.context_menu()
    labels = [action.text() for action in menu.actions() if action.text()]
    assert "Make it: Page furniture" not in labels  # it is furniture already
    next(a for a in menu.actions() if a.text() == "Make it: Sentence").trigger()
    caption = ("sentence", "Photo: Harbour staff stand beside a moored ferry in Helsby.")
    assert caption in stored_units(ferry_path)
    assert caption in shown_units(window)
    row = window.controller.current_row()
    assert window.controller.units.needs_coding(row)
    assert current_text(window) == caption[1]


def test_kind_key_cycles_sentence_heading_furniture(qtbot, open_window, ferry_path):
    window = open_window(path=ferry_path)
    text = current_text(window)
    for expected in ("heading", "furniture", "sentence"):
        qtbot.keyClick(window.reader, Qt.Key.Key_T, CTRL_SHIFT)
        assert (expected, text) in stored_units(ferry_path)
        assert (expected, text) in shown_units(window)


def test_split_key_cuts_where_the_dialog_says(qtbot, open_window, ferry_path):
    window = open_window(path=ferry_path)
    asked = []

    def answer(text, _parent):
        asked.append(text)
        return text.index("halting")

    window.unit_corrections.ask_split = answer
    qtbot.keyClick(window.reader, Qt.Key.Key_S, CTRL_SHIFT)
    assert asked and asked[0].startswith("HELSBY")
    units = stored_units(ferry_path)
    assert units[1] == ("sentence", "HELSBY, May 12 - Ferry crews walked out at dawn on Wednesday,")
    assert units[2][1].startswith("halting all sailings")
    assert shown_units(window) == units
    # was 8 sentences and the article's own questions: one more sentence to code
    assert window.controller.articles.summary(0).total == 10


def test_a_coded_unit_is_refused_and_nothing_changes(qtbot, open_window, ferry_path):
    window = open_window(path=ferry_path)
    qtbot.keyClick(window.reader, "1")  # attribution: named person
    window.reader.show_row(1)
    before = stored_units(ferry_path)
    qtbot.keyClick(window.reader, Qt.Key.Key_J, CTRL_SHIFT)
    qtbot.keyClick(window.reader, Qt.Key.Key_T, CTRL_SHIFT)
    assert stored_units(ferry_path) == before
    assert shown_units(window) == before
    message = window.statusBar().currentMessage()
    assert message.startswith("Not changed:") and "has codes or notes" in message


def test_split_dialog_reports_the_cursor_as_an_index_into_the_text(qtbot):
    text = "Crews walked out 🚢 at dawn.\nShare"
    dialog = SplitDialog(text)
    qtbot.addWidget(dialog)
    assert dialog.position() == text.index("Share")  # the first line break is the guess
    dialog.place_cursor(text.index("at dawn"))
    assert dialog.editor.textCursor().position() == text.index("at dawn") + 1  # 🚢: two in Qt
    assert dialog.position() == text.index("at dawn")


def test_review_lists_show_a_units_text_on_one_line(qapp):
    from annotator.core.supervision.adjudication import Disagreement
    from annotator.ui.review.disagreements import SENTENCE, DisagreementModel

    model = DisagreementModel(bundled_codebook())
    item = Disagreement(
        1, "pdf#2", "pdf", "claim_type", "cost 210 mil-\nlion euros.", None, None, {}, None
    )
    model.set_disagreements([item], ["alice", "bob"])
    assert model.index(0, SENTENCE).data() == "cost 210 mil- ⏎ lion euros."
    assert model.index(0, SENTENCE).data(Qt.ItemDataRole.ToolTipRole) == item.text


def test_corrections_are_undone_and_redone_through_the_core(qtbot, open_window, ferry_path):
    window = open_window(path=ferry_path)
    original = stored_units(ferry_path)
    select(window, "Share")
    qtbot.keyClick(window.reader, Qt.Key.Key_T, CTRL_SHIFT)  # furniture -> sentence
    window.reader.show_row(1)
    qtbot.keyClick(window.reader, Qt.Key.Key_J, CTRL_SHIFT)  # HELSBY ... + Share
    assert len(stored_units(ferry_path)) == len(original) - 1
    stack = window.operations.undo_stack
    assert [stack.text(i) for i in range(stack.count())] == ["Make it: sentence", "Merge units"]
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_units(ferry_path)[2] == ("sentence", "Share")  # both halves as they were
    stack.undo()
    assert stored_units(ferry_path) == original == shown_units(window)
    stack.redo()
    stack.redo()
    assert stored_units(ferry_path)[1][1].endswith("Westline Ferries said. Share")
    assert shown_units(window) == stored_units(ferry_path)


def test_undoing_a_merge_of_differing_kinds_restores_both_kinds(empty_project):
    from annotator.core.ingest.corrections import merge_with_next, unmerge

    assert not import_paths(empty_project, [FERRY]).failures
    before = [(u.kind, u.start, u.end) for u in list_units(empty_project)]
    merged = merge_with_next(empty_project, list_units(empty_project)[1].id)  # sentence + Share
    assert list_units(empty_project)[1].kind == "sentence"
    unmerge(empty_project, merged)
    assert [(u.kind, u.start, u.end) for u in list_units(empty_project)] == before
