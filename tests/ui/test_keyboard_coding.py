"""The main window driven by key presses, checking the project file after every step."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.coding import service as coding
from annotator.core.errors import ProjectError
from annotator.core.store.project import Project
from tests.ui.conftest import stored_codes, stored_notes


def current_unit(window):
    row = window.controller.current_row()
    return window.controller.units.unit(row)


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window, key, modifier)


def test_opens_on_first_unit_needing_coding(open_window):
    window = open_window()
    unit = current_unit(window)
    assert unit.kind == "sentence"
    assert unit.idx == 2  # the title (idx 1) is skipped
    assert window.controller.articles.summary(0).key == "border-talks"


def test_shortcut_keys_code_the_current_unit_and_auto_advance(qtbot, open_window, project_path):
    window = open_window()
    first = current_unit(window)
    press(qtbot, window, "1")
    assert stored_codes(project_path, "alice") == {first.id: {"attribution": "named_person"}}
    press(qtbot, window, "f")
    assert stored_codes(project_path, "alice")[first.id] == {
        "attribution": "named_person",
        "claim_type": "fact",
    }
    assert current_unit(window).id == first.id  # still incomplete: no advance
    press(qtbot, window, "9")
    assert stored_codes(project_path, "alice")[first.id] == {
        "attribution": "named_person",
        "claim_type": "fact",
        "confidence": "high",
    }
    assert current_unit(window).id != first.id  # complete: moved on
    assert current_unit(window).idx == first.idx + 1
    assert window.status.save_text == "Saved"
    assert window.controller.articles.summary(0).complete == 1


def test_same_key_again_leaves_the_code_set(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    press(qtbot, window, "3")
    press(qtbot, window, "3")
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "anonymous_specific"}
    assert window.panel.checked_codes() == {"attribution": "anonymous_specific"}
    assert window.operations.undo_stack.count() == 1  # the repeat was not an action


def test_changing_a_complete_unit_does_not_advance(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    for key in "1f9":
        press(qtbot, window, key)
    press(qtbot, window, Qt.Key.Key_Up)
    assert current_unit(window).id == unit.id
    press(qtbot, window, "2")
    assert current_unit(window).id == unit.id
    assert stored_codes(project_path, "alice")[unit.id]["attribution"] == "named_organisation"


def test_auto_advance_can_be_switched_off(qtbot, open_window, clean_settings):
    clean_settings.set_auto_advance(False)
    window = open_window()
    unit = current_unit(window)
    for key in "1f9":
        press(qtbot, window, key)
    assert current_unit(window).id == unit.id


def test_up_down_j_k_skip_titles_and_headings(qtbot, open_window):
    window = open_window()
    assert current_unit(window).idx == 2
    press(qtbot, window, Qt.Key.Key_Up)  # the title above is not required: stay
    assert current_unit(window).idx == 2
    for _ in range(5):
        press(qtbot, window, Qt.Key.Key_Down)
    assert current_unit(window).idx == 7
    press(qtbot, window, "j")  # idx 8 is the heading "Regional pressure"
    assert current_unit(window).idx == 9
    press(qtbot, window, "k")
    assert current_unit(window).idx == 7
    press(qtbot, window, Qt.Key.Key_Down)
    assert current_unit(window).kind == "sentence"


def test_a_click_can_still_select_a_heading(qtbot, open_window):
    window = open_window()
    heading_row = next(
        row
        for row in range(window.controller.units.rowCount())
        if window.controller.units.unit(row).kind == "heading"
    )
    window.reader.scrollTo(window.controller.units.index(heading_row))
    rect = window.reader.visualRect(window.controller.units.index(heading_row))
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert current_unit(window).kind == "heading"
    assert "Not required" in window.panel.state_text


def test_enter_and_shift_n_jump_to_the_next_incomplete_unit(qtbot, open_window, project_path):
    window = open_window()
    units = window.controller.units
    sentences = [units.unit(r) for r in range(units.rowCount()) if units.unit(r).kind == "sentence"]
    with Project.open(project_path) as project:  # complete the 2nd and 3rd sentence via the core
        for unit in sentences[1:3]:
            coding.apply_codes(
                project,
                "alice",
                unit.id,
                {"attribution": "unattributed", "claim_type": "fact", "confidence": "low"},
            )
    window.controller.open_article(units.article_id)
    assert current_unit(window).id == sentences[0].id
    press(qtbot, window, Qt.Key.Key_Return)
    assert current_unit(window).id == sentences[3].id
    press(qtbot, window, "N", Qt.KeyboardModifier.ShiftModifier)
    assert current_unit(window).id == sentences[4].id
    # sentences[5] is followed by a heading: the jump skips it
    press(qtbot, window, Qt.Key.Key_Return)
    press(qtbot, window, Qt.Key.Key_Return)
    assert current_unit(window).id == sentences[6].id
    assert units.unit(units.row_of(sentences[6].id) - 1).kind == "heading"


def test_page_down_and_up_change_article(qtbot, open_window):
    window = open_window()
    first_article = window.controller.article_id
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert window.controller.article_id != first_article
    assert window.controller.articles.summary(1).id == window.controller.article_id
    assert current_unit(window).kind == "sentence"
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert window.controller.article_id == first_article


def test_undo_and_redo_restore_the_database(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    press(qtbot, window, "1")
    press(qtbot, window, "2")
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "named_organisation"}
    press(qtbot, window, "z", Qt.KeyboardModifier.ControlModifier)
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "named_person"}
    assert window.panel.checked_codes() == {"attribution": "named_person"}
    press(qtbot, window, "z", Qt.KeyboardModifier.ControlModifier)
    assert stored_codes(project_path, "alice") == {}
    press(
        qtbot, window, "z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "named_person"}
    press(
        qtbot, window, "z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "named_organisation"}
    with Project.open(project_path) as project:
        origins = [row.origin for row in coding.unit_history(project, unit.id)]
    assert origins == ["manual", "manual", "undo", "undo", "redo", "redo"]


def test_undo_of_an_auto_advanced_code_returns_to_its_unit(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    for key in "1f9":
        press(qtbot, window, key)
    assert current_unit(window).id != unit.id
    press(qtbot, window, "z", Qt.KeyboardModifier.ControlModifier)
    assert current_unit(window).id == unit.id
    assert stored_codes(project_path, "alice")[unit.id] == {
        "attribution": "named_person",
        "claim_type": "fact",
    }


def test_undo_after_changing_article_reopens_the_article(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    first_article = window.controller.article_id
    press(qtbot, window, "4")
    press(qtbot, window, Qt.Key.Key_PageDown)
    press(qtbot, window, "z", Qt.KeyboardModifier.ControlModifier)
    assert window.controller.article_id == first_article
    assert current_unit(window).id == unit.id
    assert stored_codes(project_path, "alice") == {}


def test_delete_clears_the_unit_in_one_undoable_action(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    press(qtbot, window, "5")
    press(qtbot, window, "e")
    press(qtbot, window, Qt.Key.Key_Delete)
    assert stored_codes(project_path, "alice") == {}
    press(qtbot, window, "z", Qt.KeyboardModifier.ControlModifier)
    assert stored_codes(project_path, "alice")[unit.id] == {
        "attribution": "anonymous_vague",
        "claim_type": "evaluation",
    }


def test_keys_typed_in_the_note_box_are_text_and_the_note_is_saved(
    qtbot, open_window, project_path
):
    window = open_window()
    unit = current_unit(window)
    note = window.panel.note
    note.setFocus()
    qtbot.keyClicks(note, "1 fine? jk N")
    assert note.toPlainText() == "1 fine? jk N"
    assert stored_codes(project_path, "alice") == {}
    assert current_unit(window).id == unit.id
    qtbot.keyClick(note, Qt.Key.Key_Escape)  # back to the article; the note is saved
    assert stored_notes(project_path, "alice") == {unit.id: "1 fine? jk N"}
    assert not note.hasFocus() or not window.isActiveWindow()
    press(qtbot, window, "1")
    assert stored_codes(project_path, "alice") == {unit.id: {"attribution": "named_person"}}


def test_a_note_is_saved_when_idle_and_never_lost_on_moving(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    qtbot.keyClicks(window.panel.note, "check the quote")
    qtbot.waitUntil(lambda: stored_notes(project_path, "alice") == {unit.id: "check the quote"})
    qtbot.keyClicks(window.panel.note, " again")
    window.controller.move(1)  # leaving the unit saves the pending text at once
    assert stored_notes(project_path, "alice") == {unit.id: "check the quote again"}
    window.controller.move(-1)
    assert window.panel.note.toPlainText() == "check the quote again"


def test_a_coder_never_sees_another_coders_codes(qtbot, open_window, project_path):
    with Project.open(project_path) as project:
        bob_units = [u.id for u in coding_units(project)]
        for unit_id in bob_units:
            coding.apply_codes(
                project,
                "bob",
                unit_id,
                {"attribution": "named_person", "claim_type": "fact", "confidence": "high"},
            )
        coding.set_note(project, "bob", bob_units[0], "bob's note")
    window = open_window("alice")
    units = window.controller.units
    assert all(units.codes(units.unit(r).id) == {} for r in range(units.rowCount()))
    assert window.panel.checked_codes() == {}
    assert window.panel.note.toPlainText() == ""
    assert all(s.complete == 0 for s in window.controller.articles.summaries())
    assert current_unit(window).id == bob_units[0]  # alice starts at the start


def coding_units(project):
    from annotator.core.coding.lookups import list_units

    return [u for u in list_units(project) if project.codebook.needs_coding(u.kind)]


def test_a_failed_write_says_not_saved_and_shows_the_stored_codes(
    qtbot, open_window, project_path, monkeypatch
):
    window = open_window()
    unit = current_unit(window)
    press(qtbot, window, "1")

    def refuse(*_args, **_kwargs):
        raise ProjectError("disk full")

    monkeypatch.setattr(coding, "apply_codes", refuse)
    press(qtbot, window, "2")
    assert window.status.save_text.startswith("Not saved: disk full")
    assert window.panel.checked_codes() == {"attribution": "named_person"}
    assert window.banner.isVisible()
    monkeypatch.undo()
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "named_person"}
    assert window.operations.undo_stack.count() == 1
    press(qtbot, window, "3")
    assert window.status.save_text == "Saved"
    assert not window.banner.isVisible()


def test_a_click_on_a_panel_button_codes_through_the_same_channel(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    qtbot.mouseClick(window.panel.button("claim_type", "prediction"), Qt.MouseButton.LeftButton)
    assert stored_codes(project_path, "alice") == {unit.id: {"claim_type": "prediction"}}
    assert window.panel.checked_codes() == {"claim_type": "prediction"}


def test_find_bar_finds_text_and_enter_moves_to_the_next_match(qtbot, open_window):
    window = open_window()
    press(qtbot, window, "f", Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "said")
    first = current_unit(window)
    assert "said" in first.text
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    second = current_unit(window)
    assert "said" in second.text and second.idx > first.idx
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_a_note_that_failed_to_save_is_kept_and_saved_later(
    qtbot, open_window, project_path, monkeypatch
):
    window = open_window()
    unit = current_unit(window)

    def refuse(*_args, **_kwargs):
        raise ProjectError("database is locked")

    monkeypatch.setattr(coding, "set_note", refuse)
    qtbot.keyClicks(window.panel.note, "keep me")
    window.controller.move(1)  # leaving the unit tries to save, and fails
    assert window.status.save_text.startswith("Not saved: database is locked")
    window.controller.move(-1)
    assert window.panel.note.toPlainText() == "keep me"
    monkeypatch.undo()
    window.controller.move(1)  # the kept text is saved on the next chance
    assert stored_notes(project_path, "alice") == {unit.id: "keep me"}
