"""The sources panel and keys of the coding window (issue 24), driven by key presses on
the real window, on the harbour sample, and checked against the project."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QFontMetrics, QTextCursor

from annotator.core.coding import sources_service
from annotator.core.coding.source_lists import SourceList
from annotator.core.store.project import Project
from tests.core.test_team import as_role, team_project  # noqa: F401

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
BRANDT = "port authority chair Ilse Brandt"
OFFICIALS = "two officials familiar with the talks"


def on_the_harbour_article(qtbot, open_window):
    """The window on harbor-deal, its proposed sources computed."""
    window = open_window()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: window.controller.open_summary().key == "harbor-deal")
    qtbot.waitUntil(lambda: bool(window.sources.actions.proposal.sources))
    return window


def go_to(window, idx: int) -> int:
    """Make unit `idx` of the open article current; its id."""
    units = window.controller.units
    row = next(r for r in range(units.rowCount()) if units.unit(r).idx == idx)
    window.controller._show_row(row)
    window.reader.setFocus()
    return units.unit(row).id


def press_at(qtbot, window, idx: int, key: str) -> int:
    """Press `key` on unit `idx` of the open article; the unit's id."""
    unit_id = go_to(window, idx)
    qtbot.keyClick(window, key)
    return unit_id


def stored(path, coder: str = "alice") -> SourceList:
    """What the project holds of the coder's sources of harbor-deal, read afresh."""
    from annotator.core.coding.lookups import article_by_key

    with Project.open(path) as project:
        with project.reading() as session:
            article_id = article_by_key(session, "harbor-deal").id
        return sources_service.read_list(project, article_id, coder)


def labels_linked(sources: SourceList, unit_id: int) -> list[str]:
    return [sources.source(uid).label for uid in sources.links.get(unit_id, [])]


def status(window) -> str:
    return window.statusBar().currentMessage()


def select_rows(window, labels: list[str]) -> None:
    """Select the panel's rows of these sources (as Shift+Down would)."""
    panel = window.sources.panel
    selection = panel.table.selectionModel()
    selection.clearSelection()
    for row, (source, _proposed) in enumerate(panel.model.rows):
        if source.label in labels:
            selection.select(
                panel.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )


def test_p_accepts_the_proposed_source_with_one_key(qtbot, open_window, project_path):
    window = on_the_harbour_article(qtbot, open_window)
    fourth = go_to(window, 4)
    panel = window.sources.panel
    proposed = [s.label for s, is_proposal in panel.model.rows if is_proposal]
    assert BRANDT in proposed  # shown, marked as a proposal
    row = next(i for i, (s, is_proposal) in enumerate(panel.model.rows) if s.label == BRANDT)
    assert panel.model.index(row, 0).data().startswith("proposed")
    assert panel.model.index(row, 1).data(Qt.ItemDataRole.FontRole).italic()
    qtbot.keyClick(window, "P")
    mine = stored(project_path)
    assert [s.label for s in mine.sources] == [BRANDT]
    fifth = fourth + 1
    assert labels_linked(mine, fourth) == [BRANDT]
    assert labels_linked(mine, fifth) == [BRANDT]  # "She": the proposal's whole source
    assert {m.unit_id for m in mine.sources[0].mentions} == {fourth, fifth}
    assert "Ilse Brandt" in status(window) and "sentence 4" in status(window)
    assert window.status.save_text == "Saved"
    rows = panel.model.rows
    assert (rows[0][0].label, rows[0][1]) == (BRANDT, False)  # now the coder's own
    assert BRANDT not in [s.label for s, is_proposal in rows if is_proposal]
    assert panel.model.index(0, 0).data() == "claim"  # the current unit's own source


