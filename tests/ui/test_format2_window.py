"""Codebook format 2 in the coding window (issue 23), driven by key presses and checked
against the project after each step: article fields reached by Shift+A and coded with
the codebook's keys on the article's own unit; a conditional field that shows when its
condition holds and, when a change switches it off, is cleared after a warning, in one
undoable action; multiple choice toggled by keys; number, text and date inputs that
save on Enter only."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from annotator.core.codebook import load_codebook
from annotator.core.coding.lookups import article_unit_id
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from tests.ui.conftest import SAMPLE_TEXTS, stored_codes
from tests.ui.test_keyboard_coding import current_unit, press

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
CODEBOOKS = Path(__file__).resolve().parent.parent / "data" / "codebooks"
TYPED = CODEBOOKS / "typed-study.json"
RELEASE_1 = CODEBOOKS / "source-reliability-1.0.json"


def article_key(qtbot, window) -> None:
    """Shift+A (typed "A"): the keys code the article's fields (and, again, the unit's)."""
    qtbot.keyClick(window, "A")


def article_unit(window) -> int:
    return article_unit_id(window.project, window.controller.article_id)


def stored(path, unit_id: int) -> dict[str, str]:
    return stored_codes(path, "alice").get(unit_id, {})


def answer_warning(qtbot, window, button: QMessageBox.StandardButton) -> str:
    """Click a button of the open warning; its text, which names what it clears."""
    box = window.confirm_box
    qtbot.waitUntil(lambda: box is not None and box.isVisible())
    text = box.text()
    qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.confirm_box is None)
    window.activateWindow()  # offscreen Qt leaves the closed box as the active window
    qtbot.waitUntil(window.isActiveWindow)
    return text


# -- the default codebook: article fields and a conditional field ------------------------


def test_article_fields_are_coded_by_keys_on_the_article_unit(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    article = article_unit(window)
    assert window.status.article.text().endswith("units (its own fields to do)")
    assert window.panel.target_text.startswith(f"Keys code: sentence {unit.idx}")
    press(qtbot, window, "w")  # Story type: News, but the keys code the sentence
    assert stored_codes(project_path, "alice") == {}
    assert "Shift+A" in window.statusBar().currentMessage()

    article_key(qtbot, window)
    assert window.controller.on_article
    assert window.panel.target_text.startswith("Keys code: the article")
    assert window.panel.fields.article_body.isVisibleTo(window.panel)
    press(qtbot, window, "h")  # the outlet explains its anonymity policy (optional)
    policy = {"anonymity_policy": "policy_explained"}
    assert stored(project_path, article) == policy
    press(qtbot, window, "1")  # a sentence's key codes nothing on the article
    assert stored_codes(project_path, "alice") == {
        article: {"anonymity_policy": "policy_explained"}
    }
    press(qtbot, window, "w")  # Story type: News completes the article's fields
    both = {"anonymity_policy": "policy_explained", "story_type": "news"}
    assert stored_codes(project_path, "alice") == {article: both}
    assert window.controller.articles.summary(0).complete == 1  # the article's unit counts
    total = window.controller.articles.summary(0).total
    assert window.status.article.text() == f"This article: 1 of {total} units (its own fields done)"
    assert not window.controller.on_article  # auto-advance: to the first incomplete unit
    assert current_unit(window).id == unit.id

    press(qtbot, window, "z", CTRL)  # the undo shows the article, where it changed
    assert stored_codes(project_path, "alice") == {
        article: {"anonymity_policy": "policy_explained"}
    }
    assert window.controller.on_article
    press(qtbot, window, "z", CTRL | SHIFT)
    assert stored(project_path, article) == both

    article_key(qtbot, window)  # back to the sentence: the keys code it again
    assert not window.controller.on_article
    assert not window.panel.fields.article_body.isVisibleTo(window.panel)
    assert "Story type: News" in window.panel.fields.article_line.full_text
    press(qtbot, window, "1")
    assert stored(project_path, unit.id) == {"attribution": "named_person"}

    article_key(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Down)  # a move goes back to the unit, not past it
    assert not window.controller.on_article and current_unit(window).id == unit.id


def test_next_incomplete_and_auto_advance_visit_the_article_fields(
    qtbot, open_window, project_path
):
    window = open_window()
    press(qtbot, window, Qt.Key.Key_End)  # the last unit
    press(qtbot, window, Qt.Key.Key_Return)  # nothing after it: the article's fields
    assert window.controller.on_article
    press(qtbot, window, "y")  # Story type: Analysis completes the article's fields
    assert stored(project_path, article_unit(window)) == {"story_type": "analysis"}
    assert not window.controller.on_article  # auto-advance: on to an incomplete unit
    summary = window.controller.articles.summary(0)
    assert (summary.complete, summary.finished) == (1, False)


def test_a_conditional_field_shows_and_is_cleared_after_a_warning_in_one_undo(
    qtbot, open_window, project_path
):
    window = open_window()
    unit = current_unit(window)
    panel = window.panel
    assert not panel.is_asked("anonymity_reason")
    press(qtbot, window, "g")  # not asked yet: codes nothing
    assert stored_codes(project_path, "alice") == {}
    assert "asked only when" in window.statusBar().currentMessage()
    press(qtbot, window, "3")  # anonymous (specific): the reason is asked
    assert panel.is_asked("anonymity_reason")
    assert "Reason for anonymity" in panel.state_text
    press(qtbot, window, "g")
    coded = {"attribution": "anonymous_specific", "anonymity_reason": "reason_given"}
    assert stored(project_path, unit.id) == coded

    press(qtbot, window, "4")  # another anonymous code keeps the reason: no question
    assert window.confirm_box is None
    coded["attribution"] = "anonymous_generic"
    assert stored(project_path, unit.id) == coded

    press(qtbot, window, "1")  # named: the reason would go; Cancel changes nothing
    text = answer_warning(qtbot, window, QMessageBox.StandardButton.Cancel)
    assert window.project.codebook.field("anonymity_reason").label in text
    assert stored(project_path, unit.id) == coded
    assert panel.is_asked("anonymity_reason")

    press(qtbot, window, "1")
    answer_warning(qtbot, window, QMessageBox.StandardButton.Ok)
    assert stored(project_path, unit.id) == {"attribution": "named_person"}
    assert not panel.is_asked("anonymity_reason")

    press(qtbot, window, "z", CTRL)  # one undo brings both back
    assert stored(project_path, unit.id) == coded
    assert panel.is_asked("anonymity_reason")
    assert panel.checked_codes() == coded
    press(qtbot, window, "z", CTRL | SHIFT)
    assert stored(project_path, unit.id) == {"attribution": "named_person"}
    assert not panel.is_asked("anonymity_reason")


# -- a codebook with a field of every type -----------------------------------------------


def window_on(qtbot, project_location, settings, codebook_file: Path):
    """The main window on the sample articles coded with a codebook file; its path."""
    from annotator.ui.main_window import MainWindow

    path = project_location(f"{codebook_file.stem}.annotator")
    with Project.create(path, load_codebook(codebook_file)) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
    window = MainWindow(Project.open(path), "alice", settings)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.is_loaded)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window, path


@pytest.fixture
def typed_window(qtbot, project_location, clean_settings):
    """The window on a codebook with a field of every type (typed-study.json)."""
    window, path = window_on(qtbot, project_location, clean_settings, TYPED)
    yield window, path
    window.close()
    window.project.close()


def test_a_format_1_codebook_codes_as_before(qtbot, project_location, clean_settings):
    """The release-1 codebook: no article section, no article key in the menus, the
    panel's fields as they were; Shift+A only says there is nothing to code there."""
    window, path = window_on(qtbot, project_location, clean_settings, RELEASE_1)
    try:
        assert window.panel.fields.article_section is None
        assert window.panel.fields.unit_heading is None
        menus = [a.text() for a in window.menuBar().findChildren(QAction)]
        assert not any("article's fields" in text for text in menus)
        unit = current_unit(window)
        article_key(qtbot, window)
        assert not window.controller.on_article
        assert window.statusBar().currentMessage() == (
            "This codebook asks nothing of the article as a whole."
        )
        for key in "1f9":
            press(qtbot, window, key)
        full = {"attribution": "named_person", "claim_type": "fact", "confidence": "high"}
        assert stored_codes(path, "alice") == {unit.id: full}
        assert current_unit(window).id != unit.id  # complete: auto-advance as before
    finally:
        window.close()
        window.project.close()


