"""The article filter, focus, the cheat sheet, Ctrl+Q and Ctrl+F, driven by key presses."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from annotator.core.codebook import bundled_codebook
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.location import location_stem
from annotator.core.store.project import Project
from annotator.ui import app
from tests.ui.conftest import SAMPLE_TEXTS, stored_codes
from tests.ui.test_keyboard_coding import current_unit, press

CTRL = Qt.KeyboardModifier.ControlModifier


def test_enter_in_the_article_filter_opens_the_match_and_codes_there(
    qtbot, open_window, project_path
):
    window = open_window()
    window.article_filter.setFocus()
    qtbot.keyClicks(window.article_filter, "vaccine")
    assert window.article_proxy.rowCount() == 1
    qtbot.keyClick(window.article_filter, Qt.Key.Key_Return)
    summary = window.controller.articles.summary(
        window.controller.articles.row_of(window.controller.article_id)
    )
    assert summary.key == "vaccine-plant"
    assert window.reader.hasFocus()
    unit = current_unit(window)
    press(qtbot, window, "1")
    assert stored_codes(project_path, "alice") == {unit.id: {"attribution": "named_person"}}


def test_down_in_the_filter_moves_into_the_list_and_enter_opens(qtbot, open_window):
    window = open_window()
    first_article = window.controller.article_id
    window.article_filter.setFocus()
    qtbot.keyClick(window.article_filter, Qt.Key.Key_Down)
    assert window.article_list.hasFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_Down)  # the list's own arrows, not units
    assert window.article_list.currentIndex().row() == 1
    assert window.controller.article_id == first_article
    qtbot.keyClick(window.article_list, Qt.Key.Key_Return)
    assert window.controller.article_id == window.controller.articles.summary(1).id
    assert window.reader.hasFocus()


def test_list_and_reader_draw_a_focus_frame(open_window):
    window = open_window()
    for view in (window.article_list, window.reader):
        assert ":focus" in view.styleSheet() and "palette(highlight)" in view.styleSheet()


def test_the_cheat_sheet_lists_every_action_with_a_key(qtbot, open_window):
    window = open_window()
    press(qtbot, window, Qt.Key.Key_F1)
    text = window.cheat_sheet.browser.toPlainText()
    for key in ("Ctrl+B", "Ctrl+R", "Ctrl+E", "F5", "Ctrl+Q", "Ctrl+I", "Shift+N", "PgDown"):
        assert key in text, key
    for action in window.findChildren(QAction):
        for shortcut in action.shortcuts():
            assert shortcut.toString(QKeySequence.SequenceFormat.NativeText) in text


def test_ctrl_q_closes_the_window(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    press(qtbot, window, "2")
    press(qtbot, window, Qt.Key.Key_Q, CTRL)
    assert not window.isVisible()
    assert stored_codes(project_path, "alice") == {unit.id: {"attribution": "named_organisation"}}


def test_ctrl_f_marks_the_words_found_and_counts_the_matches(qtbot, open_window):
    window = open_window()
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar.edit, "the")
    rows = window.controller.find_rows
    assert len(rows) > 1
    assert window.find_bar.count.text() == f"1 of {len(rows)}"
    delegate = window.reader.unit_delegate
    text = window.controller.units.unit(rows[0]).text
    spans = delegate.match_spans(text)
    assert spans and all(text[s : s + n].lower() == "the" for s, n in spans)
    window.reader.grab()  # paints the marked words (an exception in paint fails the test)
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert window.find_bar.count.text() == f"2 of {len(rows)}"
    assert window.controller.current_row() == rows[1]


def test_file_menu_opens_another_project_and_it_codes_into_that_file(
    qtbot, open_window, project_location, monkeypatch, clean_settings
):
    other = project_location("other.annotator")
    with Project.create(other, bundled_codebook()) as project:
        import_paths(project, SAMPLE_TEXTS[:1])
    window = open_window()
    app.follow_window_menus(window, clean_settings)  # as app.open_workspace does
    assert window.toolbar.actions() and window.toolbar.isVisibleTo(window)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert {"New project…", "Open…", "Open recent"} <= set(texts)

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    clean_settings.set_coder_for(other, "alice")
    press(qtbot, window, Qt.Key.Key_O, CTRL)
    opened = app._from_menus[-1]
    qtbot.addWidget(opened)
    try:
        assert opened.project.path != window.project.path
        opened.activateWindow()
        qtbot.waitUntil(opened.isActiveWindow)
        qtbot.waitUntil(lambda: opened.is_loaded)  # shown first, its article read after
        unit = opened.controller.units.unit(opened.controller.current_row())
        qtbot.keyClick(opened, "5")
        codes = stored_codes(other, opened.coder)  # on a server the coder is the role
        assert codes == {unit.id: {"attribution": "anonymous_vague"}}
        window._fill_recent_menu()
        titles = [a.text() for a in window.recent_menu.actions()]
        assert any(location_stem(other) in t for t in titles)
    finally:
        app.close_windows_from_menus()
