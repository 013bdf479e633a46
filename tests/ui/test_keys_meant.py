"""Keys do only what the coder meant (issue 28): auto-advance to the next unit that needs
coding, a changed complete unit said in the status bar, focus always framed, code keys
only where coding happens, Ctrl+L to the filter, Ctrl+2 then a number in a fresh review
window, and Find that marks without moving the current unit. Driven by key presses and
checked against the project."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from annotator.core.coding import service as coding
from annotator.core.store.project import Project
from tests.ui.conftest import stored_codes
from tests.ui.test_keyboard_coding import current_unit, press
from tests.ui.test_review_data import build_review_project, enter_review

CTRL = Qt.KeyboardModifier.ControlModifier
FULL = {"attribution": "named_person", "claim_type": "fact", "confidence": "medium"}


def sentence_rows(window) -> list[int]:
    units = window.controller.units
    return [row for row in range(units.rowCount()) if units.needs_coding(row)]


def complete_in_the_project(path, unit_ids) -> None:
    """Another session's work on alice's units, made through the core before she opens."""
    with Project.open(path) as project:
        for unit_id in unit_ids:
            coding.apply_codes(project, "alice", unit_id, FULL)


def complete_the_first_articles_own_fields(path) -> None:
    """The article's story type (its one required article field), by the same core."""
    from annotator.core.coding.article_views import article_summaries
    from annotator.core.coding.lookups import article_unit_id

    with Project.open(path) as project:
        first = article_summaries(project, "alice")[0]
        unit_id = article_unit_id(project, first.id)
        assert unit_id is not None
        coding.apply_codes(project, "alice", unit_id, {"story_type": "news"})


def unit_ids_of_first_article(path) -> list[int]:
    from annotator.core.coding.article_views import article_summaries, article_units

    with Project.open(path) as project:
        first = article_summaries(project, "alice")[0]
        units = article_units(project, first.id)
        return [u.id for u in units if project.codebook.needs_coding(u.kind)]


def test_filling_a_gap_advances_to_the_next_unit_that_needs_coding(
    qtbot, open_window, project_path
):
    ids = unit_ids_of_first_article(project_path)
    complete_in_the_project(project_path, ids[1:3])  # units 2 and 3 done, 1 and 4 open
    window = open_window()
    assert current_unit(window).id == ids[0]
    for key in "1f9":
        press(qtbot, window, key)
    assert stored_codes(project_path, "alice")[ids[0]]["confidence"] == "high"
    assert current_unit(window).id == ids[3]  # not the already coded ids[1]


def test_the_last_gap_filled_says_article_complete_and_a_stray_key_says_what_it_changed(
    qtbot, open_window, project_path
):
    ids = unit_ids_of_first_article(project_path)
    complete_in_the_project(project_path, ids[1:])  # only the first unit is left
    complete_the_first_articles_own_fields(project_path)  # the article's fields are done
    window = open_window()
    assert current_unit(window).id == ids[0]
    for key in "1f9":
        press(qtbot, window, key)
    complete = "Article complete: Page Down for the next one."
    assert window.panel.article_end_text == complete
    assert window.statusBar().currentMessage() == complete
    assert current_unit(window).id == ids[0]  # stays on the unit it completed
    press(qtbot, window, "7")  # a stray key: high -> low, saved, and said
    assert stored_codes(project_path, "alice")[ids[0]]["confidence"] == "low"
    assert window.statusBar().currentMessage() == (
        f"Changed a complete unit (Confidence: High → Low). {complete}"
    )


