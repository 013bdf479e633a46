"""File > Merge in the coding window: another coder's separately imported project file is
merged in through the dialog, and the project file then holds that coder's codes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_summaries, article_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.location import Location, display_location
from annotator.core.store.project import Project
from annotator.ui.merge_dialog import MergeReportModel
from tests.ui.test_review_data import SAMPLE_TEXTS, build_review_project, sentence_ids


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
    dialog.add_sources([source])
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
    qtmodeltester.check(MergeReportModel())


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
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert codes_by_identity(target, "erin") == expected
    assert dialog.sources.stringList() == []  # merged sources leave the list
    assert dialog.summary.text().startswith(display_location(new_database) + ": ")
