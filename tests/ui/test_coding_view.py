"""The coding window keeps the current unit in sight, says when an article is done, and
stays put under the mouse; driven by key presses, checked against the project."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import stored_codes
from tests.ui.test_keyboard_coding import current_unit, press


def context_ok(window) -> bool:
    """The current unit is on screen with the reader's context margin above and below it
    (or touches the end of the article, where there is nothing more to show)."""
    reader = window.reader
    rect = reader.visualRect(reader.currentIndex())
    margin = reader.context_margin()
    height = reader.viewport().height()
    bar = reader.verticalScrollBar()
    top_ok = rect.top() >= margin or bar.value() == bar.minimum()
    bottom_ok = rect.bottom() <= height - margin or bar.value() == bar.maximum()
    return reader.is_current_in_view() and top_ok and bottom_ok


def test_moving_down_keeps_the_unit_away_from_the_edge(qtbot, open_window):
    window = open_window()
    window.resize(1024, 700)
    press(qtbot, window, Qt.Key.Key_PageDown)
    press(qtbot, window, Qt.Key.Key_PageDown)
    rows = window.controller.units.rowCount()
    assert window.reader.verticalScrollBar().maximum() > 0, "the article must scroll here"
    for _ in range(rows):
        press(qtbot, window, Qt.Key.Key_Down)
        assert context_ok(window)
    for _ in range(rows):
        press(qtbot, window, "k")
        assert context_ok(window)


def test_a_code_key_on_a_unit_scrolled_away_brings_it_back_first(qtbot, open_window, project_path):
    window = open_window()
    window.resize(1024, 700)
    press(qtbot, window, Qt.Key.Key_PageDown)
    press(qtbot, window, Qt.Key.Key_PageDown)
    bar = window.reader.verticalScrollBar()
    bar.setValue(bar.maximum())  # the wheel took the current unit off screen
    assert not window.reader.is_current_in_view()
    unit = current_unit(window)
    press(qtbot, window, "2")
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "named_organisation"}
    assert current_unit(window).id == unit.id
    assert context_ok(window)
