"""The export dialogs refuse an output that would replace the project (issue 21): File >
Export and the review window's agreement tables and HTML report."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_review_data import build_review_project, enter_review


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "review.annotator"
    build_review_project(path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_file_export_refuses_the_project_itself(qtbot, open_window, project_file):
    window = open_window("alice", project_file)
    qtbot.keyClick(window, "e", Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    qtbot.waitUntil(dialog.isVisible)
    before = _digest(project_file)
    for output in (project_file, Path(f"{project_file}-wal")):
        dialog.path.clear()
        qtbot.keyClicks(dialog.path, str(output))
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert "choose another output file" in dialog.status.text()
        assert str(output) in dialog.status.text()
        assert not dialog.runner.busy
    assert _digest(project_file) == before


def test_review_exports_refuse_the_project_itself(qtbot, open_window, project_file):
    window = open_window("alice", project_file)
    review = enter_review(qtbot, window)
    before = _digest(project_file)
    assert not review.export_agreement_tables(str(project_file))
    assert "choose another output file" in review.statusBar().currentMessage()
    backup = project_file.with_name(f"{project_file.name}.backups") / "x.annotator"
    assert not review.export_html_report(str(backup))
    assert "backups" in review.statusBar().currentMessage()
    assert _digest(project_file) == before