def test_l_links_the_previous_source_and_s_makes_a_new_one(qtbot, open_window, project_path):
    window = on_the_harbour_article(qtbot, open_window)
    press_at(qtbot, window, 4, "P")  # Brandt, linked to 4 and 5
    second = press_at(qtbot, window, 2, "P")
    seventh = press_at(qtbot, window, 7, "L")  # the last linked, not the nearest above
    mine = stored(project_path)
    assert labels_linked(mine, second) == [OFFICIALS]
    assert labels_linked(mine, seventh) == [OFFICIALS]
    assert "Linked sentence 7" in status(window)
    # in a new window, the previous source is the claim's source of the nearest unit above
    eighth = press_at(qtbot, window, 8, "P")
    window.sources.actions.previous = None
    ninth = press_at(qtbot, window, 9, "L")
    assert labels_linked(stored(project_path), ninth) == labels_linked(stored(project_path), eighth)
    go_to(window, 7)
    qtbot.keyClick(window, "S")  # a new source from the unit's source span
    mine = stored(project_path)
    official = "A senior official in the transport ministry"
    assert labels_linked(mine, seventh) == [OFFICIALS, official]
    new = next(s for s in mine.sources if s.label == official)
    assert [m.unit_id for m in new.mentions] == [seventh]
    assert "New source" in status(window)


def select_words(window, words: str) -> None:
    """Select `words` in the sources panel's copy of the current unit (Ctrl+Shift+U)."""
    box = window.sources.panel.words
    at = box.toPlainText().index(words)
    cursor = box.textCursor()
    cursor.setPosition(at)
    cursor.setPosition(at + len(words), QTextCursor.MoveMode.KeepAnchor)
    box.setTextCursor(cursor)


def test_a_selected_span_marked_as_the_cue_is_stored_and_shown(qtbot, open_window, project_path):
    window = on_the_harbour_article(qtbot, open_window)
    fourth = go_to(window, 4)
    qtbot.keyClick(window, "U", CTRL_SHIFT)
    assert window.sources.panel.words.hasFocus()
    select_words(window, "told reporters")
    qtbot.keyClick(window.sources.panel.words, "C")
    mine = stored(project_path)
    start = window.sources.actions.spans[fourth].start
    text = window.controller.units.unit(window.controller.current_row()).text
    at = text.index("told reporters")
    assert mine.spans == {(fourth, "cue"): (start + at, start + at + len("told reporters"))}
    shown = window.reader.unit_delegate.ranges(window.controller.current_row())
    assert (at, at + len("told reporters"), "cue") in shown
    assert [r for r in shown if r[2] == "cue"] == [(at, at + len("told reporters"), "cue")]
    with Project.open(project_path) as project:
        history = sources_service.source_history(project, window.controller.article_id)
    assert [h.target for h in history] == ["#span:cue"]
    assert "as the cue of sentence 4" in status(window)
    # a new source named by the selected words
    select_words(window, "Ilse Brandt")
    qtbot.keyClick(window.sources.panel.words, "S")
    assert labels_linked(stored(project_path), fourth) == ["Ilse Brandt"]


def point_at(window, row: int, char: int, nudge: int) -> QPoint:
    """Where character `char` of reader row `row` starts (moved `nudge` pixels right)."""
    from annotator.ui.units_model import KindRole

    reader, delegate = window.reader, window.reader.unit_delegate
    index = reader.model().index(row, 0)
    gap = delegate._block_gap(index, QFontMetrics(reader.font()))
    text = delegate._text_rect(reader.visualRect(index).adjusted(0, gap, 0, 0))
    font = delegate._font(reader.font(), index.data(KindRole))
    layout = delegate._layout(index.data(), font, text.width(), reader)
    line = layout.lineForTextPosition(char)
    x, _ = line.cursorToX(char)
    return QPoint(text.left() + int(x) + nudge, text.top() + int(line.y() + line.height() / 2))


def test_words_dragged_over_in_the_reader_become_the_source_span(qtbot, open_window, project_path):
    window = on_the_harbour_article(qtbot, open_window)
    fourth = go_to(window, 4)
    row = window.controller.current_row()
    text = window.controller.units.unit(row).text
    words = "port authority chair"
    at = text.index(words)
    viewport = window.reader.viewport()
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(viewport, left, pos=point_at(window, row, at, 1))
    qtbot.mouseMove(viewport, point_at(window, row, at + len(words), -1))
    qtbot.mouseRelease(viewport, left, pos=point_at(window, row, at + len(words), -1))
    assert window.reader.unit_delegate.selection == (row, at, at + len(words))
    assert window.sources.panel.words.textCursor().selectedText() == words
    window.reader.setFocus()
    qtbot.keyClick(window, "O")
    start = window.sources.actions.spans[fourth].start
    assert stored(project_path).spans == {(fourth, "source"): (start + at, start + at + 20)}
    shown = window.reader.unit_delegate.ranges(row)
    assert (at, at + len(words), "source") in shown  # the selection gone, the span shown
    assert window.reader.unit_delegate.selection is None