def test_multiple_choice_keys_toggle_their_categories(qtbot, typed_window):
    window, path = typed_window
    article_key(qtbot, window)
    article = article_unit(window)
    press(qtbot, window, "h")
    press(qtbot, window, "p")
    assert stored(path, article) == {"topics": "politics;health"}  # the codebook's order
    assert window.panel.button("topics", "health").isChecked()
    press(qtbot, window, "h")  # again: off
    assert stored(path, article) == {"topics": "politics"}
    assert not window.panel.button("topics", "health").isChecked()
    press(qtbot, window, "p")  # the last one off: no code at all
    assert stored(path, article) == {}
    press(qtbot, window, "z", CTRL)
    assert stored(path, article) == {"topics": "politics"}


def enter(qtbot, window) -> None:
    """F2: into the first input of what the keys code."""
    press(qtbot, window, Qt.Key.Key_F2)


def test_a_number_is_typed_and_saved_on_enter_an_invalid_one_refused(qtbot, typed_window):
    window, path = typed_window
    unit = current_unit(window)
    press(qtbot, window, "5")  # no shortcut of this codebook: the reader keeps the key
    edit = window.panel.value_input("sources_cited")
    assert not edit.hasFocus()
    enter(qtbot, window)
    assert edit.hasFocus()
    qtbot.keyClicks(edit, "21")
    press(qtbot, edit, Qt.Key.Key_Return)
    assert stored(path, unit.id) == {}
    assert "above the maximum 20" in window.panel.input_error("sources_cited")
    assert edit.hasFocus()  # still there to correct it
    edit.clear()
    qtbot.keyClicks(edit, "1")  # a coding key, typed into the input: text, not a code
    qtbot.keyClicks(edit, "2")
    press(qtbot, edit, Qt.Key.Key_Return)
    assert stored(path, unit.id) == {"sources_cited": "12"}
    assert window.panel.input_error("sources_cited") == ""
    assert window.focusWidget() is window.reader  # the keys code again
    press(qtbot, window, "z", CTRL)
    assert stored(path, unit.id) == {}
    assert edit.text() == ""


