"""Undo never overwrites a code that another window or program set since (issue 12).

The other program is a real `annotator code` process on the same file, as a second
window of the same coder or a script would be.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.store.project import Project
from tests.conftest import run_annotator
from tests.ui.conftest import stored_codes

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


def code_elsewhere(path, coder: str, unit_id: int, assignment: str) -> None:
    with Project.open(path) as project:
        key = next(u.key for u in list_units(project) if u.id == unit_id)
    done = run_annotator("code", str(path), "--coder", coder, key, assignment)
    assert done.returncode == 0, done.stderr


def test_undo_refuses_when_the_code_changed_elsewhere_and_keeps_the_stack(
    qtbot, open_window, project_path
):
    window = open_window()
    unit = window.controller.units.unit(window.controller.current_row())
    said: list[str] = []
    window.operations.failed.connect(said.append)
    qtbot.keyClick(window, "1")  # named_person
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "named_person"}
    code_elsewhere(project_path, "alice", unit.id, "attribution=unattributed")
    stack = window.operations.undo_stack
    index = stack.index()
    qtbot.keyClick(window, "z", CTRL)
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "unattributed"}
    assert stack.index() == index and stack.canUndo()
    assert said and "Cannot undo" in said[-1] and "unattributed" in said[-1]
    with Project.open(project_path) as project:
        origins = [row.origin for row in coding.unit_history(project, unit.id)]
    assert origins == ["manual", "command line"]  # no undo row was written


def test_redo_refuses_when_the_code_changed_elsewhere(qtbot, open_window, project_path):
    window = open_window()
    unit = window.controller.units.unit(window.controller.current_row())
    qtbot.keyClick(window, "1")
    qtbot.keyClick(window, "z", CTRL)
    assert unit.id not in stored_codes(project_path, "alice")
    code_elsewhere(project_path, "alice", unit.id, "attribution=anonymous_vague")
    index = window.operations.undo_stack.index()
    qtbot.keyClick(window, "z", CTRL_SHIFT)
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "anonymous_vague"}
    assert window.operations.undo_stack.index() == index


def test_undo_still_works_when_nothing_changed_elsewhere(qtbot, open_window, project_path):
    window = open_window()
    unit = window.controller.units.unit(window.controller.current_row())
    qtbot.keyClick(window, "1")
    code_elsewhere(project_path, "alice", unit.id, "confidence=high")  # another field
    qtbot.keyClick(window, "z", CTRL)
    assert stored_codes(project_path, "alice")[unit.id] == {"confidence": "high"}