def test_merge_undo_and_redo_keep_the_links(qtbot, open_window, project_path):
    window = on_the_harbour_article(qtbot, open_window)
    second = press_at(qtbot, window, 2, "P")
    fourth = press_at(qtbot, window, 4, "P")
    select_rows(window, [OFFICIALS, BRANDT])
    qtbot.keyClick(window, "G", CTRL_SHIFT)
    merged = stored(project_path)
    assert [s.label for s in merged.sources] == [OFFICIALS]
    for unit in (second, fourth, fourth + 1):
        assert labels_linked(merged, unit) == [OFFICIALS]
    assert "Merged" in status(window)
    qtbot.keyClick(window, "Z", Qt.KeyboardModifier.ControlModifier)
    apart = stored(project_path)
    assert [s.label for s in apart.sources] == [OFFICIALS, BRANDT]
    assert labels_linked(apart, fourth) == [BRANDT]
    assert status(window).startswith("Undone: Merged")
    qtbot.keyClick(window, "Z", CTRL_SHIFT)
    assert stored(project_path) == merged
    assert [s.label for s, _ in window.sources.panel.model.rows if not _] == [OFFICIALS]


def test_a_link_survives_undo_and_redo(qtbot, open_window, project_path):
    window = on_the_harbour_article(qtbot, open_window)
    fourth = press_at(qtbot, window, 4, "P")
    linked = stored(project_path)
    qtbot.keyClick(window, "Z", Qt.KeyboardModifier.ControlModifier)
    assert stored(project_path) == SourceList()
    assert window.sources.actions.mine == SourceList()
    qtbot.keyClick(window, "Z", CTRL_SHIFT)
    assert stored(project_path) == linked
    assert labels_linked(stored(project_path), fourth) == [BRANDT]
    assert status(window).startswith("Redone: ")


def test_split_takes_this_sentences_mentions_apart(qtbot, open_window, project_path):
    window = on_the_harbour_article(qtbot, open_window)
    fourth = press_at(qtbot, window, 4, "P")
    fifth = go_to(window, 5)
    qtbot.keyClick(window, "K", CTRL_SHIFT)  # the claim's source of sentence 5: Brandt
    mine = stored(project_path)
    assert [s.label for s in mine.sources] == [BRANDT, "She"]
    assert labels_linked(mine, fourth) == [BRANDT]
    assert labels_linked(mine, fifth) == ["She"]
    assert [m.unit_id for m in mine.source(mine.links[fifth][0]).mentions] == [fifth]


def test_x_unlinks_and_a_key_with_the_focus_astray_writes_nothing(qtbot, open_window, project_path):
    window = on_the_harbour_article(qtbot, open_window)
    second = go_to(window, 2)
    window.unfinished_only.setFocus()
    qtbot.waitUntil(window.unfinished_only.hasFocus)
    qtbot.keyClick(window.unfinished_only, "P")
    assert stored(project_path) == SourceList()
    assert "Not changed" in status(window)
    go_to(window, 2)
    qtbot.keyClick(window, "P")
    assert labels_linked(stored(project_path), second) == [OFFICIALS]
    qtbot.keyClick(window, "X")
    assert labels_linked(stored(project_path), second) == []
    assert "Unlinked sentence 2" in status(window)