def test_escape_leaves_an_input_without_saving(qtbot, typed_window):
    window, path = typed_window
    unit = current_unit(window)
    edit = window.panel.value_input("sources_cited")
    enter(qtbot, window)
    qtbot.keyClicks(edit, "7")
    press(qtbot, edit, Qt.Key.Key_Escape)
    assert window.focusWidget() is window.reader
    assert edit.text() == ""
    assert stored_codes(path, "alice") == {}
    press(qtbot, window, "1")  # the reader has the keys again: Source: Named
    assert stored(path, unit.id) == {"source": "named"}
    press(qtbot, window, Qt.Key.Key_Up)  # back from auto-advance: the unit is complete
    assert window.panel.is_asked("printed_name")  # a text field asked of named sources


def test_a_text_and_a_date_on_the_article(qtbot, typed_window):
    window, path = typed_window
    article_key(qtbot, window)
    article = article_unit(window)
    panel = window.panel
    assert not panel.is_asked("column_author")  # asked of opinion pieces only
    enter(qtbot, window)  # the first input shown: the date
    date = panel.value_input("event_date")
    assert date.hasFocus()
    qtbot.keyClicks(date, "2026-02-30")
    press(qtbot, date, Qt.Key.Key_Return)
    assert "not a date" in panel.input_error("event_date")
    date.clear()
    qtbot.keyClicks(date, "2026-03-14T09:30")
    press(qtbot, date, Qt.Key.Key_Return)
    assert stored(path, article) == {"event_date": "2026-03-14"}
    assert date.text() == "2026-03-14"  # as saved; and leaving it was no "not saved"
    assert window.statusBar().currentMessage() == "Saved: Date of the event: 2026-03-14."
    press(qtbot, window, "o")  # Opinion: the columnist is asked
    assert panel.is_asked("column_author")
    enter(qtbot, window)
    author = panel.value_input("column_author")
    assert author.hasFocus()
    qtbot.keyClicks(author, "  Ada Quill ")
    press(qtbot, author, Qt.Key.Key_Return)
    assert stored(path, article) == {
        "story_kind": "opinion",
        "event_date": "2026-03-14",
        "column_author": "Ada Quill",
    }
    assert not window.controller.on_article  # complete: auto-advance went to a unit
    article_key(qtbot, window)
    press(qtbot, window, "w")  # News: the columnist would go, after the question
    answer_warning(qtbot, window, QMessageBox.StandardButton.Ok)
    assert stored(path, article) == {"story_kind": "news", "event_date": "2026-03-14"}
    press(qtbot, window, "z", CTRL)
    assert stored(path, article)["column_author"] == "Ada Quill"


def test_on_the_article_no_unit_key_writes_unseen(qtbot, open_window, project_path):
    """The suggestion's key and Delete act on what the keys code: on the article, the
    sentence's suggestion is neither shown nor taken, and Delete clears the article's."""
    from tests.ui.test_suggestions_window import go_to

    window = open_window()
    go_to(qtbot, window, "harbor-deal#4")
    qtbot.waitUntil(window.panel.suggestion_label.isVisible)
    article_key(qtbot, window)
    assert not window.panel.suggestion_label.isVisible()
    press(qtbot, window, window.suggestions.key)
    assert stored_codes(project_path, "alice") == {}
    press(qtbot, window, "b")  # the outlet does not explain its anonymous sources
    article = article_unit(window)
    assert stored_codes(project_path, "alice") == {
        article: {"anonymity_policy": "policy_not_explained"}
    }
    press(qtbot, window, Qt.Key.Key_Delete)
    assert stored_codes(project_path, "alice") == {}
    article_key(qtbot, window)  # back on the sentence: its suggestion again
    qtbot.waitUntil(window.panel.suggestion_label.isVisible)


def test_the_readers_tags_show_every_type_of_unit_field():
    """Beside each unit the reader shows its codes' tags: a choice's key, a number as it
    is, a text cut short; article fields are not a unit's."""
    from annotator.ui.units_model import code_tags

    typed = load_codebook(TYPED)
    codes = {
        "story_kind": "news",  # an article field: never on a unit's line
        "source": "named",
        "sources_cited": "12",
        "printed_name": "Minister of Finance",
    }
    assert code_tags(typed, codes) == ["1", "12", "Ministe…"]
