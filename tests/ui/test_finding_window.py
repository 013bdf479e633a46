"""Finding things across the project in the coding window (issue 28): retrieval, search
with keyword in context and code frequencies in the find dialog, results opened with
Enter; go to a unit, first and last unit, next unit with a note or low confidence.
Driven by key presses on the real window, checked against the project."""

from __future__ import annotations

import csv
import os
import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QSpinBox

from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_summaries, article_units
from annotator.core.coding.frequencies import code_frequencies
from annotator.core.coding.retrieval import retrieve
from annotator.core.store.project import Project
from annotator.core.suggest.switch import set_suggestions_for_coders
from annotator.core.supervision.passphrase import set_supervisor_passphrase
from annotator.ui.find import find_dialog
from annotator.ui.find.find_dialog import FREQUENCIES, RETRIEVE, SEARCH, FindDialog
from annotator.ui.reference import menu_shortcut_rows
from annotator.ui.review.gate import SupervisorGate
from tests.ui.test_keyboard_coding import current_unit
from tests.ui.test_review_data import build_review_project
from tests.ui.test_screenshot import DOCS, assert_not_blank

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
PASSPHRASE = "harbour lights"


def sentences_by_article(path) -> list[list[int]]:
    with Project.open(path) as project:
        return [
            [
                u.id
                for u in article_units(project, summary.id)
                if project.codebook.needs_coding(u.kind)
            ]
            for summary in article_summaries(project, "alice")
        ]


@pytest.fixture
def coded(project_path):
    """alice: anonymous_vague on the 2nd unit of articles 2 and 3, a note on article 3's
    4th, low confidence on article 2's 3rd; bob: anonymous_vague on article 1's 1st."""
    ids = sentences_by_article(project_path)
    with Project.open(project_path) as project:
        for unit_id in (ids[1][1], ids[2][1]):
            coding.apply_codes(project, "alice", unit_id, {"attribution": "anonymous_vague"})
        coding.apply_codes(project, "alice", ids[1][2], {"confidence": "low"})
        coding.set_note(project, "alice", ids[2][3], "unsure about the source")
        coding.apply_codes(project, "bob", ids[0][0], {"attribution": "anonymous_vague"})
    return ids


def open_find(qtbot, window, key: str) -> FindDialog:
    qtbot.keyClick(window, key, CTRL_SHIFT)
    dialog = window.find_dialog
    assert isinstance(dialog, FindDialog)
    qtbot.waitUntil(dialog.isActiveWindow)  # the keyboard is in the dialog
    return dialog


def shown(qtbot, dialog: FindDialog, tab: int):
    """Waits, around what the caller does in its block, for `tab`'s results (they come
    from the worker thread)."""
    return qtbot.waitSignal(
        dialog.results_shown, check_params_cb=lambda shown_tab: shown_tab == tab
    )


def retrieve_by(qtbot, dialog: FindDialog, **criteria) -> None:
    """Fill the form and retrieve, waiting for the list."""
    dialog.set_criteria(**criteria)
    with shown(qtbot, dialog, RETRIEVE):
        dialog.run_retrieval()


def test_retrieval_lists_a_code_across_articles_and_enter_opens_the_unit(
    qtbot, qtmodeltester, open_window, coded
):
    window = open_window("alice")
    dialog = open_find(qtbot, window, "R")
    assert dialog.field_box.hasFocus()
    qtbot.keyClicks(dialog.field_box, "Attribution")  # a combo box selects as you type
    qtbot.keyClick(dialog.field_box, Qt.Key.Key_Tab)
    assert dialog.code_box.hasFocus()
    for _ in range(5):  # (any), named person, ... anonymous generic, anonymous vague
        qtbot.keyClick(dialog.code_box, Qt.Key.Key_Down)
    assert dialog.criteria().code == "anonymous_vague"
    with shown(qtbot, dialog, RETRIEVE):
        qtbot.keyClick(dialog.code_box, Qt.Key.Key_Return)  # the default button: Retrieve
    model = dialog.retrieval_model
    qtmodeltester.check(model)
    assert model.rowCount() == 2  # alice's two, never bob's
    assert [model.unit_at(row)[1] for row in range(2)] == [coded[1][1], coded[2][1]]
    assert dialog.retrieval_view.hasFocus()
    qtbot.keyClick(dialog.retrieval_view, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.retrieval_view, Qt.Key.Key_Return)
    assert current_unit(window).id == coded[2][1]  # the third article, opened
    qtbot.waitUntil(window.reader.hasFocus)  # back in the coding window
    assert dialog.isVisible()
    assert dialog.retrieval_view.currentIndex().row() == 1  # the list kept its place
    qtbot.keyClick(window.reader, "2")  # keys code the unit found
    with Project.open(window.project.path) as project:
        assert coding.coder_codes(project, "alice")[coded[2][1]]["attribution"] == (
            "named_organisation"
        )


