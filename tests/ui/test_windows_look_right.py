"""Things that looked wrong (issue 28): the reader after a merge into a new project, the
coders' notes in the disagreement view, closing during an import and its progress bar,
files of other types said when chosen, windows on one project that follow each other and
do not open on top of each other, undo that says what it undid, and the source highlight
on the selected row. Driven through the real windows and checked against the project."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QFileDialog

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_summaries
from annotator.core.ingest import into_project
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.ui import project_changes, theme
from tests.ui.conftest import SAMPLE_TEXTS, stored_codes
from tests.ui.test_keyboard_coding import current_unit, press
from tests.ui.test_review_data import build_review_project, enter_review, wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier


def test_after_a_merge_into_a_new_project_the_reader_shows_the_article(
    qtbot, open_window, tmp_path, project_location
):
    target = project_location("new.annotator")
    Project.create(target, bundled_codebook()).close()  # a new project: no articles
    source = tmp_path / "dave.annotator"
    with Project.create(source, bundled_codebook()) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
    window = open_window("alice", target)
    assert window.reader_stack.currentWidget() is window.empty_page
    press(qtbot, window, Qt.Key.Key_M, CTRL)  # File > Merge coders' projects
    dialog = window.dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.add_sources([source])
    qtbot.waitUntil(dialog.merge_button.isEnabled, timeout=20000)
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert window.controller.articles.rowCount() == 3
    assert window.reader_stack.currentWidget() is window.reader
    unit = current_unit(window)
    press(qtbot, window, "1")
    assert stored_codes(target, "alice") == {unit.id: {"attribution": "named_person"}}


def test_the_disagreement_view_shows_the_coders_notes(qtbot, open_window, project_location):
    path = project_location("notes.annotator")
    build_review_project(path)
    review = enter_review(qtbot, open_window("alice", path))
    tab = review.disagreements
    review.show_disagreements()
    first = tab.current()
    with Project.open(path) as project:
        coding.set_note(project, "bob", first.unit_id, "unsure about source")
    review.reload()
    wait_idle(qtbot, review)
    assert tab.current().unit_id == first.unit_id
    assert tab.panel.coder_notes.isVisible()
    assert "2 bob:</b> unsure about source" in tab.panel.coder_notes.text()


@pytest.fixture
def held_import(monkeypatch):
    """Files are read only once the test lets them: an import the test holds in the middle
    of its first file, as a long one would be."""
    go_on = threading.Event()
    read = into_project.read_file

    def held(path, *args, **kwargs):
        assert go_on.wait(30), "the test never let the import go on"
        return read(path, *args, **kwargs)

    monkeypatch.setattr(into_project, "read_file", held)
    yield go_on
    go_on.set()


def article_keys(path) -> list[str]:
    with Project.open(path) as project:
        return [a.key for a in article_summaries(project, "nobody")]


def three_new_files(tmp_path: Path) -> list[str]:
    paths = []
    for name in ("ferry", "tunnel", "bridge"):
        path = tmp_path / f"{name}.txt"
        path.write_text(f"The {name} plan\n\nThe minister said the {name} would open.\n")
        paths.append(str(path))
    return paths


def test_closing_during_an_import_offers_to_stop_it(
    qtbot, open_window, project_path, tmp_path, held_import, monkeypatch
):
    window = open_window()
    asked = []
    monkeypatch.setattr(window, "confirm_stopping_import", lambda: asked.append(1) or False)
    assert window.import_paths(three_new_files(tmp_path))
    qtbot.waitUntil(lambda: window.importer.runner.label.startswith("Importing ferry.txt"))
    window.close()  # asked, and told to keep importing: the window stays
    assert asked == [1] and window.isVisible()

    def stop_and_let_the_file_finish() -> bool:
        asked.append(2)
        held_import.set()  # the file being read goes in; the rest are not read
        return True

    monkeypatch.setattr(window, "confirm_stopping_import", stop_and_let_the_file_finish)
    window.close()
    assert asked == [1, 2] and not window.isVisible()
    keys = article_keys(project_path)
    assert "ferry" in keys and "tunnel" not in keys and "bridge" not in keys


def test_the_import_bar_is_busy_until_a_file_is_done_then_counts_files(
    qtbot, open_window, tmp_path, monkeypatch
):
    """Each file is read only when the test lets it, so the bar is seen in each state (on a
    busy machine the second and third files once went by before the test could look)."""
    gates = {name: threading.Event() for name in ("ferry.txt", "tunnel.txt", "bridge.txt")}
    read = into_project.read_file

    def held(path, *args, **kwargs):
        assert gates[Path(path).name].wait(30), "the test never let the import go on"
        return read(path, *args, **kwargs)

    monkeypatch.setattr(into_project, "read_file", held)
    window = open_window()
    assert window.import_paths(three_new_files(tmp_path))
    runner = window.importer.runner
    qtbot.waitUntil(lambda: runner.label == "Importing ferry.txt (file 1 of 3)…")
    dialog = runner.dialog
    assert (dialog.minimum(), dialog.maximum()) == (0, 0)  # busy: no 0% while reading
    gates["ferry.txt"].set()
    qtbot.waitUntil(lambda: runner.label.startswith("Importing tunnel.txt (file 2 of 3)"))
    assert runner.dialog.maximum() == 3  # one file done: now it counts files
    gates["tunnel.txt"].set()
    gates["bridge.txt"].set()
    qtbot.waitUntil(lambda: not window.importer.busy, timeout=20000)


def test_a_single_file_shows_a_busy_bar_not_100_percent(qtbot, open_window, tmp_path, held_import):
    window = open_window()
    assert window.import_paths(three_new_files(tmp_path)[:1])
    runner = window.importer.runner
    qtbot.waitUntil(lambda: runner.label == "Importing ferry.txt…")
    assert (runner.dialog.minimum(), runner.dialog.maximum()) == (0, 0)
    held_import.set()
    qtbot.waitUntil(lambda: not window.importer.busy, timeout=20000)


def test_files_of_other_types_are_named_from_the_dialog_and_from_a_folder(
    qtbot, open_window, tmp_path, monkeypatch
):
    folder = tmp_path / "clippings"
    folder.mkdir()
    (folder / "minutes.odt").write_bytes(b"PK\x03\x04 invented")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / ".DS_Store").write_bytes(b"\0")  # hidden: not worth a word
    (folder / "ferry.txt").write_text("Ferry\n\nThe minister said it would sail.\n")
    window = open_window()
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        lambda *_a, **_k: ([str(folder / "minutes.odt"), str(folder / "ferry.txt")], ""),
    )
    window.import_files()
    qtbot.waitUntil(lambda: not window.importer.busy, timeout=20000)
    assert "minutes.odt: unsupported file type (.odt)" in window.importer.report_box.detailedText()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(folder))
    window.import_folder()
    qtbot.waitUntil(lambda: not window.importer.busy, timeout=20000)
    said = window.importer.report_box.detailedText()
    assert "clippings: 2 file(s) skipped, not a supported type (minutes.odt, photo.png)" in said
    assert "DS_Store" not in said


def test_a_second_window_of_the_same_coder_follows_the_first(qtbot, open_window, project_path):
    first = open_window()
    second = open_window()
    assert second.pos() != first.pos()  # not exactly on top of the first
    unit = current_unit(first)
    assert current_unit(second).id == unit.id
    first.activateWindow()
    qtbot.waitUntil(first.isActiveWindow)
    press(qtbot, first, "3")
    assert stored_codes(project_path, "alice") == {unit.id: {"attribution": "anonymous_specific"}}
    assert second.controller.units.codes(unit.id) == {"attribution": "anonymous_specific"}
    assert second.panel.checked_codes() == {"attribution": "anonymous_specific"}


def test_the_review_window_hears_a_coding_window_at_once(qtbot, open_window, project_location):
    path = project_location("live.annotator")
    build_review_project(path)
    window = open_window("alice", path)
    review = enter_review(qtbot, window)
    review.live_timer.stop()  # no poll: only the announcement can tell it
    stamp = review._stamp
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    press(qtbot, window, Qt.Key.Key_Delete)  # alice clears a unit she coded
    assert review._stamp != stamp
    wait_idle(qtbot, review)


def test_a_coding_window_picks_up_another_programs_codes(
    qtbot, open_window, project_path, monkeypatch
):
    monkeypatch.setattr(project_changes.OutsideChanges, "POLL_MS", 50)
    window = open_window()
    unit = current_unit(window)
    with Project.open(project_path) as elsewhere:  # another program: its own connection
        coding.apply_codes(elsewhere, "alice", unit.id, {"claim_type": "prediction"})
    qtbot.waitUntil(lambda: window.panel.checked_codes() == {"claim_type": "prediction"})
    assert window.controller.units.codes(unit.id) == {"claim_type": "prediction"}


def test_undo_says_what_it_undid(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    press(qtbot, window, "8")
    press(qtbot, window, "7")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert window.statusBar().currentMessage() == "Undone: Confidence: Medium → Low"
    assert stored_codes(project_path, "alice")[unit.id] == {"confidence": "medium"}
    press(qtbot, window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.statusBar().currentMessage() == "Redone: Confidence: Medium → Low"
    assert stored_codes(project_path, "alice")[unit.id] == {"confidence": "low"}


NESTED = "The mayor said the council chair told aides that the plan would fail."


def nested_article(tmp_path: Path) -> Path:
    path = tmp_path / "harbour-talks.txt"
    path.write_text(f"Harbour talks\n\n{NESTED}\n", encoding="utf-8")
    return path


def test_where_cues_overlap_the_highlight_is_on_the_right_words(qtbot, open_window, tmp_path):
    from tests.ui.test_suggestions_window import highlighted

    window = open_window()
    assert window.import_paths([str(nested_article(tmp_path))])
    qtbot.waitUntil(lambda: not window.importer.busy, timeout=20000)
    row = next(
        r
        for r in range(window.controller.articles.rowCount())
        if window.controller.articles.summary(r).key == "harbour-talks"
    )
    window.controller.open_article(window.controller.articles.summary(row).id)
    qtbot.waitUntil(lambda: not window.suggestions.pending)
    unit = current_unit(window)
    assert unit.text == NESTED
    assert highlighted(window, unit) == [("source", "The mayor"), ("cue", "said")]


def distance(a: QColor, b: QColor) -> int:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()))


def test_the_source_stands_out_on_the_selected_row(qtbot, open_window, tmp_path):
    """Rendered twice, with and without its highlight: where the plain render shows the
    selected row's fill, the highlighted one shows the source colour, clearly apart."""
    window = open_window()
    assert window.import_paths([str(nested_article(tmp_path))])
    qtbot.waitUntil(lambda: not window.importer.busy, timeout=20000)
    last = window.controller.articles.rowCount() - 1
    window.controller.open_article(window.controller.articles.summary(last).id)
    qtbot.waitUntil(lambda: not window.suggestions.pending)
    reader, delegate = window.reader, window.reader.unit_delegate
    row = window.controller.current_row()
    assert [kind for *_, kind in delegate.highlights[row]] == ["source", "cue"]
    rect = reader.visualRect(reader.currentIndex())
    highlighted_image = reader.viewport().grab(rect).toImage()
    kept, delegate.highlights = delegate.highlights, {}
    plain_image = reader.viewport().grab(rect).toImage()
    delegate.highlights = kept
    fill = plain_image.pixelColor(delegate.TEXT_LEFT - 3, rect.height() - 3)
    source_width = reader.fontMetrics().horizontalAdvance("The mayor")
    seen = [
        highlighted_image.pixelColor(x, y)
        for x in range(delegate.TEXT_LEFT + 2, delegate.TEXT_LEFT + source_width - 2)
        for y in range(rect.height() // 2)
        if plain_image.pixelColor(x, y) == fill
    ]
    shown = [c for c in seen if c != fill]
    assert len(shown) > len(seen) // 2  # the source is highlighted where nothing is written
    assert min(distance(c, fill) for c in shown) >= 60, (fill.name(), shown[0].name())
    assert theme.cue_color("source").alpha() == 255


def test_a_second_window_on_another_project_opens_beside_the_first(
    qtbot, open_window, project_location, project_path
):
    other = project_location("other.annotator")
    with Project.create(other, bundled_codebook()) as project:
        import_paths(project, SAMPLE_TEXTS[:1])
    first = open_window()
    action = next(a for a in first.findChildren(QAction) if a.text() == "Merge coders' projects…")
    assert action.shortcut().toString() == "Ctrl+M"
    second = open_window("bob", other)
    assert second.pos() != first.pos()


@pytest.mark.parametrize("size", [(1024, 700), (1366, 768), (1920, 1080)])
def test_the_coding_panel_fits_without_scrolling(qtbot, open_window, size):
    """Every field of the default codebook and the note, on a unit with a suggestion (the
    panel's tallest state), without the panel scrolling."""
    from tests.ui.test_suggestions_window import go_to

    window = open_window()
    window.resize(*size)
    go_to(qtbot, window, "harbor-deal#4")
    qtbot.waitUntil(window.panel.suggestion_label.isVisible)
    scroll = window.side_panes["panel"]
    qtbot.waitUntil(lambda: scroll.viewport().height() < size[1] - 40)  # laid out at size
    assert scroll.verticalScrollBar().maximum() == 0
    note = window.panel.note
    bottom = note.mapTo(scroll.viewport(), note.rect().bottomLeft()).y()
    assert bottom <= scroll.viewport().height()
    assert note.height() >= 3 * note.fontMetrics().lineSpacing()
