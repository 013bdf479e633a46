"""File > Merge in the coding window: another coder's separately imported project file is
merged in through the dialog, and the project file then holds that coder's codes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_summaries, article_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.location import Location, display_location
from annotator.core.store.project import Project
from annotator.ui.merge_dialog import MergeReportModel, MergeTableModel
from tests.ui.test_review_data import SAMPLE_TEXTS, build_review_project, sentence_ids
from tests.ui.test_screenshot import DOCS, assert_not_blank


def identities(project: Project) -> dict[int, tuple[str, int]]:
    """unit id -> (article key, unit index): what lines units up across two files."""
    return {
        unit.id: (article.key, unit.idx)
        for article in article_summaries(project, "nobody")
        for unit in article_units(project, article.id)
    }


def codes_by_identity(path: Location, coder: str) -> dict[tuple[str, int], dict[str, str]]:
    with Project.open(path) as project:
        where = identities(project)
        return {where[unit]: codes for unit, codes in coding.coder_codes(project, coder).items()}


@pytest.fixture
def target(project_location) -> Location:
    """The project merged into: a file, or on a server run a server database."""
    path = project_location("review.annotator")
    build_review_project(path, coders=("alice", "bob"))
    return path


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """dave's own file: the sample articles imported in another order, half of them coded,
    and alice's code on one sentence changed there later than in the target."""
    path = tmp_path / "dave.annotator"
    time.sleep(0.01)  # alice's change below is newer than her code in the target
    with Project.create(path, bundled_codebook()) as project:
        assert not import_paths(project, list(reversed(SAMPLE_TEXTS))).failures
        units = sentence_ids(project)
        for unit_id in units[: len(units) // 2]:
            coding.apply_codes(
                project,
                "dave",
                unit_id,
                {"attribution": "anonymous_vague", "claim_type": "fact", "confidence": "low"},
            )
        coding.apply_codes(project, "alice", units[0], {"confidence": "low"})
    return path


def test_merge_brings_in_the_other_coders_codes(qtbot, open_window, target, source):
    window = open_window("alice", target)
    action = next(a for a in window.findChildren(QAction) if a.text() == "Merge coders' projects…")
    action.trigger()
    dialog = window.dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.accept_changes.setFocus()
    qtbot.keyClick(dialog.accept_changes, Qt.Key.Key_Space)  # let alice's newer code in
    assert dialog.accept_changes.isChecked()
    dialog.add_sources([source])
    qtbot.waitUntil(dialog.merge_button.isEnabled, timeout=20000)  # the preview is in
    with qtbot.waitSignal(dialog.merged, timeout=20000) as merged:
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    (report,) = merged.args[0]
    assert report.coders_added == ["dave"]
    assert codes_by_identity(target, "dave") == codes_by_identity(source, "dave")
    assert len(codes_by_identity(target, "dave")) > 5
    # alice changed one code in dave's file later: the newer one won, and the report says so
    assert len(report.conflicts) == 1 and report.conflicts[0].kept == "source"
    conflict = report.conflicts[0]
    alice = codes_by_identity(target, "alice")
    key = conflict.unit.rsplit("#", 1)
    assert alice[(key[0], int(key[1]))]["confidence"] == "low"
    model = dialog.report_model
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == "conflict"
    assert "dave" in dialog.summary.text() and "1 conflict(s)" in dialog.summary.text()
    assert dialog.sources.stringList() == []  # merged files leave the list
    assert window.operations.undo_stack.count() == 0


def test_merge_refreshes_an_open_review_window(qtbot, open_window, target, source):
    from tests.ui.test_review_data import enter_review, wait_idle

    window = open_window("alice", target)
    review = enter_review(qtbot, window)
    assert review.coders.names() == ["alice", "bob"]
    window.merge_projects()
    dialog = window.dialog
    dialog.add_sources([source])
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        dialog.merge()
    wait_idle(qtbot, review)
    assert review.coders.names() == ["alice", "bob", "dave"]
    assert "dave" in review.disagreements.model.coders


def test_a_refused_merge_says_why(qtbot, open_window, target, tmp_path):
    window = open_window("alice", target)
    window.merge_projects()
    dialog = window.dialog
    dialog.add_sources([target])  # the project itself
    dialog.merge()
    qtbot.waitUntil(lambda: not dialog.runner.busy and dialog.run is not None, timeout=20000)
    assert "refused" in dialog.summary.text()
    assert "target project itself" in dialog.summary.text()


def test_report_model_passes_the_model_tester(qtmodeltester, qtbot, open_window, target, source):
    window = open_window("alice", target)
    window.merge_projects()
    dialog = window.dialog
    dialog.add_sources([source])
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        dialog.merge()
    qtmodeltester.check(dialog.report_model)
    qtmodeltester.check(dialog.table_model)
    qtmodeltester.check(MergeReportModel())
    qtmodeltester.check(MergeTableModel())


@pytest.mark.postgres
def test_merge_from_a_server_project_by_its_url(qtbot, open_window, target, new_database):
    with Project.create(new_database, bundled_codebook()) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
        for unit_id in sentence_ids(project)[:3]:
            coding.apply_codes(project, "erin", unit_id, {"attribution": "unattributed"})
        where = identities(project)
        expected = {where[u]: c for u, c in coding.coder_codes(project, "erin").items()}
    window = open_window("alice", target)
    window.merge_projects()
    dialog = window.dialog
    assert not dialog.add_server_source("db.example.org/border")  # not a URL: said, not added
    assert "not a server URL" in dialog.summary.text()
    assert dialog.add_server_source(new_database)
    qtbot.waitUntil(dialog.merge_button.isEnabled, timeout=20000)  # the preview is in
    (row,) = table_rows(dialog.table_model)
    assert row[:3] == (display_location(new_database), "erin (new)", "3")
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert codes_by_identity(target, "erin") == expected
    assert dialog.sources.stringList() == []  # merged sources leave the list
    assert table_rows(dialog.table_model) == [row]
    assert dialog.summary.text().startswith("Merged 1 file(s)")


def table_rows(model) -> list[tuple[str, ...]]:
    return [
        tuple(model.index(row, column).data() for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


def test_the_preview_table_comes_first_and_enter_merges_what_it_said(
    qtbot, open_window, target, source
):
    """Issue 17: adding a file shows, before anything is written, a table of what merging
    it will do (a row per coder: units, new articles, new and changed codes, conflicts,
    skipped); Enter (the default button) merges, and the table then shows the same rows."""
    window = open_window("alice", target)
    window.merge_projects()
    dialog = window.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.merge_button.isEnabled()  # nothing to merge yet
    dialog.add_sources([source])
    qtbot.waitUntil(dialog.merge_button.isEnabled, timeout=20000)
    preview = table_rows(dialog.table_model)
    with Project.open(source) as project:
        dave_units = len(coding.coder_codes(project, "dave"))
    assert [row[:3] for row in preview] == [
        ("dave.annotator", "alice", "1"),
        ("dave.annotator", "dave (new)", str(dave_units)),
    ]
    alice, dave = preview
    # columns: source, coder, units, new articles, new codes, changed, conflicts, skipped
    assert alice[3:] == ("0", "0", "0", "1", "0")  # one conflict, the change held back
    assert dave[4] == str(dave_units * 3) and dave[5:] == ("0", "0", "0")
    assert "Nothing is written until you press Merge" in dialog.summary.text()
    assert codes_by_identity(target, "dave") == {}  # the preview wrote nothing
    assert table_rows(dialog.report_model)[0][1] == "conflict"  # the conflict, listed ahead

    dialog.merge_button.setFocus()
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        qtbot.keyClick(dialog.merge_button, Qt.Key.Key_Return)
    assert codes_by_identity(target, "dave") == codes_by_identity(source, "dave")
    assert table_rows(dialog.table_model) == preview  # done as previewed
    assert dialog.table_title.text().startswith("What the merge did")
    assert dialog.summary.text().startswith("Merged 1 file(s)")


def test_a_refused_file_is_shown_in_the_preview_and_merge_stays_off(
    qtbot, open_window, target, source
):
    window = open_window("alice", target)
    window.merge_projects()
    dialog = window.dialog
    dialog.add_sources([target])  # the project itself
    qtbot.waitUntil(lambda: dialog.previewed is not None, timeout=20000)
    assert "refused" in dialog.summary.text() and not dialog.merge_button.isEnabled()
    dialog.source_list.selectAll()
    qtbot.mouseClick(
        next(b for b in dialog.findChildren(QPushButton) if b.text() == "Remove"),
        Qt.MouseButton.LeftButton,
    )
    dialog.add_sources([source])
    qtbot.waitUntil(dialog.merge_button.isEnabled, timeout=20000)
    assert {row[0] for row in table_rows(dialog.table_model)} == {"dave.annotator"}


def test_render_the_merge_preview(qtbot, open_window, target, source, tmp_path):
    """The merge dialog with its preview table; with ANNOTATOR_SCREENSHOT set, saved as
    docs/merge-preview.png for the README."""
    window = open_window("alice", target)
    window.merge_projects()
    dialog = window.dialog
    dialog.resize(960, 640)
    dialog.add_sources([source])
    qtbot.waitUntil(dialog.merge_button.isEnabled, timeout=20000)
    image = dialog.grab().toImage()
    assert_not_blank(image)
    image.save(str(tmp_path / "merge-preview.png"))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        assert image.save(str(DOCS / "merge-preview.png"))


def test_changes_to_held_codes_wait_for_the_checkbox(qtbot, open_window, target, source):
    """Issue 21: a file's newer code for a unit this project's coder already coded is
    listed, not taken, until the supervisor ticks the box in the preview."""
    before = codes_by_identity(target, "alice")
    window = open_window("alice", target)
    window.merge_projects()
    dialog = window.dialog
    dialog.add_sources([source])
    qtbot.waitUntil(dialog.merge_button.isEnabled, timeout=20000)
    assert "left out" in dialog.summary.text()
    assert "file's is newer" in table_rows(dialog.report_model)[0][-1]
    with qtbot.waitSignal(dialog.merged, timeout=20000) as merged:
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    (report,) = merged.args[0]
    assert [c.kept for c in report.conflicts] == ["held"]
    assert codes_by_identity(target, "alice") == before
    assert codes_by_identity(target, "dave") == codes_by_identity(source, "dave")


def test_a_file_with_a_passphrase_is_merged_only_with_it(
    qtbot, open_window, target, source, monkeypatch
):
    from annotator.core.supervision.passphrase import set_supervisor_passphrase

    with Project.open(source) as project:
        set_supervisor_passphrase(project, "dave's secret")
    window = open_window("alice", target)
    window.merge_projects()
    dialog = window.dialog
    dialog.add_sources([source])
    qtbot.waitUntil(lambda: dialog.previewed is not None, timeout=20000)
    assert "give its passphrase" in dialog.summary.text()
    assert not dialog.merge_button.isEnabled()
    dialog.passphrase.setFocus()
    qtbot.keyClicks(dialog.passphrase, "wrong")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "wrong supervisor passphrase" in dialog.summary.text(), timeout=20000)
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, "dave's secret")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.merge_button.isEnabled, timeout=20000)
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert codes_by_identity(target, "dave") == codes_by_identity(source, "dave")