def test_notes_and_low_confidence_are_retrieved(qtbot, open_window, coded):
    window = open_window("alice")
    dialog = open_find(qtbot, window, "R")
    retrieve_by(qtbot, dialog, note=True)
    assert dialog.retrieval_model.unit_at(0)[1] == coded[2][3]
    assert dialog.retrieval_model.rowCount() == 1
    retrieve_by(qtbot, dialog, low=True)
    assert [dialog.retrieval_model.unit_at(r)[1] for r in range(1)] == [coded[1][2]]
    assert "1 unit" in dialog.status.text()


def test_every_coders_codes_only_past_the_supervisor_passphrase(qtbot, open_window, coded):
    window = open_window("alice")
    with Project.open(window.project.path) as project:
        set_supervisor_passphrase(project, PASSPHRASE)
    dialog = open_find(qtbot, window, "R")
    dialog.set_criteria("attribution", "anonymous_vague")
    dialog.scope.setCurrentIndex(1)  # every coder: the gate asks first
    gate = window.dialog
    assert isinstance(gate, SupervisorGate)
    qtbot.waitUntil(gate.isVisible)
    gate.reject()
    assert dialog.scope.currentIndex() == 0 and dialog.coders() == ("alice",)
    with shown(qtbot, dialog, RETRIEVE):
        dialog.run_retrieval()
    assert {dialog.retrieval_model.index(r, 1).data() for r in range(2)} == {"alice"}
    dialog.scope.setCurrentIndex(1)
    gate = window.dialog
    qtbot.waitUntil(gate.isVisible)
    qtbot.keyClicks(gate.passphrase, PASSPHRASE)
    with shown(qtbot, dialog, RETRIEVE):  # the list shown again, with every coder's
        qtbot.keyClick(gate.passphrase, Qt.Key.Key_Return)
    assert dialog.scope.currentIndex() == 1
    coders = [dialog.retrieval_model.index(r, 1).data() for r in range(3)]
    assert dialog.retrieval_model.rowCount() == 3 and coders[0] == "bob"


def test_search_shows_keyword_in_context_and_enter_opens_the_unit(
    qtbot, qtmodeltester, open_window, coded
):
    window = open_window("alice")
    dialog = open_find(qtbot, window, "F")
    assert dialog.search_text.hasFocus()
    qtbot.keyClicks(dialog.search_text, "THE")
    with shown(qtbot, dialog, SEARCH):
        qtbot.keyClick(dialog.search_text, Qt.Key.Key_Return)
    model = dialog.search_model
    qtmodeltester.check(model)
    assert model.rowCount() > 3
    assert {model.index(r, 1).data().casefold() for r in range(model.rowCount())} == {"the"}
    last = model.rowCount() - 1
    article_id, unit_id = model.unit_at(last)
    dialog.search_view.setCurrentIndex(model.index(last, 0))
    qtbot.keyClick(dialog.search_view, Qt.Key.Key_Return)
    assert window.controller.article_id == article_id
    assert current_unit(window).id == unit_id
    everywhere = model.rowCount()
    dialog.whole_word.setChecked(True)
    with shown(qtbot, dialog, SEARCH):
        dialog.run_search()
    assert 0 < model.rowCount() < everywhere  # "there", "other" no longer count


def test_frequencies_per_coder_and_per_article(qtbot, qtmodeltester, open_window, coded):
    window = open_window("alice")
    qtbot.keyClick(window, "Q", CTRL_SHIFT)
    dialog = window.find_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: dialog.frequencies is not None)
    model = dialog.freq_model
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Code",
        "alice",
        "Total",
    ]
    vague_row = dialog.frequencies.codes.index("anonymous_vague")
    assert model.index(vague_row, 1).data() == 2
    assert model.index(model.rowCount() - 1, 2).data() == 2  # the total of totals
    with shown(qtbot, dialog, FREQUENCIES):
        dialog.freq_by.setCurrentIndex(1)
    with Project.open(window.project.path) as project:
        expected = code_frequencies(project, "attribution", ("alice",), "article")
    assert dialog.frequencies == expected and len(expected.groups) == 2
    assert dialog.chart.names == ["total"] and dialog.chart.sizeHint().height() > 100


def answer_next_input(qtbot, value: str) -> None:
    """Type `value` into the next QInputDialog and press Enter (it runs modally)."""

    def answer():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QInputDialog):
            QTimer.singleShot(10, answer)
            return
        spin = box.findChild(QSpinBox)
        spin.selectAll()
        qtbot.keyClicks(spin, value)
        qtbot.keyClick(spin, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)


