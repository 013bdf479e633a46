"""A coder's window shows no other coder's codes without the supervisor passphrase:
File > Export and File > Merge ask for it where one is set, once per window (issue 14)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.store.project import Project
from annotator.core.supervision.passphrase import set_supervisor_passphrase
from annotator.ui.export_dialog import ExportDialog
from annotator.ui.merge_dialog import MergeDialog
from annotator.ui.review.gate import SupervisorGate
from tests.ui.test_review_data import build_review_project

PASSPHRASE = "harbour lights"


@pytest.fixture
def guarded(project_location):
    path = project_location("guarded.annotator")
    build_review_project(path)
    with Project.open(path) as project:
        set_supervisor_passphrase(project, PASSPHRASE)
    return path


def test_export_asks_for_the_passphrase_and_refuses_a_wrong_one(qtbot, open_window, guarded):
    window = open_window("alice", guarded)
    qtbot.keyClick(window, "e", Qt.KeyboardModifier.ControlModifier)
    gate = window.dialog
    assert isinstance(gate, SupervisorGate) and gate.needs_passphrase
    qtbot.waitUntil(gate.isVisible)
    qtbot.keyClicks(gate.passphrase, "guess")
    qtbot.keyClick(gate.passphrase, Qt.Key.Key_Return)
    assert window.dialog is gate and gate.isVisible() and gate.problem.isVisible()
    gate.passphrase.clear()
    qtbot.keyClicks(gate.passphrase, PASSPHRASE)
    qtbot.keyClick(gate.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.dialog, ExportDialog))
    qtbot.waitUntil(window.dialog.isVisible)
    window.dialog.reject()
    window.merge_projects()  # unlocked once: this window does not ask again
    assert isinstance(window.dialog, MergeDialog)


def test_without_the_passphrase_no_export_dialog_opens(qtbot, open_window, guarded):
    window = open_window("alice", guarded)
    window.merge_projects()
    gate = window.dialog
    assert isinstance(gate, SupervisorGate)
    qtbot.waitUntil(gate.isVisible)
    gate.reject()
    assert not isinstance(window.dialog, MergeDialog) and not window.supervisor_unlocked