def test_rename_in_place_and_a_source_field_coded_in_the_panel(qtbot, open_window, project_path):
    window = on_the_harbour_article(qtbot, open_window)
    press_at(qtbot, window, 4, "P")
    qtbot.keyClick(window, "O", CTRL_SHIFT)  # into the table, on the first source
    table = window.sources.panel.table
    assert table.hasFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window, "E", CTRL_SHIFT)  # the label, edited in place
    editor = window.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "Ilse Brandt")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits an edit on the next turn
    qtbot.waitUntil(lambda: "Renamed" in status(window))
    assert [s.label for s in stored(project_path).sources] == ["Ilse Brandt"]
    model = window.sources.panel.model
    column = 3 + [f.key for f in model.fields].index("named_or_anonymous")
    table.setCurrentIndex(model.index(0, column))
    qtbot.keyClick(table, Qt.Key.Key_Return)  # its categories to choose from
    box = window.focusWidget()
    qtbot.keyClick(box, "N")  # the first category starting with N: Named
    assert box.currentData() == "named"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert stored(project_path).sources[0].codes == {"named_or_anonymous": "named"}
    qtbot.keyClick(window, "Z", Qt.KeyboardModifier.ControlModifier)
    assert stored(project_path).sources[0].codes == {}


def test_no_two_actions_share_a_key_and_the_source_keys_are_listed(qtbot, open_window):
    from PySide6.QtGui import QAction, QKeySequence

    window = open_window()
    keys = [
        s.toString(QKeySequence.SequenceFormat.NativeText)
        for a in window.findChildren(QAction)
        for s in a.shortcuts()
    ]
    assert len(keys) == len(set(keys))
    routed = set(window.sources.keys.values())
    assert routed == set("PLSMCOX")
    assert not routed & set(window.project.codebook.shortcuts)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    text = window.cheat_sheet.browser.toPlainText()
    assert "Link to the proposed source" in text and "Ctrl+Shift+G" in text


def test_enter_takes_a_proposal_in_m_adds_a_mention_and_a_source_is_removed(
    qtbot, open_window, project_path
):
    window = on_the_harbour_article(qtbot, open_window)
    fourth = go_to(window, 4)
    qtbot.keyClick(window, "O", CTRL_SHIFT)
    table, model = window.sources.panel.table, window.sources.panel.model
    row = next(r for r, (s, proposed) in enumerate(model.rows) if s.label == BRANDT)
    table.selectRow(row)
    qtbot.keyClick(table, Qt.Key.Key_Return)  # a proposal: taken in, with its links
    mine = stored(project_path)
    assert [s.label for s in mine.sources] == [BRANDT]
    assert labels_linked(mine, fourth) == [BRANDT]
    go_to(window, 4)
    qtbot.keyClick(window, "U", CTRL_SHIFT)
    select_words(window, "Ilse Brandt")
    qtbot.keyClick(window.sources.panel.words, "M")  # a mention of the claim's source
    start = window.sources.actions.spans[fourth].start
    text = window.sources.panel.words.toPlainText()
    at = start + text.index("Ilse Brandt")
    assert (fourth, at, at + len("Ilse Brandt")) in {
        (m.unit_id, m.start, m.end) for m in stored(project_path).sources[0].mentions
    }
    assert len(stored(project_path).sources[0].mentions) == 3
    select_rows(window, [BRANDT])
    qtbot.keyClick(window, "X", CTRL_SHIFT)
    assert stored(project_path) == SourceList()
    assert "Removed the source" in status(window)


@pytest.mark.postgres
def test_the_source_keys_work_from_a_coders_role_on_a_team_project(
    qtbot,
    team_project,  # noqa: F811
    clean_settings,
):
    """Row-level security hides the suggester's stored list from a coder: the window
    works out the proposal itself, and her edits and their undo pass her policies."""
    from annotator.ui.main_window import MainWindow

    url, names = team_project
    alice = names["alice"]
    mine = as_role(url, alice)

    def open_as_alice():
        window = MainWindow(Project.open(mine), alice, clean_settings)
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        qtbot.waitUntil(lambda: window.is_loaded)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    window = on_the_harbour_article(qtbot, open_as_alice)
    try:
        fourth = press_at(qtbot, window, 4, "P")
        assert labels_linked(stored(mine, alice), fourth) == [BRANDT]
        qtbot.keyClick(window, "Z", Qt.KeyboardModifier.ControlModifier)
        assert stored(mine, alice) == SourceList()
    finally:
        window.close()
        window.project.close()
