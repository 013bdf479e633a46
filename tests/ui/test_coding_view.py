"""The coding window keeps the current unit in sight, says when an article is done, and
stays put under the mouse; driven by key presses, checked against the project."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from annotator.core.codebook import bundled_codebook
from annotator.core.coding.article_views import article_summaries
from annotator.core.store.project import Project
from tests.ui.conftest import SAMPLE_TEXTS, stored_codes
from tests.ui.test_keyboard_coding import current_unit, press

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


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
    window.resize(900, 420)  # short enough that the article scrolls well past a screenful
    press(qtbot, window, Qt.Key.Key_PageDown)
    press(qtbot, window, Qt.Key.Key_PageDown)
    reader = window.reader
    bar = reader.verticalScrollBar()
    for _ in range(6):
        press(qtbot, window, Qt.Key.Key_Down)
    in_lower_half = reader.visualRect(reader.currentIndex()).top() > reader.viewport().height() / 2
    bar.setValue(bar.minimum() if in_lower_half else bar.maximum())  # the wheel moved away
    assert not window.reader.is_current_in_view()
    unit = current_unit(window)
    press(qtbot, window, "2")
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "named_organisation"}
    assert current_unit(window).id == unit.id
    assert context_ok(window)


def code_to_the_end(qtbot, window) -> None:
    """Every unit by keys, then the article's story type, where auto-advance takes the
    keys after the last unit (the article is complete only with its own fields)."""
    for _ in range(window.controller.units.rowCount() + 1):
        for key in "w" if window.controller.on_article else "1f9":
            press(qtbot, window, key)
        if window.panel.article_end_text is not None:
            return
    raise AssertionError("auto-advance never reached the end of the article")


def test_the_end_of_an_article_is_announced_and_later_keys_say_what_they_change(
    qtbot, open_window, project_path
):
    window = open_window()
    first_article = window.controller.article_id
    code_to_the_end(qtbot, window)
    last = current_unit(window)
    units = window.controller.units
    last_to_code = max(r for r in range(units.rowCount()) if units.needs_coding(r))
    assert last.id == units.unit(last_to_code).id
    assert window.panel.article_end_text == "Article complete: Page Down for the next one."
    assert window.statusBar().currentMessage() == "Article complete: Page Down for the next one."
    assert window.controller.articles.summary(0).finished
    assert stored_codes(project_path, "alice")[last.id]["attribution"] == "named_person"

    press(qtbot, window, "2")  # keeps coding the last unit, and says so
    assert stored_codes(project_path, "alice")[last.id]["attribution"] == "named_organisation"
    assert current_unit(window).id == last.id
    assert window.statusBar().currentMessage() == (
        "Changed a complete unit (Attribution: Named person → Named organisation or document)."
        " Article complete: Page Down for the next one."
    )

    press(qtbot, window, Qt.Key.Key_PageDown)
    assert window.controller.article_id != first_article
    assert window.panel.article_end_text is None


def test_the_panel_offers_the_next_article(qtbot, open_window):
    window = open_window()
    first_article = window.controller.article_id
    code_to_the_end(qtbot, window)
    qtbot.mouseClick(window.panel.next_article_button, Qt.MouseButton.LeftButton)
    assert window.controller.article_id != first_article


def test_the_panel_buttons_stay_put_whatever_the_texts(qtbot, open_window):
    window = open_window()
    window.resize(1024, 700)
    panel = window.panel
    button = panel.button("confidence", "high")

    def button_top() -> int:
        panel.layout().activate()
        return button.mapTo(panel, button.rect().topLeft()).y()

    top = button_top()
    states = set()
    for key in ("1", "f", "9", Qt.Key.Key_Down, "6", "n", Qt.Key.Key_Down, "7"):
        press(qtbot, window, key)
        states.add(panel.state_text)
        assert button_top() == top
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert button_top() == top
    assert len(states) > 1  # the state line did change meanwhile


def test_an_empty_project_says_how_to_import_and_ctrl_i_imports(
    qtbot, open_window, project_location, monkeypatch
):
    path = project_location("empty.annotator")
    Project.create(path, bundled_codebook()).close()
    window = open_window(path=path)
    assert window.reader_stack.currentWidget() is window.empty_page
    assert "Ctrl+I" in window.empty_page.text and "drop" in window.empty_page.text
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        lambda *args, **kwargs: ([str(p) for p in SAMPLE_TEXTS], ""),
    )
    with qtbot.waitSignal(window.importer.imported, timeout=20_000):
        press(qtbot, window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert window.reader_stack.currentWidget() is window.reader
    with Project.open(path) as project:
        assert len(article_summaries(project, "alice")) == len(SAMPLE_TEXTS)
    assert current_unit(window).kind == "sentence"


def test_the_status_bar_counts_units_and_articles_done(qtbot, open_window, project_path):
    window = open_window()
    articles = window.controller.articles
    qtbot.waitUntil(lambda: articles.overall() is not None)  # counted while the window idles
    total = articles.overall().total
    assert window.status.overall.text() == f"0 of {total:,} units coded (0%)"
    assert window.status.articles_done.text() == f"0 of {articles.rowCount()} articles done"
    code_to_the_end(qtbot, window)
    coded = len(stored_codes(project_path, "alice"))
    assert window.status.overall.text() == (
        f"{coded:,} of {total:,} units coded ({100 * coded // total}%)"
    )
    assert window.status.articles_done.text() == f"1 of {articles.rowCount()} articles done"
    summary = articles.summary(0)
    assert window.status.article.text() == (
        f"This article: {coded} of {summary.total} units (its own fields done)"
    )


def test_wide_screens_keep_a_readable_measure(qtbot, open_window):
    window = open_window()
    window.resize(2560, 1440)
    reader = window.reader
    qtbot.waitUntil(lambda: reader.viewport().width() <= reader.measure_width())
    chars = reader.unit_delegate._text_width() / reader.fontMetrics().averageCharWidth()
    assert 60 <= chars <= 80
    margins = reader.viewportMargins()
    assert abs(margins.left() - margins.right()) <= 1 and margins.left() > 100  # centred


def test_side_panes_collapse_from_the_view_menu_and_keys_still_code(
    qtbot, open_window, project_path
):
    window = open_window()
    window.resize(1024, 700)
    narrow = window.reader.width()
    press(qtbot, window, Qt.Key.Key_L, CTRL_SHIFT)
    press(qtbot, window, Qt.Key.Key_P, CTRL_SHIFT)
    assert not window.side_panes["list"].isVisible()
    assert not window.side_panes["panel"].isVisible()
    assert not window.pane_actions["list"].isChecked()
    qtbot.waitUntil(lambda: window.reader.width() > narrow * 1.8)
    unit = current_unit(window)
    press(qtbot, window, "4")
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "anonymous_generic"}
    press(qtbot, window, Qt.Key.Key_P, CTRL_SHIFT)
    assert window.side_panes["panel"].isVisible()
    assert window.panel.checked_codes() == {"attribution": "anonymous_generic"}
    assert window.splitter.isCollapsible(0) and window.splitter.isCollapsible(2)
    assert not window.splitter.isCollapsible(1)


def test_the_window_opens_inside_the_available_screen(qtbot, open_window, clean_settings):
    window = open_window()
    window.resize(5000, 4000)
    window.move(9000, 9000)  # as saved on a larger screen, or at another scale factor
    window.close()
    again = open_window(restored=True)
    available = again.screen().availableGeometry()
    assert available.contains(again.frameGeometry())
    assert again.width() <= available.width() and again.height() <= available.height()
