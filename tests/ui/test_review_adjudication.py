"""Adjudication in the review window, by keyboard and by click, checked in the project file:
the consensus coder's codes, notes and progress, undo and redo, and accepting unanimous units."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.core.coding import service as coding
from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision import adjudication
from tests.ui.test_review_data import (
    build_review_project,
    enter_review,
    on_disagreements,
    wait_idle,
)

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def path(project_location) -> Location:
    return project_location("adjudication.annotator")


@pytest.fixture
def coded(path: Location) -> dict:
    return build_review_project(path)


@pytest.fixture
def window(qtbot, open_window, path, coded):
    """The review window on its disagreement list, the list focused."""
    return on_disagreements(qtbot, enter_review(qtbot, open_window("alice", path)))


def consensus_codes(path: Location) -> dict[int, dict[str, str]]:
    with Project.open(path) as project:
        return coding.coder_codes(project, CONSENSUS)


def consensus_notes(path: Location) -> dict[int, str]:
    with Project.open(path) as project:
        return coding.coder_notes(project, CONSENSUS)


def progress(path: Location) -> adjudication.AdjudicationProgress:
    with Project.open(path) as project:
        return adjudication.adjudication_progress(project)


def shown_progress(window) -> tuple[int, int]:
    return window.progress.value(), window.progress.maximum()


def decisions(path: Location) -> tuple[int, int]:
    """Decisions made and needed, as the progress bar must show them (issue 17), with the
    units fully settled in its text."""
    made = progress(path)
    return made.decided, made.to_decide


def shown_text(window) -> str:
    return window.progress.format() + " | " + window.progress.toolTip()


def unanimous(coded: dict) -> dict[tuple[int, str], str]:
    """(unit, field) -> code where two or more coders coded and all agree, from `coded`."""
    return {
        key: next(iter(codes.values()))
        for key, codes in coded.items()
        if len(codes) >= 2 and len(set(codes.values())) == 1
    }


def test_a_number_key_takes_that_coders_code(qtbot, window, path):
    tab = window.disagreements
    first = tab.current()
    qtbot.keyClick(tab.table, "2")  # bob's code
    assert consensus_codes(path) == {first.unit_id: {first.field: first.codes["bob"]}}
    assert tab.model.disagreement(0).consensus == first.codes["bob"]
    assert tab.current() != first  # on to the next unsettled disagreement
    qtbot.keyClick(tab.table, "1")  # alice's code for the second one
    second = tab.model.disagreement(1)
    assert consensus_codes(path)[second.unit_id] == {second.field: second.codes["alice"]}
    assert window.save_state.text() == "Saved"


def test_undo_and_redo_are_durable(qtbot, window, path):
    tab = window.disagreements
    first = tab.current()
    qtbot.keyClick(tab.table, "1")
    assert consensus_codes(path) == {first.unit_id: {first.field: first.codes["alice"]}}
    qtbot.keyClick(window, "z", CTRL)
    assert consensus_codes(path) == {}
    assert tab.model.disagreement(0).consensus is None
    assert tab.current() == tab.model.disagreement(0)  # undo shows what it took back
    qtbot.keyClick(window, "z", CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert consensus_codes(path) == {first.unit_id: {first.field: first.codes["alice"]}}
    with Project.open(path) as project:
        origins = [h.origin for h in coding.unit_history(project, first.unit_id)]
    assert origins.count("adjudication by alice") == 2 and "undo" in origins


def test_another_code_with_a_note(qtbot, window, path):
    tab = window.disagreements
    item = tab.current()
    field = window.project.codebook.field(item.field)
    other = next(c for c in field.categories if c.code not in item.codes.values())
    panel = tab.panel
    panel.other_code.setCurrentIndex(panel.other_code.findData(other.code))
    qtbot.keyClicks(panel.note, "Quoted minister; see style guide 4.2")
    qtbot.mouseClick(panel.set_other, Qt.MouseButton.LeftButton)
    assert consensus_codes(path) == {item.unit_id: {item.field: other.code}}
    assert consensus_notes(path) == {item.unit_id: "Quoted minister; see style guide 4.2"}
    qtbot.keyClick(window, "z", CTRL)
    assert consensus_codes(path) == {} and consensus_notes(path) == {}


def test_clicking_a_coders_button_takes_the_code(qtbot, window, path):
    tab = window.disagreements
    item = tab.current()
    qtbot.mouseClick(tab.panel.buttons[2], Qt.MouseButton.LeftButton)  # carol
    assert consensus_codes(path) == {item.unit_id: {item.field: item.codes["carol"]}}


def test_accept_all_unanimous_then_progress_follows_adjudication(qtbot, window, path, coded):
    assert shown_progress(window) == (0, progress(path).to_decide)
    window.ask_accept_all_unanimous()
    box = window.confirm_box
    qtbot.waitUntil(box.isVisible)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    window.activateWindow()  # offscreen Qt leaves the closed box as the active window
    qtbot.waitUntil(window.isActiveWindow)
    stored = consensus_codes(path)
    agreed = unanimous(coded)
    assert {(unit, f): code for unit, codes in stored.items() for f, code in codes.items()} == (
        agreed
    )
    done_before = progress(path).adjudicated
    assert shown_progress(window) == decisions(path)
    # settle every disagreement of the first unit in the list: the unit is then adjudicated
    tab = window.disagreements
    unit_id = tab.current().unit_id
    fields = [d.field for d in tab.visible() if d.unit_id == unit_id]
    for field in fields:
        assert (tab.current().unit_id, tab.current().field) == (unit_id, field)
        qtbot.keyClick(tab.table, "1")
    assert progress(path).adjudicated == done_before + 1
    assert shown_progress(window) == decisions(path)
    assert all(
        (unit, f) in agreed or coded[(unit, f)]["alice"] == code
        for unit, codes in consensus_codes(path).items()
        for f, code in codes.items()
    )


def test_not_adjudicated_only_hides_settled_rows(qtbot, window, path):
    tab = window.disagreements
    total = tab.proxy.rowCount()
    tab.unsettled_only.setChecked(True)
    qtbot.keyClick(tab.table, "1")
    assert tab.proxy.rowCount() == total - 1
    assert tab.current() is not None and tab.current().consensus is None


def test_accepting_all_unanimous_is_one_undo_step(qtbot, window, path, coded):
    window.ask_accept_all_unanimous()
    box = window.confirm_box
    qtbot.waitUntil(box.isVisible)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    accepted = consensus_codes(path)
    assert sum(map(len, accepted.values())) == len(unanimous(coded)) > 0
    assert window.undo_action.text() == f"Undo Accept {len(unanimous(coded))} unanimous code(s)"
    assert shown_progress(window) == decisions(path)

    tab = window.disagreements
    item = tab.current()
    qtbot.keyClick(tab.table, "2")  # a decision after the bulk step
    qtbot.keyClick(tab.table, "z", CTRL)  # takes back the decision
    assert consensus_codes(path) == accepted
    qtbot.keyClick(tab.table, "z", CTRL)  # takes back the whole bulk step
    assert consensus_codes(path) == {}
    assert shown_progress(window) == (0, progress(path).to_decide)
    qtbot.keyClick(tab.table, "z", CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert consensus_codes(path) == accepted
    with Project.open(path) as project:
        origins = [h.origin for h in coding.unit_history(project, item.unit_id)]
    assert "redo" in origins and "undo" in origins


def test_progress_counts_decisions_and_settled_units(qtbot, window, path):
    tab = window.disagreements
    qtbot.keyClick(tab.table, "1")
    made = progress(path)
    assert made.decided == 1 and made.to_decide == tab.model.rowCount()
    assert shown_progress(window) == (1, made.to_decide)
    assert f"1 of {made.to_decide} decisions" in shown_text(window)
    assert f"{made.adjudicated} of {made.needing} units settled" in shown_text(window)


def test_esc_leaves_the_note_box_so_the_next_key_decides(qtbot, window, path):
    tab = window.disagreements
    item = tab.current()
    tab.panel.note.setFocus()
    qtbot.keyClicks(tab.panel.note, "checked")
    qtbot.keyClick(tab.panel.note, Qt.Key.Key_Escape)
    assert tab.table.hasFocus()
    qtbot.keyClick(tab.table, "2")
    assert tab.panel.note.text() in ("checked", "")  # "2" was not typed into the note
    assert consensus_codes(path)[item.unit_id] == {item.field: item.codes["bob"]}
    assert consensus_notes(path) == {item.unit_id: "checked"}


def test_every_column_sorts_and_worst_first_is_one_click(qtbot, window):
    tab = window.disagreements
    reading = tab.visible()
    qtbot.mouseClick(tab.worst_first, Qt.MouseButton.LeftButton)
    worst = tab.visible()
    assert [d.severity for d in worst] == sorted((d.severity for d in reading), reverse=True)
    assert worst[0].severity > worst[-1].severity
    for column in range(tab.model.columnCount()):
        tab.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        assert sorted(tab.visible(), key=lambda d: (d.unit_id, d.field)) == sorted(
            reading, key=lambda d: (d.unit_id, d.field)
        )
    qtbot.mouseClick(tab.reading_order, Qt.MouseButton.LeftButton)
    assert tab.visible() == reading