def test_go_to_a_unit_first_last_and_the_next_with_a_note_or_low_confidence(
    qtbot, open_window, coded
):
    window = open_window("alice")
    here = window.controller.article_id  # where alice last worked: the third article
    units = window.controller.units
    first, last = units.next_row(-1, 1), units.next_row(units.rowCount(), -1)
    qtbot.keyClick(window.reader, Qt.Key.Key_End)
    assert window.controller.current_row() == last
    qtbot.keyClick(window.reader, Qt.Key.Key_Home)
    assert window.controller.current_row() == first
    qtbot.keyClick(window, Qt.Key.Key_End, CTRL)
    assert window.controller.current_row() == last
    qtbot.keyClick(window, Qt.Key.Key_Home, CTRL)
    assert current_unit(window).id == coded[2][0]
    answer_next_input(qtbot, "3")
    qtbot.keyClick(window, Qt.Key.Key_G, CTRL)
    assert current_unit(window).idx == 3 and window.controller.article_id == here
    assert current_unit(window).id != coded[2][3]
    qtbot.waitUntil(window.isActiveWindow)  # the input box has gone
    qtbot.keyClick(window, "N", CTRL_SHIFT)  # the note, further on in this article
    assert current_unit(window).id == coded[2][3]
    qtbot.keyClick(window, "W", CTRL_SHIFT)  # low confidence: wraps round to the second
    assert current_unit(window).id == coded[1][2]
    qtbot.keyClick(window, "W", CTRL_SHIFT)
    assert current_unit(window).id == coded[1][2]
    assert "only unit" in window.statusBar().currentMessage()


def test_every_new_key_is_in_the_cheat_sheet(open_window):
    window = open_window("alice")
    rows = {command: keys for _, keys, command in menu_shortcut_rows(window.menuBar())}
    for command in (
        "Retrieve units",
        "Search all articles",
        "Code frequencies",
        "Go to unit",
        "First unit",
        "Last unit",
        "Next unit with a note",
        "Next unit with low confidence",
    ):
        assert command in rows, command
    assert "Home" in rows["First unit"] and "End" in rows["Last unit"]


def test_render_the_find_dialog_at_1366x768(qtbot, open_window, project_location, tmp_path):
    """Each tab as a supervisor sees it on the review project; with ANNOTATOR_SCREENSHOT
    also written to docs/ for the README."""
    path = project_location("review.annotator")
    build_review_project(path)
    window = open_window("alice", path)
    dialog = open_find(qtbot, window, "R")
    dialog.scope.setCurrentIndex(1)  # no passphrase set: every coder at once
    assert dialog.coders()[:3] == ("alice", "bob", "carol")
    dialog.set_criteria("attribution", "anonymous_generic")
    with shown(qtbot, dialog, RETRIEVE):
        dialog.run_retrieval()
    dialog.search_text.setText("said")
    with shown(qtbot, dialog, SEARCH):
        dialog.run_search()
    pictures = {}
    for tab, name in ((RETRIEVE, "retrieve"), (SEARCH, "search"), (FREQUENCIES, "frequencies")):
        if tab == FREQUENCIES:
            with shown(qtbot, dialog, FREQUENCIES):
                dialog.show_tab(tab)
        else:
            dialog.show_tab(tab)
        dialog.resize(1366, 768)
        qtbot.wait(50)
        image = dialog.grab().toImage()
        assert (image.width(), image.height()) == (1366, 768)
        assert_not_blank(image)
        pictures[name] = image
        image.save(str(tmp_path / f"find-{name}.png"))
    assert dialog.freq_model.columnCount() == 5  # code, three coders, total
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        for name, image in pictures.items():
            assert image.save(str(DOCS / f"find-{name}.png"))


def test_no_suggester_comparison_in_a_blind_study_and_the_dialog_closes_with_the_window(
    qtbot, open_window, project_path
):
    with Project.open(project_path) as project:
        set_suggestions_for_coders(project, False)
    window = open_window("alice")
    dialog = open_find(qtbot, window, "R")
    assert not dialog.suggester_box.isEnabled()
    dialog.suggester_box.setChecked(True)  # even if it were ticked somehow
    assert not dialog.criteria().differs_from_suggester
    dialog.unlock()  # the supervisor may compare
    assert dialog.suggester_box.isEnabled()
    window.close()
    assert not dialog.isVisible()


def test_the_search_exports_what_it_lists(qtbot, open_window, coded, tmp_path, monkeypatch):
    window = open_window("alice")
    dialog = open_find(qtbot, window, "F")
    qtbot.keyClicks(dialog.search_text, "said")
    with shown(qtbot, dialog, SEARCH):
        qtbot.keyClick(dialog.search_text, Qt.Key.Key_Return)
    out = tmp_path / "said.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.keyClick(dialog.search_export, Qt.Key.Key_Space)
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["unit_key", "article", "index", "left", "match", "right"]
    assert len(rows) - 1 == dialog.search_model.rowCount() > 0
    assert "written to" in dialog.status.text()