def test_a_key_on_any_complete_unit_says_what_it_changed(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    for key in "1f9":
        press(qtbot, window, key)
    press(qtbot, window, Qt.Key.Key_Up)
    assert current_unit(window).id == unit.id
    press(qtbot, window, "8")
    assert stored_codes(project_path, "alice")[unit.id]["confidence"] == "medium"
    assert window.statusBar().currentMessage() == (
        "Changed a complete unit (Confidence: High → Medium)."
    )


def rendered(widget) -> QImage:
    return widget.grab().toImage()


def test_every_widget_tab_reaches_draws_its_focus(qtbot, open_window):
    """Tab from the reader round the window: each widget that takes the focus looks
    different with it than without it (the note box had no frame)."""
    window = open_window()
    window.reader.setFocus()
    reached = []
    for _ in range(12):
        press(qtbot, window, Qt.Key.Key_Tab)
        widget = window.focusWidget()
        if widget is window.reader or widget in reached:
            break
        reached.append(widget)
    assert window.panel.note in reached
    for widget in reached:
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        focused = rendered(widget)
        window.reader.setFocus()
        qtbot.waitUntil(lambda w=widget: not w.hasFocus())
        assert rendered(widget) != focused, type(widget).__name__


def test_letters_typed_in_the_article_list_filter_it_and_code_nothing(
    qtbot, open_window, project_path
):
    window = open_window()
    window.article_list.setFocus()
    for key in "vaccine":  # i, e, n are claim-type keys; a accepts a suggestion
        qtbot.keyClick(window.focusWidget(), key)
    assert stored_codes(project_path, "alice") == {}
    assert window.article_filter.text() == "vaccine"
    assert window.article_filter.hasFocus()
    assert window.article_proxy.rowCount() == 1


def test_a_code_key_with_the_focus_astray_codes_nothing_and_says_why(
    qtbot, open_window, project_path
):
    window = open_window()
    window.unfinished_only.setFocus()
    qtbot.waitUntil(window.unfinished_only.hasFocus)
    qtbot.keyClick(window.unfinished_only, "1")
    assert window.statusBar().currentMessage().startswith("Not coded: the key 1 codes only")
    qtbot.keyClick(window.unfinished_only, Qt.Key.Key_Delete)
    assert window.statusBar().currentMessage().startswith("Not coded: the key Del codes only")
    assert stored_codes(project_path, "alice") == {}
    press(qtbot, window, Qt.Key.Key_Escape)  # back to the article: the key codes again
    unit = current_unit(window)
    press(qtbot, window, "1")
    assert stored_codes(project_path, "alice") == {unit.id: {"attribution": "named_person"}}


def test_ctrl_l_goes_to_the_article_filter_even_with_the_list_hidden(qtbot, open_window):
    window = open_window()
    press(qtbot, window, Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)  # hide list
    assert not window.side_panes["list"].isVisible()
    press(qtbot, window, Qt.Key.Key_L, CTRL)
    assert window.side_panes["list"].isVisible()
    assert window.article_filter.hasFocus()
    qtbot.keyClicks(window.article_filter, "harbor")
    qtbot.keyClick(window.article_filter, Qt.Key.Key_Return)
    summary = window.controller.articles.summary(
        window.controller.articles.row_of(window.controller.article_id)
    )
    assert summary.key == "harbor-deal"


def test_in_a_fresh_review_window_ctrl_2_then_a_number_decides(
    qtbot, open_window, project_location
):
    from tests.ui.test_review_adjudication import consensus_codes

    path = project_location("fresh-review.annotator")
    build_review_project(path)
    review = enter_review(qtbot, open_window("alice", path))
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    qtbot.keyClick(review, Qt.Key.Key_2, CTRL)
    tab = review.disagreements
    assert review.tabs.currentWidget() is tab
    first = tab.current()
    assert first is not None
    qtbot.keyClick(review.focusWidget(), "2")  # bob's code, no click or Tab first
    assert consensus_codes(path) == {first.unit_id: {first.field: first.codes["bob"]}}


def test_find_marks_and_scrolls_and_only_enter_moves_the_current_unit(qtbot, open_window):
    window = open_window()
    window.resize(900, 420)  # short: the match found is off screen until scrolled to
    start = current_unit(window)
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    units = window.controller.units
    last_text = units.unit(units.rowCount() - 1).text
    word = max(last_text.split(), key=len)  # a word of the last unit, far below
    qtbot.keyClicks(window.find_bar.edit, word)
    rows = window.controller.find_rows
    assert rows and rows[-1] == units.rowCount() - 1
    assert current_unit(window).id == start.id  # typing moved nothing
    match = units.index(window.controller.find_rows[window.controller.find_position])
    assert window.reader.viewport().rect().intersects(window.reader.visualRect(match))
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert window.controller.current_row() == match.row()  # Enter: the current unit moves
    assert window.find_bar.count.text() == f"{window.controller.find_position + 1} of {len(rows)}"


def test_esc_closes_the_start_screen(qtbot, clean_settings):
    from annotator.ui.app import StartFlow

    flow = StartFlow(clean_settings)
    qtbot.addWidget(flow.screen)
    flow.screen.show()
    qtbot.waitExposed(flow.screen)
    flow.screen.activateWindow()
    qtbot.waitUntil(flow.screen.isActiveWindow)
    qtbot.keyClick(flow.screen.recent_view, Qt.Key.Key_Escape)
    assert not flow.screen.isVisible()