def test_a_query_runs_off_the_gui_thread_while_the_window_keeps_coding(
    qtbot, open_window, coded, monkeypatch
):
    """A retrieval held back in the worker: the coding window still takes a code (its
    write is in the project) before the list arrives, and then the list does."""
    started, release = threading.Event(), threading.Event()
    on_gui_thread = []

    def held_retrieve(project, criteria):
        if threading.current_thread() is threading.main_thread():
            on_gui_thread.append(criteria)  # the old way: would freeze the window
        else:
            started.set()
            release.wait()
        return retrieve(project, criteria)

    monkeypatch.setattr(find_dialog, "retrieve", held_retrieve)
    window = open_window("alice")
    dialog = open_find(qtbot, window, "R")
    dialog.set_criteria("attribution", "anonymous_vague")
    qtbot.keyClick(dialog.retrieve_button, Qt.Key.Key_Space)
    assert not on_gui_thread
    qtbot.waitUntil(started.is_set)
    assert dialog.retrieval_model.rowCount() == 0 and "Retrieving" in dialog.status.text()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    unit = current_unit(window).id
    qtbot.keyClick(window.reader, "1")  # coded while the query is held
    with Project.open(window.project.path) as project:
        assert coding.coder_codes(project, "alice")[unit]["attribution"] == "named_person"
    with shown(qtbot, dialog, RETRIEVE):
        release.set()
    assert dialog.retrieval_model.rowCount() == 2


def test_the_retrieved_list_follows_coding_and_keeps_the_selected_unit(qtbot, open_window, coded):
    window = open_window("alice")
    dialog = open_find(qtbot, window, "R")
    dialog.set_criteria("attribution", "anonymous_vague")
    with shown(qtbot, dialog, RETRIEVE):
        qtbot.keyClick(dialog.retrieve_button, Qt.Key.Key_Space)
    model, view = dialog.retrieval_model, dialog.retrieval_view
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # the third article's unit, in the window
    qtbot.waitUntil(window.reader.hasFocus)
    qtbot.keyClick(window, Qt.Key.Key_Home, CTRL)  # its first unit
    assert current_unit(window).id == coded[2][0]
    with shown(qtbot, dialog, RETRIEVE):
        qtbot.keyClick(window.reader, "5")  # anonymous vague: listed too now
    assert [model.unit_at(r)[1] for r in range(model.rowCount())] == [
        coded[1][1],
        coded[2][0],
        coded[2][1],
    ]
    assert view.currentIndex().row() == 2  # still the unit selected before
    assert "3 units" in dialog.status.text()
    with shown(qtbot, dialog, RETRIEVE):
        qtbot.keyClick(view, Qt.Key.Key_Return)  # opened again and coded otherwise
        qtbot.waitUntil(window.reader.hasFocus)
        qtbot.keyClick(window.reader, "2")
    assert [model.unit_at(r)[1] for r in range(model.rowCount())] == [coded[1][1], coded[2][0]]
    assert view.currentIndex().row() == 1  # gone: the row in its place


def test_export_before_any_retrieval_writes_the_list_once_it_comes(
    qtbot, open_window, coded, tmp_path, monkeypatch
):
    window = open_window("alice")
    dialog = open_find(qtbot, window, "R")
    dialog.set_criteria(note=True)
    out = tmp_path / "noted.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    with shown(qtbot, dialog, RETRIEVE):
        qtbot.keyClick(dialog.retrieve_export, Qt.Key.Key_Space)
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["note"] for row in rows] == ["unsure about the source"]
    assert "written to" in dialog.status.text()


def test_a_write_during_a_new_retrieval_refreshes_by_the_new_criteria(
    qtbot, open_window, coded, monkeypatch
):
    """The list of notes is shown; low confidence is asked for and held in the worker;
    the window codes meanwhile: what comes is the low-confidence list, not the notes."""
    release = threading.Event()
    release.set()

    def held_retrieve(project, criteria):
        release.wait()
        return retrieve(project, criteria)

    monkeypatch.setattr(find_dialog, "retrieve", held_retrieve)
    window = open_window("alice")
    dialog = open_find(qtbot, window, "R")
    retrieve_by(qtbot, dialog, note=True)
    assert dialog.retrieval_model.unit_at(0)[1] == coded[2][3]
    release.clear()
    dialog.set_criteria(low=True)
    dialog.run_retrieval()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.reader, "1")  # a write announced while the retrieval is held
    with shown(qtbot, dialog, RETRIEVE):
        release.set()
    model = dialog.retrieval_model
    assert [model.unit_at(r)[1] for r in range(model.rowCount())] == [coded[1][2]]
    assert "low confidence" in dialog.status.text()
